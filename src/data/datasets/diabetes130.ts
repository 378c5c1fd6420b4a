/**
 * Diabetes 130-US hospitals for years 1999-2008 (Strack et al. 2014, "Impact of HbA1c
 * Measurement on Hospital Readmission Rates", BioMed Research International; UCI dataset 296):
 * 101,766 inpatient encounters of diabetic patients, 50 columns, target `readmitted` (<30 days,
 * >30 days, NO). Read straight from the upstream zip (./zip.ts). `?` is missing; `None` in
 * max_glu_serum and A1Cresult means "test not taken" and stays a category; gender
 * `Unknown/Invalid` (3 rows) is missing. encounter_id and patient_nbr are `id` columns (never
 * modelled). patient_nbr repeats (71,518 patients): with every encounter kept, one person can
 * land in both the training and the holdout split, which makes membership inference look safer
 * than it is. The default therefore keeps each patient's first encounter, as Strack et al. did;
 * `encounters: "all"` keeps every row. `readmission: "within-30-days"` turns the target into the
 * binary outcome most of the literature models (Strack et al.'s "readmitted within 30 days":
 * `<30` → Yes; `>30` and `NO` → No). `idLabels: "descriptions"` replaces the admission type,
 * discharge disposition and admission source codes with their descriptions from the archive's
 * IDs_mapping.csv (its NULL / Not Available / Not Mapped entries stay categories, as in the codes).
 */
import { z } from 'zod';
import { badInput } from '../../core/errors.js';
import type { Table } from '../../core/table.js';
import { parseCsv } from '../csv.js';
import type { DatasetSpec } from '../dataset-spec.js';
import type { SchemaOverrides } from '../schema-file.js';
import { inferSchema } from '../schema-infer.js';
import { tableFromColumns } from '../table-csv.js';
import { readZipEntry } from '../zip.js';

const URL = 'https://archive.ics.uci.edu/ml/machine-learning-databases/00296/dataset_diabetes.zip';
const ZIP = 'dataset_diabetes.zip';
const MEMBER = 'diabetic_data.csv';
const MAPPING = 'IDs_mapping.csv';
/** The code columns IDs_mapping.csv describes, in its section order. */
const MAPPED_COLUMNS = ['admission_type_id', 'discharge_disposition_id', 'admission_source_id'] as const;
const MISSING = ['?', 'Unknown/Invalid'];

/** The 23 medication columns (No / Steady / Up / Down: dosage change during the encounter). */
export const DIABETES_MEDICATIONS = [
  'metformin',
  'repaglinide',
  'nateglinide',
  'chlorpropamide',
  'glimepiride',
  'acetohexamide',
  'glipizide',
  'glyburide',
  'tolbutamide',
  'pioglitazone',
  'rosiglitazone',
  'acarbose',
  'miglitol',
  'troglitazone',
  'tolazamide',
  'examide',
  'citoglipton',
  'insulin',
  'glyburide-metformin',
  'glipizide-metformin',
  'glimepiride-pioglitazone',
  'metformin-rosiglitazone',
  'metformin-pioglitazone',
];

export const DIABETES_COLUMNS = [
  'encounter_id',
  'patient_nbr',
  'race',
  'gender',
  'age',
  'weight',
  'admission_type_id',
  'discharge_disposition_id',
  'admission_source_id',
  'time_in_hospital',
  'payer_code',
  'medical_specialty',
  'num_lab_procedures',
  'num_procedures',
  'num_medications',
  'number_outpatient',
  'number_emergency',
  'number_inpatient',
  'diag_1',
  'diag_2',
  'diag_3',
  'number_diagnoses',
  'max_glu_serum',
  'A1Cresult',
  ...DIABETES_MEDICATIONS,
  'change',
  'diabetesMed',
  'readmitted',
];

export const DIABETES_AGE_ORDER = ['[0-10)', '[10-20)', '[20-30)', '[30-40)', '[40-50)', '[50-60)', '[60-70)', '[70-80)', '[80-90)', '[90-100)'];
export const DIABETES_WEIGHT_ORDER = ['[0-25)', '[25-50)', '[50-75)', '[75-100)', '[100-125)', '[125-150)', '[150-175)', '[175-200)', '>200'];
/** Medications never varying in the data (every row `No`): kept, but excluded from modelling. */
const CONSTANT = ['examide', 'citoglipton'];

const DIABETES_TARGET = 'readmitted';
const DIABETES_SENSITIVE = ['race', 'gender', 'age'];
const DIABETES_QIS = ['race', 'gender', 'age'];

const integer = (description: string) => ({ kind: 'integer' as const, description });
const coded = (description: string) => ({ kind: 'categorical' as const, description });

