/**
 * Subgroups for the fairness metrics: one grouping per declared sensitive attribute (schema
 * role `sensitive`, or the `sensitive` param) and, by default, one per pair of them (their
 * intersection, e.g. sex × race; Buolamwini & Gebru 2018, Kearns et al. 2018 on why marginal
 * groups hide intersectional gaps).
 *  - Coded attributes: one group per schema category.
 *  - Numeric attributes (e.g. age): `quartiles` (default) of the real training split, i.e. edges
 *    at its 25/50/75% quantiles (type 7, duplicates merged), or `decades` (⌊v/10⌋·10, the decades
 *    present in real train; values outside them fall into the nearest end decade).
 * Group labels: `sex=Female`, `age=[28,37)`, `age<28`, `age>=48`, `age=30-39`; intersections join
 * with `&` (`sex=Female&race=Black`); grouping names are `sex` and `sex&race`. A row with a
 * missing sensitive value belongs to no group (index −1) and is counted in details.
 */
import { quantileSorted } from '../../attacks/roc.js';
import { unsupported } from '../../core/errors.js';
import { type Schema, columnsWithRole, findColumn, isCodedKind } from '../../core/schema.js';
import type { Table } from '../../core/table.js';

export type NumericBinning = 'quartiles' | 'decades';

export interface Grouping {
  /** `sex` or `sex&race`. */
  name: string;
  labels: string[];
  /** Group index per row (−1: a missing sensitive value). */
  assign(t: Table): Int32Array;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
}

/** Grouping of one attribute; numeric bins are fitted on `fitOn` (real train). */
export function attributeGrouping(schema: Schema, name: string, fitOn: Table, binning: NumericBinning): Grouping {
  const spec = findColumn(schema, name);
  if (!spec) throw unsupported(`sensitive attribute "${name}" is not a column of the data`);
  if (isCodedKind(spec.kind)) {
    return { name, labels: spec.categories!.map((c) => `${name}=${c}`), assign: (t) => t.codes(name).slice() };
  }
  const real = fitOn.numeric(name).filter((v) => v === v);
  if (real.length === 0) throw unsupported(`sensitive attribute "${name}" has no values in the real training split`);
  const sorted = Float64Array.from(real).sort();
  if (binning === 'decades') {
    const lo = Math.floor(sorted[0] / 10);
    const hi = Math.floor(sorted[sorted.length - 1] / 10);
    const labels: string[] = [];
    for (let d = lo; d <= hi; d++) labels.push(`${name}=${d * 10}-${d * 10 + 9}`);
    return {
      name,
      labels,
      assign: (t) => Int32Array.from(t.numeric(name), (v) => (v === v ? Math.min(hi - lo, Math.max(0, Math.floor(v / 10) - lo)) : -1)),
    };
  }
  const edges: number[] = [];
  for (const p of [0.25, 0.5, 0.75]) {
    const q = quantileSorted(sorted, p);
    if (q > sorted[0] && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  const labels: string[] = [];
  if (edges.length === 0) labels.push(`${name}=${fmt(sorted[0])}`);
  else {
    labels.push(`${name}<${fmt(edges[0])}`);
    for (let k = 1; k < edges.length; k++) labels.push(`${name}=[${fmt(edges[k - 1])},${fmt(edges[k])})`);
    labels.push(`${name}>=${fmt(edges[edges.length - 1])}`);
  }
  return {
    name,
    labels,
    assign: (t) =>
      Int32Array.from(t.numeric(name), (v) => {
        if (v !== v) return -1;
        let g = 0;
        while (g < edges.length && v >= edges[g]) g++;
        return g;
      }),
  };
}

/** Intersection of two groupings: group a·|B| + b. */
export function intersect(a: Grouping, b: Grouping): Grouping {
  const labels: string[] = [];
  for (const la of a.labels) for (const lb of b.labels) labels.push(`${la}&${lb}`);
  const nb = b.labels.length;
  return {
    name: `${a.name}&${b.name}`,
    labels,
    assign: (t) => {
      const ga = a.assign(t);
      const gb = b.assign(t);
      return Int32Array.from(ga, (x, i) => (x < 0 || gb[i] < 0 ? -1 : x * nb + gb[i]));
    },
  };
}

export interface GroupOptions {
  sensitive?: string[];
  intersections: boolean;
  numericBins: NumericBinning;
}

/** Sensitive attribute names: the param, else the schema role; never the target. */
export function sensitiveAttributes(schema: Schema, target: string | undefined, opts: Pick<GroupOptions, 'sensitive'>): string[] {
  const names = opts.sensitive ?? columnsWithRole(schema, 'sensitive').map((c) => c.name);
  return names.filter((n) => n !== target);
}

export function groupingsOf(schema: Schema, fitOn: Table, target: string | undefined, opts: GroupOptions): Grouping[] {
  const names = sensitiveAttributes(schema, target, opts);
  if (names.length === 0) throw unsupported('no sensitive attributes: declare role "sensitive" in the schema or pass params.sensitive');
  const singles = names.map((n) => attributeGrouping(schema, n, fitOn, opts.numericBins));
  const out = [...singles];
  if (opts.intersections) for (let i = 0; i < singles.length; i++) for (let j = i + 1; j < singles.length; j++) out.push(intersect(singles[i], singles[j]));
  return out;
}

/** Row count per group (missing excluded). */
export function groupCounts(g: Int32Array, nGroups: number, weight?: Float64Array): Float64Array {
  const c = new Float64Array(nGroups);
  for (let i = 0; i < g.length; i++) if (g[i] >= 0) c[g[i]] += weight ? weight[i] : 1;
  return c;
}

/**
 * The assignment with groups smaller than `min` (by `sizes`) mapped to −1, so summary gaps and
 * maxima only compare groups large enough to estimate; also the labels left out.
 */
export function dropSmallGroups(assign: Int32Array, labels: string[], sizes: ArrayLike<number>, min: number): { assign: Int32Array; dropped: string[] } {
  const dropped: string[] = [];
  const keep = new Uint8Array(labels.length);
  for (let k = 0; k < labels.length; k++) {
    if (sizes[k] >= min) keep[k] = 1;
    else if (sizes[k] > 0) dropped.push(`${labels[k]} (${sizes[k]})`);
  }
  return { assign: Int32Array.from(assign, (g) => (g >= 0 && keep[g] ? g : -1)), dropped };
}
