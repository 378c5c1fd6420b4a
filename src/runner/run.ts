/**
 * The benchmark runner: validates the suite, loads datasets, makes splits, and for every cell fits
 * the generator on train, samples, caches the synthetic table by content hash, runs every attack
 * and metric, and appends one record per measure to results.jsonl. Units of work (the generator
 * phase and each evaluator) are recorded as they finish, so an interrupted run loses at most the
 * unit in flight and resumes from the records and the cache. A failing or timed-out unit is
 * recorded as such and the run goes on. Cells run in this thread (cell.ts) or in worker threads
 * (pool.ts, `--workers`); either way this thread is the only writer of results.jsonl. `--shard`
 * restricts the grid to one deterministic part (shard.ts); merge.ts combines the parts.
 */
import os from 'node:os';
import { SynthbenchError } from '../core/errors.js';
import { shortHash } from '../core/hash.js';
import { type BackendName, initBackend } from '../tensor/backend.js';
import { setKernelThreads } from '../tensor/gemm.js';
import { type CellEnv, DataEnv, GENERATOR_SOURCE, cellLabel, cellStatus, executeCell, unitKeys } from './cell.js';
import { planEvaluators } from './evaluators.js';
import { type Cell, expandCells, planDatasets, planGenerators } from './grid.js';
import { createManifest } from './manifest.js';
import { runPool } from './pool.js';
import { type RunProgress, silentRunProgress } from './progress.js';
import type { ResultRecord } from './records.js';
import { type ShardSpec, formatShard, inShard } from './shard.js';
import { ResultStore, workKey } from './store.js';
import type { Suite } from './suite.js';
import { codeVersion } from './version.js';

export { evaluatorSource } from './cell.js';

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
  /** Cells in parallel worker threads (1 = in this thread, the default; `auto` = defaultWorkers). */
  workers?: number | 'auto';
  /**
   * Threads for the wasm matrix kernel in each cell (tensor/gemm.ts; at most 2 are used). A speed
   * setting only: results are bit-identical for every count. Default `auto`: cores ÷ workers.
   */
  kernelThreads?: number | 'auto';
  /** Run only shard I of N of the cell grid. */
  shard?: ShardSpec;
  /** Worker mode: how long past `timeoutSeconds` a cell may run before its worker is terminated (default max(2 s, 10 %)). */
  hardTimeoutGraceMs?: number;
}

export interface RunSummary {
  outDir: string;
  runId: string;
  cells: number;
  cellsRun: number;
  failedUnits: number;
  interrupted: boolean;
  records: ResultRecord[];
  workers: number;
}

/** Memory budget assumed per worker thread for the default worker count. */
export const WORKER_MEMORY_BUDGET_BYTES = 1024 ** 3;

/** Default for `--workers auto`: min(cores, ⌊free memory / 1 GiB⌋, cells to run), at least 1. */
export function defaultWorkers(pendingCells: number): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, Math.floor(os.freemem() / WORKER_MEMORY_BUDGET_BYTES), pendingCells));
}

export async function runSuite(opts: RunOptions): Promise<RunSummary> {
  const { suite } = opts;
  const progress = opts.progress ?? silentRunProgress;
  const log = opts.log ?? (() => {});

  // Validate everything before doing any work.
  const dsPlans = planDatasets(suite.datasets);
  const genPlans = planGenerators(suite.generators);
  const evalPlans = planEvaluators(suite.attacks, suite.metrics);
  const grid = expandCells(suite, dsPlans, genPlans);
  const selected = grid.map((cell, index) => ({ cell, index })).filter((c) => inShard(c.index, opts.shard));

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
  const shardText = (s: ShardSpec | undefined) => (s ? `shard ${formatShard(s)}` : 'the whole grid');
  if (previous && !previous.mergedFrom && shardText(previous.shard) !== shardText(opts.shard)) {
    throw new SynthbenchError(
      'BAD_CONFIG',
      `${opts.outDir} holds ${shardText(previous.shard)} of this suite, not ${shardText(opts.shard)}; give each shard its own --out`,
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
      cells: { total: selected.length, done: 0, failed: 0 },
      ...(opts.shard ? { shard: opts.shard } : {}),
    },
    previous,
  );
  const runId = manifest.runId;
  store.writeManifest(manifest);
  store.touch();

  const unitsOf = (cell: Cell) => unitKeys(cell, evalPlans);
  const pending = selected.filter((c) => unitsOf(c.cell).some((k) => !store.isDone(k)));
  progress.start(selected.length, selected.length - pending.length);

  const requested = opts.workers === 'auto' ? defaultWorkers(pending.length) : (opts.workers ?? 1);
  const workers = Math.max(1, Math.min(requested, pending.length || 1));
  if (requested > 1) log(`workers: ${workers} worker thread(s) for ${pending.length} cell(s)`);
  const kernelThreads = setKernelThreads(opts.kernelThreads ?? 'auto', workers);
  let cellsRun = 0;
  let interrupted = false;
  if (workers > 1) {
    const r = await runPool({
      workers,
      suite,
      evalPlans,
      cells: pending,
      outDir: opts.outDir,
      runId,
      codeVersion: version,
      backend: opts.backend,
      kernelThreads,
      data: { dataDir: opts.dataDir, cacheDir: opts.cacheDir, download: opts.download },
      store,
      progress,
      signal: opts.signal,
      hardTimeoutGraceMs: opts.hardTimeoutGraceMs,
    });
    cellsRun = r.cellsRun;
    interrupted = r.interrupted;
    for (const [k, v] of r.datasets) manifest.datasets[k] = v;
  } else {
    const data = new DataEnv(suite, { dataDir: opts.dataDir, cacheDir: opts.cacheDir, download: opts.download });
    const env: CellEnv = { suite, evalPlans, outDir: opts.outDir, runId, backend: backend.name, codeVersion: version, data, sharedProcess: false };
    for (const { cell, index } of pending) {
      const label = cellLabel(cell);
      const t0 = performance.now();
      try {
        const out = await executeCell(env, {
          cell,
          done: new Set(unitsOf(cell).filter((k) => store.isDone(k))),
          priorGenerator: store.recordsFor(workKey(cell.cellId, GENERATOR_SOURCE)),
          emit: (recs) => store.append(recs),
          signal: opts.signal,
          phase: (p) => progress.cell(index, label, p),
        });
        cellsRun++;
        progress.cellDone(label, cellStatus(out), (performance.now() - t0) / 1000);
      } catch (err) {
        if (err instanceof SynthbenchError && err.code === 'ABORTED') {
          interrupted = true;
          break;
        }
        throw err;
      } finally {
        for (const [k, v] of data.datasets) manifest.datasets[k] = v;
      }
    }
  }
  progress.finish();

  const records = store.all();
  const cellIds = new Set(selected.map((c) => c.cell.cellId));
  manifest.updatedAt = new Date().toISOString();
  manifest.cells = {
    total: selected.length,
    done: selected.filter((c) => unitsOf(c.cell).every((k) => store.isDone(k))).length,
    failed: new Set(records.filter((r) => cellIds.has(r.cellId) && (r.status === 'failed' || r.status === 'timed-out')).map((r) => r.cellId)).size,
  };
  store.writeManifest(manifest);
  return {
    outDir: opts.outDir,
    runId,
    cells: selected.length,
    cellsRun,
    failedUnits: records.filter((r) => r.status === 'failed' || r.status === 'timed-out').length,
    interrupted,
    records,
    workers,
  };
}

