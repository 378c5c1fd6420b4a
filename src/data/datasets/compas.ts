/**
 * COMPAS two-year recidivism (ProPublica, Angwin, Larson, Mattu & Kirchner 2016, "Machine Bias";
 * compas-analysis repository): 7,214 people screened with COMPAS in Broward County, Florida,
 * 2013-2014, target `two_year_recid`. The file holds names, birth dates, case numbers and jail
 * dates; only the modelling subset used across the fairness literature is kept (demographics,
 * juvenile and prior counts, charge degree, outcome); names and ids never enter the table.
 * Param `filter: "propublica"` applies ProPublica's own row filter (6,172 rows). The pinned file
 * lists each column once; ProPublica's repeats `decile_score` and `priors_count`, and a download
 * drops the repeats before its checksum is checked.
 */
import { z } from 'zod';
import { badInput } from '../../core/errors.js';
import type { Table } from '../../core/table.js';
import { parseCsv } from '../csv.js';
import type { DatasetSpec } from '../dataset-spec.js';
import { recodeColumn } from '../recode.js';
import type { SchemaOverrides } from '../schema-file.js';
import { inferSchema } from '../schema-infer.js';
import { tableFromColumns } from '../table-csv.js';

const URL = 'https://raw.githubusercontent.com/propublica/compas-analysis/master/compas-scores-two-years.csv';
const FILE = 'compas-scores-two-years.csv';

export const COMPAS_COLUMNS = [
  'sex',
  'age',
  'age_cat',
  'race',
  'juv_fel_count',
  'juv_misd_count',
  'juv_other_count',
  'priors_count',
  'c_charge_degree',
  'two_year_recid',
];

export const COMPAS_AGE_ORDER = ['Less than 25', '25 - 45', 'Greater than 45'];
const CHARGE_DEGREE: Record<string, string> = { F: 'felony', M: 'misdemeanor' };
const RECID: Record<string, string> = { '0': 'no', '1': 'yes' };

const COMPAS_TARGET = 'two_year_recid';
const COMPAS_SENSITIVE = ['race', 'sex', 'age_cat'];
const COMPAS_QIS = ['age', 'sex', 'race'];

const COMPAS_SCHEMA: SchemaOverrides = {
  columns: {
    sex: { kind: 'categorical' },
    age: { kind: 'integer', description: 'age in years (as computed by ProPublica)' },
    age_cat: { kind: 'ordinal', categories: COMPAS_AGE_ORDER, description: 'age band from the COMPAS screening' },
    race: { kind: 'categorical' },
    juv_fel_count: { kind: 'integer', description: 'juvenile felony count' },
    juv_misd_count: { kind: 'integer', description: 'juvenile misdemeanour count' },
    juv_other_count: { kind: 'integer', description: 'other juvenile offence count' },
    priors_count: { kind: 'integer', description: 'number of prior offences' },
    c_charge_degree: { kind: 'categorical', description: 'degree of the charge that led to the screening' },
    two_year_recid: { kind: 'boolean', categories: ['no', 'yes'], description: 'new arrest within two years of the screening' },
  },
  target: COMPAS_TARGET,
  sensitive: COMPAS_SENSITIVE,
  quasiIdentifiers: COMPAS_QIS,
  missing: [''],
};

export const compasParamsSchema = z
  .object({
    /**
     * "none": all 7,214 rows. "propublica": ProPublica's analysis filter (charge within 30 days
     * of the screening, a known recidivism flag, no ordinary traffic offence, a score present).
     */
    filter: z.enum(['none', 'propublica']).default('none'),
  })
  .strict();
export type CompasParams = z.infer<typeof compasParamsSchema>;

/** Rows kept by ProPublica's filter (compas-analysis notebook, cell 2). */
function propublicaRows(col: (name: string) => string[], n: number): number[] {
  const days = col('days_b_screening_arrest');
  const isRecid = col('is_recid');
  const degree = col('c_charge_degree');
  const scoreText = col('score_text');
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (days[i] === '') continue;
    const d = Number(days[i]);
    if (d <= 30 && d >= -30 && isRecid[i] !== '-1' && degree[i] !== 'O' && scoreText[i] !== 'N/A') keep.push(i);
  }
  return keep;
}

