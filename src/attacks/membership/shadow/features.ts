/**
 * Feature maps of a synthetic table for shadow-model membership inference (Stadler, Oprisanu &
 * Troncoso 2022, "Synthetic Data – Anonymisation Groundhog Day", USENIX Security: naive, histogram
 * and correlation features; Houssiau et al. 2022, "TAPAS: a Toolbox for Adversarial Privacy
 * Auditing of Synthetic Data": target-matching counting queries). Every feature is fixed by the
 * attack setup (bins and ranges from the reference sample, query column subsets drawn once per
 * target), so all shadow datasets map to the same coordinates.
 *  - naive: mean, sd, median of each numeric column; frequency of each category;
 *  - histogram: 10 equal-width bins per numeric column over the reference range (clamped);
 *  - correlations: Pearson correlation of every pair of numeric columns;
 *  - target queries: the fraction of synthetic rows equal to the target on each random subset of
 *    columns (numeric columns compared through their histogram bin, categories exactly).
 */
import type { Rng } from '../../../core/rng.js';
import type { Table } from '../../../core/table.js';

export interface ShadowFeatureSpec {
  numeric: string[];
  coded: { name: string; levels: number }[];
  lo: Float64Array;
  hi: Float64Array;
  bins: number;
  /** Column subsets of the counting queries (indices into numeric then coded). */
  queries: Int32Array[];
}

export const HISTOGRAM_BINS = 10;

export function featureSpec(reference: Table, columns: string[], nQueries: number, rng: Rng): ShadowFeatureSpec {
  const numeric: string[] = [];
  const coded: { name: string; levels: number }[] = [];
  for (const name of columns) {
    const c = reference.column(name);
    if (c.type === 'numeric') numeric.push(name);
    else coded.push({ name, levels: c.categories.length });
  }
  const lo = new Float64Array(numeric.length);
  const hi = new Float64Array(numeric.length);
  numeric.forEach((name, j) => {
    let a = Infinity;
    let b = -Infinity;
    for (const v of reference.numeric(name)) if (v === v) (a = Math.min(a, v)), (b = Math.max(b, v));
    lo[j] = Number.isFinite(a) ? a : 0;
    hi[j] = Number.isFinite(b) && b > a ? b : lo[j] + 1;
  });
  const p = numeric.length + coded.length;
  const queries: Int32Array[] = [];
  for (let q = 0; q < nQueries; q++) {
    const size = 1 + rng.int(Math.min(p, 5)); // subsets of 1–5 columns, as TAPAS's default query sizes
    queries.push(Int32Array.from(rng.sampleWithoutReplacement(p, size)).sort());
  }
  return { numeric, coded, lo, hi, bins: HISTOGRAM_BINS, queries };
}

function bin(spec: ShadowFeatureSpec, j: number, v: number): number {
  if (v !== v) return -1;
  const b = Math.floor(((v - spec.lo[j]) / (spec.hi[j] - spec.lo[j])) * spec.bins);
  return b < 0 ? 0 : b >= spec.bins ? spec.bins - 1 : b;
}

/** Discretised cell of row i for column index c (numeric first, then coded). */
function cell(spec: ShadowFeatureSpec, cols: (Float64Array | Int32Array)[], c: number, i: number): number {
  return c < spec.numeric.length ? bin(spec, c, cols[c][i]) : cols[c][i];
}

/** The feature vector of a synthetic table against one target row (given as a 1-row table). */
export function shadowFeatures(spec: ShadowFeatureSpec, synthetic: Table, target: Table): Float64Array {
  const n = synthetic.nRows;
  const out: number[] = [];
  const cols: (Float64Array | Int32Array)[] = [...spec.numeric.map((c) => synthetic.numeric(c)), ...spec.coded.map((c) => synthetic.codes(c.name))];
  const tcols: (Float64Array | Int32Array)[] = [...spec.numeric.map((c) => target.numeric(c)), ...spec.coded.map((c) => target.codes(c.name))];
  const dNum = spec.numeric.length;
  const means = new Float64Array(dNum);
  const sds = new Float64Array(dNum);
  for (let j = 0; j < dNum; j++) {
    const v = cols[j] as Float64Array;
    const ok = Array.from(v).filter((x) => x === x).sort((a, b) => a - b);
    const m = ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : 0;
    const sd = ok.length ? Math.sqrt(ok.reduce((a, b) => a + (b - m) * (b - m), 0) / ok.length) : 0;
    means[j] = m;
    sds[j] = sd;
    const med = ok.length ? (ok[(ok.length - 1) >> 1] + ok[ok.length >> 1]) / 2 : 0;
    out.push(m, sd, med);
    const h = new Float64Array(spec.bins);
    for (const x of v) {
      const b = bin(spec, j, x);
      if (b >= 0) h[b]++;
    }
    for (const c of h) out.push(n ? c / n : 0);
  }
  spec.coded.forEach((c, j) => {
    const f = new Float64Array(c.levels);
    const codes = cols[dNum + j] as Int32Array;
    for (const x of codes) if (x >= 0 && x < c.levels) f[x]++;
    for (const x of f) out.push(n ? x / n : 0);
  });
  for (let a = 0; a < dNum; a++)
    for (let b = a + 1; b < dNum; b++) {
      const va = cols[a] as Float64Array;
      const vb = cols[b] as Float64Array;
      let s = 0;
      let m = 0;
      for (let i = 0; i < n; i++) if (va[i] === va[i] && vb[i] === vb[i]) (s += (va[i] - means[a]) * (vb[i] - means[b])), m++;
      out.push(m && sds[a] > 0 && sds[b] > 0 ? s / m / (sds[a] * sds[b]) : 0);
    }
  for (const q of spec.queries) {
    const want = Array.from(q, (c) => cell(spec, tcols, c, 0));
    let count = 0;
    for (let i = 0; i < n; i++) {
      let all = true;
      for (let t = 0; t < q.length && all; t++) all = cell(spec, cols, q[t], i) === want[t];
      if (all) count++;
    }
    out.push(n ? count / n : 0);
  }
  return Float64Array.from(out);
}
