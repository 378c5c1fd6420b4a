/**
 * HTML report: turns result records (and the run manifest) into one self-contained page, rendered
 * with an isolated Handlebars instance from templates/leaderboard.hbs. Every string that comes from
 * data is emitted through Handlebars' HTML escaping ({{ }}); the only raw markup is chart SVG, which
 * reaches the template solely as a TrustedSvg made from the allowlist-sanitised output of Vega
 * (svg-safety.ts). The page's own inline CSS and sorting/filtering script are static template text,
 * pinned by SHA-256 hashes in a Content-Security-Policy that also forbids any network request, so
 * the file opens offline from file://.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Direction } from '../core/measure.js';
import type { ResultRecord } from '../runner/records.js';
import type { RunManifest } from '../runner/manifest.js';
import {
  type CellSummary,
  type DatasetBoard,
  type LeaderboardModel,
  type MeasureColumn,
  type MeasureGroup,
  type StatusCounts,
} from './aggregate.js';
import { attackGroups, measureEntries, metricGroups } from './appendix.js';
import { renderCharts, type Chart } from './charts.js';
import { datasetFigures } from './figures.js';
import { formatEstimate, formatLevel, formatNumber } from './format.js';
import { buildReport, type ReportData, type ReportOptions } from './model.js';
import { AXES, AXIS_DEFINITIONS, type RowSummary } from './summary.js';
import { WINNER_ALPHA } from './winner.js';

export type RenderOptions = ReportOptions;

/** Chart markup that went through sanitizeSvg; the template's `svg` helper emits nothing else raw. */
class TrustedSvg {
  constructor(readonly markup: string) {}
}

const TEMPLATE_URL = new URL('./templates/leaderboard.hbs', import.meta.url);

interface CompiledTemplate {
  render: Handlebars.TemplateDelegate;
  csp: string;
}

let compiled: CompiledTemplate | null = null;

