/**
 * Report charts: Vega-Lite specifications built from the aggregated results, compiled to Vega and
 * rendered headlessly to static SVG (Vega's string renderer, no DOM, no canvas), then passed
 * through the SVG allowlist (svg-safety.ts) before they are inlined. A chart without data is not
 * drawn; the page says why instead. Vega and Vega-Lite are imported lazily so commands that never
 * render a chart do not pay for loading them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { sanitizeSvg } from './svg-safety.js';

export interface Chart {
  /** Anchor-safe id, unique within the page. */
  id: string;
  title: string;
  caption: string;
  /** Sanitised inline SVG, or null when the chart was omitted. */
  svg: string | null;
  /** Why the chart is absent (no data, rendering failed). */
  omitted: string | null;
}

export interface ChartRequest {
  id: string;
  title: string;
  caption: string;
  /** The spec, or the reason there is none (e.g. "no generator has both a privacy and a utility summary"). */
  spec: TopLevelSpec | { omitted: string };
}

const WIDTH = 380;
const HEIGHT = 260;
const CONFIG = {
  font: 'sans-serif',
  legend: { labelLimit: 320, titleLimit: 320 },
  axis: { labelLimit: 240 },
  title: { limit: 600 },
} as const;

type Row = Record<string, string | number | boolean>;

export interface ParetoPoint {
  generator: string;
  privacy: number;
  utility: number;
}

/** Rows not dominated by another: no other row is at least as good on both axes and better on one. */
export function paretoFront(points: readonly { privacy: number; utility: number }[]): boolean[] {
  return points.map((p, i) =>
    !points.some((q, j) => j !== i && q.privacy >= p.privacy && q.utility >= p.utility && (q.privacy > p.privacy || q.utility > p.utility)),
  );
}

export function paretoSpec(points: readonly ParetoPoint[], yTitle: string): TopLevelSpec | { omitted: string } {
  if (points.length === 0) return { omitted: 'no generator has both a privacy and a utility summary on this dataset' };
  const front = paretoFront(points);
  const values: Row[] = points.map((p, i) => ({ generator: p.generator, privacy: p.privacy, utility: p.utility, status: front[i] ? 'Pareto front' : 'dominated' }));
  const frontValues = values.filter((v) => v.status === 'Pareto front').sort((a, b) => Number(a.privacy) - Number(b.privacy));
  return {
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values: frontValues },
        mark: { type: 'line', color: '#c2410c', strokeDash: [4, 3] },
        encoding: { x: { field: 'privacy', type: 'quantitative' }, y: { field: 'utility', type: 'quantitative' }, order: { field: 'privacy', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x: { field: 'privacy', type: 'quantitative', title: 'privacy summary (1 − 2·|AUC − 0.5|, worst attack) →', scale: { domain: [0, 1] } },
          y: { field: 'utility', type: 'quantitative', title: yTitle, scale: { zero: false } },
          color: { field: 'status', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#c2410c', '#64748b'] } },
          shape: { field: 'status', type: 'nominal', legend: null },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 7, dy: -6, fontSize: 10 },
        encoding: { x: { field: 'privacy', type: 'quantitative' }, y: { field: 'utility', type: 'quantitative' }, text: { field: 'generator' } },
      },
    ],
  } as TopLevelSpec;
}

export interface RocInput {
  generator: string;
  auc: number | null;
  fpr: number[];
  tpr: number[];
}

