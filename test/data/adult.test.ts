import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../src/core/table.js';
import { ADULT_COLUMNS, ADULT_EDUCATION_ORDER } from '../../src/data/datasets/adult.js';
import { datasetFingerprint, datasets, loadDataset } from '../../src/data/registry.js';

/** The offline mirror, reached from the project root as ../shared/datasets. */
const MIRROR = fileURLToPath(new URL('../../../shared/datasets', import.meta.url));
const N_TRAIN = 32561;

describe('adult dataset (from the offline mirror)', () => {
  let table: Table;
  let result: Awaited<ReturnType<typeof loadDataset>>;

  beforeAll(async () => {
    result = await loadDataset('adult', { dataDir: MIRROR, download: false, env: {} });
    table = result.table;
  });

  it('combines adult.data and adult.test into 48,842 rows with the documented columns', () => {
    expect(result.source).toBe('mirror');
    expect(table.nRows).toBe(48842);
    expect(table.names).toEqual(ADULT_COLUMNS);
    expect(result.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.fingerprint).toBe(datasetFingerprint(datasets.get('adult'), {}));
  });

  it('has the documented kinds and roles', () => {
    const kinds = Object.fromEntries(table.schema.columns.map((c) => [c.name, c.kind]));
    for (const c of ['age', 'fnlwgt', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week']) expect(kinds[c]).toBe('integer');
    for (const c of ['workclass', 'marital_status', 'occupation', 'relationship', 'race', 'sex', 'native_country', 'income']) expect(kinds[c]).toBe('categorical');
    expect(kinds.education).toBe('ordinal');
    expect(table.column('education').spec.categories).toEqual(ADULT_EDUCATION_ORDER);
    const roles = (role: string) => table.schema.columns.filter((c) => c.roles.includes(role as never)).map((c) => c.name);
    expect(roles('target')).toEqual(['income']);
    expect(roles('sensitive')).toEqual(['age', 'race', 'sex']);
    expect(roles('quasi-identifier')).toEqual(['age', 'education', 'marital_status', 'race', 'sex', 'native_country']);
  });

  it('income has exactly the categories <=50K and >50K (test-file dots stripped)', () => {
    expect(table.column('income').spec.categories).toEqual(['<=50K', '>50K']);
    const inc = table.codes('income');
    let pos = 0;
    let missing = 0;
    for (let i = 0; i < table.nRows; i++) {
      if (inc[i] < 0) missing++;
      else pos += inc[i];
    }
    expect(missing).toBe(0);
    // 7,841 in adult.data + 3,846 in adult.test (counted with awk on the upstream files).
    expect(pos).toBe(7841 + 3846);
  });

  it('reproduces the published adult.data facts', () => {
    const inc = table.codes('income');
    const sexCol = table.column('sex');
    const male = sexCol.spec.categories!.indexOf('Male');
    const female = sexCol.spec.categories!.indexOf('Female');
    const sex = table.codes('sex');
    let pos = 0;
    let m = 0;
    let mPos = 0;
    let f = 0;
    let fPos = 0;
    for (let i = 0; i < N_TRAIN; i++) {
      pos += inc[i];
      if (sex[i] === male) {
        m++;
        mPos += inc[i];
      } else if (sex[i] === female) {
        f++;
        fPos += inc[i];
      }
    }
    expect(pos).toBe(7841);
    expect((pos / N_TRAIN).toFixed(3)).toBe('0.241');
    expect(m + f).toBe(N_TRAIN);
    expect((m / N_TRAIN).toFixed(3)).toBe('0.669');
    expect((mPos / m).toFixed(3)).toBe('0.306');
    expect((fPos / f).toFixed(3)).toBe('0.109');
    // Exact counts (awk over adult.data): Male 21,790 (6,662 >50K), Female 10,771 (1,179 >50K).
    expect([m, mPos, f, fPos]).toEqual([21790, 6662, 10771, 1179]);
    // Mirror README: parity difference 0.197 (= 0.306 - 0.109, from rounded rates; exact 0.1963) and ratio 0.36.
    expect(mPos / m - fPos / f).toBeCloseTo(0.197, 2);
    expect((fPos / f / (mPos / m)).toFixed(2)).toBe('0.36');
  });

  it('reads ? as missing: 1,836 missing workclass values in adult.data, 963 in adult.test', () => {
    const wc = table.codes('workclass');
    let a = 0;
    let b = 0;
    for (let i = 0; i < table.nRows; i++) if (wc[i] < 0) (i < N_TRAIN ? a++ : b++);
    expect(a).toBe(1836);
    expect(b).toBe(963);
    expect(table.column('workclass').spec.categories).not.toContain('?');
  });

  it('parses numbers and keeps the first and last rows intact', () => {
    expect(table.row(0)).toMatchObject({ age: 39, workclass: 'State-gov', fnlwgt: 77516, education: 'Bachelors', capital_gain: 2174, income: '<=50K' });
    expect(table.row(N_TRAIN)).toMatchObject({ age: 25, education: '11th', education_num: 7, income: '<=50K' });
    expect(table.row(table.nRows - 1)).toMatchObject({ age: 35, workclass: 'Self-emp-inc', fnlwgt: 182148, hours_per_week: 60, income: '>50K' });
    // education_num is the position of education in its ordinal order.
    const ed = table.codes('education');
    const edn = table.numeric('education_num');
    for (let i = 0; i < table.nRows; i++) if (edn[i] !== ed[i] + 1) throw new Error(`row ${i}: education ${ed[i]} vs education_num ${edn[i]}`);
  });
});
