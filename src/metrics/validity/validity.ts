/**
 * Validity of synthetic rows for test-data use: could each row have come from the real data's
 * domain? Real = the training split. Measures (all shares in [0, 1]):
 *  - range adherence: share of non-missing synthetic numeric values inside [lo, hi], with lo/hi
 *    the schema's declared min/max where given and the real train min/max otherwise (SDMetrics
 *    BoundaryAdherence uses the real range); per column and the mean over numeric columns;
 *  - category adherence: share of non-missing synthetic codes among the categories actually
 *    seen in real train (every code is in the schema's list, so "valid" means "observed");
 *    per column and the mean over coded columns (SDMetrics CategoryAdherence);
 *  - missing-pattern similarity: 1 − TV distance between the distributions of per-row
 *    missingness patterns (which modelled columns are missing), over the `maxPatterns` most
 *    frequent real patterns plus one "other" bin;
 *  - exact duplicates of real train rows: share of synthetic rows equal on every modelled column
 *    to some train row (missing equals missing). Lower is better; also a privacy proxy, so it
 *    is labelled as one;
 *  - row constraints (../../data/constraints.ts) from the schema file and/or params: share of
 *    synthetic rows satisfying each and all, with the real train share in details for reference.
 *    Rows where a referenced value is missing count as satisfied.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Measure } from '../../core/measure.js';
import { type ColumnSpec, modelledColumns } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { compileConstraints, schemaConstraints } from '../../data/constraints.js';
import type { Metric } from '../types.js';

export const validityParams = z
  .object({
    /** Extra row constraints, added to those of the schema file. */
    constraints: z.array(z.string()).default([]),
    /** Most frequent real missingness patterns kept as their own bins; the rest pool into "other". */
    maxPatterns: z.number().int().min(1).max(1000).default(20),
  })
  .strict();
export type ValidityParams = z.infer<typeof validityParams>;

/** [lo, hi] for a numeric column: declared bounds where given, else the real min/max of non-missing values. */
export function numericBounds(spec: ColumnSpec, real: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of real) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [spec.min ?? lo, spec.max ?? hi];
}

/** Share of non-missing values in [lo, hi]; NaN when there are none. */
export function rangeAdherence(values: Float64Array, lo: number, hi: number): number {
  let inside = 0;
  let m = 0;
  for (const v of values) {
    if (v !== v) continue;
    m++;
    if (v >= lo && v <= hi) inside++;
  }
  return m > 0 ? inside / m : NaN;
}

/** Share of non-missing synthetic codes that occur (non-missing) in the real codes; NaN when none. */
export function categoryAdherence(real: Int32Array, syn: Int32Array, nCategories: number): number {
  const seen = new Uint8Array(nCategories);
  for (const c of real) if (c >= 0) seen[c] = 1;
  let ok = 0;
  let m = 0;
  for (const c of syn) {
    if (c < 0) continue;
    m++;
    if (c < nCategories && seen[c]) ok++;
  }
  return m > 0 ? ok / m : NaN;
}

/** Per-row missingness pattern as a string of 0/1 over the given columns. */
export function missingPatterns(table: Table, columns: string[]): string[] {
  const n = table.nRows;
  const bits: Uint8Array[] = columns.map((name) => {
    const c = table.column(name);
    const b = new Uint8Array(n);
    if (c.type === 'numeric') for (let i = 0; i < n; i++) b[i] = c.values[i] !== c.values[i] ? 1 : 0;
    else for (let i = 0; i < n; i++) b[i] = c.codes[i] < 0 ? 1 : 0;
    return b;
  });
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let s = '';
    for (const b of bits) s += b[i] ? '1' : '0';
    out[i] = s;
  }
  return out;
}

/**
 * 1 − TV distance between the pattern distributions, binned into the `maxPatterns` most frequent
 * real patterns (ties broken by the pattern string) plus "other".
 */
export function missingPatternSimilarity(real: string[], syn: string[], maxPatterns: number): { score: number; patterns: { pattern: string; real: number; synthetic: number }[] } {
  const count = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const cr = count(real);
  const cs = count(syn);
  const top = [...cr.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxPatterns).map((e) => e[0]);
  const nr = real.length || 1;
  const ns = syn.length || 1;
  let tv = 0;
  let otherR = 1;
  let otherS = 1;
  const patterns = top.map((p) => {
    const a = (cr.get(p) ?? 0) / nr;
    const b = (cs.get(p) ?? 0) / ns;
    otherR -= a;
    otherS -= b;
    tv += Math.abs(a - b);
    return { pattern: p, real: a, synthetic: b };
  });
  tv += Math.abs(Math.max(0, otherR) - Math.max(0, otherS));
  return { score: 1 - tv / 2, patterns };
}

