import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import type { Table } from '../../src/core/table.js';
import { CREDIT_COLUMNS, CREDIT_PAY_ORDER } from '../../src/data/datasets/credit-default.js';
import { loadDataset } from '../../src/data/registry.js';
import { MIRROR, crossCounts, expectChecksumMismatch, labelCounts, numericSum, roleColumns } from './dataset-helpers.js';

const FILE = 'default_of_credit_card_clients.csv';

describe('credit-default dataset (from the offline mirror)', () => {
  let table: Table;

  beforeAll(async () => {
    const r = await loadDataset('credit-default', { dataDir: MIRROR, download: false, env: {} });
    expect(r.source).toBe('mirror');
    table = r.table;
  });

  it('has 30,000 rows (both header lines skipped, ID dropped) with the documented kinds and roles', () => {
    expect(table.nRows).toBe(30000);
    expect(table.names).toEqual(CREDIT_COLUMNS);
    expect(table.names).not.toContain('ID');
    const kinds = Object.fromEntries(table.schema.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ LIMIT_BAL: 'integer', AGE: 'integer', PAY_0: 'ordinal', PAY_6: 'ordinal', BILL_AMT1: 'integer', PAY_AMT6: 'integer', SEX: 'categorical', default_payment_next_month: 'boolean' });
    expect(table.column('PAY_0').spec.categories).toEqual(CREDIT_PAY_ORDER);
    expect(roleColumns(table, 'target')).toEqual(['default_payment_next_month']);
    expect(roleColumns(table, 'sensitive')).toEqual(['SEX', 'EDUCATION', 'MARRIAGE', 'AGE']);
    expect(roleColumns(table, 'quasi-identifier')).toEqual(['SEX', 'EDUCATION', 'MARRIAGE', 'AGE']);
  });

  it('reproduces counts computed with python csv over the file', () => {
    // 6,636 of 30,000 defaulted (22.12%).
    expect(labelCounts(table, 'default_payment_next_month')).toEqual({ no: 23364, yes: 6636 });
    expect(crossCounts(table, 'SEX', 'default_payment_next_month')).toEqual({ 'female|no': 14349, 'female|yes': 3763, 'male|no': 9015, 'male|yes': 2873 });
    // Undocumented codes are kept as their own labelled categories.
    expect(labelCounts(table, 'EDUCATION')).toMatchObject({ 'undocumented (0)': 14, 'unknown (5)': 280, 'unknown (6)': 51, others: 123 });
    expect(labelCounts(table, 'MARRIAGE')).toMatchObject({ 'undocumented (0)': 54, others: 323 });
    expect(labelCounts(table, 'PAY_0')).toMatchObject({ '-2': 2759, '-1': 5686, '0': 14737, '8': 19 });
    expect(numericSum(table, 'LIMIT_BAL')).toBe(5024529680);
    expect(numericSum(table, 'BILL_AMT1')).toBe(1536699927);
    expect(Math.min(...table.numeric('BILL_AMT1'))).toBe(-165580);
  });

  it('a mirror file with other bytes fails with the one-line checksum error', async () => {
    await expectChecksumMismatch('credit-default', FILE, 'f987aec2784ea6439c2bc1868f246b45e5e6e410165dce25dc132a302924caa1');
  });

  it('never downloads (UCI serves only the .xls): one NOT_FOUND line saying where the CSV goes', async () => {
    let called = 0;
    const fetch = (async () => {
      called++;
      return new Response('xls bytes');
    }) as unknown as typeof globalThis.fetch;
    const dir = mkdtempSync(join(tmpdir(), 'synthbench-cache-'));
    const err = await loadDataset('credit-default', { cacheDir: dir, download: true, fetch, env: {} }).catch((e: unknown) => e);
    expect(called).toBe(0);
    expect(err).toBeInstanceOf(SynthbenchError);
    expect((err as SynthbenchError).code).toBe('NOT_FOUND');
    const msg = (err as SynthbenchError).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain(join(dir, 'credit-default', FILE));
    expect(msg).toContain('cannot be downloaded');
  });
});
