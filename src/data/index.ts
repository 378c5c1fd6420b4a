/** Public API of the data layer: CSV, schema inference and overrides, datasets, splits, danfo adapters. */
export { parseCsv, writeCsv, readCsvFile, readTextFile, csvField, type ParseCsvOptions, type ParsedCsv } from './csv.js';
export { DEFAULT_MISSING_TOKENS, parseNumber, isIntegerText, parseIsoDatetime, booleanValue } from './values.js';
export {
  inferSchema,
  inferSchemaFromCounts,
  inferKind,
  countDistinct,
  frequencyOrder,
  missingTokens,
  type InferOptions,
  type KindGuess,
} from './schema-infer.js';
export {
  schemaFileSchema,
  columnOverrideSchema,
  parseSchemaOverrides,
  parseSchemaFile,
  loadSchemaFile,
  applySchemaOverrides,
  excludedColumns,
  type SchemaOverrides,
  type ColumnOverride,
} from './schema-file.js';
export {
  tableFromColumns,
  tablesFromCsv,
  readTableCsv,
  writeTableCsv,
  type ColumnsToTableOptions,
  type CsvInput,
  type TablesFromCsvOptions,
} from './table-csv.js';
export type { DatasetSpec, DatasetSource } from './dataset-spec.js';
export {
  fetchDatasetFiles,
  resolveMirrorDir,
  resolveCacheDir,
  downloadsAllowed,
  type FetchOptions,
  type FileOrigin,
} from './fetch.js';
export { datasets, loadDataset, datasetFingerprint, type LoadDatasetOptions, type LoadedDataset } from './registry.js';
export { adult, loadAdult, ADULT_COLUMNS, ADULT_EDUCATION_ORDER } from './datasets/adult.js';
export { compas, loadCompas, compasFromPropublica, compasParamsSchema, COMPAS_COLUMNS, type CompasParams } from './datasets/compas.js';
export { creditDefault, loadCreditDefault, CREDIT_COLUMNS } from './datasets/credit-default.js';
export { diabetes130, loadDiabetes130, diabetesParamsSchema, DIABETES_COLUMNS, type DiabetesParams } from './datasets/diabetes130.js';
export { german, loadGerman, germanFromUci, GERMAN_COLUMNS } from './datasets/german.js';
export { heartCleveland, loadHeartCleveland, HEART_COLUMNS } from './datasets/heart-cleveland.js';
export { listZip, readZipEntry, crc32, type ZipEntry } from './zip.js';
export { cohort, generateCohort, cohortSchema, cohortParamsSchema, COHORT_DEFAULT_SEED, COHORT_OUTLIERS, type CohortParams } from './datasets/cohort.js';
export { makeSplits, uniqueRowRepresentatives, type SplitOptions, type Splits } from './splits.js';
export { tableToDataFrame, tableFromDataFrame, loadDanfo } from './danfo.js';
