/**
 * Statlog (German Credit Data), Hofmann 1994 (UCI dataset 144): 1,000 loan applicants of a
 * German bank, 20 attributes stored as A-codes, target good/bad credit risk. Codes become the
 * labels of german.doc; attribute 9 ("personal status and sex") is split into `sex` and
 * `personal_status` (lossless: the pair identifies the code). The pinned german.data records the
 * class as 1 = good, 0 = bad; UCI's file writes bad as 2. Both read as `bad`, and a download from
 * UCI is converted to the pinned bytes (last field 2 → 0) before its checksum is checked.
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

const BASE_URL = 'https://archive.ics.uci.edu/ml/machine-learning-databases/statlog/german/';

/** The 21 fields of german.data in file order (attribute 9 is split when loading). */
const RAW_FIELDS = [
  'checking_status',
  'duration_months',
  'credit_history',
  'purpose',
  'credit_amount',
  'savings',
  'employment_since',
  'installment_rate',
  'personal_status_sex',
  'other_debtors',
  'residence_since',
  'property',
  'age',
  'other_installment_plans',
  'housing',
  'existing_credits',
  'job',
  'people_liable',
  'telephone',
  'foreign_worker',
  'credit_risk',
];

export const GERMAN_COLUMNS = [...RAW_FIELDS.slice(0, 8), 'sex', 'personal_status', ...RAW_FIELDS.slice(9)];

/** Labels of german.doc for each qualitative attribute. */
export const GERMAN_CODES: Record<string, Record<string, string>> = {
  checking_status: { A11: '< 0 DM', A12: '0 to < 200 DM', A13: '>= 200 DM or salary assigned', A14: 'no checking account' },
  credit_history: {
    A30: 'no credits taken or all paid back duly',
    A31: 'all credits at this bank paid back duly',
    A32: 'existing credits paid back duly till now',
    A33: 'delay in paying off in the past',
    A34: 'critical account or other credits existing',
  },
  purpose: {
    A40: 'car (new)',
    A41: 'car (used)',
    A42: 'furniture/equipment',
    A43: 'radio/television',
    A44: 'domestic appliances',
    A45: 'repairs',
    A46: 'education',
    A47: 'vacation',
    A48: 'retraining',
    A49: 'business',
    A410: 'others',
  },
  savings: { A61: '< 100 DM', A62: '100 to < 500 DM', A63: '500 to < 1000 DM', A64: '>= 1000 DM', A65: 'unknown or no savings account' },
  employment_since: { A71: 'unemployed', A72: '< 1 year', A73: '1 to < 4 years', A74: '4 to < 7 years', A75: '>= 7 years' },
  other_debtors: { A101: 'none', A102: 'co-applicant', A103: 'guarantor' },
  property: { A121: 'real estate', A122: 'building society savings or life insurance', A123: 'car or other', A124: 'unknown or no property' },
  other_installment_plans: { A141: 'bank', A142: 'stores', A143: 'none' },
  housing: { A151: 'rent', A152: 'own', A153: 'for free' },
  job: {
    A171: 'unemployed or unskilled non-resident',
    A172: 'unskilled resident',
    A173: 'skilled employee or official',
    A174: 'management, self-employed or highly qualified',
  },
  telephone: { A191: 'no', A192: 'yes' },
  foreign_worker: { A201: 'yes', A202: 'no' },
  credit_risk: { '1': 'good', '2': 'bad', '0': 'bad' },
};

/** Attribute 9 split into its two parts (german.doc; A95 "female: single" does not occur in the data). */
export const GERMAN_SEX: Record<string, string> = { A91: 'male', A92: 'female', A93: 'male', A94: 'male', A95: 'female' };
export const GERMAN_PERSONAL_STATUS: Record<string, string> = {
  A91: 'divorced/separated',
  A92: 'divorced/separated/married',
  A93: 'single',
  A94: 'married/widowed',
  A95: 'single',
};

export const GERMAN_EMPLOYMENT_ORDER = ['unemployed', '< 1 year', '1 to < 4 years', '4 to < 7 years', '>= 7 years'];

const GERMAN_TARGET = 'credit_risk';
const GERMAN_SENSITIVE = ['sex', 'age', 'foreign_worker'];
const GERMAN_QIS = ['age', 'sex', 'personal_status', 'job', 'housing', 'foreign_worker'];

