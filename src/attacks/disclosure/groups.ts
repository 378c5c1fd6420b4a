/**
 * Equivalence classes on quasi-identifiers, shared by the classical disclosure measures and CAP.
 * Coded columns keep their category (missing is a category of its own); numeric columns are
 * generalised into quantile bins (default deciles) whose cutpoints are fitted on one table only
 * (the reference split when present, else the synthetic table; never train or holdout), missing
 * values forming their own bin. Rows of several tables get class ids from one shared dictionary,
 * so the same QI combination has the same id in every table.
 */
import { quantileSorted } from '../roc.js';
import type { Table } from '../../core/table.js';

export interface Generaliser {
  columns: string[];
  /** Per column: sorted distinct cutpoints (numeric) or null (coded). */
  cuts: (Float64Array | null)[];
}

/** Quantile cutpoints at 1/bins, 2/bins, … for numeric columns of `fitOn`. */
export function fitGeneraliser(fitOn: Table, columns: string[], bins: number): Generaliser {
  const cuts = columns.map((name) => {
    const c = fitOn.column(name);
    if (c.type !== 'numeric') return null;
    const v = c.values.filter((x) => x === x).sort();
    if (v.length === 0) return new Float64Array(0);
    const qs: number[] = [];
    for (let b = 1; b < bins; b++) qs.push(quantileSorted(v, b / bins));
    return Float64Array.from(new Set(qs)).sort();
  });
  return { columns, cuts };
}

/** Bin of x: number of cutpoints strictly below x (so bins are (c_{i−1}, c_i]); −1 when missing. */
function binOf(cuts: Float64Array, x: number): number {
  if (x !== x) return -1;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Shared dictionary of QI combinations → class ids. */
export class ClassDictionary {
  private readonly ids = new Map<string, number>();
  constructor(readonly gen: Generaliser) {}

  get size(): number {
    return this.ids.size;
  }

  /** Class id of every row; combinations not seen before get new ids unless `lookupOnly` (then −1). */
  classes(table: Table, lookupOnly = false): Int32Array {
    const cols = this.gen.columns.map((name) => table.column(name));
    const out = new Int32Array(table.nRows);
    const parts = new Array<number>(cols.length);
    for (let i = 0; i < table.nRows; i++) {
      for (let j = 0; j < cols.length; j++) {
        const c = cols[j];
        parts[j] = c.type === 'numeric' ? binOf(this.gen.cuts[j]!, c.values[i]) : c.codes[i];
      }
      const key = parts.join(',');
      let id = this.ids.get(key);
      if (id === undefined) {
        if (lookupOnly) {
          out[i] = -1;
          continue;
        }
        id = this.ids.size;
        this.ids.set(key, id);
      }
      out[i] = id;
    }
    return out;
  }
}

/** Row counts per class id (ids ≥ 0 below `nClasses`). */
export function classCounts(classes: Int32Array, nClasses: number): Int32Array {
  const counts = new Int32Array(nClasses);
  for (const c of classes) if (c >= 0) counts[c]++;
  return counts;
}
