/** Test helpers: seeded draws from known distributions and small tables built directly. */
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import type { ColumnSpec, Schema } from '../../src/core/schema.js';
import type { ProgressReporter } from '../../src/core/context.js';
import type { FitContext } from '../../src/generators/types.js';

export const silent: ProgressReporter = { update() {} };

export function fitContext(seed: number, signal?: AbortSignal): FitContext {
  return { seed, rng: new Rng(seed), progress: silent, signal };
}

export function col(name: string, kind: ColumnSpec['kind'], categories?: string[], roles: ColumnSpec['roles'] = []): ColumnSpec {
  return { name, kind, roles, ...(categories ? { categories } : {}) };
}

export function schemaOf(...columns: ColumnSpec[]): Schema {
  return { columns };
}

/** Gamma(k, 1) by Marsaglia & Tsang (2000); k < 1 via the U^(1/k) boost. */
export function gammaDraw(rng: Rng, k: number): number {
  if (k < 1) return gammaDraw(rng, k + 1) * Math.pow(rng.nextOpen(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.nextOpen();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function betaDraw(rng: Rng, a: number, b: number): number {
  const x = gammaDraw(rng, a);
  return x / (x + gammaDraw(rng, b));
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i]) (s += a[i]), n++;
  return s / n;
}

export function sd(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i]) (s += (a[i] - m) ** 2), n++;
  return Math.sqrt(s / (n - 1));
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Type-7 quantile of the non-missing values. */
export function quantile(a: ArrayLike<number>, p: number): number {
  const s = Float64Array.from(Array.from(a).filter((v) => v === v)).sort();
  const h = (s.length - 1) * p;
  const i = Math.floor(h);
  return i >= s.length - 1 ? s[s.length - 1] : s[i] + (h - i) * (s[i + 1] - s[i]);
}

/** Category frequencies of codes (missing excluded), one entry per category. */
export function frequencies(codes: Int32Array, k: number): number[] {
  const c = new Array(k).fill(0);
  let n = 0;
  for (const v of codes) if (v >= 0) c[v]++, n++;
  return c.map((x) => x / n);
}

/**
 * A mixed table: continuous x ~ N(50, 10) (5 % missing), integer age in [18, 90], categorical
 * colour with skewed frequencies (2 % missing) depending on x, boolean flag, ordinal grade, and
 * a datetime column (epoch ms). Never-used category 'never' is in the schema.
 */
export function mixedTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const schema = schemaOf(
    col('x', 'continuous'),
    col('age', 'integer'),
    col('colour', 'categorical', ['red', 'green', 'blue', 'never']),
    col('flag', 'boolean', ['no', 'yes']),
    col('grade', 'ordinal', ['low', 'mid', 'high']),
    col('when', 'datetime'),
  );
  const x = new Float64Array(n);
  const age = new Float64Array(n);
  const colour = new Int32Array(n);
  const flag = new Int32Array(n);
  const grade = new Int32Array(n);
  const when = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = rng.normal();
    x[i] = rng.next() < 0.05 ? NaN : 50 + 10 * e;
    age[i] = Math.min(90, Math.max(18, Math.round(45 + 15 * rng.normal())));
    const u = rng.next();
    // colour: a noisy threshold of x's latent value: red (most frequent) for high x, blue for low.
    const t = e + 0.6 * rng.normal();
    colour[i] = u < 0.02 ? -1 : t > -0.1 ? 0 : t > -1 ? 1 : 2;
    flag[i] = rng.next() < 0.3 ? 1 : 0;
    grade[i] = rng.int(3);
    when[i] = Date.UTC(2020, 0, 1) + Math.floor(rng.next() * 365 * 86400000);
  }
  return new Table(schema, [x, age, colour, flag, grade, when]);
}

/** Rows of a table as sorted strings, to compare tables as multisets of rows. */
export function rowMultiset(t: Table): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.nRows; i++) out.push(JSON.stringify(t.columns.map((_, j) => t.value(i, j))));
  return out.sort();
}

/** True when every array of two tables is identical (NaN equal to NaN). */
export function sameArrays(a: Table, b: Table): boolean {
  const xa = a.arrays();
  const xb = b.arrays();
  if (xa.length !== xb.length) return false;
  for (let j = 0; j < xa.length; j++) {
    if (xa[j].length !== xb[j].length) return false;
    for (let i = 0; i < xa[j].length; i++) if (!Object.is(xa[j][i], xb[j][i])) return false;
  }
  return true;
}

/** Largest |a − b| relative to the largest |b| (at least 1e-3, so near-zero gradients do not divide by ~0). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relDiff: lengths ${a.length} and ${b.length}`);
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