/** Hash of one static inline block of the template, for the CSP. */
function inlineHash(source: string, tag: 'script' | 'style'): string {
  const blocks = [...source.matchAll(new RegExp(`^<${tag}>([\\s\\S]*?)</${tag}>`, 'gm'))];
  if (blocks.length !== 1) throw new Error(`leaderboard.hbs must hold exactly one <${tag}> block, found ${blocks.length}`);
  const body = blocks[0][1];
  // A mustache inside would make the emitted text differ from the hashed text (and would put data in code).
  if (body.includes('{{')) throw new Error(`leaderboard.hbs: the <${tag}> block must be static (no {{ }})`);
  return `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;
}

function loadTemplate(): CompiledTemplate {
  if (compiled) return compiled;
  const source = readFileSync(TEMPLATE_URL, 'utf8');
  const hb = Handlebars.create();
  hb.registerHelper('svg', (v: unknown) => (v instanceof TrustedSvg ? new hb.SafeString(v.markup) : ''));
  hb.registerHelper('plural', (count: unknown, word: unknown) => {
    const n = Number(count);
    return `${n} ${String(word)}${n === 1 ? '' : 's'}`;
  });
  const csp = [
    "default-src 'none'",
    `style-src ${inlineHash(source, 'style')}`,
    `script-src ${inlineHash(source, 'script')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  compiled = { render: hb.compile(source, { noEscape: false }), csp };
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// View model: every field is a plain string/number/boolean/array ready for the template.

const GROUP_LABEL: Record<MeasureGroup, string> = {
  privacy: 'Privacy',
  fidelity: 'Fidelity',
  utility: 'Utility',
  fairness: 'Fairness',
  cost: 'Cost',
  generator: 'Generator-reported',
};

function arrowOf(d: Direction): string {
  return d === 'higher-better' ? '↑' : d === 'lower-better' ? '↓' : '◦';
}

function directionText(d: Direction): string {
  return d === 'higher-better' ? 'higher is better' : d === 'lower-better' ? 'lower is better' : 'neutral (no better direction)';
}

/** First click sorts best-first. */
function firstOrder(d: Direction): 'ascending' | 'descending' {
  return d === 'lower-better' ? 'ascending' : 'descending';
}

/** Full-precision-ish number for tooltips (the table shows rounded values). */
function exact(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function sourceText(c: MeasureColumn): string {
  const params = c.source.params && Object.keys(c.source.params).length > 0 ? ` ${JSON.stringify(c.source.params)}` : '';
  return `${c.source.type} ${c.source.id}${params}`;
}

function columnTitle(c: MeasureColumn): string {
  const parts = [`${c.label}: ${arrowOf(c.direction)} ${directionText(c.direction)}`];
  if (c.proxy) parts.push('privacy proxy, not a measured attack success rate');
  if (c.units) parts.push(`units: ${c.units}`);
  parts.push(`family: ${c.family}`, `source: ${sourceText(c)}`);
  for (const w of c.warnings) parts.push(`caveat: ${w}`);
  return parts.join('; ');
}

interface HeaderView {
  col: number;
  label: string;
  arrow: string;
  proxy: boolean;
  units: string;
  title: string;
  first: string;
}

function headerView(c: MeasureColumn, col: number, label = c.label): HeaderView {
  return {
    col,
    label,
    arrow: arrowOf(c.direction),
    proxy: c.proxy,
    units: c.units ?? '',
    title: columnTitle(c),
    first: firstOrder(c.direction),
  };
}

interface CellView {
  cls: string;
  sort: string;
  value: string;
  interval: string;
  n: string;
  badge: string;
  statusText: string;
  title: string;
  noted: boolean;
  /** The significant winner of its column (see winner.ts). */
  winner: boolean;
}

const STATE_TEXT: Record<string, string> = {
  failed: 'failed',
  'timed-out': 'timed out',
  skipped: 'skipped',
  'no-value': 'n/a',
  missing: '—',
};

function nonOkText(counts: StatusCounts): string {
  const parts: string[] = [];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts['timed-out']) parts.push(`${counts['timed-out']} timed out`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  return parts.join(', ');
}

function cellView(cell: CellSummary, units: string | null): CellView {
  const view: CellView = {
    cls: `state-${cell.state}`,
    sort: '',
    value: '',
    interval: '',
    n: '',
    badge: '',
    statusText: STATE_TEXT[cell.state] ?? cell.state,
    title: '',
    noted: cell.notes.length > 0,
    winner: false,
  };
  const title: string[] = [];
  if (cell.mean !== null) {
    const est = formatEstimate(cell.mean, cell.ci, units);
    view.sort = String(cell.mean);
    view.value = est.value;
    view.interval = est.interval ?? '';
    if (cell.n > 1) view.n = `n=${cell.n}`;
    const reps = cell.values.map((v, i) => `rep ${cell.repetitions[i]}: ${exact(v)}`).join(', ');
    title.push(cell.n > 1 ? `mean ${exact(cell.mean)} over ${cell.n} ok repetitions (${reps})` : `value ${exact(cell.mean)} (${reps})`);
    if (cell.ci && cell.ciLevel !== null) {
      const range = `[${exact(cell.ci[0])}, ${exact(cell.ci[1])}]`;
      title.push(
        cell.ciMethod === 'student-t'
          ? `${formatLevel(cell.ciLevel)} CI ${range}: Student-t over repetitions (sd ${exact(cell.sd ?? 0)})`
          : `${formatLevel(cell.ciLevel)} CI ${range}: reported by the evaluator for this single repetition`,
      );
    } else {
      title.push('no confidence interval (single repetition, none reported)');
    }
  } else if (cell.state === 'missing') {
    title.push('no record for this generator and measure');
  } else if (cell.state === 'no-value') {
    title.push(`${cell.okWithoutValue} ok record(s) without a value (undefined for this data)`);
  }
  const bad = nonOkText(cell.counts);
  if (bad) {
    if (cell.mean !== null) view.badge = bad;
    title.push(cell.firstError ? `${bad}: ${cell.firstError}` : bad);
  }
  if (cell.mean !== null && cell.okWithoutValue > 0) {
    title.push(`${cell.okWithoutValue} ok record(s) without a value not averaged`);
    view.badge = view.badge ? `${view.badge}, ${cell.okWithoutValue} n/a` : `${cell.okWithoutValue} n/a`;
  }
  for (const note of cell.notes) title.push(`note: ${note}`);
  view.title = title.join('; ');
  return view;
}

interface RowView {
  label: string;
  title: string;
  cells: CellView[];
}

function rowTitle(row: DatasetBoard['rows'][number]): string {
  return `generator ${row.generator}, params ${JSON.stringify(row.params)}, params hash ${row.paramsHash}`;
}

interface NoteView {
  where: string;
  text: string;
}

function datasetView(data: ReportData, index: number, charts: Chart[]) {
  const board = data.model.datasets[index];
  const winners = data.winners[index];
  const groups: { label: string; span: number }[] = [];
  for (const c of board.columns) {
    const last = groups[groups.length - 1];
    if (last && last.label === GROUP_LABEL[c.group]) last.span++;
    else groups.push({ label: GROUP_LABEL[c.group], span: 1 });
  }
  const notes: NoteView[] = [];
  const rows: RowView[] = board.rows.map((row, i) => ({
    label: row.label,
    title: rowTitle(row),
    cells: board.cells[i].map((cell, j) => {
      const col = board.columns[j];
      for (const text of cell.notes) notes.push({ where: `${row.label} · ${col.label}`, text });
      const view = cellView(cell, col.units);
      if (winners[j].row === i) {
        view.winner = true;
        view.title = `significant winner (${winners[j].reason}); ${view.title}`;
      }
      return view;
    }),
  }));
  const caveats = board.columns.flatMap((c) => c.warnings.map((w) => ({ where: c.label, text: w })));
  const breakdowns = board.breakdowns.map((b, k) => ({
    ...headerView(b, 0),
    tableId: `ds-${index}-bd-${k}`,
    source: sourceText(b),
    subHeaders: b.subColumns.map((name, k) => headerView(b, k + 1, name)),
    rows: board.rows
      .map((row, i) => ({ label: row.label, title: rowTitle(row), cells: b.cells[i].map((cell) => cellView(cell, b.units)) }))
      // A generator with no record at all for this breakdown adds nothing but a row of dashes.
      .filter((_, i) => b.cells[i].some((c) => c.state !== 'missing')),
    warnings: b.warnings,
  }));
  return {
    anchor: `ds-${index}`,
    dataset: board.dataset,
    generatorCount: board.rows.length,
    groups,
    headers: board.columns.map((c, j) => headerView(c, j + 1)),
    rows,
    hasColumns: board.columns.length > 0,
    tableId: `ds-${index}-table`,
    winners: winners.map((w) => ({
      text: w.row !== null ? board.rows[w.row].label : board.columns.length && w.reason.startsWith('descriptive') ? '◦' : 'none',
      title: w.row !== null ? `significant winner: ${w.reason}` : w.reason,
      cls: w.row !== null ? 'win' : 'nowin',
    })),
    charts: charts.map(chartView),
    notes,
    caveats,
    breakdowns,
  };
}

function str(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function summaryView(model: LeaderboardModel, manifest: RunManifest | undefined) {
  const t = model.totals;
  const recordLine =
    `${t.records} (${t.ok} ok, ${t.failed} failed, ${t['timed-out']} timed out, ${t.skipped} skipped` +
    (t.superseded ? `; ${t.superseded} superseded by later records for the same cell` : '') +
    ')';
  const items: { label: string; value: string }[] = [];
  if (manifest) {
    const cells = manifest.cells;
    items.push(
      { label: 'Run id', value: str(manifest.runId) },
      { label: 'Command', value: str(manifest.command) },
      { label: 'Created', value: str(manifest.createdAt) },
      { label: 'Updated', value: str(manifest.updatedAt) },
      { label: 'Code version', value: str(manifest.codeVersion) },
      { label: 'Node', value: str(manifest.nodeVersion) },
      { label: 'Platform', value: str(manifest.platform) },
      { label: 'TF.js backend', value: str(manifest.backend) },
      { label: 'Config hash', value: str(manifest.configHash) },
      { label: 'Seed', value: str(manifest.seed) },
      {
        label: 'Cells',
        value: cells ? `${cells.done} of ${cells.total} done, ${cells.failed} failed` : '—',
      },
      {
        label: 'Packages',
        value: manifest.packages
          ? Object.entries(manifest.packages)
              .map(([k, v]) => `${k}@${v}`)
              .join(', ') || '—'
          : '—',
      },
    );
    const recIds = model.runIds.filter((id) => id !== manifest.runId);
    if (recIds.length > 0) items.push({ label: 'Other run ids in records', value: recIds.join(', ') });
  } else {
    items.push(
      { label: 'Manifest', value: 'manifest.json not found: provenance below is read from the records' },
      { label: 'Run id(s)', value: model.runIds.join(', ') || '—' },
      { label: 'Code version(s)', value: model.codeVersions.join(', ') || '—' },
      { label: 'TF.js backend(s)', value: model.backends.join(', ') || '—' },
    );
  }
  items.push({ label: 'Records', value: recordLine });
  const fingerprints = manifest?.datasets
    ? Object.entries(manifest.datasets).map(([dataset, d]) => ({
        dataset,
        fingerprint: str(d?.fingerprint),
        rows: str(d?.rows),
        source: str(d?.source),
      }))
    : [];
  return { items, fingerprints };
}

function failureView(model: LeaderboardModel) {
  return model.failures.map((f) => ({
    dataset: f.dataset,
    generator: f.generatorLabel,
    repetition: String(f.repetition),
    source: `${f.source.type} ${f.source.id}`,
    measure: f.measure,
    status: f.status,
    statusText: STATE_TEXT[f.status] ?? f.status,
    error: f.error ?? '—',
    cellId: f.cellId,
  }));
}

function chartView(c: Chart) {
  return { id: c.id, title: c.title, caption: c.caption, svg: c.svg === null ? null : new TrustedSvg(c.svg), omitted: c.omitted ?? '' };
}

function summaryCell(summary: RowSummary, anchor: string, board: DatasetBoard) {
  return AXES.map((axis) => {
    const def = AXIS_DEFINITIONS[axis];
    const s = summary[axis];
    const parts = s.contributions.map((c) => `${c.label} = ${exact(c.mean)}${c.score !== c.mean ? ` → ${exact(c.score)}` : ''}`);
    const from = parts.length ? `from ${parts.join('; ')}` : 'no contributing measure on this dataset';
    return {
      value: s.value === null ? '' : formatNumber(s.value, def.units),
      sort: s.value === null ? '' : String(s.value),
      href: `#${anchor}`,
      title: `${def.label} summary: ${def.formula}; ${from}. Click for the ${board.dataset} table with every underlying measure.`,
    };
  });
}

function overviewView(data: ReportData) {
  const rows: { dataset: string; anchor: string; label: string; title: string; cells: ReturnType<typeof summaryCell>; wins: string; winsTitle: string }[] = [];
  data.model.datasets.forEach((board, d) => {
    const anchor = `ds-${d}`;
    board.rows.forEach((row, i) => {
      const won = board.columns.filter((_, j) => data.winners[d][j].row === i).map((c) => c.label);
      rows.push({
        dataset: board.dataset,
        anchor,
        label: row.label,
        title: rowTitle(row),
        cells: summaryCell(data.summaries[d][i], anchor, board),
        wins: String(won.length),
        winsTitle: won.length ? `significant wins: ${won.join(', ')}` : 'no significant win on this dataset',
      });
    });
  });
  const headers = AXES.map((axis, k) => {
    const def = AXIS_DEFINITIONS[axis];
    return {
      col: k + 2,
      label: def.label,
      arrow: arrowOf(def.direction),
      units: def.units ?? '',
      first: firstOrder(def.direction),
      title: `${def.label} summary (${directionText(def.direction)}): ${def.formula}`,
    };
  });
  const definitions = AXES.map((axis) => ({ label: AXIS_DEFINITIONS[axis].label, formula: AXIS_DEFINITIONS[axis].formula }));
  return { rows, headers, definitions, winsCol: AXES.length + 2 };
}

function exposedView(data: ReportData) {
  const fingerprints = data.manifest?.datasets ?? {};
  return data.exposed.map((t) => {
    const fp = fingerprints[t.dataset]?.fingerprint;
    return {
      dataset: t.dataset,
      generator: t.generator,
      attack: t.measure,
      repetition: String(t.repetition),
      split: t.split,
      index: String(t.index),
      score: exact(t.score),
      sort: String(t.score),
      locate: data.includeRecords
        ? `row ${t.index} of the ${t.split} split of ${t.dataset} (repetition ${t.repetition}${fp ? `, dataset fingerprint ${fp}` : ''})`
        : '',
    };
  });
}

function generatorSections(data: ReportData) {
  const byLabel = new Map<string, { label: string; entries: { dataset: string; anchor: string; measures: { label: string; value: string; title: string; cls: string }[]; summary: string }[]; exposed: number }>();
  data.model.datasets.forEach((board, d) => {
    board.rows.forEach((row, i) => {
      let g = byLabel.get(row.key);
      if (!g) byLabel.set(row.key, (g = { label: row.label, entries: [], exposed: 0 }));
      const summary = AXES.map((axis) => {
        const v = data.summaries[d][i][axis].value;
        return `${AXIS_DEFINITIONS[axis].label} ${v === null ? '—' : formatNumber(v, AXIS_DEFINITIONS[axis].units)}`;
      }).join(' · ');
      g.entries.push({
        dataset: board.dataset,
        anchor: `ds-${d}`,
        summary,
        measures: board.columns.map((c, j) => {
          const v = cellView(board.cells[i][j], c.units);
          const text = v.value ? `${v.value}${v.interval ? ` ${v.interval}` : ''}${c.units ? ` ${c.units}` : ''}` : v.statusText;
          return { label: `${c.label} ${arrowOf(c.direction)}`, value: text, title: v.title, cls: v.cls };
        }),
      });
    });
  });
  for (const t of data.exposed) {
    const g = byLabel.get(t.generatorKey);
    if (g) g.exposed++;
  }
  return [...byLabel.values()]
    .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
    .map((g, k) => ({ ...g, anchor: `gen-${k}` }));
}

function appendixView(data: ReportData) {
  return {
    attacks: attackGroups(),
    metrics: metricGroups(),
    measures: measureEntries(data.model),
    alphaPct: `${WINNER_ALPHA * 100}%`,
  };
}

/** Renders the page from a prepared report model and its rendered charts; synchronous and pure. */
export function renderHtmlFrom(data: ReportData, chartsByDataset: Chart[][]): string {
  const { render, csp } = loadTemplate();
  const summary = summaryView(data.model, data.manifest);
  const failures = failureView(data.model);
  const exposed = exposedView(data);
  return render({
    csp,
    title: data.title,
    includeRecords: data.includeRecords,
    summary: summary.items,
    fingerprints: summary.fingerprints,
    overview: overviewView(data),
    datasets: data.model.datasets.map((_, d) => datasetView(data, d, chartsByDataset[d] ?? [])),
    generators: generatorSections(data),
    exposed,
    appendix: appendixView(data),
    failures,
    failureCount: failures.length,
  });
}

/** Renders the report page for a set of records: builds the model, renders the charts to SVG, fills the template. */
export async function renderHtml(records: ResultRecord[], manifest: RunManifest | undefined, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml(buildReport(records, manifest, opts));
}

/** Renders the charts of a prepared report model and the page around them. */
export async function renderReportHtml(data: ReportData): Promise<string> {
  const charts: Chart[][] = [];
  for (let d = 0; d < data.model.datasets.length; d++) charts.push(await renderCharts(datasetFigures(data, d)));
  return renderHtmlFrom(data, charts);
}