/** Share of synthetic rows equal on every given column to some real row (missing equals missing). */
export function exactDuplicateShare(real: Table, syn: Table, columns: string[]): number {
  const keyOf = (t: Table) => {
    const cols = columns.map((c) => t.column(c));
    return (i: number) => {
      let s = '';
      for (const c of cols) s += (c.type === 'numeric' ? (c.values[i] === c.values[i] ? String(c.values[i]) : 'NA') : String(c.codes[i])) + '\u0001';
      return s;
    };
  };
  const rk = keyOf(real);
  const keys = new Set<string>();
  for (let i = 0; i < real.nRows; i++) keys.add(rk(i));
  const sk = keyOf(syn);
  let dup = 0;
  for (let i = 0; i < syn.nRows; i++) if (keys.has(sk(i))) dup++;
  return syn.nRows ? dup / syn.nRows : 0;
}

const share = (a: Uint8Array) => {
  let s = 0;
  for (const v of a) s += v;
  return a.length ? s / a.length : 1;
};

export const validity: Metric<ValidityParams> = {
  id: 'validity',
  family: 'fidelity',
  summary: 'Validity for test-data use: range and category adherence, missing-pattern similarity, exact copies of train rows, declared row constraints.',
  reference: 'SDMetrics BoundaryAdherence / CategoryAdherence (DataCebo); row constraints from the schema file',
  formula: 'range = share of synthetic numeric values in [min, max] (declared, else real train); category = share of codes seen in real train; missing-pattern = 1 − TV of missingness patterns; exact-duplicates = share of synthetic rows equal to a train row; constraints = share satisfying the declared constraints',
  directions: 'range, category, missing-pattern, constraints ↑ (1 = all valid); exact-duplicates ↓ (proxy)',
  paramsSchema: validityParams,

  unsupportedReason(ctx) {
    return modelledColumns(ctx.schema).length === 0 ? 'no modelled columns (all are id or excluded)' : undefined;
  },

  async compute(ctx: EvalContext, params: ValidityParams): Promise<Measure[]> {
    const p = validityParams.parse(params ?? {});
    const out: Measure[] = [];
    const cols = modelledColumns(ctx.schema);

    const range: Measure[] = [];
    const category: Measure[] = [];
    for (const spec of cols) {
      const real = ctx.train.column(spec.name);
      const syn = ctx.synthetic.column(spec.name);
      if (real.type === 'numeric' && syn.type === 'numeric') {
        const [lo, hi] = numericBounds(spec, real.values);
        if (!(lo <= hi)) continue; // no real values and no declared bounds
        const v = rangeAdherence(syn.values, lo, hi);
        if (Number.isNaN(v)) continue;
        range.push({ id: `validity.range[${spec.name}]`, value: v, direction: 'higher-better', details: { lo, hi, declared: { min: spec.min ?? null, max: spec.max ?? null } } });
      } else if (real.type === 'coded' && syn.type === 'coded') {
        const v = categoryAdherence(real.codes, syn.codes, real.categories.length);
        if (Number.isNaN(v)) continue;
        category.push({ id: `validity.category[${spec.name}]`, value: v, direction: 'higher-better' });
      }
    }
    const mean = (ms: Measure[]) => ms.reduce((s, m) => s + m.value, 0) / ms.length;
    if (range.length) out.push({ id: 'validity.range', value: mean(range), direction: 'higher-better', details: { columns: range.length } }, ...range);
    if (category.length) out.push({ id: 'validity.category', value: mean(category), direction: 'higher-better', details: { columns: category.length } }, ...category);

    const names = cols.map((c) => c.name);
    const mp = missingPatternSimilarity(missingPatterns(ctx.train, names), missingPatterns(ctx.synthetic, names), p.maxPatterns);
    out.push({
      id: 'validity.missing-pattern',
      value: mp.score,
      direction: 'higher-better',
      details: { columns: names, maxPatterns: p.maxPatterns, patterns: mp.patterns.slice(0, 10) },
    });

    out.push({
      id: 'validity.exact-duplicates',
      value: exactDuplicateShare(ctx.train, ctx.synthetic, names),
      direction: 'lower-better',
      proxy: true,
      note: 'share of synthetic rows identical to a train row on every modelled column; a privacy proxy as well as a validity check',
    });

    const texts = [...new Set([...schemaConstraints(ctx.schema), ...p.constraints])];
    if (texts.length) {
      const compiled = compileConstraints(texts, ctx.schema, 'validity');
      const all = new Uint8Array(ctx.synthetic.nRows).fill(1);
      const allReal = new Uint8Array(ctx.train.nRows).fill(1);
      const each: Measure[] = [];
      for (const c of compiled) {
        const s = c.evaluate(ctx.synthetic);
        const r = c.evaluate(ctx.train);
        for (let i = 0; i < s.length; i++) all[i] &= s[i];
        for (let i = 0; i < r.length; i++) allReal[i] &= r[i];
        each.push({ id: `validity.constraints[${c.text}]`, value: share(s), direction: 'higher-better', details: { realShare: share(r) } });
      }
      out.push({ id: 'validity.constraints', value: share(all), direction: 'higher-better', details: { constraints: texts, realShare: share(allReal) } }, ...each);
    }
    return out;
  },
};
