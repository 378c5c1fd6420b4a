import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import type { Table } from '../../src/core/table.js';
import { GERMAN_COLUMNS, GERMAN_EMPLOYMENT_ORDER, germanFromUci } from '../../src/data/datasets/german.js';
import { loadDataset } from '../../src/data/registry.js';
import { MIRROR, crossCounts, expectChecksumMismatch, labelCounts, numericSum, roleColumns } from './dataset-helpers.js';

const SHA = 'a77665800fb25e45da472edeaecb49fe128f73d97bd04bd712cfa8126f332b12';

/** UCI's german.data writes the class as 1/2; the pinned copy as 1/0 (reconstructed here from the mirror). */
function uciVariant(pinned: Buffer): Buffer {
  return Buffer.from(pinned.toString('latin1').replace(/ 0\n/g, ' 2\n'), 'latin1');
}

function fakeFetch(body: Buffer): typeof globalThis.fetch {
  return (async () => new Response(body)) as unknown as typeof globalThis.fetch;
}

describe('german dataset (from the offline mirror)', () => {
  let table: Table;

  beforeAll(async () => {
    const r = await loadDataset('german', { dataDir: MIRROR, download: false, env: {} });
    expect(r.source).toBe('mirror');
    table = r.table;
  });

  it('has 1,000 rows, the documented columns, kinds and roles', () => {
    expect(table.nRows).toBe(1000);
    expect(table.names).toEqual(GERMAN_COLUMNS);
    const kinds = Object.fromEntries(table.schema.columns.map((c) => [c.name, c.kind]));
    for (const c of ['duration_months', 'credit_amount', 'installment_rate', 'residence_since', 'age', 'existing_credits', 'people_liable']) expect(kinds[c]).toBe('integer');
    expect(kinds.employment_since).toBe('ordinal');
    expect(table.column('employment_since').spec.categories).toEqual(GERMAN_EMPLOYMENT_ORDER);
    expect(kinds.telephone).toBe('boolean');
    expect(kinds.foreign_worker).toBe('boolean');
    expect(roleColumns(table, 'target')).toEqual(['credit_risk']);
    expect(roleColumns(table, 'sensitive')).toEqual(['sex', 'age', 'foreign_worker']);
    expect(roleColumns(table, 'quasi-identifier')).toEqual(['sex', 'personal_status', 'age', 'housing', 'job', 'foreign_worker']);
  });

  it('maps the class to good/bad: 700 good, 300 bad (awk \'{print $NF}\' german.data | sort | uniq -c)', () => {
    expect(table.column('credit_risk').spec.categories).toEqual(['good', 'bad']);
    expect(labelCounts(table, 'credit_risk')).toEqual({ good: 700, bad: 300 });
  });

  it('derives sex from attribute 9: A92 is the only female code present (310 rows, 109 bad; awk on $9 and $NF)', () => {
    expect(crossCounts(table, 'sex', 'credit_risk')).toEqual({ 'male|good': 499, 'male|bad': 191, 'female|good': 201, 'female|bad': 109 });
    // A93 548, A92 310, A94 92, A91 50 (awk '{print $9}' german.data | sort | uniq -c).
    expect(labelCounts(table, 'personal_status')).toEqual({ single: 548, 'divorced/separated/married': 310, 'married/widowed': 92, 'divorced/separated': 50 });
  });

  it('reproduces independent facts computed with python over german.data', () => {
    // foreign worker A201 (yes): 667 good + 296 bad; A202 (no): 33 good + 4 bad.
    expect(crossCounts(table, 'foreign_worker', 'credit_risk')).toEqual({ 'yes|good': 667, 'yes|bad': 296, 'no|good': 33, 'no|bad': 4 });
    expect(numericSum(table, 'age')).toBe(35546);
    expect(numericSum(table, 'credit_amount')).toBe(3271258);
    expect(numericSum(table, 'duration_months')).toBe(20903);
    const age = table.numeric('age');
    const risk = table.codes('credit_risk');
    let young = 0;
    let youngBad = 0;
    for (let i = 0; i < table.nRows; i++) {
      if (age[i] <= 25) {
        young++;
        youngBad += risk[i];
      }
    }
    expect([young, youngBad]).toEqual([190, 80]);
    expect(table.row(0)).toMatchObject({ checking_status: '< 0 DM', duration_months: 6, credit_history: 'critical account or other credits existing', purpose: 'radio/television', credit_amount: 1169, sex: 'male', personal_status: 'single', age: 67, telephone: 'yes', foreign_worker: 'yes', credit_risk: 'good' });
  });

  it('a mirror file with other bytes fails with the one-line checksum error', async () => {
    await expectChecksumMismatch('german', 'german.data', SHA);
  });

  it('converts a download in UCI format (class 1/2) to the pinned bytes, verifies and caches them', async () => {
    const pinned = readFileSync(join(MIRROR, 'german', 'german.data'));
    const uci = uciVariant(pinned);
    expect(uci.equals(pinned)).toBe(false);
    expect(germanFromUci(uci).equals(pinned)).toBe(true);
    const cacheDir = mkdtempSync(join(tmpdir(), 'synthbench-cache-'));
    const r = await loadDataset('german', { cacheDir, download: true, fetch: fakeFetch(uci), env: {} });
    expect(r.source).toBe('download');
    expect(readFileSync(join(cacheDir, 'german', 'german.data')).equals(pinned)).toBe(true);
    expect(labelCounts(r.table, 'credit_risk')).toEqual({ good: 700, bad: 300 });
    // A file that is not german.data at all is refused before anything is cached.
    const cache2 = mkdtempSync(join(tmpdir(), 'synthbench-cache-'));
    const err = await loadDataset('german', { cacheDir: cache2, download: true, fetch: fakeFetch(Buffer.from('<html>moved</html>\n')), env: {} }).catch((e: unknown) => e);
    expect((err as SynthbenchError).code).toBe('CHECKSUM');
    expect((err as SynthbenchError).message).not.toContain('\n');
  });
});
