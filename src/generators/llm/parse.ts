/**
 * Parsing and validation of a chat-completion reply into table rows. The reply should be JSON
 * lines; code fences, prose around the rows and a JSON array (or one object) are tolerated. Every
 * candidate row is checked against the schema (docs/methodology.md, llm-endpoint, Validation):
 * exactly the modelled columns as keys, numbers finite and within the training range widened by
 * a margin and the declared bounds, integers integral, categories in the schema's list, datetimes
 * ISO 8601, null only where the training column has missing values. Invalid rows are dropped and
 * counted by reason; nothing is repaired except rounding to the training resolution.
 */
import { MISSING_CODE } from '../../core/table.js';
import type { ColumnRule } from './prompt.js';

export interface ValidationOptions {
  /** Widen the observed [min, max] by this fraction of its width (null: no observed-range check). */
  rangeMargin: number | null;
  /** Match category labels ignoring case (after trimming). */
  caseInsensitive: boolean;
}

export type InvalidReason =
  | 'malformed-json'
  | 'not-an-object'
  | 'missing-key'
  | 'unknown-key'
  | 'null'
  | 'not-a-number'
  | 'out-of-range'
  | 'not-integer'
  | 'unknown-category'
  | 'bad-datetime';

export interface ParsedRows {
  /** Valid rows, row-major: rules.length values per row (codes for coded columns, NaN/-1 = missing). */
  values: number[];
  valid: number;
  invalid: number;
  reasons: Partial<Record<InvalidReason, number>>;
}

/** Compiled per-column checks (category lookup tables, accepted numeric interval). */
export interface RowValidator {
  rules: ColumnRule[];
  names: Set<string>;
  lookups: (Map<string, number> | undefined)[];
  lo: Float64Array;
  hi: Float64Array;
  caseInsensitive: boolean;
}

/** Category code lookup; -2 marks labels that collide when case is ignored (rejected as ambiguous). */
const AMBIGUOUS = -2;

export function compileValidator(rules: ColumnRule[], opts: ValidationOptions): RowValidator {
  const lo = new Float64Array(rules.length).fill(-Infinity);
  const hi = new Float64Array(rules.length).fill(Infinity);
  const lookups = rules.map((rule, j) => {
    const s = rule.spec;
    if (s.categories && !isNumericSpec(rule)) {
      const m = new Map<string, number>();
      s.categories.forEach((c, code) => {
        const key = normaliseLabel(c, opts.caseInsensitive);
        m.set(key, m.has(key) ? AMBIGUOUS : code);
      });
      return m;
    }
    if (opts.rangeMargin !== null && !Number.isNaN(rule.min)) {
      const width = rule.max - rule.min;
      const pad = opts.rangeMargin * (width > 0 ? width : Math.max(Math.abs(rule.min), 1));
      lo[j] = rule.min - pad;
      hi[j] = rule.max + pad;
    }
    if (s.min !== undefined) lo[j] = Math.max(lo[j], s.min);
    if (s.max !== undefined) hi[j] = Math.min(hi[j], s.max);
    return undefined;
  });
  return { rules, names: new Set(rules.map((r) => r.spec.name)), lookups, lo, hi, caseInsensitive: opts.caseInsensitive };
}

function isNumericSpec(rule: ColumnRule): boolean {
  return rule.spec.kind === 'continuous' || rule.spec.kind === 'integer' || rule.spec.kind === 'datetime';
}

function normaliseLabel(s: string, caseInsensitive: boolean): string {
  const t = s.trim();
  return caseInsensitive ? t.toLowerCase() : t;
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO 8601 date or datetime (no offset = UTC), NaN when not ISO or not a real date. */
export function parseIsoDatetime(text: string): number {
  const t = text.trim();
  const m = ISO_DATETIME.exec(t);
  if (!m) return NaN;
  const withZone = t.length > 10 && !m[1] ? `${t.replace(' ', 'T')}Z` : t.replace(' ', 'T');
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) return NaN;
  // Date.parse rolls 2021-02-30 over to March; reject dates that do not survive the round trip.
  return new Date(ms).toISOString().slice(0, 10) === t.slice(0, 10) || m[1] ? ms : NaN;
}

