/**
 * Schema override file: a JSON document that fixes what inference cannot know (ordinal order,
 * roles, a closed category list, bounds, columns to ignore). Validated with zod; every problem
 * becomes a one-line BAD_CONFIG error naming the field and the fix. The format is documented in
 * docs/methodology.data.md ("Schema override file").
 */
import { z } from 'zod';
import { badConfig } from '../core/errors.js';
import { COLUMN_KINDS, COLUMN_ROLES, type ColumnRole, type Schema, cloneSchema, isCodedKind, isNumericKind } from '../core/schema.js';
import { readTextFile } from './csv.js';
import { compileConstraints, parseConstraint } from './constraints.js';
import { booleanValue } from './values.js';

function compileSyntax(text: string, source: string): void {
  try {
    parseConstraint(text);
  } catch (err) {
    throw badConfig(`${source}: constraints: ${(err as Error).message}`);
  }
}

export const columnOverrideSchema = z
  .object({
    kind: z.enum(COLUMN_KINDS).optional(),
    roles: z.array(z.enum(COLUMN_ROLES)).optional(),
    categories: z.array(z.string()).min(1).optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    if (c.categories) {
      const dup = c.categories.find((v, i) => c.categories!.indexOf(v) !== i);
      if (dup !== undefined) fail('categories', `category "${dup}" is listed twice; list each category once`);
      if (c.kind && isNumericKind(c.kind)) fail('categories', `a ${c.kind} column has no categories; remove "categories" or use kind categorical/ordinal/boolean`);
      if (c.kind === 'boolean' && c.categories.length !== 2) fail('categories', `a boolean column needs exactly 2 categories [false, true], got ${c.categories.length}; list two or use kind categorical`);
    }
    if (c.kind === 'ordinal' && !c.categories) fail('categories', 'an ordinal column needs "categories" listed from lowest to highest; add them');
    if ((c.min !== undefined || c.max !== undefined) && c.kind && isCodedKind(c.kind)) {
      fail(c.min !== undefined ? 'min' : 'max', `bounds apply to numeric columns only, not ${c.kind}; remove min/max`);
    }
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) fail('min', `min ${c.min} is greater than max ${c.max}; swap or fix them`);
  });

export const schemaFileSchema = z
  .object({
    /** Ignored; lets editors attach a JSON Schema. */
    $schema: z.string().optional(),
    columns: z.record(z.string(), columnOverrideSchema).optional(),
    target: z.string().optional(),
    sensitive: z.array(z.string()).optional(),
    quasiIdentifiers: z.array(z.string()).optional(),
    ids: z.array(z.string()).optional(),
    exclude: z.array(z.string()).optional(),
    /** Text values read as missing; replaces the default list. */
    missing: z.array(z.string()).optional(),
    /** Row constraints (./constraints.ts), scored by the validity metric. */
    constraints: z.array(z.string()).optional(),
  })
  .strict();

export type ColumnOverride = z.infer<typeof columnOverrideSchema>;
export type SchemaOverrides = z.infer<typeof schemaFileSchema>;

const TOP_FIELDS = Object.keys(schemaFileSchema.shape);
const COLUMN_FIELDS = ['kind', 'roles', 'categories', 'min', 'max', 'description'];

/** Validate an already-parsed JSON value as schema overrides (`source` names it in errors). */
export function parseSchemaOverrides(raw: unknown, source = 'schema file'): SchemaOverrides {
  const r = schemaFileSchema.safeParse(raw);
  if (r.success) {
    for (const c of r.data.constraints ?? []) compileSyntax(c, source);
    return r.data;
  }
  throw badConfig(formatIssue(r.error.issues[0], source));
}

function formatIssue(issue: z.ZodIssue, source: string): string {
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  const inColumn = issue.path[0] === 'columns' && issue.path.length >= 2;
  switch (issue.code) {
    case z.ZodIssueCode.unrecognized_keys: {
      const allowed = inColumn ? COLUMN_FIELDS : TOP_FIELDS;
      return `${source}: ${path}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'} (allowed: ${allowed.join(', ')})`;
    }
    case z.ZodIssueCode.invalid_enum_value:
      return `${source}: ${path}: "${String(issue.received)}" is not allowed; use one of ${issue.options.join(', ')}`;
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return `${source}: ${path}: required field is missing; add it`;
      return `${source}: ${path}: expected ${issue.expected}, got ${issue.received}; write a ${issue.expected} here`;
    case z.ZodIssueCode.too_small:
      return `${source}: ${path}: ${issue.message}; add at least one entry or remove the field`;
    case z.ZodIssueCode.custom:
      return `${source}: ${path}: ${issue.message}`;
    default:
      return `${source}: ${path}: ${issue.message}; fix this field (format: docs/methodology.data.md, "Schema override file")`;
  }
}

/** Parse JSON text as a schema override file. */
export function parseSchemaFile(text: string, source = 'schema file'): SchemaOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw badConfig(`${source}: not valid JSON (${(err as Error).message.split('\n')[0]}); fix the syntax`);
  }
  return parseSchemaOverrides(raw, source);
}

/** Read and validate a schema override file. */
export async function loadSchemaFile(path: string): Promise<SchemaOverrides> {
  return parseSchemaFile(await readTextFile(path), `schema file ${path}`);
}

