import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../src/core/table.js';
import { COMPAS_AGE_ORDER, COMPAS_COLUMNS, compasFromPropublica } from '../../src/data/datasets/compas.js';
import { loadDataset } from '../../src/data/registry.js';
import { MIRROR, crossCounts, expectChecksumMismatch, labelCounts, numericSum, roleColumns } from './dataset-helpers.js';

const FILE = 'compas-scores-two-years.csv';

/**
 * ProPublica's layout rebuilt from the pinned copy: `decile_score` repeated after
 * `type_of_assessment` and `priors_count` after `out_custody`, as in the upstream header.
 */
function propublicaLayout(pinned: string): string {
  const lines = pinned.split('\n');
  const header = lines[0].split(',');
  const dec = header.indexOf('decile_score');
  const pri = header.indexOf('priors_count');
  const afterType = header.indexOf('type_of_assessment');
  const afterCustody = header.indexOf('out_custody');
  return lines
    .map((line) => {
      if (line === '') return line;
      // Split on commas outside quotes.
      const f = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((s) => s.replace(/,$/, ''));
      f.length = header.length;
      const out = [...f.slice(0, afterType + 1), f[dec], ...f.slice(afterType + 1, afterCustody + 1), f[pri], ...f.slice(afterCustody + 1)];
      return out.join(',');
    })
    .join('\n');
}

describe('compas dataset (from the offline mirror)', () => {
  let table: Table;
  let filtered: Table;

  beforeAll(async () => {
    const r = await loadDataset('compas', { dataDir: MIRROR, download: false, env: {} });
    expect(r.source).toBe('mirror');
    table = r.table;
    filtered = (await loadDataset('compas', { dataDir: MIRROR, download: false, env: {}, params: { filter: 'propublica' } })).table;
  });

  it('keeps 7,214 rows and only the modelling subset: no names, ids, dates or case numbers', () => {
    expect(table.nRows).toBe(7214);
    expect(table.names).toEqual(COMPAS_COLUMNS);
    for (const c of ['id', 'name', 'first', 'last', 'dob', 'c_case_number', 'decile_score']) expect(table.names).not.toContain(c);
    // No value anywhere is a person's name (the first row upstream is "miguel hernandez").
    for (const c of table.schema.columns) if (c.categories) expect(c.categories.join('|')).not.toMatch(/hernandez|miguel/i);
    expect(table.column('age_cat').spec.categories).toEqual(COMPAS_AGE_ORDER);
    expect(roleColumns(table, 'target')).toEqual(['two_year_recid']);
    expect(roleColumns(table, 'sensitive')).toEqual(['sex', 'age_cat', 'race']);
    expect(roleColumns(table, 'quasi-identifier')).toEqual(['sex', 'age', 'race']);
  });

  it('reproduces counts computed with python csv over the file', () => {
    expect(labelCounts(table, 'two_year_recid')).toEqual({ no: 3963, yes: 3251 });
    expect(labelCounts(table, 'race')).toEqual({ 'African-American': 3696, Caucasian: 2454, Hispanic: 637, Other: 377, Asian: 32, 'Native American': 18 });
    const byRace = crossCounts(table, 'race', 'two_year_recid');
    expect([byRace['African-American|yes'], byRace['Caucasian|yes']]).toEqual([1901, 966]);
    expect(labelCounts(table, 'sex')).toEqual({ Male: 5819, Female: 1395 });
    expect(labelCounts(table, 'c_charge_degree')).toEqual({ felony: 4666, misdemeanor: 2548 });
    expect(numericSum(table, 'priors_count')).toBe(25050);
    expect(numericSum(table, 'age')).toBe(251177);
    expect(numericSum(table, 'juv_fel_count')).toBe(485);
  });

  it('filter "propublica" keeps the 6,172 rows of ProPublica\'s analysis (2,809 recidivated)', () => {
    expect(filtered.nRows).toBe(6172);
    expect(labelCounts(filtered, 'two_year_recid')).toEqual({ no: 3363, yes: 2809 });
  });

  it('a mirror file with other bytes fails with the one-line checksum error', async () => {
    await expectChecksumMismatch('compas', FILE, '615462fd8784314d7c7f6aeef622d08528593f696727a1ac7e06be8bebd04dc6');
  });

  it('turns ProPublica\'s 53-column layout into the pinned bytes exactly', () => {
    const pinned = readFileSync(join(MIRROR, 'compas', FILE));
    const upstream = Buffer.from(propublicaLayout(pinned.toString('utf8')), 'utf8');
    expect(upstream.toString('utf8').split('\n')[0].split(',').length).toBe(53);
    expect(compasFromPropublica(upstream).equals(pinned)).toBe(true);
    // Already-deduplicated input passes through unchanged.
    expect(compasFromPropublica(pinned).equals(pinned)).toBe(true);
  });
});