function roundToResolution(rule: ColumnRule, x: number): number {
  const res = rule.resolution;
  if (!res) return x;
  if (res.step > 0) return Math.round(x / res.step) * res.step;
  if (res.scale > 0) return Math.round(x * res.scale) / res.scale;
  return x;
}

/** Checks one candidate and writes its values to `out` (rules.length slots); returns why it is invalid, or null. */
export function validateRow(v: RowValidator, obj: unknown, out: number[]): InvalidReason | null {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not-an-object';
  const rec = obj as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (!v.names.has(k)) return 'unknown-key';
  for (let j = 0; j < v.rules.length; j++) {
    const rule = v.rules[j];
    const name = rule.spec.name;
    if (!Object.prototype.hasOwnProperty.call(rec, name)) return 'missing-key';
    const x = rec[name];
    const lookup = v.lookups[j];
    if (x === null) {
      if (!rule.nullable) return 'null';
      out[j] = lookup ? MISSING_CODE : NaN;
      continue;
    }
    if (lookup) {
      if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') return 'unknown-category';
      const code = lookup.get(normaliseLabel(String(x), v.caseInsensitive));
      if (code === undefined || code === AMBIGUOUS) return 'unknown-category';
      out[j] = code;
      continue;
    }
    let num: number;
    if (rule.spec.kind === 'datetime') {
      if (typeof x !== 'string') return 'bad-datetime';
      num = parseIsoDatetime(x);
      if (Number.isNaN(num)) return 'bad-datetime';
    } else {
      if (typeof x !== 'number' || !Number.isFinite(x)) return 'not-a-number';
      if (rule.spec.kind === 'integer' && !Number.isInteger(x)) return 'not-integer';
      num = x;
    }
    if (num < v.lo[j] || num > v.hi[j]) return 'out-of-range';
    out[j] = roundToResolution(rule, num);
  }
  return null;
}

/** Candidate rows in a reply: parsed objects and the count of row-like text that did not parse. */
export function extractCandidates(content: string): { candidates: unknown[]; malformed: number } {
  const text = stripFences(content).trim();
  const whole = tryJson(text) ?? tryJson(bracketed(text));
  if (whole !== undefined && (Array.isArray(whole) || (whole !== null && typeof whole === 'object'))) {
    return { candidates: Array.isArray(whole) ? whole : [whole], malformed: 0 };
  }
  const candidates: unknown[] = [];
  let malformed = 0;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    // Pretty-printed arrays put one object per line between `[` and `]`, with trailing commas.
    if (line.startsWith('[')) line = line.slice(1).trim();
    while (line.endsWith(',') || line.endsWith(']')) line = line.slice(0, -1).trim();
    if (!line.startsWith('{')) continue; // prose, fences, blank lines: not rows
    const obj = tryJson(line);
    if (obj === undefined) malformed++;
    else candidates.push(obj);
  }
  return { candidates, malformed };
}

function stripFences(s: string): string {
  const blocks = [...s.matchAll(/```[A-Za-z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.length ? blocks.join('\n') : s;
}

/** The text from the first `[` to the last `]`, for an array surrounded by prose. */
function bracketed(s: string): string {
  const a = s.indexOf('[');
  const b = s.lastIndexOf(']');
  return a >= 0 && b > a ? s.slice(a, b + 1) : '';
}

function tryJson(s: string): unknown {
  if (!s) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Parses a reply and validates every candidate; keeps at most `limit` valid rows (the rest count as surplus). */
export function parseRows(content: string, v: RowValidator, limit = Infinity): ParsedRows & { surplus: number } {
  const { candidates, malformed } = extractCandidates(content);
  const reasons: Partial<Record<InvalidReason, number>> = {};
  if (malformed) reasons['malformed-json'] = malformed;
  const width = v.rules.length;
  const values: number[] = [];
  const row = new Array<number>(width);
  let valid = 0;
  let invalid = malformed;
  let surplus = 0;
  for (const c of candidates) {
    const why = validateRow(v, c, row);
    if (why) {
      invalid++;
      reasons[why] = (reasons[why] ?? 0) + 1;
    } else if (valid < limit) {
      for (let j = 0; j < width; j++) values.push(row[j]);
      valid++;
    } else {
      surplus++;
    }
  }
  return { values, valid, invalid, reasons, surplus };
}
