import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../src/core/table.js';
import { HEART_COLUMNS } from '../../src/data/datasets/heart-cleveland.js';
import { loadDataset } from '../../src/data/registry.js';
import { MIRROR, crossCounts, expectChecksumMismatch, labelCounts, missingCount, numericSum, roleColumns } from './dataset-helpers.js';

describe('heart-cleveland dataset (from the offline mirror)', () => {
  let table: Table;

  beforeAll(async () => {
    const r = await loadDataset('heart-cleveland', { dataDir: MIRROR, download: false, env: {} });
    expect(r.source).toBe('mirror');
    table = r.table;
  });

  it('has 303 rows, the UCI column names with num replaced by the binary target disease', () => {
    expect(table.nRows).toBe(303);
    expect(table.names).toEqual(HEART_COLUMNS);
    expect(table.names).not.toContain('num');
    const kinds = Object.fromEntries(table.schema.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ age: 'integer', trestbps: 'integer', chol: 'integer', thalach: 'integer', ca: 'integer', oldpeak: 'continuous', slope: 'ordinal', fbs: 'boolean', exang: 'boolean', disease: 'boolean', cp: 'categorical', thal: 'categorical' });
    expect(roleColumns(table, 'target')).toEqual(['disease']);
    expect(roleColumns(table, 'sensitive')).toEqual(['age', 'sex']);
    expect(roleColumns(table, 'quasi-identifier')).toEqual(['age', 'sex']);
  });

  it('disease = num > 0: 139 yes (num 1-4: 55 + 36 + 35 + 13), 164 no (cut -d, -f14 | sort | uniq -c)', () => {
    expect(labelCounts(table, 'disease')).toEqual({ no: 164, yes: 139 });
    // Male 206 (114 diseased), female 97 (25 diseased).
    expect(crossCounts(table, 'sex', 'disease')).toEqual({ 'male|yes': 114, 'male|no': 92, 'female|no': 72, 'female|yes': 25 });
  });

  it('reads ? as missing: 4 in ca, 2 in thal, none elsewhere', () => {
    for (const c of table.names) expect([c, missingCount(table, c)]).toEqual([c, c === 'ca' ? 4 : c === 'thal' ? 2 : 0]);
  });

  it('reproduces sums and code counts computed with python over the file', () => {
    expect(numericSum(table, 'age')).toBe(16495);
    expect(numericSum(table, 'chol')).toBe(74748);
    expect(numericSum(table, 'oldpeak')).toBeCloseTo(315, 9);
    expect(labelCounts(table, 'cp')).toEqual({ asymptomatic: 144, 'non-anginal pain': 86, 'atypical angina': 50, 'typical angina': 23 });
    expect(labelCounts(table, 'thal')).toEqual({ normal: 166, 'reversible defect': 117, 'fixed defect': 18, '(missing)': 2 });
    expect(table.row(0)).toMatchObject({ age: 63, sex: 'male', cp: 'typical angina', trestbps: 145, chol: 233, fbs: 'yes', restecg: 'left ventricular hypertrophy', thalach: 150, exang: 'no', oldpeak: 2.3, slope: 'downsloping', ca: 0, thal: 'fixed defect', disease: 'no' });
  });

  it('a mirror file with other bytes fails with the one-line checksum error', async () => {
    await expectChecksumMismatch('heart-cleveland', 'processed.cleveland.data', 'a74b7efa387bc9d108d7d0115d831fe9b414b29ae7124f331b622b4efa0427c8');
  });
});