const DIABETES_SCHEMA: SchemaOverrides = {
  columns: {
    encounter_id: integer('encounter identifier'),
    patient_nbr: integer('patient identifier (repeats across encounters)'),
    race: { kind: 'categorical' },
    gender: { kind: 'categorical' },
    age: { kind: 'ordinal', categories: DIABETES_AGE_ORDER, description: 'age band in years' },
    weight: { kind: 'ordinal', categories: DIABETES_WEIGHT_ORDER, description: 'weight band in pounds (97% missing)' },
    admission_type_id: coded('admission type code (labels in IDs_mapping.csv)'),
    discharge_disposition_id: coded('discharge disposition code (labels in IDs_mapping.csv)'),
    admission_source_id: coded('admission source code (labels in IDs_mapping.csv)'),
    time_in_hospital: integer('days between admission and discharge'),
    payer_code: coded('payer (e.g. MC Medicare, SP self-pay)'),
    medical_specialty: coded('specialty of the admitting physician'),
    num_lab_procedures: integer('lab tests during the encounter'),
    num_procedures: integer('procedures other than lab tests'),
    num_medications: integer('distinct generic medications administered'),
    number_outpatient: integer('outpatient visits in the preceding year'),
    number_emergency: integer('emergency visits in the preceding year'),
    number_inpatient: integer('inpatient visits in the preceding year'),
    diag_1: coded('primary diagnosis (first three characters of the ICD-9 code)'),
    diag_2: coded('secondary diagnosis (ICD-9)'),
    diag_3: coded('additional secondary diagnosis (ICD-9)'),
    number_diagnoses: integer('diagnoses entered'),
    max_glu_serum: coded('glucose serum test result; None = not measured'),
    A1Cresult: coded('HbA1c test result; None = not measured'),
    change: coded('change of diabetic medications (Ch) or not (No)'),
    diabetesMed: { kind: 'boolean', categories: ['No', 'Yes'], description: 'any diabetic medication prescribed' },
    readmitted: { kind: 'categorical', categories: ['NO', '>30', '<30'], description: 'readmission within 30 days, after 30 days, or no record of readmission' },
    ...Object.fromEntries(CONSTANT.map((c) => [c, { kind: 'categorical' as const, roles: ['excluded' as const], description: 'constant (No) in every row' }])),
  },
  target: DIABETES_TARGET,
  sensitive: DIABETES_SENSITIVE,
  quasiIdentifiers: DIABETES_QIS,
  ids: ['encounter_id', 'patient_nbr'],
  missing: MISSING,
};

export const diabetesParamsSchema = z
  .object({
    /** "first": each patient's first encounter (71,518 rows); "all": every encounter (101,766 rows; patients repeat). */
    encounters: z.enum(['first', 'all']).default('first'),
    /** "three-class": readmitted NO / >30 / <30; "within-30-days": readmitted Yes (<30) / No. */
    readmission: z.enum(['three-class', 'within-30-days']).default('three-class'),
    /** "codes": admission/discharge/source as upstream's numeric codes; "descriptions": IDs_mapping.csv's labels. */
    idLabels: z.enum(['codes', 'descriptions']).default('codes'),
  })
  .strict();
export type DiabetesParams = z.infer<typeof diabetesParamsSchema>;

/** Row of each patient's lowest encounter_id, in file order. */
function firstEncounters(encounter: string[], patient: string[]): number[] {
  const best = new Map<string, number>();
  for (let i = 0; i < patient.length; i++) {
    const b = best.get(patient[i]);
    if (b === undefined || Number(encounter[i]) < Number(encounter[b])) best.set(patient[i], i);
  }
  return [...best.values()].sort((a, b) => a - b);
}

export interface DiabetesRaw {
  file: string;
  /** columns[j] holds DIABETES_COLUMNS[j] for every encounter. */
  columns: string[][];
  lines: Int32Array;
  /** Per mapped code column: code → description (from IDs_mapping.csv). */
  labels: Map<string, Map<string, string>>;
}

/**
 * IDs_mapping.csv: three `code,description` tables, each under its own header line
 * (`admission_type_id,description`, …) and separated by a line holding only a comma.
 */
export function parseIdsMapping(text: string, file: string): Map<string, Map<string, string>> {
  const p = parseCsv(text, { file, header: false });
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const n = p.columns[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const code = p.columns[0][i].trim();
    const label = (p.columns[1]?.[i] ?? '').trim();
    if ((MAPPED_COLUMNS as readonly string[]).includes(code)) out.set(code, (current = new Map()));
    else if (code !== '' && current) current.set(code, label);
  }
  const absent = MAPPED_COLUMNS.filter((c) => !out.get(c)?.size);
  if (absent.length) throw badInput(`${file}: no ${absent.join(', ')} table; use UCI's dataset_diabetes.zip`);
  return out;
}

