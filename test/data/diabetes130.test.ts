import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../../src/core/table.js';
import { DIABETES_COLUMNS, type DiabetesRaw, diabetesTable, parseIdsMapping, readDiabetesRaw } from '../../src/data/datasets/diabetes130.js';
import { datasets } from '../../src/data/registry.js';
import { MIRROR, expectChecksumMismatch, labelCounts, missingCount, numericSum, roleColumns } from './dataset-helpers.js';

// The zip is parsed once for the whole file (about 2-3 s of CPU); both tables are built from it.
describe('diabetes130 dataset (from the offline mirror)', () => {
  let all: Table;
  let first: Table;
  let raw: DiabetesRaw;
  const params = (p: unknown) => datasets.get('diabetes130').paramsSchema!.parse(p);

  beforeAll(() => {
    const zip = readFileSync(join(MIRROR, 'diabetes130', 'dataset_diabetes.zip'));
    raw = readDiabetesRaw(new Map([['dataset_diabetes.zip', zip]]));
    all = diabetesTable(raw, params({ encounters: 'all' }));
    first = diabetesTable(raw, params({}));
  });

  it('encounters "all": 101,766 rows x 50 columns, readmitted NO / >30 / <30 = 54,864 / 35,545 / 11,357', () => {
    expect(all.nRows).toBe(101766);
    expect(all.names).toEqual(DIABETES_COLUMNS);
    expect(labelCounts(all, 'readmitted')).toEqual({ NO: 54864, '>30': 35545, '<30': 11357 });
    expect(all.column('readmitted').spec.categories).toEqual(['NO', '>30', '<30']);
  });

  it('declares ids, target, sensitive attributes and quasi-identifiers; constant medications excluded', () => {
    expect(roleColumns(all, 'id')).toEqual(['encounter_id', 'patient_nbr']);
    expect(roleColumns(all, 'target')).toEqual(['readmitted']);
    expect(roleColumns(all, 'sensitive')).toEqual(['race', 'gender', 'age']);
    expect(roleColumns(all, 'quasi-identifier')).toEqual(['race', 'gender', 'age']);
    expect(roleColumns(all, 'excluded')).toEqual(['examide', 'citoglipton']);
    const kinds = Object.fromEntries(all.schema.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ age: 'ordinal', weight: 'ordinal', time_in_hospital: 'integer', num_lab_procedures: 'integer', diag_1: 'categorical', admission_type_id: 'categorical', diabetesMed: 'boolean' });
  });

  it('? is missing, None stays a category, Unknown/Invalid gender is missing (python csv counts)', () => {
    expect(missingCount(all, 'race')).toBe(2273);
    expect(missingCount(all, 'weight')).toBe(98569);
    expect(missingCount(all, 'payer_code')).toBe(40256);
    expect(missingCount(all, 'medical_specialty')).toBe(49949);
    expect(missingCount(all, 'diag_1')).toBe(21);
    expect(missingCount(all, 'gender')).toBe(3);
    expect(missingCount(all, 'max_glu_serum')).toBe(0);
    expect(labelCounts(all, 'max_glu_serum')).toEqual({ None: 96420, Norm: 2597, '>200': 1485, '>300': 1264 });
    expect(labelCounts(all, 'A1Cresult').None).toBe(84748);
    expect(numericSum(all, 'time_in_hospital')).toBe(447362);
    expect(numericSum(all, 'num_lab_procedures')).toBe(4385671);
  });

  it('patients repeat (71,518 distinct patient_nbr); the default keeps each first encounter', () => {
    expect(new Set(all.numeric('patient_nbr')).size).toBe(71518);
    expect(first.nRows).toBe(71518);
    expect(new Set(first.numeric('patient_nbr')).size).toBe(71518);
    // First encounter = lowest encounter_id per patient (python over diabetic_data.csv).
    expect(labelCounts(first, 'readmitted')).toEqual({ NO: 42985, '>30': 22240, '<30': 6293 });
    expect(numericSum(first, 'time_in_hospital')).toBe(306750);
    expect(missingCount(first, 'race')).toBe(1948);
    expect(labelCounts(first, 'A1Cresult').None).toBe(58532);
  });

  it('readmission "within-30-days": a Yes/No target with <30 as Yes; other columns unchanged', () => {
    const raw30 = diabetesTable(raw, params({ readmission: 'within-30-days' }));
    expect(labelCounts(raw30, 'readmitted')).toEqual({ No: 42985 + 22240, Yes: 6293 });
    expect(raw30.column('readmitted').spec).toMatchObject({ kind: 'boolean', categories: ['No', 'Yes'] });
    expect(roleColumns(raw30, 'target')).toEqual(['readmitted']);
    expect(labelCounts(raw30, 'A1Cresult')).toEqual(labelCounts(first, 'A1Cresult'));
  });

  it('idLabels "descriptions": codes replaced by IDs_mapping.csv labels, counts carried over', () => {
    const labelled = diabetesTable(raw, params({ idLabels: 'descriptions' }));
    const types = labelCounts(labelled, 'admission_type_id');
    const codes = labelCounts(first, 'admission_type_id');
    expect(types).toEqual({ Emergency: codes['1'], Urgent: codes['2'], Elective: codes['3'], Newborn: codes['4'], 'Not Available': codes['5'], NULL: codes['6'], 'Trauma Center': codes['7'], 'Not Mapped': codes['8'] });
    expect(labelCounts(labelled, 'discharge_disposition_id')['Discharged to home']).toBe(labelCounts(first, 'discharge_disposition_id')['1']);
    // Codes 9 and 15 of admission_source_id share the description "Not Available".
    const sources = labelCounts(first, 'admission_source_id');
    expect(labelCounts(labelled, 'admission_source_id')['Not Available']).toBe((sources['9'] ?? 0) + (sources['15'] ?? 0));
    expect(labelCounts(labelled, 'admission_source_id')['Emergency Room']).toBe(sources['7']);
  });

  it('a mapping file without the three code tables fails with a one-line error', () => {
    expect(() => parseIdsMapping('admission_type_id,description\n1,Emergency\n', 'x.csv')).toThrow(/x\.csv: no discharge_disposition_id, admission_source_id table/);
  });

  it('keeps the first row intact', () => {
    expect(all.row(0)).toMatchObject({ encounter_id: 2278392, patient_nbr: 8222157, race: 'Caucasian', gender: 'Female', age: '[0-10)', time_in_hospital: 1, medical_specialty: 'Pediatrics-Endocrinology', diag_1: '250.83', max_glu_serum: 'None', readmitted: 'NO' });
    expect(all.row(0).weight).toBeNull();
  });

  it('a mirror file with other bytes fails with the one-line checksum error', async () => {
    await expectChecksumMismatch('diabetes130', 'dataset_diabetes.zip', '3a17a3b55b6dd4a1926703185c0ad8e2ed30bc8e2f9b927cdd1000b733d1de8e');
  });
});
