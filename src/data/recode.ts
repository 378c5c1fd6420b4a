/**
 * Code → label recoding for dataset loaders whose upstream files store categories as codes
 * (UCI's A-codes, 1/2 for sex, ...). An unknown code is an error naming file:line, so a changed
 * upstream file fails loudly instead of turning into silent missing values.
 */
import { badInput } from '../core/errors.js';

export interface RecodeWhere {
  file: string;
  column: string;
  /** Physical line of each row (parseCsv's `lines`). */
  lines?: ArrayLike<number>;
}

/**
 * Map each value through `labels`; values listed in `passThrough` (missing tokens) are kept as
 * they are.
 */
export function recodeColumn(values: readonly string[], labels: Readonly<Record<string, string>>, where: RecodeWhere, passThrough: readonly string[] = []): string[] {
  const keep = new Set(passThrough);
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const label = Object.hasOwn(labels, v) ? labels[v] : undefined;
    if (label !== undefined) out[i] = label;
    else if (keep.has(v)) out[i] = v;
    else {
      const at = where.lines ? `${where.file}:${where.lines[i]}` : `${where.file} row ${i + 1}`;
      throw badInput(`${at}: column "${where.column}" has code ${JSON.stringify(v)}, expected one of ${Object.keys(labels).join(', ')}; check that the file is the documented upstream file`);
    }
  }
  return out;
}

/** The distinct labels of a code table, in the table's order (for declared category lists). */
export function labelsOf(labels: Readonly<Record<string, string>>): string[] {
  return [...new Set(Object.values(labels))];
}
