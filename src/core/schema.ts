/**
 * Schema: what each column is (kind) and what it is for (roles). Kinds decide storage:
 * continuous, integer and datetime are numeric (Float64Array, NaN = missing; datetime as epoch
 * milliseconds); categorical, ordinal and boolean are coded (Int32Array codes into `categories`,
 * -1 = missing). Ordinal categories are listed in their order; boolean has exactly two.
 */
export const COLUMN_KINDS = ['continuous', 'integer', 'categorical', 'ordinal', 'boolean', 'datetime'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export const COLUMN_ROLES = ['target', 'sensitive', 'quasi-identifier', 'id', 'excluded'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  roles: ColumnRole[];
  /** Coded kinds only: the category labels, codes index into this list. */
  categories?: string[];
  /** Optional declared bounds for numeric kinds (used by validity checks and generators). */
  min?: number;
  max?: number;
  description?: string;
}

export interface Schema {
  columns: ColumnSpec[];
  /** Row constraints declared in the schema file (e.g. `age >= 0`), scored by the validity metric. */
  constraints?: string[];
}

export function isNumericKind(kind: ColumnKind): boolean {
  return kind === 'continuous' || kind === 'integer' || kind === 'datetime';
}

export function isCodedKind(kind: ColumnKind): boolean {
  return !isNumericKind(kind);
}

export function columnsWithRole(schema: Schema, role: ColumnRole): ColumnSpec[] {
  return schema.columns.filter((c) => c.roles.includes(role));
}

/** The single target column, if declared. */
export function targetColumn(schema: Schema): ColumnSpec | undefined {
  return schema.columns.find((c) => c.roles.includes('target'));
}

/** Columns a generator or evaluator should model: everything not `id` or `excluded`. */
export function modelledColumns(schema: Schema): ColumnSpec[] {
  return schema.columns.filter((c) => !c.roles.includes('id') && !c.roles.includes('excluded'));
}

export function findColumn(schema: Schema, name: string): ColumnSpec | undefined {
  return schema.columns.find((c) => c.name === name);
}

export function cloneSchema(schema: Schema): Schema {
  return {
    columns: schema.columns.map((c) => ({ ...c, roles: [...c.roles], categories: c.categories ? [...c.categories] : undefined })),
    ...(schema.constraints ? { constraints: [...schema.constraints] } : {}),
  };
}
