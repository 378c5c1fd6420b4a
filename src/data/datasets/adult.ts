/**
 * UCI Adult (Census Income; Becker & Kohavi 1996): 1994 US Current Population Survey extract,
 * 32,561 training + 16,281 test rows, target `income` (>50K). Both upstream files are combined
 * (48,842 rows, adult.data first) because the benchmark draws its own member/non-member splits.
 * Upstream quirks handled here: `, ` separators (fields trimmed), `?` for missing, the test file's
 * first line `|1x3 Cross validator`, and test labels written `<=50K.` / `>50K.`.
 */
import { z } from 'zod';
import type { Schema } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { parseCsv } from '../csv.js';
import type { DatasetSpec } from '../dataset-spec.js';
import type { SchemaOverrides } from '../schema-file.js';
import { inferSchema } from '../schema-infer.js';
import { tableFromColumns } from '../table-csv.js';

const BASE_URL = 'https://archive.ics.uci.edu/ml/machine-learning-databases/adult/';

export const ADULT_COLUMNS = [
  'age',
  'workclass',
  'fnlwgt',
  'education',
  'education_num',
  'marital_status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'capital_gain',
  'capital_loss',
  'hours_per_week',
  'native_country',
  'income',
];

/** Education levels from least to most schooling (matches education_num 1..16). */
export const ADULT_EDUCATION_ORDER = [
  'Preschool',
  '1st-4th',
  '5th-6th',
  '7th-8th',
  '9th',
  '10th',
  '11th',
  '12th',
  'HS-grad',
  'Some-college',
  'Assoc-voc',
  'Assoc-acdm',
  'Bachelors',
  'Masters',
  'Prof-school',
  'Doctorate',
];

const ADULT_SCHEMA: SchemaOverrides = {
  columns: {
    age: { kind: 'integer', description: 'age in years' },
    workclass: { kind: 'categorical' },
    fnlwgt: { kind: 'integer', description: 'CPS final sampling weight' },
    education: { kind: 'ordinal', categories: ADULT_EDUCATION_ORDER },
    education_num: { kind: 'integer', description: 'education level as a number (1 = Preschool .. 16 = Doctorate)' },
    marital_status: { kind: 'categorical' },
    occupation: { kind: 'categorical' },
    relationship: { kind: 'categorical' },
    race: { kind: 'categorical' },
    sex: { kind: 'categorical' },
    capital_gain: { kind: 'integer' },
    capital_loss: { kind: 'integer' },
    hours_per_week: { kind: 'integer' },
    native_country: { kind: 'categorical' },
    income: { kind: 'categorical', categories: ['<=50K', '>50K'], description: 'annual income above 50,000 USD' },
  },
  target: 'income',
  sensitive: ['sex', 'race', 'age'],
  quasiIdentifiers: ['age', 'sex', 'race', 'marital_status', 'education', 'native_country'],
  missing: ['?'],
};

function parseAdultFile(text: string, file: string) {
  return parseCsv(text, {
    file,
    header: ADULT_COLUMNS,
    trimFields: true,
    skipLine: (line) => line.startsWith('|'),
  });
}

export function loadAdult(files: Map<string, Buffer>): Table {
  const train = parseAdultFile(files.get('adult.data')!.toString('utf8'), 'adult.data');
  const test = parseAdultFile(files.get('adult.test')!.toString('utf8'), 'adult.test');
  const inc = ADULT_COLUMNS.indexOf('income');
  const labels = test.columns[inc];
  for (let i = 0; i < labels.length; i++) if (labels[i].endsWith('.')) labels[i] = labels[i].slice(0, -1);

  // One schema over both files so categorical codes (frequency-ordered) cover every label.
  const pooled = train.columns.map((c, j) => c.concat(test.columns[j]));
  const schema: Schema = inferSchema(ADULT_COLUMNS, pooled, { overrides: ADULT_SCHEMA, missing: ['?'], file: 'adult', source: 'adult schema' });
  const a = tableFromColumns(schema, train.columns, { missing: ['?'], file: 'adult.data', lines: train.lines });
  const b = tableFromColumns(schema, test.columns, { missing: ['?'], file: 'adult.test', lines: test.lines });
  return a.concat(b);
}

export const adult: DatasetSpec<Record<string, never>> = {
  id: 'adult',
  summary: 'UCI Adult / Census Income (48,842 rows, 15 columns): predict income >50K; sensitive sex, race, age',
  citation: 'Becker, B. & Kohavi, R. (1996). Adult [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5XW20',
  homepage: 'https://archive.ics.uci.edu/dataset/2/adult',
  license: 'CC BY 4.0',
  sources: [
    { file: 'adult.data', url: `${BASE_URL}adult.data`, sha256: '5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d' },
    { file: 'adult.test', url: `${BASE_URL}adult.test`, sha256: 'ceb625d3b5aeddf1e04cd5eec3268e18af4140fbde5a853a11223deeebcfe0f5' },
    { file: 'adult.names', url: `${BASE_URL}adult.names`, sha256: 'c248284c0b5de30c9e1958d6cdd168a34a654758b620e68f46aefa83fc0a576a' },
  ],
  target: 'income',
  sensitive: ['sex', 'race', 'age'],
  quasiIdentifiers: ['age', 'sex', 'race', 'marital_status', 'education', 'native_country'],
  paramsSchema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  load: (files) => loadAdult(files),
};
