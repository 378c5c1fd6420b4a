/**
 * Leaderboard aggregation: a pure function from result records to a per-dataset grid of
 * (generator row × measure column) cells. A cell's value is the mean over the ok repetitions;
 * its uncertainty is the two-sided Student-t interval of that mean (mean ± t_{1-α/2, n-1}·s/√n)
 * when there are ≥ 2 repetitions, otherwise the evaluator's own interval (e.g. a bootstrap CI)
 * for a single repetition. Failed, timed-out and skipped records are counted per cell and listed,
 * never dropped. docs/methodology.report.md describes the rules.
 */
import type { Direction, EvaluatorFamily } from '../core/measure.js';
import { studentTPpf } from '../core/special.js';
import type { RecordStatus, ResultRecord } from '../runner/records.js';

/** Leaderboard column groups, in display order. */
export type MeasureGroup = 'privacy' | 'fidelity' | 'utility' | 'fairness' | 'cost' | 'generator';

const GROUP_ORDER: readonly MeasureGroup[] = ['privacy', 'fidelity', 'utility', 'fairness', 'cost', 'generator'];

/** Confidence level of the across-repetition interval. */
export const REPETITION_CI_LEVEL = 0.95;

export type CellState = 'ok' | 'partial' | 'failed' | 'timed-out' | 'skipped' | 'no-value' | 'missing';

export interface StatusCounts {
  ok: number;
  failed: number;
  'timed-out': number;
  skipped: number;
}

export interface CellSummary {
  /**
   * ok: every record ok with a value; partial: some ok values and some non-ok records;
   * failed / timed-out / skipped: no ok value, the worst non-ok status present (failed > timed-out > skipped);
   * no-value: only ok records whose value is null (e.g. an undefined AUC serialised as null);
   * missing: no record at all for this row and measure.
   */
  state: CellState;
  counts: StatusCounts;
  /** Ok records whose value is null or non-finite: counted, never averaged. */
  okWithoutValue: number;
  /** Number of ok repetitions with a finite value (the n of the mean). */
  n: number;
  /** The ok values, in repetition order. */
  values: number[];
  repetitions: number[];
  mean: number | null;
  /** Sample standard deviation over repetitions (n − 1 denominator), when n ≥ 2. */
  sd: number | null;
  ci: [number, number] | null;
  ciLevel: number | null;
  /** student-t: across repetitions; record: the evaluator's own interval of a single repetition. */
  ciMethod: 'student-t' | 'record' | null;
  /** First error message among the non-ok records, in repetition order. */
  firstError: string | null;
  /** Distinct notes carried by the records. */
  notes: string[];
}

export interface MeasureColumn {
  /** Unique within a dataset: source type, id and params + measure id. */
  key: string;
  /** Measure id as emitted (for breakdowns: the base id, without the `[column]` suffix). */
  measure: string;
  /** Display label: the measure id, with the source appended when two sources share a measure id. */
  label: string;
  family: EvaluatorFamily | 'generator';
  group: MeasureGroup;
  direction: Direction;
  units: string | null;
  proxy: boolean;
  source: ResultRecord['source'];
  /** Disagreements between the records of this column (direction or units), shown as caveats. */
  warnings: string[];
}

export interface GeneratorRow {
  /** `generator|paramsHash`. */
  key: string;
  generator: string;
  paramsHash: string;
  label: string;
  params: Record<string, unknown>;
}

/** Per-column measures sharing one base id (e.g. `ks-complement[age]`, `ks-complement[sex]`). */
export interface Breakdown extends MeasureColumn {
  /** Column names from inside the brackets, in first-seen order. */
  subColumns: string[];
  /** cells[row][subColumn] */
  cells: CellSummary[][];
}

export interface DatasetBoard {
  dataset: string;
  rows: GeneratorRow[];
  /** Headline measures (ids without a `[...]` suffix), ordered by group then id. */
  columns: MeasureColumn[];
  /** cells[row][column] */
  cells: CellSummary[][];
  breakdowns: Breakdown[];
}

