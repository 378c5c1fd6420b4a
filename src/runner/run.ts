/**
 * The benchmark runner: validates the suite, loads datasets, makes splits, and for every cell fits
 * the generator on train, samples, caches the synthetic table by content hash, runs every attack
 * and metric, and appends one record per measure to results.jsonl. Units of work (the generator
 * phase and each evaluator) are recorded as they finish, so an interrupted run loses at most the
 * unit in flight and resumes from the records and the cache. A failing or timed-out unit is
 * recorded as such and the run goes on.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalContext } from '../core/context.js';
import { withDeadline } from '../core/deadline.js';
import { SynthbenchError, errorMessage, throwIfAborted } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { shortHash } from '../core/hash.js';
import { Rng, deriveSeed } from '../core/rng.js';
import { targetColumn } from '../core/schema.js';
import type { Table } from '../core/table.js';
import { readTableCsv, writeTableCsv } from '../data/table-csv.js';
import { loadDataset } from '../data/registry.js';
import { makeSplits } from '../data/splits.js';
import { type BackendName, initBackend } from '../tensor/backend.js';
import { type CellStamp, measureRecord, outcomeRecords, statusRecord } from './emit.js';
import { type EvaluatorPlan, planEvaluators, runEvaluator } from './evaluators.js';
import { type Cell, expandCells, planDatasets, planGenerators } from './grid.js';
import { createManifest } from './manifest.js';
import { type RunProgress, silentRunProgress } from './progress.js';
import type { ResultRecord } from './records.js';
import { ResultStore, workKey } from './store.js';
import type { Suite } from './suite.js';
import { codeVersion } from './version.js';

export interface RunOptions {
  suite: Suite;
  outDir: string;
  dataDir?: string;
  cacheDir?: string;
  download?: boolean;
  backend?: BackendName;
  /** Aborts the run (Ctrl-C): the unit in flight is not recorded; everything finished is kept. */
  signal?: AbortSignal;
  progress?: RunProgress;
  /** Re-run units recorded as failed or timed-out instead of keeping those records. */
  retryFailed?: boolean;
  command?: string;
  log?: (line: string) => void;
}

export interface RunSummary {
  outDir: string;
  runId: string;
  cells: number;
  cellsRun: number;
  failedUnits: number;
  interrupted: boolean;
  records: ResultRecord[];
}

const GENERATOR_SOURCE = { type: 'runner' as const, id: 'generator' };

interface Splits {
  train: Table;
  holdout: Table;
  reference: Table;
}

