/**
 * Runs one cell: the generator phase (fit + sample, cost measured by the runner, synthetic table
 * cached by content hash) and every evaluator not yet done. It hands each unit's records to
 * `emit` as soon as the unit finishes and never writes results itself, so the same code runs in
 * the main thread (emit = append to the store) and in worker threads (emit = post to the main
 * thread, which stays the single writer of results.jsonl).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalContext } from '../core/context.js';
import { silentProgress } from '../core/context.js';
import { withDeadline } from '../core/deadline.js';
import { SynthbenchError, errorMessage, throwIfAborted } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { shortHash } from '../core/hash.js';
import { Rng, deriveSeed } from '../core/rng.js';
import { targetColumn } from '../core/schema.js';
import type { Table } from '../core/table.js';
import { loadDataset } from '../data/registry.js';
import { makeSplits } from '../data/splits.js';
import { readTableCsv, writeTableCsv } from '../data/table-csv.js';
import { PeakRss, generatorCostMeasures } from './cost.js';
import { type CellStamp, measureRecord, outcomeRecords, statusRecord } from './emit.js';
import { type EvaluatorPlan, runEvaluator } from './evaluators.js';
import type { Cell } from './grid.js';
import type { ResultRecord } from './records.js';
import { workKey } from './store.js';
import type { Suite } from './suite.js';

export const GENERATOR_SOURCE = { type: 'runner' as const, id: 'generator' };

export function evaluatorSource(p: EvaluatorPlan): ResultRecord['source'] {
  return { type: p.type, id: p.id, params: p.params, paramsHash: p.paramsHash };
}

/** Work keys of a cell's units, generator phase first, in the order they run. */
export function unitKeys(cell: Cell, plans: EvaluatorPlan[]): string[] {
  return [workKey(cell.cellId, GENERATOR_SOURCE), ...plans.map((p) => workKey(cell.cellId, evaluatorSource(p)))];
}

interface Splits {
  train: Table;
  holdout: Table;
  reference: Table;
}

export interface DatasetInfo {
  fingerprint: string;
  rows: number;
  source: string;
}

export interface DataOptions {
  dataDir?: string;
  cacheDir?: string;
  download?: boolean;
}

/** Loads each dataset once and makes each (dataset, split seed) partition once per process. */
export class DataEnv {
  readonly datasets = new Map<string, DatasetInfo>();
  private readonly tables = new Map<string, Promise<{ table: Table; fingerprint: string }>>();
  private readonly splits = new Map<string, Splits>();
  constructor(
    private readonly suite: Suite,
    private readonly opts: DataOptions,
  ) {}

  load(cell: Cell): Promise<{ table: Table; fingerprint: string }> {
    const key = cell.dataset.label;
    let p = this.tables.get(key);
    if (!p) {
      p = loadDataset(cell.dataset.id, { dataDir: this.opts.dataDir, cacheDir: this.opts.cacheDir, download: this.opts.download, params: cell.dataset.params }).then((r) => {
        this.datasets.set(key, { fingerprint: r.fingerprint, rows: r.table.nRows, source: r.source });
        return r;
      });
      this.tables.set(key, p);
    }
    return p;
  }

  async splitsFor(cell: Cell): Promise<Splits> {
    const { table } = await this.load(cell);
    const key = `${cell.dataset.label}#${cell.splitSeed}`;
    let s = this.splits.get(key);
    if (!s) {
      s = makeSplits(table, {
        seed: deriveSeed(this.suite.seed, 'split', cell.dataset.label, cell.splitSeed),
        trainSize: this.suite.splits.trainSize,
        holdoutSize: this.suite.splits.holdoutSize,
        referenceSize: this.suite.splits.referenceSize,
      });
      this.splits.set(key, s);
    }
    return s;
  }
}

export interface CellEnv {
  suite: Suite;
  evalPlans: EvaluatorPlan[];
  outDir: string;
  runId: string;
  backend: string;
  codeVersion: string;
  data: DataEnv;
  /** Other cells share this process (worker threads): RSS is then process-wide. */
  sharedProcess: boolean;
}