export function loadCompas(files: Map<string, Buffer>, params: CompasParams): Table {
  const p = parseCsv(files.get(FILE)!.toString('utf8'), { file: FILE });
  const col = (name: string) => {
    const j = p.header.indexOf(name);
    if (j < 0) throw badInput(`${FILE}: column "${name}" is missing; use ProPublica's compas-scores-two-years.csv`);
    return p.columns[j];
  };
  const rows = params.filter === 'propublica' ? propublicaRows(col, p.nRows) : null;
  const pick = (values: string[]) => (rows ? rows.map((i) => values[i]) : values);
  const lines = rows ? Int32Array.from(rows, (i) => p.lines[i]) : p.lines;
  const columns = COMPAS_COLUMNS.map((name) => {
    const raw = pick(col(name));
    if (name === 'c_charge_degree') return recodeColumn(raw, CHARGE_DEGREE, { file: FILE, column: name, lines });
    if (name === 'two_year_recid') return recodeColumn(raw, RECID, { file: FILE, column: name, lines });
    return raw;
  });
  const schema = inferSchema(COMPAS_COLUMNS, columns, { overrides: COMPAS_SCHEMA, missing: [''], file: FILE, source: 'compas schema' });
  return tableFromColumns(schema, columns, { missing: [''], file: FILE, lines });
}

/**
 * ProPublica's file (53 columns, `decile_score` and `priors_count` each listed twice) → the pinned
 * copy (each column once: the later repeat is dropped). Fields are cut out of the text as they
 * are, quotes and line ends untouched, so nothing else changes.
 */
export function compasFromPropublica(served: Buffer): Buffer {
  const text = served.toString('utf8');
  const bounds = fieldBounds(text);
  if (bounds.length === 0) throw badInput('the file is empty');
  const header = bounds[0].map(([a, b]) => text.slice(a, b));
  const drop = new Set<number>();
  header.forEach((name, j) => {
    if (header.indexOf(name) !== j) drop.add(j);
  });
  if (drop.size === 0) return served;
  let out = '';
  let pos = 0;
  for (let r = 0; r < bounds.length; r++) {
    const fields = bounds[r];
    if (fields.length !== header.length) throw badInput(`record ${r + 1} has ${fields.length} fields, the header ${header.length}`);
    // Cut each dropped field together with the comma before it (a dropped first field takes the one after).
    for (const j of [...drop].sort((a, b) => a - b)) {
      const start = j > 0 ? fields[j - 1][1] : fields[j][0];
      const end = j > 0 ? fields[j][1] : fields[j + 1][0];
      out += text.slice(pos, start);
      pos = end;
    }
  }
  out += text.slice(pos);
  return Buffer.from(out, 'utf8');
}

/** [start, end) of every field (quotes included) of every record, honouring quoted newlines. */
function fieldBounds(text: string): [number, number][][] {
  const records: [number, number][][] = [];
  let fields: [number, number][] = [];
  let start = 0;
  let quoted = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text[i] : '\n';
    if (quoted) {
      if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push([start, i]);
      start = i + 1;
    } else if (c === '\n' || c === '\r') {
      if (i > start || fields.length > 0) {
        fields.push([start, i]);
        records.push(fields);
      }
      fields = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  return records;
}

export const compas: DatasetSpec<CompasParams> = {
  id: 'compas',
  summary: 'ProPublica COMPAS two-year recidivism (7,214 rows, 10 columns): predict two_year_recid; sensitive race, sex, age_cat',
  citation: 'Angwin, J., Larson, J., Mattu, S. & Kirchner, L. (2016). Machine Bias. ProPublica. Data: https://github.com/propublica/compas-analysis',
  homepage: 'https://github.com/propublica/compas-analysis',
  sources: [{ file: FILE, url: URL, sha256: '615462fd8784314d7c7f6aeef622d08528593f696727a1ac7e06be8bebd04dc6', fromDownload: compasFromPropublica }],
  target: COMPAS_TARGET,
  sensitive: COMPAS_SENSITIVE,
  quasiIdentifiers: COMPAS_QIS,
  paramsSchema: compasParamsSchema as z.ZodType<CompasParams>,
  load: (files, params) => loadCompas(files, params),
};