export async function runSuite(opts: RunOptions): Promise<RunSummary> {
  const { suite } = opts;
  const progress = opts.progress ?? silentRunProgress;
  const log = opts.log ?? (() => {});

  // Validate everything before doing any work.
  const dsPlans = planDatasets(suite.datasets);
  const genPlans = planGenerators(suite.generators);
  const evalPlans = planEvaluators(suite.attacks, suite.metrics);
  const cells = expandCells(suite, dsPlans, genPlans);

  const backend = await initBackend(opts.backend);
  if (backend.fallbacks.length) log(`tfjs backend: ${backend.name} (${backend.fallbacks.join('; ')})`);
  const version = codeVersion();
  const store = new ResultStore(opts.outDir);
  const configHash = shortHash(suite);
  const previous = store.readManifest();
  if (previous && previous.configHash !== configHash) {
    throw new SynthbenchError(
      'BAD_CONFIG',
      `${opts.outDir} holds results of a different suite (config ${previous.configHash}, this one ${configHash}); use another --out or pass --fresh to start over`,
    );
  }
  if (previous && previous.codeVersion !== version) log(`note: resuming results written by ${previous.codeVersion} with ${version}; every record names its own code version`);

  if (opts.retryFailed) {
    const retry = new Set(store.all().filter((r) => r.status === 'failed' || r.status === 'timed-out').map((r) => workKey(r.cellId, r.source)));
    store.forget(retry);
  }

  const manifest = createManifest(
    {
      command: opts.command ?? 'synthbench run',
      backend: backend.name,
      configHash,
      config: suite,
      seed: suite.seed,
      datasets: previous?.datasets ?? {},
      cells: { total: cells.length, done: 0, failed: 0 },
    },
    previous,
  );
  const runId = manifest.runId;
  store.writeManifest(manifest);
  store.touch();

  const unitsOf = (cell: Cell) => [workKey(cell.cellId, GENERATOR_SOURCE), ...evalPlans.map((p) => workKey(cell.cellId, evaluatorSource(p)))];
  const pending = cells.filter((c) => unitsOf(c).some((k) => !store.isDone(k)));
  progress.start(cells.length, cells.length - pending.length);

  const datasetCache = new Map<string, Promise<{ table: Table; fingerprint: string }>>();
  const splitCache = new Map<string, Splits>();
  const loadData = (cell: Cell) => {
    const key = cell.dataset.label;
    if (!datasetCache.has(key)) {
      datasetCache.set(
        key,
        loadDataset(cell.dataset.id, { dataDir: opts.dataDir, cacheDir: opts.cacheDir, download: opts.download, params: cell.dataset.params }).then((r) => {
          manifest.datasets[key] = { fingerprint: r.fingerprint, rows: r.table.nRows, source: r.source };
          return r;
        }),
      );
    }
    return datasetCache.get(key)!;
  };
  const splitsFor = async (cell: Cell) => {
    const { table } = await loadData(cell);
    const key = `${cell.dataset.label}#${cell.splitSeed}`;
    if (!splitCache.has(key)) {
      const s = makeSplits(table, {
        seed: deriveSeed(suite.seed, 'split', cell.dataset.label, cell.splitSeed),
        trainSize: suite.splits.trainSize,
        holdoutSize: suite.splits.holdoutSize,
        referenceSize: suite.splits.referenceSize,
      });
      splitCache.set(key, s);
    }
    return splitCache.get(key)!;
  };

  let cellsRun = 0;
  let interrupted = false;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!pending.includes(cell)) continue;
    const label = `${cell.dataset.label} · ${cell.generator.label} · split ${cell.splitSeed} · rep ${cell.repetition}`;
    const t0 = performance.now();
    const deadline = withDeadline(suite.timeoutSeconds * 1000, opts.signal);
    try {
      progress.cell(i, label, 'loading data');
      const splits = await splitsFor(cell);
      const stamp: CellStamp = {
        runId,
        cellId: cell.cellId,
        dataset: cell.dataset.label,
        splitSeed: cell.splitSeed,
        generator: cell.generator.id,
        generatorParams: cell.generator.params,
        paramsHash: cell.generator.paramsHash,
        generatorLabel: cell.generator.label,
        repetition: cell.repetition,
        seed: cell.seed,
        backend: backend.name,
        codeVersion: version,
      };
      const fingerprint = (await loadData(cell)).fingerprint;
      const cacheFile = path.join(opts.outDir, 'cache', `${shortHash({ fingerprint, cellId: cell.cellId, seed: cell.seed })}.csv`);
      const nRows = suite.syntheticRows === 'train' ? splits.train.nRows : suite.syntheticRows;

      const synthetic = await syntheticFor(cell, splits.train, nRows, cacheFile, stamp, store, deadline.signal, (phase) => progress.cell(i, label, phase));
      const cellRecords: ResultRecord[] = [];
      for (const plan of evalPlans) {
        const source = evaluatorSource(plan);
        if (store.isDone(workKey(cell.cellId, source))) continue;
        let recs: ResultRecord[];
        if (!synthetic.table) {
          recs = [statusRecord(stamp, source, plan.family, plan.id, 'skipped', `no synthetic data: ${synthetic.reason}`, 0)];
        } else {
          progress.cell(i, label, `${plan.type} ${plan.id}`);
          const base: Omit<EvalContext, 'rng'> = {
            schema: splits.train.schema,
            train: splits.train,
            holdout: splits.holdout,
            reference: splits.reference,
            synthetic: synthetic.table,
            signal: deadline.signal,
            target: targetColumn(splits.train.schema)?.name,
          };
          recs = outcomeRecords(stamp, await runEvaluator(plan, base, cell.seed));
        }
        store.append(recs);
        cellRecords.push(...recs);
      }
      cellsRun++;
      const bad = cellRecords.some((r) => r.status === 'failed' || r.status === 'timed-out') || synthetic.status !== 'ok';
      progress.cellDone(label, bad ? (synthetic.status !== 'ok' ? `generator ${synthetic.status}` : 'some evaluators failed') : 'ok', (performance.now() - t0) / 1000);
    } catch (err) {
      if (err instanceof SynthbenchError && err.code === 'ABORTED') {
        interrupted = true;
        break;
      }
      throw err;
    } finally {
      deadline.dispose();
    }
  }
  progress.finish();

  const records = store.all();
  const cellIds = new Set(cells.map((c) => c.cellId));
  manifest.updatedAt = new Date().toISOString();
  manifest.cells = {
    total: cells.length,
    done: cells.filter((c) => unitsOf(c).every((k) => store.isDone(k))).length,
    failed: new Set(records.filter((r) => cellIds.has(r.cellId) && (r.status === 'failed' || r.status === 'timed-out')).map((r) => r.cellId)).size,
  };
  store.writeManifest(manifest);
  return {
    outDir: opts.outDir,
    runId,
    cells: cells.length,
    cellsRun,
    failedUnits: records.filter((r) => r.status === 'failed' || r.status === 'timed-out').length,
    interrupted,
    records,
  };
}