export interface FailureEntry {
  dataset: string;
  runId: string;
  cellId: string;
  generator: string;
  generatorLabel: string;
  paramsHash: string;
  repetition: number;
  source: ResultRecord['source'];
  family: EvaluatorFamily | 'generator';
  measure: string;
  status: Exclude<RecordStatus, 'ok'>;
  error: string | null;
}

export interface LeaderboardModel {
  datasets: DatasetBoard[];
  /** Every non-ok record that was kept, in dataset, generator, repetition order. */
  failures: FailureEntry[];
  totals: StatusCounts & {
    records: number;
    /** Records replaced by a later record with the same (cell, source, measure) key. */
    superseded: number;
  };
  /** Provenance seen in the records (useful when manifest.json is missing). */
  runIds: string[];
  codeVersions: string[];
  backends: string[];
}

const PRIVACY_FAMILIES = new Set<string>(['membership', 'inference', 'linkage', 'singling-out']);

export function groupOf(family: EvaluatorFamily | 'generator'): MeasureGroup {
  if (PRIVACY_FAMILIES.has(family)) return 'privacy';
  if (family === 'fidelity' || family === 'utility' || family === 'fairness' || family === 'cost') return family;
  return 'generator';
}

/** Splits `base[column]` into its parts; the column is everything between the first `[` and the final `]`. */
export function splitMeasureId(id: string): { base: string; column: string | null } {
  const open = id.indexOf('[');
  if (open > 0 && id.endsWith(']')) return { base: id.slice(0, open), column: id.slice(open + 1, -1) };
  return { base: id, column: null };
}

/** JSON with sorted object keys, so equal params give equal keys whatever their insertion order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.keys(v as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Identity of a source: its params hash when the runner wrote one, else its canonical params. */
function sourceKey(s: ResultRecord['source']): string {
  if (s.paramsHash) return `${s.type}:${s.id}#${s.paramsHash}`;
  const params = s.params && Object.keys(s.params).length > 0 ? canonicalJson(s.params) : '';
  return `${s.type}:${s.id}${params}`;
}

function sourceLabel(s: ResultRecord['source']): string {
  const params = s.params && Object.keys(s.params).length > 0 ? canonicalJson(s.params) : '';
  return `${s.id}${params}`;
}

const STATUS_SEVERITY: Record<Exclude<RecordStatus, 'ok'>, number> = { failed: 3, 'timed-out': 2, skipped: 1 };

/** Summarises the records of one (row, measure) cell; `recs` may be in any order. */
export function summarizeCell(recs: readonly ResultRecord[]): CellSummary {
  const sorted = recs.map(normalizeStatus).sort((a, b) => a.repetition - b.repetition);
  const counts: StatusCounts = { ok: 0, failed: 0, 'timed-out': 0, skipped: 0 };
  const values: number[] = [];
  const repetitions: number[] = [];
  const notes: string[] = [];
  let okWithoutValue = 0;
  let firstError: string | null = null;
  let worst: Exclude<RecordStatus, 'ok'> | null = null;
  let single: ResultRecord | null = null;
  for (const r of sorted) {
    counts[r.status]++;
    if (r.note && !notes.includes(r.note)) notes.push(r.note);
    if (r.status === 'ok') {
      if (typeof r.value === 'number' && Number.isFinite(r.value)) {
        values.push(r.value);
        repetitions.push(r.repetition);
        single = r;
      } else {
        okWithoutValue++;
      }
      continue;
    }
    if (firstError === null && r.error) firstError = r.error;
    if (worst === null || STATUS_SEVERITY[r.status] > STATUS_SEVERITY[worst]) worst = r.status;
  }

  const n = values.length;
  let mean: number | null = null;
  let sd: number | null = null;
  let ci: [number, number] | null = null;
  let ciLevel: number | null = null;
  let ciMethod: CellSummary['ciMethod'] = null;
  if (n >= 1) {
    let sum = 0;
    for (const v of values) sum += v;
    mean = sum / n;
  }
  if (n >= 2 && mean !== null) {
    // Two-pass variance: the repetitions are few and close together, so cancellation would hurt a one-pass formula.
    let ss = 0;
    for (const v of values) ss += (v - mean) * (v - mean);
    sd = Math.sqrt(ss / (n - 1));
    const t = studentTPpf(1 - (1 - REPETITION_CI_LEVEL) / 2, n - 1);
    const half = (t * sd) / Math.sqrt(n);
    ci = [mean - half, mean + half];
    ciLevel = REPETITION_CI_LEVEL;
    ciMethod = 'student-t';
  } else if (n === 1 && single?.ci && Number.isFinite(single.ci[0]) && Number.isFinite(single.ci[1])) {
    ci = [single.ci[0], single.ci[1]];
    ciLevel = single.ciLevel ?? 0.95;
    ciMethod = 'record';
  }

  let state: CellState;
  if (sorted.length === 0) state = 'missing';
  else if (n > 0) state = worst === null ? 'ok' : 'partial';
  else if (worst !== null) state = worst;
  else state = 'no-value';

  return { state, counts, okWithoutValue, n, values, repetitions, mean, sd, ci, ciLevel, ciMethod, firstError, notes };
}

