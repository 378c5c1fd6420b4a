/**
 * Parsing of single text values: strict decimal numbers, integers, ISO 8601 dates/datetimes and
 * boolean words. Strict on purpose: `Number()` accepts '', ' 1 ', '0x10' and 'Infinity', which
 * would turn identifiers or typos into numbers during schema inference.
 */

/** Text values read as missing unless configured otherwise. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', '?', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL'];

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A finite decimal number, or NaN when `s` is not one. */
export function parseNumber(s: string): number {
  if (!DECIMAL.test(s)) return NaN;
  const x = Number(s);
  return Number.isFinite(x) ? x : NaN;
}

/** True when `s` is written as an integer (digits with optional sign) within ±2^53. */
export function isIntegerText(s: string): boolean {
  return INTEGER.test(s) && Number.isSafeInteger(Number(s));
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Epoch milliseconds of an ISO 8601 calendar date (`2020-03-01`) or date-time (`2020-03-01T08:30`,
 * `...:15.250Z`, `...+02:00`, a space instead of T), or NaN. A date-time without an offset is read
 * as UTC so results never depend on the machine's time zone. Impossible dates (Feb 30) are NaN.
 */
export function parseIsoDatetime(s: string): number {
  const m = ISO.exec(s);
  if (!m) return NaN;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const h = m[4] ? +m[4] : 0;
  const mi = m[5] ? +m[5] : 0;
  const sec = m[6] ? +m[6] : 0;
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return NaN;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return NaN;
  date.setUTCHours(h, mi, sec, ms);
  let t = date.getTime();
  const tz = m[8];
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return NaN;
    t -= sign * (oh * 60 + om) * 60_000;
  }
  return t;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'f']);

/** 1 for a true-like word, 0 for a false-like word (case-insensitive), -1 otherwise. */
export function booleanValue(s: string): 0 | 1 | -1 {
  const l = s.toLowerCase();
  if (TRUE_WORDS.has(l)) return 1;
  if (FALSE_WORDS.has(l)) return 0;
  return -1;
}

/** Compare strings by UTF-16 code units (locale-independent, so category order is reproducible). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