export function rocSpec(series: readonly RocInput[]): TopLevelSpec | { omitted: string } {
  const values: Row[] = [];
  let minFpr = 1;
  for (const s of series) {
    const name = s.auc === null ? s.generator : `${s.generator} (AUC ${s.auc.toFixed(3)})`;
    let lastLog = -Infinity;
    let lastTpr = -1;
    const n = s.fpr.length;
    for (let i = 0; i < n; i++) {
      // FPR = 0 has no place on a log axis; the curve starts at its first positive FPR.
      if (!(s.fpr[i] > 0)) continue;
      // Thin points closer than the eye can see (1/50 decade, 0.005 TPR); the last point always stays.
      const lf = Math.log10(s.fpr[i]);
      if (i < n - 1 && lf - lastLog < 0.02 && Math.abs(s.tpr[i] - lastTpr) < 0.005) continue;
      lastLog = lf;
      lastTpr = s.tpr[i];
      values.push({ generator: name, fpr: s.fpr[i], tpr: s.tpr[i], i });
      if (s.fpr[i] < minFpr) minFpr = s.fpr[i];
    }
  }
  if (values.length === 0) return { omitted: 'no ROC points with a positive false-positive rate were recorded' };
  const lo = Math.min(minFpr, 1e-3);
  const chance: Row[] = [];
  for (let k = 0; k <= 24; k++) {
    const f = Math.exp(Math.log(lo) + ((0 - Math.log(lo)) * k) / 24);
    chance.push({ fpr: f, tpr: f });
  }
  return {
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      {
        data: { values: chance },
        mark: { type: 'line', color: '#94a3b8', strokeDash: [4, 4] },
        encoding: { x: { field: 'fpr', type: 'quantitative' }, y: { field: 'tpr', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'false-positive rate (log scale)', scale: { type: 'log', domain: [lo, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'true-positive rate', scale: { domain: [0, 1] } },
          color: { field: 'generator', type: 'nominal', title: 'generator' },
          order: { field: 'i', type: 'quantitative' },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface GroupBar {
  group: string;
  generator: string;
  value: number;
}

export function groupBarSpec(bars: readonly GroupBar[], yTitle: string): TopLevelSpec | { omitted: string } {
  if (bars.length === 0) return { omitted: 'no subgroup has a value' };
  return {
    width: { step: 14 },
    height: HEIGHT,
    config: CONFIG,
    data: { values: bars.map((b) => ({ ...b })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'group', type: 'nominal', title: 'subgroup', sort: null },
      xOffset: { field: 'generator', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'generator', type: 'nominal', title: 'generator' },
    },
  } as TopLevelSpec;
}

export interface CostPoint {
  generator: string;
  seconds: number;
  quality: number;
}

export function costQualitySpec(points: readonly CostPoint[], yTitle: string): TopLevelSpec | { omitted: string } {
  if (points.length === 0) return { omitted: 'no generator has both a fit time and a fidelity score on this dataset' };
  const log = points.every((p) => p.seconds > 0);
  return {
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 90, color: '#2563eb' },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: log ? 'fit time, s (log scale)' : 'fit time, s', scale: log ? { type: 'log' } : {} },
          y: { field: 'quality', type: 'quantitative', title: yTitle, scale: { zero: false } },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 7, dy: -6, fontSize: 10 },
        encoding: { x: { field: 'seconds', type: 'quantitative', scale: log ? { type: 'log' } : {} }, y: { field: 'quality', type: 'quantitative' }, text: { field: 'generator' } },
      },
    ],
  } as TopLevelSpec;
}

type VegaModules = { vega: typeof import('vega'); compile: typeof import('vega-lite').compile };
let modules: Promise<VegaModules> | null = null;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, compile: vl.compile }));
  return modules;
}

/** Compiles and renders one Vega-Lite spec to sanitised SVG. */
export async function renderSvg(spec: TopLevelSpec, idPrefix = ''): Promise<string> {
  const { vega, compile } = await loadVega();
  const compiled = compile(spec).spec;
  // No loader access: every dataset is inline, so a spec can never fetch anything.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    const safe = sanitizeSvg(svg, idPrefix);
    if (safe === null) throw new Error('the rendered SVG did not pass the allowlist');
    return safe;
  } finally {
    view.finalize();
  }
}

/** Renders every requested chart; a failure omits that chart with its reason and never aborts the report. */
export async function renderCharts(requests: readonly ChartRequest[]): Promise<Chart[]> {
  const out: Chart[] = [];
  for (const r of requests) {
    const base = { id: r.id, title: r.title, caption: r.caption };
    if ('omitted' in r.spec) {
      out.push({ ...base, svg: null, omitted: r.spec.omitted as string });
      continue;
    }
    try {
      out.push({ ...base, svg: await renderSvg(r.spec, `${r.id}-`), omitted: null });
    } catch (err) {
      out.push({ ...base, svg: null, omitted: `chart could not be rendered (${(err as Error).message})` });
    }
  }
  return out;
}