export function evaluatorSource(p: EvaluatorPlan): ResultRecord['source'] {
  return { type: p.type, id: p.id, params: p.params, paramsHash: p.paramsHash };
}

type SyntheticOutcome = { table?: Table; status: 'ok' | 'failed' | 'timed-out'; reason?: string };

/**
 * The cell's synthetic table: from the cache when present, else fit + sample (recording cost
 * measures). The generator phase is recorded once; a cached table is re-read on resume.
 */
async function syntheticFor(
  cell: Cell,
  train: Table,
  nRows: number,
  cacheFile: string,
  stamp: CellStamp,
  store: ResultStore,
  signal: AbortSignal,
  phase: (p: string) => void,
): Promise<SyntheticOutcome> {
  const key = workKey(cell.cellId, GENERATOR_SOURCE);
  const prior = store.recordsFor(key);
  const priorFailure = prior.find((r) => r.status !== 'ok');
  if (priorFailure) return { status: priorFailure.status as 'failed' | 'timed-out', reason: priorFailure.error };
  if (existsSync(cacheFile)) {
    try {
      const table = readTableCsv(readFileSync(cacheFile, 'utf8'), train.schema, cacheFile);
      if (prior.length) return { table, status: 'ok' };
    } catch {
      // A damaged cache entry is regenerated below (generation is deterministic).
    }
  }
  const gen = cell.generator;
  const rng = new Rng(cell.seed);
  const t0 = performance.now();
  let stage = 'fit';
  try {
    phase(`fitting ${gen.label}`);
    const model = await gen.plugin.fit(train, gen.params, {
      seed: cell.seed,
      rng: rng.fork('fit'),
      progress: { update: (p) => phase(`${p.phase} ${p.done}${p.total ? `/${p.total}` : ''}`) },
      signal,
    });
    throwIfAborted(signal);
    const fitMs = performance.now() - t0;
    stage = 'sample';
    phase(`sampling ${nRows} rows`);
    const t1 = performance.now();
    const table = await model.sample(nRows, rng.fork('sample'));
    throwIfAborted(signal);
    const sampleMs = performance.now() - t1;
    if (table.nRows !== nRows || table.nCols !== train.nCols) {
      throw new Error(`sample(${nRows}) returned ${table.nRows} rows × ${table.nCols} columns, expected ${nRows} × ${train.nCols}`);
    }
    writeFileAtomic(cacheFile, writeTableCsv(table));
    if (!prior.length) {
      const durationMs = Math.round(performance.now() - t0);
      const cost = [
        { id: 'cost.fit-seconds', value: fitMs / 1000, units: 's', direction: 'lower-better' as const },
        { id: 'cost.sample-rows-per-second', value: nRows / Math.max(sampleMs / 1000, 1e-6), units: 'rows/s', direction: 'higher-better' as const },
        ...(model.sizeBytes !== undefined ? [{ id: 'cost.model-bytes', value: model.sizeBytes, units: 'B', direction: 'lower-better' as const }] : []),
        ...(model.privacy ? [{ id: 'privacy.epsilon', value: model.privacy.epsilon, direction: 'lower-better' as const, note: `δ = ${model.privacy.delta}` }] : []),
      ];
      store.append(cost.map((m) => measureRecord(stamp, GENERATOR_SOURCE, 'cost', m, durationMs)));
    }
    return { table, status: 'ok' };
  } catch (err) {
    if (err instanceof SynthbenchError && err.code === 'ABORTED') throw err;
    const status = err instanceof SynthbenchError && err.code === 'TIMEOUT' ? 'timed-out' : 'failed';
    const reason = `${stage}: ${errorMessage(err)}`;
    store.append([statusRecord(stamp, GENERATOR_SOURCE, 'cost', 'cost.fit-seconds', status, reason, Math.round(performance.now() - t0))]);
    return { status, reason };
  }
}
