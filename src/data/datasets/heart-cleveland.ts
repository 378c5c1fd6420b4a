/**
 * Heart Disease, Cleveland Clinic Foundation subset (Janosi, Steinbrunn, Pfisterer & Detrano
 * 1988; UCI dataset 45): 303 patients, the 14 attributes used by published experiments, `?` for
 * missing (4 in `ca`, 2 in `thal`). The diagnosis `num` (0 = < 50% diameter narrowing, 1-4 =
 * > 50% narrowing in increasing grades) becomes the binary target `disease` (num > 0), which is
 * the task UCI's documentation says experiments concentrate on; `num` itself is dropped because
 * a model given it would read the target off it. Coded attributes get readable labels.
 */
import { z } from 'zod';
import type { Table } from '../../core/table.js';
import { parseCsv } from '../csv.js';
import type { DatasetSpec } from '../dataset-spec.js';
import { recodeColumn } from '../recode.js';
import type { SchemaOverrides } from '../schema-file.js';
import { inferSchema } from '../schema-infer.js';
import { tableFromColumns } from '../table-csv.js';

const URL = 'https://archive.ics.uci.edu/ml/machine-learning-databases/heart-disease/processed.cleveland.data';

/** Fields of processed.cleveland.data, named as in UCI's heart-disease.names. */
const RAW_FIELDS = ['age', 'sex', 'cp', 'trestbps', 'chol', 'fbs', 'restecg', 'thalach', 'exang', 'oldpeak', 'slope', 'ca', 'thal', 'num'];

export const HEART_COLUMNS = [...RAW_FIELDS.slice(0, 13), 'disease'];

/** UCI's codes (written as 1.0, 4.0, ... in the file) and their meaning from heart-disease.names. */
export const HEART_CODES: Record<string, Record<string, string>> = {
  sex: { '1.0': 'male', '0.0': 'female' },
  cp: { '1.0': 'typical angina', '2.0': 'atypical angina', '3.0': 'non-anginal pain', '4.0': 'asymptomatic' },
  fbs: { '0.0': 'no', '1.0': 'yes' },
  restecg: { '0.0': 'normal', '1.0': 'ST-T wave abnormality', '2.0': 'left ventricular hypertrophy' },
  exang: { '0.0': 'no', '1.0': 'yes' },
  slope: { '1.0': 'upsloping', '2.0': 'flat', '3.0': 'downsloping' },
  thal: { '3.0': 'normal', '6.0': 'fixed defect', '7.0': 'reversible defect' },
  num: { '0': 'no', '1': 'yes', '2': 'yes', '3': 'yes', '4': 'yes' },
};

const HEART_TARGET = 'disease';
const HEART_SENSITIVE = ['sex', 'age'];
const HEART_QIS = ['age', 'sex'];

const HEART_SCHEMA: SchemaOverrides = {
  columns: {
    age: { kind: 'integer', description: 'age in years' },
    sex: { kind: 'categorical' },
    cp: { kind: 'categorical', description: 'chest pain type' },
    trestbps: { kind: 'integer', description: 'resting blood pressure on admission (mm Hg)' },
    chol: { kind: 'integer', description: 'serum cholesterol (mg/dl)' },
    fbs: { kind: 'boolean', categories: ['no', 'yes'], description: 'fasting blood sugar > 120 mg/dl' },
    restecg: { kind: 'categorical', description: 'resting electrocardiographic result' },
    thalach: { kind: 'integer', description: 'maximum heart rate achieved' },
    exang: { kind: 'boolean', categories: ['no', 'yes'], description: 'exercise-induced angina' },
    oldpeak: { kind: 'continuous', description: 'ST depression induced by exercise relative to rest' },
    slope: { kind: 'ordinal', categories: ['upsloping', 'flat', 'downsloping'], description: 'slope of the peak exercise ST segment' },
    ca: { kind: 'integer', description: 'number of major vessels (0-3) coloured by fluoroscopy' },
    thal: { kind: 'categorical', description: 'thallium stress test result' },
    disease: { kind: 'boolean', categories: ['no', 'yes'], description: 'angiographic heart disease: upstream num > 0 (> 50% diameter narrowing)' },
  },
  target: HEART_TARGET,
  sensitive: HEART_SENSITIVE,
  quasiIdentifiers: HEART_QIS,
  missing: ['?'],
};

export function loadHeartCleveland(files: Map<string, Buffer>): Table {
  const file = 'processed.cleveland.data';
  const p = parseCsv(files.get(file)!.toString('latin1'), { file, header: RAW_FIELDS, trimFields: true });
  const columns = HEART_COLUMNS.map((name) => {
    const raw = p.columns[RAW_FIELDS.indexOf(name === 'disease' ? 'num' : name)];
    const codes = HEART_CODES[name === 'disease' ? 'num' : name];
    return codes ? recodeColumn(raw, codes, { file, column: name === 'disease' ? 'num' : name, lines: p.lines }, ['?']) : raw;
  });
  const schema = inferSchema(HEART_COLUMNS, columns, { overrides: HEART_SCHEMA, missing: ['?'], file, source: 'heart-cleveland schema' });
  return tableFromColumns(schema, columns, { missing: ['?'], file, lines: p.lines });
}

export const heartCleveland: DatasetSpec<Record<string, never>> = {
  id: 'heart-cleveland',
  summary: 'UCI Heart Disease, Cleveland (303 rows, 14 columns): predict angiographic disease (num > 0); sensitive sex, age',
  citation: 'Janosi, A., Steinbrunn, W., Pfisterer, M. & Detrano, R. (1988). Heart Disease [Dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C52P4X',
  homepage: 'https://archive.ics.uci.edu/dataset/45/heart+disease',
  license: 'CC BY 4.0',
  sources: [{ file: 'processed.cleveland.data', url: URL, sha256: 'a74b7efa387bc9d108d7d0115d831fe9b414b29ae7124f331b622b4efa0427c8' }],
  target: HEART_TARGET,
  sensitive: HEART_SENSITIVE,
  quasiIdentifiers: HEART_QIS,
  paramsSchema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  load: (files) => loadHeartCleveland(files),
};