/** Records of one leaderboard column (or one sub-column of a breakdown), by row. */
interface Slot {
  byRow: Map<string, ResultRecord[]>;
  /** Cells (cellId) with at least one record here. */
  cellIds: Set<string>;
  /** Whether any record here is ok (a column made only of unit-level status records carries no numbers). */
  hasOk: boolean;
  /** Whether every record here is a whole-unit status record (non-ok, measure named after its source). */
  onlyUnitStatus: boolean;
}

interface ColumnAcc {
  col: MeasureColumn;
  srcKey: string;
  /** Column metadata was copied from an ok record (status records carry `neutral` and no units). */
  metaFromOk: boolean;
  /** Headline: one slot under ''. Breakdown: one slot per sub-column, in first-seen order. */
  slots: Map<string, Slot>;
}

function newColumn(r: ResultRecord, measure: string, key: string): MeasureColumn {
  return {
    key,
    measure,
    label: measure,
    family: r.family,
    group: groupOf(r.family),
    direction: r.direction,
    units: r.units ?? null,
    proxy: r.proxy === true,
    source: r.source,
    warnings: [],
  };
}

/** Column metadata comes from the first ok record; later ok records that disagree add a caveat. */
function absorbMeta(acc: ColumnAcc, r: ResultRecord): void {
  if (r.status !== 'ok') return;
  const col = acc.col;
  if (!acc.metaFromOk) {
    acc.metaFromOk = true;
    col.family = r.family;
    col.group = groupOf(r.family);
    col.direction = r.direction;
    col.units = r.units ?? null;
    col.proxy = r.proxy === true;
    return;
  }
  if (r.direction !== col.direction) {
    const w = `records disagree on direction (${col.direction} vs ${r.direction}); the first is shown`;
    if (!col.warnings.includes(w)) col.warnings.push(w);
  }
  if ((r.units ?? null) !== col.units) {
    const w = `records disagree on units (${col.units ?? 'none'} vs ${r.units ?? 'none'}); the first is shown`;
    if (!col.warnings.includes(w)) col.warnings.push(w);
  }
  if (r.proxy === true) col.proxy = true;
}

function compareColumns(a: MeasureColumn, b: MeasureColumn): number {
  const g = GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group);
  if (g !== 0) return g;
  if (a.measure !== b.measure) return a.measure < b.measure ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** When two sources emit the same measure id in one dataset, their labels name the source. */