export interface CellWork {
  cell: Cell;
  /** Units already recorded (skipped here). */
  done: ReadonlySet<string>;
  /** Records of the generator unit from an earlier run (for resuming from the cache). */
  priorGenerator: ResultRecord[];
  /** Receives each finished unit's records; the caller writes them. */
  emit: (records: ResultRecord[]) => void;
  signal?: AbortSignal;
  phase?: (p: string) => void;
}

export interface CellOutcome {
  /** Generator status, and whether any unit failed or timed out. */
  generatorStatus: 'ok' | 'failed' | 'timed-out' | 'skipped';
  bad: boolean;
}

export function cellStamp(env: Pick<CellEnv, 'runId' | 'backend' | 'codeVersion'>, cell: Cell): CellStamp {
  return {
    runId: env.runId,
    cellId: cell.cellId,
    dataset: cell.dataset.label,
    splitSeed: cell.splitSeed,
    generator: cell.generator.id,
    generatorParams: cell.generator.params,
    paramsHash: cell.generator.paramsHash,
    generatorLabel: cell.generator.label,
    repetition: cell.repetition,
    seed: cell.seed,
    backend: env.backend,
    codeVersion: env.codeVersion,
  };
}

/** Runs the cell's missing units. Throws ABORTED when interrupted (nothing recorded for the unit in flight). */
export async function executeCell(env: CellEnv, work: CellWork): Promise<CellOutcome> {
  const { cell } = work;
  const phase = work.phase ?? (() => {});
  const deadline = withDeadline(env.suite.timeoutSeconds * 1000, work.signal);
  try {
    phase('loading data');
    const splits = await env.data.splitsFor(cell);
    const stamp = cellStamp(env, cell);
    const fingerprint = (await env.data.load(cell)).fingerprint;
    const cacheFile = path.join(env.outDir, 'cache', `${shortHash({ fingerprint, cellId: cell.cellId, seed: cell.seed })}.csv`);
    const nRows = env.suite.syntheticRows === 'train' ? splits.train.nRows : env.suite.syntheticRows;
    const synthetic = await syntheticFor(env, work, splits.train, nRows, cacheFile, stamp, deadline.signal, phase);
    let bad = synthetic.status !== 'ok';
    for (const plan of env.evalPlans) {
      const source = evaluatorSource(plan);
      if (work.done.has(workKey(cell.cellId, source))) continue;
      let recs: ResultRecord[];
      if (!synthetic.table) {
        recs = [statusRecord(stamp, source, plan.family, plan.id, 'skipped', `no synthetic data: ${synthetic.reason}`, 0)];
      } else {
        phase(`${plan.type} ${plan.id}`);
        const base: Omit<EvalContext, 'rng'> = {
          schema: splits.train.schema,
          train: splits.train,
          holdout: splits.holdout,
          reference: splits.reference,
          synthetic: synthetic.table,
          signal: deadline.signal,
          target: targetColumn(splits.train.schema)?.name,
          generator: generatorHandle(cell, deadline.signal),
        };
        recs = outcomeRecords(stamp, await runEvaluator(plan, base, cell.seed));
      }
      if (recs.some((r) => r.status === 'failed' || r.status === 'timed-out')) bad = true;
      work.emit(recs);
    }
    return { generatorStatus: synthetic.status, bad };
  } finally {
    deadline.dispose();
  }
}

/** The cell's generator as shadow-modelling attacks see it: refit on a table of their choice. */
function generatorHandle(cell: Cell, signal: AbortSignal): EvalContext['generator'] {
  const g = cell.generator;
  return {
    id: g.id,
    params: g.params,
    fit: (train, seed) => g.plugin.fit(train, g.params, { seed, rng: new Rng(seed).fork('fit'), progress: silentProgress, signal }),
  };
}

