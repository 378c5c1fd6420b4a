import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../src/core/table.js';
import { writeCsv } from '../../src/data/csv.js';
import { COHORT_DEFAULT_SEED, COHORT_OUTLIERS, generateCohort } from '../../src/data/datasets/cohort.js';
import { loadDataset } from '../../src/data/registry.js';
import { tablesFromCsv } from '../../src/data/table-csv.js';

function countBy(t: Table, name: string): Map<string, number> {
  const col = t.column(name);
  const m = new Map<string, number>();
  if (col.type !== 'coded') throw new Error('coded column expected');
  for (const c of col.codes) {
    const k = c < 0 ? '(missing)' : col.categories[c];
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

describe('simulated cohort', () => {
  let table: Table;
  let outlierRows: Int32Array;
  beforeAll(() => {
    ({ table, outlierRows } = generateCohort({}));
  });

  it('is deterministic for a given (n, seed) and changes with the seed', () => {
    const a = writeCsv(generateCohort({ n: 500, seed: 7 }).table);
    const b = writeCsv(generateCohort({ n: 500, seed: 7 }).table);
    const c = writeCsv(generateCohort({ n: 500, seed: 8 }).table);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(writeCsv(table)).toBe(writeCsv(generateCohort({ n: 3000, seed: COHORT_DEFAULT_SEED }).table));
  });

  it('is the built-in dataset with a params fingerprint', async () => {
    const r1 = await loadDataset('cohort');
    const r2 = await loadDataset('cohort', { params: { n: 3000 } });
    const r3 = await loadDataset('cohort', { params: { seed: 1 } });
    expect(r1.source).toBe('built-in');
    expect(r1.params).toEqual({ n: 3000, seed: COHORT_DEFAULT_SEED, outliers: 8 });
    expect(r1.fingerprint).toBe(r2.fingerprint);
    expect(r3.fingerprint).not.toBe(r1.fingerprint);
    expect(writeCsv(r1.table)).toBe(writeCsv(table));
    await expect(loadDataset('cohort', { params: { n: 10 } })).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringContaining('params.n') });
  });

  it('has the documented columns, kinds and roles', () => {
    expect(table.nRows).toBe(3000);
    expect(table.schema.columns.map((c) => `${c.name}:${c.kind}`)).toEqual([
      'patient_id:categorical',
      'site:categorical',
      'sex:categorical',
      'ethnicity:categorical',
      'genotype:categorical',
      'age_at_onset:continuous',
      'age_at_diagnosis:integer',
      'enrollment_date:datetime',
      'severity:ordinal',
      'enzyme_activity:continuous',
      'crp:continuous',
      'ldh:integer',
      'hemoglobin:continuous',
      'treatment:categorical',
      'comorbidity:boolean',
      'event_within_2y:boolean',
    ]);
    const withRole = (r: string) => table.schema.columns.filter((c) => c.roles.includes(r as never)).map((c) => c.name);
    expect(withRole('target')).toEqual(['event_within_2y']);
    expect(withRole('id')).toEqual(['patient_id']);
    expect(withRole('sensitive')).toEqual(['sex', 'ethnicity', 'genotype']);
    expect(withRole('quasi-identifier')).toEqual(['site', 'sex', 'ethnicity', 'age_at_diagnosis', 'enrollment_date']);
    // patient ids are unique and follow row order.
    expect(table.row(0).patient_id).toBe('P00001');
    expect(table.row(2999).patient_id).toBe('P03000');
  });

  it('has very unequal sites including two tiny ones, and small ethnic and genotype groups', () => {
    const sites = countBy(table, 'site');
    expect(sites.size).toBe(12);
    expect(sites.get('S01')! / 3000).toBeGreaterThan(0.25);
    for (const tiny of ['S11', 'S12']) {
      expect(sites.get(tiny)).toBeGreaterThan(0);
      expect(sites.get(tiny)!).toBeLessThan(30);
    }
    const eth = countBy(table, 'ethnicity');
    for (const small of ['Indigenous', 'Middle Eastern']) {
      expect(eth.get(small)).toBeGreaterThan(0);
      expect(eth.get(small)! / 3000).toBeLessThan(0.03);
    }
    const geno = countBy(table, 'genotype');
    expect(geno.get('V1')! / 3000).toBeGreaterThan(0.3);
    expect(geno.get('R4')).toBeGreaterThan(0);
    expect(geno.get('R4')! / 3000).toBeLessThan(0.02);
  });

  it('has site-dependent missingness in labs and ethnicity', () => {
    const site = table.codes('site');
    const rate = (name: string, sites: number[]) => {
      const v = table.numeric(name);
      let n = 0;
      let m = 0;
      for (let i = 0; i < table.nRows; i++) if (sites.includes(site[i])) (n++, (m += Number.isNaN(v[i]) ? 1 : 0));
      return m / n;
    };
    const big = [0, 1]; // S01, S02: base lab missingness 2-3 %
    const small = [6, 7, 8, 9]; // S07-S10: 15-30 %
    expect(rate('enzyme_activity', big)).toBeLessThan(0.06);
    expect(rate('enzyme_activity', small)).toBeGreaterThan(0.15);
    expect(rate('ldh', small)).toBeGreaterThan(rate('ldh', big) * 3);
    const missingEth = countBy(table, 'ethnicity').get('(missing)')!;
    expect(missingEth).toBeGreaterThan(0);
    for (const name of ['site', 'sex', 'genotype', 'age_at_onset', 'severity', 'treatment', 'event_within_2y']) {
      expect(table.missingRates()[table.index(name)]).toBe(0);
    }
  });

  it('follows the documented dependencies', () => {
    const geno = table.codes('genotype');
    const event = table.codes('event_within_2y');
    const genoCats = table.column('genotype').spec.categories!;
    const eventRate = (g: string) => {
      const k = genoCats.indexOf(g);
      let n = 0;
      let e = 0;
      for (let i = 0; i < table.nRows; i++) if (geno[i] === k) (n++, (e += event[i]));
      return e / n;
    };
    // Genotype effects: R1/R2 (+1.0/+1.2) raise the event rate above V1 (0) and V3 (-0.4).
    expect(eventRate('R2')).toBeGreaterThan(eventRate('V1') + 0.1);
    expect(eventRate('V1')).toBeGreaterThan(eventRate('V3'));
    // Gene therapy only at specialist centres S01-S03 (outliers excepted).
    const treat = table.codes('treatment');
    const site = table.codes('site');
    const outliers = new Set(outlierRows);
    const bad: string[] = [];
    for (let i = 0; i < table.nRows; i++) if (!outliers.has(i) && treat[i] === 2 && site[i] >= 3) bad.push(`gene therapy at site ${site[i]} row ${i}`);
    // Onset precedes diagnosis (completed years) and both stay within the model's caps.
    const on = table.numeric('age_at_onset');
    const dx = table.numeric('age_at_diagnosis');
    for (let i = 0; i < table.nRows; i++) {
      if (dx[i] < Math.floor(on[i])) bad.push(`diagnosis before onset row ${i}`);
      if (!outliers.has(i) && on[i] > 75) bad.push(`onset ${on[i]} row ${i}`);
    }
    // Enrolment dates are UTC midnights within 2012-2023.
    for (const t of table.numeric('enrollment_date')) {
      if (t % 86_400_000 !== 0 || t < Date.UTC(2012, 0, 1) || t > Date.UTC(2023, 11, 31)) bad.push(`enrolment ${t}`);
    }
    expect(bad).toEqual([]);
  });

  it('contains the documented outlier patients, each unique', () => {
    expect(outlierRows.length).toBe(8);
    outlierRows.forEach((r, o) => {
      const spec = COHORT_OUTLIERS[o];
      const row = table.row(r);
      expect([row.site, row.sex, row.ethnicity, row.genotype, row.age_at_onset, row.age_at_diagnosis]).toEqual(spec.slice(0, 6));
      expect([row.severity, row.enzyme_activity, row.crp, row.ldh, row.hemoglobin, row.treatment, row.comorbidity, row.event_within_2y]).toEqual(spec.slice(7));
      expect(new Date(row.enrollment_date as number).toISOString().slice(0, 10)).toBe(spec[6]);
    });
    expect(table.row(outlierRows[5]).hemoglobin).toBe(4.1);
    expect(table.row(outlierRows[3]).ldh).toBe(3100);
    // Each outlier's (site, sex, ethnicity, genotype, severity, treatment) combination occurs once.
    const cols = ['site', 'sex', 'ethnicity', 'genotype', 'severity', 'treatment'].map((c) => table.codes(c));
    const key = (i: number) => cols.map((c) => c[i]).join('|');
    const counts = new Map<string, number>();
    for (let i = 0; i < table.nRows; i++) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
    for (const r of outlierRows) expect(counts.get(key(r))).toBe(1);
    // Extreme values: no regular patient comes near them.
    const hb = table.numeric('hemoglobin');
    const ldh = table.numeric('ldh');
    const regular = [...Array(table.nRows).keys()].filter((i) => !outlierRows.includes(i));
    expect(Math.min(...regular.map((i) => hb[i]).filter((x) => !Number.isNaN(x)))).toBeGreaterThan(6);
    expect(Math.max(...regular.map((i) => ldh[i]).filter((x) => !Number.isNaN(x)))).toBeLessThan(1000);
    expect(generateCohort({ n: 200, outliers: 0 }).outlierRows.length).toBe(0);
  });

  it('round-trips through CSV with an inferred schema', () => {
    const { schema, tables } = tablesFromCsv([{ name: 'cohort.csv', text: writeCsv(table) }]);
    const kinds = Object.fromEntries(schema.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ age_at_onset: 'continuous', age_at_diagnosis: 'integer', enrollment_date: 'datetime', comorbidity: 'boolean', ldh: 'integer' });
    expect([...tables[0].numeric('enrollment_date')]).toEqual([...table.numeric('enrollment_date')]);
    expect([...tables[0].numeric('crp')]).toEqual([...table.numeric('crp')]);
  });
});