const GERMAN_SCHEMA: SchemaOverrides = {
  columns: {
    duration_months: { kind: 'integer', description: 'duration of the credit in months' },
    credit_amount: { kind: 'integer', description: 'credit amount (DM)' },
    employment_since: { kind: 'ordinal', categories: GERMAN_EMPLOYMENT_ORDER, description: 'present employment since' },
    installment_rate: { kind: 'integer', description: 'instalment rate in percentage of disposable income (1-4)' },
    sex: { kind: 'categorical', description: 'derived from attribute 9 (personal status and sex)' },
    personal_status: { kind: 'categorical', description: 'marital status part of attribute 9; its labels differ by sex as in german.doc' },
    residence_since: { kind: 'integer', description: 'present residence since (1-4)' },
    age: { kind: 'integer', description: 'age in years' },
    existing_credits: { kind: 'integer', description: 'number of existing credits at this bank' },
    people_liable: { kind: 'integer', description: 'number of people being liable to provide maintenance for' },
    telephone: { kind: 'boolean', categories: ['no', 'yes'], description: 'telephone registered under the customer name' },
    foreign_worker: { kind: 'boolean', categories: ['no', 'yes'] },
    credit_risk: { kind: 'categorical', categories: ['good', 'bad'], description: 'good or bad credit risk (german.doc: misclassifying bad as good costs 5, the reverse 1)' },
  },
  target: GERMAN_TARGET,
  sensitive: GERMAN_SENSITIVE,
  quasiIdentifiers: GERMAN_QIS,
  missing: [],
};

export function loadGerman(files: Map<string, Buffer>): Table {
  const file = 'german.data';
  const p = parseCsv(files.get(file)!.toString('latin1'), { file, header: RAW_FIELDS, delimiter: ' ' });
  const at = (name: string) => p.columns[RAW_FIELDS.indexOf(name)];
  const where = (column: string) => ({ file, column, lines: p.lines });
  const columns = GERMAN_COLUMNS.map((name) => {
    if (name === 'sex') return recodeColumn(at('personal_status_sex'), GERMAN_SEX, where('personal_status_sex'));
    if (name === 'personal_status') return recodeColumn(at('personal_status_sex'), GERMAN_PERSONAL_STATUS, where('personal_status_sex'));
    const codes = GERMAN_CODES[name];
    return codes ? recodeColumn(at(name), codes, where(name)) : at(name);
  });
  const schema = inferSchema(GERMAN_COLUMNS, columns, { overrides: GERMAN_SCHEMA, missing: [], file, source: 'german schema' });
  return tableFromColumns(schema, columns, { missing: [], file, lines: p.lines });
}

/** UCI's german.data (class 1 = good, 2 = bad) → the pinned copy (class 1 = good, 0 = bad). */
export function germanFromUci(served: Buffer): Buffer {
  const lines = served.toString('latin1').split('\n');
  const out = lines.map((line, i) => {
    if (line === '' && i === lines.length - 1) return line;
    const m = /^(.* )([12])$/.exec(line);
    if (!m) throw badInput(`line ${i + 1} does not end with the class 1 or 2`);
    return m[2] === '2' ? `${m[1]}0` : line;
  });
  return Buffer.from(out.join('\n'), 'latin1');
}

export const german: DatasetSpec<Record<string, never>> = {
  id: 'german',
  summary: 'UCI Statlog German Credit (1,000 rows, 22 columns): predict good/bad credit risk; sensitive sex, age, foreign_worker',
  citation: 'Hofmann, H. (1994). Statlog (German Credit Data) [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5NC77',
  homepage: 'https://archive.ics.uci.edu/dataset/144/statlog+german+credit+data',
  license: 'CC BY 4.0',
  sources: [
    { file: 'german.data', url: `${BASE_URL}german.data`, sha256: 'a77665800fb25e45da472edeaecb49fe128f73d97bd04bd712cfa8126f332b12', fromDownload: germanFromUci },
  ],
  target: GERMAN_TARGET,
  sensitive: GERMAN_SENSITIVE,
  quasiIdentifiers: GERMAN_QIS,
  paramsSchema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  load: (files) => loadGerman(files),
};