function disambiguate(cols: MeasureColumn[]): void {
  const count = new Map<string, number>();
  for (const c of cols) count.set(c.measure, (count.get(c.measure) ?? 0) + 1);
  for (const c of cols) c.label = (count.get(c.measure) ?? 0) > 1 ? `${c.measure} (${sourceLabel(c.source)})` : c.measure;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function addToSlot(slots: Map<string, Slot>, name: string, rowKey: string, r: ResultRecord, unitStatus: boolean): void {
  let slot = slots.get(name);
  if (!slot) slots.set(name, (slot = { byRow: new Map(), cellIds: new Set(), hasOk: false, onlyUnitStatus: true }));
  push(slot.byRow, rowKey, r);
  slot.cellIds.add(r.cellId);
  if (r.status === 'ok') slot.hasOk = true;
  if (!unitStatus) slot.onlyUnitStatus = false;
}

/**
 * A unit of work is one evaluator (or the generator phase) in one cell. When it produced no ok
 * record at all (it failed, timed out or was skipped), its status stands for every measure that
 * source reports elsewhere in the dataset: those cells show the status instead of a blank.
 */
interface Unit {
  cellId: string;
  rowKey: string;
  srcKey: string;
  hasOk: boolean;
  firstBad: ResultRecord | null;
}

function boardFor(dataset: string, recs: ResultRecord[]): DatasetBoard {
  const rowMap = new Map<string, GeneratorRow>();
  const units = new Map<string, Unit>();
  for (const r of recs) {
    const rowKey = `${r.generator}|${r.paramsHash}`;
    if (!rowMap.has(rowKey)) {
      rowMap.set(rowKey, { key: rowKey, generator: r.generator, paramsHash: r.paramsHash, label: r.generatorLabel, params: r.generatorParams ?? {} });
    }
    const srcKey = sourceKey(r.source);
    const uKey = `${r.cellId}\u0000${srcKey}`;
    let u = units.get(uKey);
    if (!u) units.set(uKey, (u = { cellId: r.cellId, rowKey, srcKey, hasOk: false, firstBad: null }));
    if (r.status === 'ok') u.hasOk = true;
    else if (!u.firstBad || r.repetition < u.firstBad.repetition) u.firstBad = r;
  }

  const headline = new Map<string, ColumnAcc>();
  const breakdown = new Map<string, ColumnAcc>();
  for (const r of recs) {
    const rowKey = `${r.generator}|${r.paramsHash}`;
    const srcKey = sourceKey(r.source);
    const { base, column } = splitMeasureId(r.measure);
    const key = `${srcKey}\u0000${base}`;
    const target = column === null ? headline : breakdown;
    let acc = target.get(key);
    if (!acc) target.set(key, (acc = { col: newColumn(r, base, key), srcKey, metaFromOk: false, slots: new Map() }));
    absorbMeta(acc, r);
    const unitStatus = r.status !== 'ok' && r.measure === r.source.id && !units.get(`${r.cellId}\u0000${srcKey}`)!.hasOk;
    addToSlot(acc.slots, column ?? '', rowKey, r, unitStatus);
  }

  // Drop status-only columns (named after a source, holding only its unit-level status records)
  // when that source has real measures here: the statuses are spread onto those instead.
  const realSources = new Set<string>();
  const isStatusOnly = (a: ColumnAcc) => {
    const slot = a.slots.get('');
    return slot !== undefined && a.slots.size === 1 && slot.onlyUnitStatus && !slot.hasOk;
  };
  for (const a of [...headline.values(), ...breakdown.values()]) if (!isStatusOnly(a)) realSources.add(a.srcKey);
  for (const [k, a] of headline) if (isStatusOnly(a) && realSources.has(a.srcKey)) headline.delete(k);

  const accsBySource = new Map<string, ColumnAcc[]>();
  for (const a of [...headline.values(), ...breakdown.values()]) {
    const list = accsBySource.get(a.srcKey);
    if (list) list.push(a);
    else accsBySource.set(a.srcKey, [a]);
  }
  for (const u of units.values()) {
    if (u.hasOk || !u.firstBad) continue;
    for (const a of accsBySource.get(u.srcKey) ?? []) {
      for (const slot of a.slots.values()) {
        if (slot.cellIds.has(u.cellId)) continue;
        push(slot.byRow, u.rowKey, u.firstBad);
        slot.cellIds.add(u.cellId);
      }
    }
  }

  const rows = [...rowMap.values()].sort((a, b) => byString(a.label, b.label) || byString(a.key, b.key));
  const headAccs = [...headline.values()].sort((a, b) => compareColumns(a.col, b.col));
  const columns = headAccs.map((a) => a.col);
  disambiguate(columns);
  const cells = rows.map((row) => headAccs.map((a) => summarizeCell(a.slots.get('')!.byRow.get(row.key) ?? [])));

  const bdAccs = [...breakdown.values()].sort((a, b) => compareColumns(a.col, b.col));
  disambiguate(bdAccs.map((a) => a.col));
  const breakdowns: Breakdown[] = bdAccs.map((a) => {
    const subColumns = [...a.slots.keys()];
    return {
      ...a.col,
      subColumns,
      cells: rows.map((row) => subColumns.map((c) => summarizeCell(a.slots.get(c)!.byRow.get(row.key) ?? []))),
    };
  });
  return { dataset, rows, columns, cells, breakdowns };
}

export function aggregate(records: readonly ResultRecord[]): LeaderboardModel {
  // The runner forgets a unit's old records before retrying it, so duplicates only come from
  // hand-merged files; there the last record for a (cell, source, measure) key wins.
  const latest = new Map<string, ResultRecord>();
  for (const r of records) latest.set(`${r.cellId}\u0000${sourceKey(r.source)}\u0000${r.measure}`, normalizeStatus(r));
  const kept = [...latest.values()];

  const totals: LeaderboardModel['totals'] = {
    records: records.length,
    superseded: records.length - kept.length,
    ok: 0,
    failed: 0,
    'timed-out': 0,
    skipped: 0,
  };
  const runIds = new Set<string>();
  const codeVersions = new Set<string>();
  const backends = new Set<string>();
  const byDataset = new Map<string, ResultRecord[]>();
  const failures: FailureEntry[] = [];
  for (const r of kept) {
    totals[r.status]++;
    runIds.add(r.runId);
    codeVersions.add(r.codeVersion);
    backends.add(r.backend);
    let list = byDataset.get(r.dataset);
    if (!list) byDataset.set(r.dataset, (list = []));
    list.push(r);
    if (r.status !== 'ok') {
      failures.push({
        dataset: r.dataset,
        runId: r.runId,
        cellId: r.cellId,
        generator: r.generator,
        generatorLabel: r.generatorLabel,
        paramsHash: r.paramsHash,
        repetition: r.repetition,
        source: r.source,
        family: r.family,
        measure: r.measure,
        status: r.status,
        error: r.error ?? null,
      });
    }
  }

  const datasets = [...byDataset.keys()].sort(byString).map((d) => boardFor(d, byDataset.get(d)!));

  const rowOrder = new Map<string, number>();
  for (const d of datasets) d.rows.forEach((r, i) => rowOrder.set(`${d.dataset}\u0000${r.key}`, i));
  const rowIndex = (f: FailureEntry) => rowOrder.get(`${f.dataset}\u0000${f.generator}|${f.paramsHash}`) ?? 0;
  failures.sort(
    (a, b) =>
      byString(a.dataset, b.dataset) ||
      rowIndex(a) - rowIndex(b) ||
      a.repetition - b.repetition ||
      byString(a.source.id, b.source.id) ||
      byString(a.measure, b.measure),
  );

  return {
    datasets,
    failures,
    totals,
    runIds: [...runIds].sort(byString),
    codeVersions: [...codeVersions].sort(byString),
    backends: [...backends].sort(byString),
  };
}

const KNOWN_STATUS = new Set<string>(['ok', 'failed', 'timed-out', 'skipped']);

/** A record with a status this reader does not know is shown as failed rather than vanishing. */
function normalizeStatus(r: ResultRecord): ResultRecord {
  if (KNOWN_STATUS.has(r.status)) return r;
  const why = `unknown record status ${JSON.stringify(r.status)}`;
  return { ...r, status: 'failed', error: r.error ? `${why}: ${r.error}` : why };
}

function push(map: Map<string, ResultRecord[]>, key: string, r: ResultRecord): void {
  const list = map.get(key);
  if (list) list.push(r);
  else map.set(key, [r]);
}