/** Inflate and parse diabetic_data.csv (the slow part: about 2-3 s of CPU for 101,766 rows). */
export function readDiabetesRaw(files: Map<string, Buffer>): DiabetesRaw {
  const csv = readZipEntry(files.get(ZIP)!, MEMBER, ZIP);
  const file = `${ZIP}:${MEMBER}`;
  const p = parseCsv(csv.toString('latin1'), { file });
  const missingCols = DIABETES_COLUMNS.filter((c) => !p.header.includes(c));
  if (missingCols.length) throw badInput(`${file}: columns ${missingCols.join(', ')} are missing; use UCI's dataset_diabetes.zip`);
  const labels = parseIdsMapping(readZipEntry(files.get(ZIP)!, MAPPING, ZIP).toString('latin1'), `${ZIP}:${MAPPING}`);
  return { file, columns: DIABETES_COLUMNS.map((c) => p.columns[p.header.indexOf(c)]), lines: p.lines, labels };
}

const READMITTED_30: SchemaOverrides['columns'] = {
  readmitted: { kind: 'boolean', categories: ['No', 'Yes'], description: 'readmitted within 30 days (upstream <30); >30 and NO are No' },
};

/** The table for these params from parsed columns. */
export function diabetesTable(raw: DiabetesRaw, params: DiabetesParams): Table {
  let columns = raw.columns;
  let lines: ArrayLike<number> = raw.lines;
  if (params.encounters === 'first') {
    const rows = firstEncounters(columns[0], columns[1]);
    columns = columns.map((col) => rows.map((i) => col[i]));
    lines = Int32Array.from(rows, (i) => raw.lines[i]);
  }
  const at = (name: string) => DIABETES_COLUMNS.indexOf(name);
  if (params.readmission === 'within-30-days' || params.idLabels === 'descriptions') columns = [...columns];
  if (params.readmission === 'within-30-days') columns[at('readmitted')] = columns[at('readmitted')].map((v) => (v === '<30' ? 'Yes' : 'No'));
  const overrides: SchemaOverrides = { ...DIABETES_SCHEMA, columns: { ...DIABETES_SCHEMA.columns } };
  if (params.readmission === 'within-30-days') Object.assign(overrides.columns!, READMITTED_30);
  if (params.idLabels === 'descriptions') {
    for (const name of MAPPED_COLUMNS) {
      const map = raw.labels.get(name)!;
      // A code the mapping lacks keeps its number, so no value is lost.
      columns[at(name)] = columns[at(name)].map((v) => map.get(v) ?? v);
      overrides.columns![name] = { kind: 'categorical', description: `${name.replace(/_id$/, '').replace(/_/g, ' ')} (IDs_mapping.csv description)` };
    }
  }
  const schema = inferSchema(DIABETES_COLUMNS, columns, { overrides, missing: MISSING, file: raw.file, source: 'diabetes130 schema' });
  return tableFromColumns(schema, columns, { missing: MISSING, file: raw.file, lines });
}

export function loadDiabetes130(files: Map<string, Buffer>, params: DiabetesParams): Table {
  return diabetesTable(readDiabetesRaw(files), params);
}

export const diabetes130: DatasetSpec<DiabetesParams> = {
  id: 'diabetes130',
  summary: 'UCI Diabetes 130-US hospitals 1999-2008 (71,518 first encounters by default, 101,766 with encounters "all"; 50 columns): predict readmitted; sensitive race, gender, age',
  citation:
    'Strack, B., DeShazo, J. P., Gennings, C., Olmo, J. L., Ventura, S., Cios, K. J. & Clore, J. N. (2014). Impact of HbA1c Measurement on Hospital Readmission Rates: Analysis of 70,000 Clinical Database Patient Records. BioMed Research International 2014, 781670. Data: UCI Machine Learning Repository, https://doi.org/10.24432/C5230J',
  homepage: 'https://archive.ics.uci.edu/dataset/296/diabetes+130-us+hospitals+for+years+1999-2008',
  license: 'CC BY 4.0',
  sources: [{ file: ZIP, url: URL, sha256: '3a17a3b55b6dd4a1926703185c0ad8e2ed30bc8e2f9b927cdd1000b733d1de8e' }],
  target: DIABETES_TARGET,
  sensitive: DIABETES_SENSITIVE,
  quasiIdentifiers: DIABETES_QIS,
  paramsSchema: diabetesParamsSchema as z.ZodType<DiabetesParams>,
  load: (files, params) => loadDiabetes130(files, params),
};