type SyntheticOutcome = { table?: Table; status: 'ok' | 'failed' | 'timed-out' | 'skipped'; reason?: string };

/**
 * The cell's synthetic table: from the cache when present, else fit + sample (recording cost
 * measures). The generator phase is recorded once; a cached table is re-read on resume.
 */
async function syntheticFor(
  env: CellEnv,
  work: CellWork,
  train: Table,
  nRows: number,
  cacheFile: string,
  stamp: CellStamp,
  signal: AbortSignal,
  phase: (p: string) => void,
): Promise<SyntheticOutcome> {
  const prior = work.priorGenerator;
  const priorFailure = prior.find((r) => r.status !== 'ok');
  if (priorFailure) return { status: priorFailure.status as 'failed' | 'timed-out' | 'skipped', reason: priorFailure.error };
  if (existsSync(cacheFile)) {
    try {
      const table = readTableCsv(readFileSync(cacheFile, 'utf8'), train.schema, cacheFile);
      if (prior.length) return { table, status: 'ok' };
    } catch {
      // A damaged cache entry is regenerated below (generation is deterministic).
    }
  }
  const gen = work.cell.generator;
  const rng = new Rng(work.cell.seed);
  const t0 = performance.now();
  let stage = 'fit';
  const rss = new PeakRss();
  try {
    phase(`fitting ${gen.label}`);
    const model = await gen.plugin.fit(train, gen.params, {
      seed: work.cell.seed,
      rng: rng.fork('fit'),
      progress: { update: (p) => phase(`${p.phase} ${p.done}${p.total ? `/${p.total}` : ''}`) },
      signal,
    });
    throwIfAborted(signal);
    rss.probe();
    const fitMs = performance.now() - t0;
    stage = 'sample';
    phase(`sampling ${nRows} rows`);
    const t1 = performance.now();
    const table = await model.sample(nRows, rng.fork('sample'));
    throwIfAborted(signal);
    const sampleMs = performance.now() - t1;
    const peakRssBytes = rss.stop();
    if (table.nRows !== nRows || table.nCols !== train.nCols) {
      throw new Error(`sample(${nRows}) returned ${table.nRows} rows × ${table.nCols} columns, expected ${nRows} × ${train.nCols}`);
    }
    writeFileAtomic(cacheFile, writeTableCsv(table));
    if (!prior.length) {
      const durationMs = Math.round(performance.now() - t0);
      const cost = generatorCostMeasures({
        generatorId: gen.id,
        fitMs,
        sampleMs,
        rows: nRows,
        peakRssBytes,
        model,
        pricing: env.suite.pricing,
        sharedProcess: env.sharedProcess,
      });
      work.emit(cost.map((m) => measureRecord(stamp, GENERATOR_SOURCE, 'cost', m, durationMs)));
    }
    model.dispose?.();
    return { table, status: 'ok' };
  } catch (err) {
    if (err instanceof SynthbenchError && err.code === 'ABORTED') throw err;
    // UNSUPPORTED: the generator cannot run here (e.g. no LLM endpoint configured): a skip with
    // its reason, not a failure of the method.
    const code = err instanceof SynthbenchError ? err.code : undefined;
    const status = code === 'TIMEOUT' ? 'timed-out' : code === 'UNSUPPORTED' ? 'skipped' : 'failed';
    const reason = `${stage}: ${errorMessage(err)}`;
    work.emit([statusRecord(stamp, GENERATOR_SOURCE, 'cost', 'cost.fit-seconds', status, reason, Math.round(performance.now() - t0))]);
    return { status, reason };
  } finally {
    rss.stop();
  }
}

export function cellLabel(cell: Cell): string {
  return `${cell.dataset.label} · ${cell.generator.label} · split ${cell.splitSeed} · rep ${cell.repetition}`;
}

export function cellStatus(o: { generatorStatus: string; bad: boolean }): string {
  if (o.generatorStatus !== 'ok') return `generator ${o.generatorStatus}`;
  return o.bad ? 'some evaluators failed' : 'ok';
}
