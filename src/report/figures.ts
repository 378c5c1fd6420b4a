/**
 * Which charts a dataset section gets, and from which numbers: the privacy–utility Pareto plot
 * (summary scores), one log-FPR ROC plot per membership attack (details.roc of its AUC records),
 * one bar chart per fairness breakdown (per-subgroup means) and fit time vs fidelity.
 */
import type { ChartRequest } from './charts.js';
import { costQualitySpec, groupBarSpec, paretoSpec, rocSpec, type CostPoint, type GroupBar, type ParetoPoint } from './charts.js';
import type { ReportData } from './model.js';

/** At most this many subgroup charts per dataset (non-neutral breakdowns, by id); the rest stay in the breakdown tables. */
const MAX_FAIRNESS_CHARTS = 8;

export function datasetFigures(data: ReportData, d: number): ChartRequest[] {
  const board = data.model.datasets[d];
  const summaries = data.summaries[d];
  const prefix = `ds-${d}`;
  const out: ChartRequest[] = [];

  const pareto: ParetoPoint[] = [];
  board.rows.forEach((row, i) => {
    const p = summaries[i].privacy.value;
    const u = summaries[i].utility.value;
    if (p !== null && u !== null) pareto.push({ generator: row.label, privacy: p, utility: u });
  });
  out.push({
    id: `${prefix}-pareto`,
    title: 'Privacy–utility trade-off',
    caption:
      'Each point is a generator: privacy summary (worst membership attack, 1 = at chance) against utility summary (mean TSTR/TRTR ratio). Points on the dashed Pareto front are not beaten on both axes by any other generator.',
    spec: paretoSpec(pareto, 'utility summary (mean TSTR/TRTR ratio) →'),
  });

  board.columns.forEach((c) => {
    if (c.group !== 'privacy' || !c.measure.endsWith('.auc')) return;
    const series = data.roc
      .filter((s) => s.dataset === board.dataset && s.measure === c.measure)
      .map((s) => ({ generator: s.generator, auc: s.auc, fpr: s.fpr, tpr: s.tpr }));
    out.push({
      id: `${prefix}-roc-${out.length}`,
      title: `ROC: ${c.label}`,
      caption:
        'Membership-attack ROC curve of the first repetition, false-positive rate on a log scale so the low-FPR regime (where attacks matter for individuals) is visible. The dashed curve is chance (TPR = FPR).',
      spec: series.length > 0 ? rocSpec(series) : { omitted: 'no ROC points were recorded with this measure' },
    });
  });

  let fairness = 0;
  for (const b of board.breakdowns) {
    // Descriptive (neutral) breakdowns such as the real-data reference values stay in the tables.
    if (b.group !== 'fairness' || b.direction === 'neutral') continue;
    if (fairness++ >= MAX_FAIRNESS_CHARTS) break;
    const bars: GroupBar[] = [];
    board.rows.forEach((row, i) => {
      b.subColumns.forEach((group, k) => {
        const mean = b.cells[i][k].mean;
        if (mean !== null) bars.push({ group, generator: row.label, value: mean });
      });
    });
    out.push({
      id: `${prefix}-fair-${out.length}`,
      title: `Per subgroup: ${b.label}`,
      caption: `Mean of ${b.label} in each subgroup, one bar per generator (${b.direction === 'lower-better' ? 'lower' : b.direction === 'higher-better' ? 'higher' : 'neither direction'} is better). The breakdown table below has the intervals.`,
      spec: groupBarSpec(bars, b.units ? `${b.label} (${b.units})` : b.label),
    });
  }

  const fit = board.columns.findIndex((c) => c.measure === 'cost.fit-seconds');
  const shapes = board.columns.findIndex((c) => c.measure === 'column-shapes.score');
  if (fit >= 0) {
    const points: CostPoint[] = [];
    board.rows.forEach((row, i) => {
      const seconds = board.cells[i][fit].mean;
      const quality = shapes >= 0 ? board.cells[i][shapes].mean : summaries[i].fidelity.value;
      if (seconds !== null && quality !== null) points.push({ generator: row.label, seconds, quality });
    });
    const yTitle = shapes >= 0 ? 'column-shapes.score →' : 'fidelity summary →';
    out.push({
      id: `${prefix}-cost`,
      title: 'Fit time vs quality',
      caption: `Generator fit wall time (cost.fit-seconds) against ${shapes >= 0 ? 'the column-shapes score' : 'the fidelity summary'}: up and to the left is better.`,
      spec: costQualitySpec(points, yTitle),
    });
  }
  return out;
}
