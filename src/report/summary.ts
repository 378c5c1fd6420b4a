/**
 * Per-axis summary scores for the overview leaderboard: one number per (dataset, generator) and
 * axis, computed from the cell means of that dataset's headline measures. They are summaries for
 * orientation, never a replacement for the measures themselves; each keeps the list of measures it
 * was computed from so the page can show them. docs/methodology.md (Reporting) states the formulas:
 *
 *   privacy  = min over non-proxy membership AUC measures (`*.auc`) of 1 − 2·|AUC − 0.5|, clamped
 *              to [0, 1]: 1 = the strongest attack is at chance, 0 = it separates members perfectly
 *              (in either direction; an AUC of 0 is as revealing as 1).
 *   fidelity = mean of the unitless higher-better fidelity measures whose mean lies in [0, 1].
 *   utility  = mean of the utility ratio measures (`*-ratio`, TSTR / TRTR); not capped at 1.
 *   fairness = min over unitless fairness measures with a direction and a mean in [0, 1] of the
 *              measure (higher-better) or 1 − the measure (lower-better, i.e. gaps): worst case.
 *   cost     = sum of the cost measures in seconds (fit and sampling time), lower is better.
 */
import type { Direction } from '../core/measure.js';
import type { CellSummary, DatasetBoard, MeasureColumn } from './aggregate.js';

export type Axis = 'privacy' | 'fidelity' | 'utility' | 'fairness' | 'cost';
export const AXES: readonly Axis[] = ['privacy', 'fidelity', 'utility', 'fairness', 'cost'];

export interface AxisDefinition {
  axis: Axis;
  label: string;
  direction: Direction;
  units: string | null;
  /** One-line formula shown in the page and the Markdown. */
  formula: string;
}

export const AXIS_DEFINITIONS: Record<Axis, AxisDefinition> = {
  privacy: {
    axis: 'privacy',
    label: 'Privacy',
    direction: 'higher-better',
    units: null,
    formula: 'min over membership attacks of 1 − 2·|AUC − 0.5| (1 = every attack at chance; proxies excluded)',
  },
  fidelity: {
    axis: 'fidelity',
    label: 'Fidelity',
    direction: 'higher-better',
    units: null,
    formula: 'mean of the unitless higher-better fidelity scores in [0, 1]',
  },
  utility: {
    axis: 'utility',
    label: 'Utility',
    direction: 'higher-better',
    units: null,
    formula: 'mean of the TSTR/TRTR ratios (utility measures ending in -ratio; 1 = as useful as the real data)',
  },
  fairness: {
    axis: 'fairness',
    label: 'Fairness',
    direction: 'higher-better',
    units: null,
    formula: 'min over unitless fairness measures in [0, 1] of the score (higher-better) or 1 − the gap (lower-better)',
  },
  cost: {
    axis: 'cost',
    label: 'Cost',
    direction: 'lower-better',
    units: 's',
    formula: 'sum of the cost measures in seconds (fit and sampling wall time)',
  },
};

export interface Contribution {
  /** Index of the headline column in the dataset board. */
  column: number;
  label: string;
  /** The cell mean. */
  mean: number;
  /** What it contributes after the axis' transform (e.g. 1 − 2·|AUC − 0.5|). */
  score: number;
}

export interface AxisScore {
  value: number | null;
  contributions: Contribution[];
}

export type RowSummary = Record<Axis, AxisScore>;

const inUnit = (v: number) => v >= 0 && v <= 1;

/** How a column feeds an axis: the transformed score of a mean, or null when the column does not count. */
function transformFor(axis: Axis, c: MeasureColumn): ((mean: number) => number | null) | null {
  switch (axis) {
    case 'privacy':
      if (c.group !== 'privacy' || c.proxy || !c.measure.endsWith('.auc')) return null;
      return (m) => Math.min(1, Math.max(0, 1 - 2 * Math.abs(m - 0.5)));
    case 'fidelity':
      if (c.group !== 'fidelity' || c.units || c.direction !== 'higher-better') return null;
      return (m) => (inUnit(m) ? m : null);
    case 'utility':
      if (c.group !== 'utility' || !c.measure.endsWith('-ratio')) return null;
      return (m) => m;
    case 'fairness':
      if (c.group !== 'fairness' || c.units || c.direction === 'neutral') return null;
      return (m) => (inUnit(m) ? (c.direction === 'lower-better' ? 1 - m : m) : null);
    case 'cost':
      if (c.group !== 'cost' || c.units !== 's') return null;
      return (m) => (m >= 0 ? m : null);
  }
}

function combine(axis: Axis, scores: number[]): number {
  if (axis === 'privacy' || axis === 'fairness') return Math.min(...scores);
  let sum = 0;
  for (const s of scores) sum += s;
  return axis === 'cost' ? sum : sum / scores.length;
}

function axisScore(axis: Axis, board: DatasetBoard, cells: CellSummary[]): AxisScore {
  const contributions: Contribution[] = [];
  board.columns.forEach((c, j) => {
    const f = transformFor(axis, c);
    const mean = cells[j].mean;
    if (!f || mean === null) return;
    const score = f(mean);
    if (score === null || !Number.isFinite(score)) return;
    contributions.push({ column: j, label: c.label, mean, score });
  });
  const value = contributions.length > 0 ? combine(axis, contributions.map((c) => c.score)) : null;
  return { value, contributions };
}

/** Summary scores of every generator row of a dataset board, in row order. */
export function summarizeBoard(board: DatasetBoard): RowSummary[] {
  return board.rows.map((_, i) => {
    const out = {} as RowSummary;
    for (const axis of AXES) out[axis] = axisScore(axis, board, board.cells[i]);
    return out;
  });
}