/** Every column name an override mentions, with where it was mentioned. */
function mentionedColumns(o: SchemaOverrides): [string, string][] {
  const out: [string, string][] = [];
  for (const name of Object.keys(o.columns ?? {})) out.push([name, 'columns']);
  if (o.target !== undefined) out.push([o.target, 'target']);
  for (const [field, list] of [
    ['sensitive', o.sensitive],
    ['quasiIdentifiers', o.quasiIdentifiers],
    ['ids', o.ids],
    ['exclude', o.exclude],
  ] as const) {
    for (const name of list ?? []) out.push([name, field]);
  }
  return out;
}

/** Names of columns the overrides mark excluded (those may be entirely missing). */
export function excludedColumns(o: SchemaOverrides | undefined): Set<string> {
  const s = new Set<string>(o?.exclude ?? []);
  for (const [name, c] of Object.entries(o?.columns ?? {})) if (c.roles?.includes('excluded')) s.add(name);
  return s;
}

/**
 * Apply overrides to an inferred schema (returns a new schema). Column-level `roles` replace the
 * inferred roles; the top-level lists add roles; a top-level `target` moves the target role to
 * that column. A kind change to a coded kind needs categories unless the inferred column already
 * has a usable list. Values are not checked here (no data); `tableFromColumns` does that.
 */
export function applySchemaOverrides(inferred: Schema, overrides: SchemaOverrides, source = 'schema file'): Schema {
  const schema = cloneSchema(inferred);
  const byName = new Map(schema.columns.map((c) => [c.name, c]));
  const known = () => schema.columns.map((c) => c.name).join(', ');
  for (const [name, where] of mentionedColumns(overrides)) {
    if (!byName.has(name)) {
      const what = where === 'target' ? 'target column' : `column in "${where}"`;
      throw badConfig(`${source}: unknown ${what} "${name}"; known columns: ${known()}`);
    }
  }

  for (const [name, o] of Object.entries(overrides.columns ?? {})) {
    const spec = byName.get(name)!;
    const where = `${source}: columns.${name}`;
    if (o.kind && o.kind !== spec.kind) {
      if (isNumericKind(o.kind)) {
        delete spec.categories;
      } else if (!o.categories) {
        const cats = spec.categories;
        if (!cats) throw badConfig(`${where}: changing kind ${spec.kind} to ${o.kind} needs a "categories" list; add one`);
        if (o.kind === 'boolean') {
          if (cats.length !== 2) throw badConfig(`${where}: kind boolean needs exactly 2 categories but the data has ${cats.length}; use kind categorical or list 2 categories`);
          spec.categories = orderBoolean(cats);
        }
      }
      spec.kind = o.kind;
    }
    if (o.categories) {
      if (isNumericKind(spec.kind)) throw badConfig(`${where}: a ${spec.kind} column has no categories; remove "categories" or set kind categorical/ordinal/boolean`);
      if (spec.kind === 'boolean' && o.categories.length !== 2) throw badConfig(`${where}: a boolean column needs exactly 2 categories [false, true]; list two or use kind categorical`);
      spec.categories = [...o.categories];
    }
    if (o.min !== undefined || o.max !== undefined) {
      if (!isNumericKind(spec.kind)) throw badConfig(`${where}: bounds apply to numeric columns only, not ${spec.kind}; remove min/max`);
      const lo = o.min ?? spec.min;
      const hi = o.max ?? spec.max;
      if (lo !== undefined && hi !== undefined && lo > hi) throw badConfig(`${where}: min ${lo} is greater than max ${hi}; fix the bounds`);
      if (o.min !== undefined) spec.min = o.min;
      if (o.max !== undefined) spec.max = o.max;
    }
    if (o.description !== undefined) spec.description = o.description;
    if (o.roles) spec.roles = [...new Set(o.roles)];
  }

  const addRole = (names: string[] | undefined, role: ColumnRole) => {
    for (const name of names ?? []) {
      const spec = byName.get(name)!;
      if (!spec.roles.includes(role)) spec.roles.push(role);
    }
  };
  if (overrides.target !== undefined) {
    for (const c of schema.columns) if (c.name !== overrides.target) c.roles = c.roles.filter((r) => r !== 'target');
    addRole([overrides.target], 'target');
  }
  addRole(overrides.sensitive, 'sensitive');
  addRole(overrides.quasiIdentifiers, 'quasi-identifier');
  addRole(overrides.ids, 'id');
  addRole(overrides.exclude, 'excluded');

  const targets = schema.columns.filter((c) => c.roles.includes('target'));
  if (targets.length > 1) {
    throw badConfig(`${source}: ${targets.length} columns have the target role (${targets.map((c) => c.name).join(', ')}); keep exactly one target`);
  }
  if (overrides.constraints?.length) {
    compileConstraints(overrides.constraints, schema, `${source}: constraints`);
    schema.constraints = [...overrides.constraints];
  }
  return schema;
}

/** Put a false-like label before a true-like one, so code 1 means "true". */
export function orderBoolean(cats: string[]): string[] {
  const [a, b] = cats;
  if (booleanValue(a) === 1 && booleanValue(b) === 0) return [b, a];
  return [a, b];
}
