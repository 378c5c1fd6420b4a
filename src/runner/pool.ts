/**
 * Worker-thread pool for `run --workers N`. The main thread hands out cells, one at a time per
 * worker, and appends each unit's records to the store as the worker reports it (single writer;
 * appends interleave across cells, which the resume logic and the reports do not care about).
 *
 * Hard timeout: cooperative deadlines cannot stop code that never checks its signal, so the main
 * thread also arms a timer per cell at `timeoutSeconds` + grace. When it fires, the worker is
 * terminated, the cell's unfinished units are recorded as `timed-out` (evaluators after a
 * generator that never finished as `skipped`, as in a serial run), and a fresh worker takes its
 * place. A worker that crashes (e.g. out of memory) has its cell's unfinished units recorded as
 * `failed` the same way.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SynthbenchError, type ErrorCode } from '../core/errors.js';
import type { BackendName } from '../tensor/backend.js';
import { type CellOutcome, type DataOptions, type DatasetInfo, GENERATOR_SOURCE, cellLabel, cellStamp, cellStatus, evaluatorSource, unitKeys } from './cell.js';
import { statusRecord } from './emit.js';
import type { EvaluatorPlan } from './evaluators.js';
import type { Cell } from './grid.js';
import type { RunProgress } from './progress.js';
import type { ResultRecord } from './records.js';
import { type ResultStore, workKey } from './store.js';
import type { Suite } from './suite.js';

export interface WorkerInit {
  suite: Suite;
  outDir: string;
  runId: string;
  codeVersion: string;
  backend?: BackendName;
  /** Threads for each worker's wasm matrix kernel (tensor/gemm.ts). */
  kernelThreads: number;
  data: DataOptions;
}

export type ToWorker = { index: number; cellId: string; done: string[]; priorGenerator: ResultRecord[] };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'phase'; index: number; phase: string }
  | { type: 'unit'; index: number; records: ResultRecord[] }
  | { type: 'cell-done'; index: number; outcome: CellOutcome; datasets: [string, DatasetInfo][] }
  | { type: 'error'; index: number; message: string; code?: ErrorCode };

export interface PoolOptions {
  workers: number;
  suite: Suite;
  evalPlans: EvaluatorPlan[];
  cells: { cell: Cell; index: number }[];
  outDir: string;
  runId: string;
  codeVersion: string;
  backend?: BackendName;
  kernelThreads: number;
  data: DataOptions;
  store: ResultStore;
  progress: RunProgress;
  signal?: AbortSignal;
  hardTimeoutGraceMs?: number;
}

export interface PoolResult {
  cellsRun: number;
  interrupted: boolean;
  datasets: Map<string, DatasetInfo>;
}

/**
 * How to start a worker: `worker.js` beside this module in dist/. Under a TypeScript runner (tests
 * on the sources, where this file is `pool.ts`) a small bootstrap registers tsx's loader in the
 * new thread first and then imports `worker.ts`; Node does not apply `--import` hooks from a
 * worker's execArgv to its entry module.
 */
export function workerEntry(): { script: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL('./worker.js', here), eval: false };
  // tsx's ESM API (`tsx/esm/api`, import condition) registers its loader in the calling thread.
  const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return { script: boot, eval: true };
}

interface Slot {
  worker: Worker;
  backend: string;
  ready: boolean;
  busy?: { index: number; cell: Cell; t0: number; timer?: NodeJS.Timeout };
  closed: boolean;
}

export function runPool(opts: PoolOptions): Promise<PoolResult> {
  const { store, progress, suite } = opts;
  const queue = [...opts.cells];
  const datasets = new Map<string, DatasetInfo>();
  const budgetMs = suite.timeoutSeconds * 1000;
  const graceMs = opts.hardTimeoutGraceMs ?? Math.max(2000, budgetMs * 0.1);
  const entry = workerEntry();
  const init: WorkerInit = { suite, outDir: opts.outDir, runId: opts.runId, codeVersion: opts.codeVersion, backend: opts.backend, kernelThreads: opts.kernelThreads, data: opts.data };
  const slots = new Set<Slot>();
  let cellsRun = 0;
  let settled = false;

  return new Promise<PoolResult>((resolve, reject) => {
    const shutdown = () => {
      for (const s of slots) close(s);
    };
    const finish = (interrupted: boolean) => {
      if (settled) return;
      settled = true;
      shutdown();
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ cellsRun, interrupted, datasets });
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      shutdown();
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    };
    const onAbort = () => finish(true);
    if (opts.signal?.aborted) return finish(true);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const close = (s: Slot) => {
      if (s.closed) return;
      s.closed = true;
      if (s.busy?.timer) clearTimeout(s.busy.timer);
      slots.delete(s);
      void s.worker.terminate();
    };

    /** Records the unfinished units of a cell whose worker was stopped. */
    const abandon = (s: Slot, status: 'timed-out' | 'failed', reason: string) => {
      const busy = s.busy!;
      const stamp = cellStamp({ runId: opts.runId, backend: s.backend, codeVersion: opts.codeVersion }, busy.cell);
      const elapsed = Math.round(performance.now() - busy.t0);
      const genKey = workKey(busy.cell.cellId, GENERATOR_SOURCE);
      const generatorDone = store.isDone(genKey);
      if (!generatorDone) store.append([statusRecord(stamp, GENERATOR_SOURCE, 'cost', 'cost.fit-seconds', status, reason, elapsed)]);
      for (const plan of opts.evalPlans) {
        const source = evaluatorSource(plan);
        if (store.isDone(workKey(busy.cell.cellId, source))) continue;
        store.append([
          generatorDone
            ? statusRecord(stamp, source, plan.family, plan.id, status, reason, elapsed)
            : statusRecord(stamp, source, plan.family, plan.id, 'skipped', `no synthetic data: fit: ${reason}`, 0),
        ]);
      }
      progress.cellDone(cellLabel(busy.cell), `${status} (worker stopped)`, elapsed / 1000);
      close(s);
      spawn();
    };

    const dispatch = (s: Slot) => {
      if (settled) return;
      const next = queue.shift();
      if (!next) {
        close(s);
        if (![...slots].some((x) => x.busy)) finish(false);
        return;
      }
      const { cell, index } = next;
      s.busy = { index, cell, t0: performance.now() };
      s.busy.timer = setTimeout(
        () => abandon(s, 'timed-out', `cell exceeded its ${suite.timeoutSeconds}s timeout and did not stop; its worker was terminated (raise timeoutSeconds or --timeout)`),
        budgetMs + graceMs,
      );
      const msg: ToWorker = {
        index,
        cellId: cell.cellId,
        done: unitKeys(cell, opts.evalPlans).filter((k) => store.isDone(k)),
        priorGenerator: store.recordsFor(workKey(cell.cellId, GENERATOR_SOURCE)),
      };
      progress.cell(index, cellLabel(cell), 'starting');
      s.worker.postMessage(msg);
    };

    const spawn = () => {
      if (settled) return;
      if (!queue.length) {
        if (![...slots].some((x) => x.busy)) finish(false);
        return;
      }
      const worker = new Worker(entry.script, { workerData: init, eval: entry.eval });
      const s: Slot = { worker, backend: 'unknown', ready: false, closed: false };
      slots.add(s);
      worker.on('message', (m: FromWorker) => {
        if (s.closed || settled) return;
        switch (m.type) {
          case 'ready':
            s.ready = true;
            s.backend = m.backend;
            dispatch(s);
            break;
          case 'phase':
            if (s.busy) progress.cell(m.index, cellLabel(s.busy.cell), m.phase);
            break;
          case 'unit':
            store.append(m.records);
            break;
          case 'cell-done': {
            for (const [k, v] of m.datasets) datasets.set(k, v);
            const busy = s.busy!;
            if (busy.timer) clearTimeout(busy.timer);
            s.busy = undefined;
            cellsRun++;
            progress.cellDone(cellLabel(busy.cell), cellStatus(m.outcome), (performance.now() - busy.t0) / 1000);
            dispatch(s);
            break;
          }
          case 'error':
            fail(m.code ? new SynthbenchError(m.code, m.message) : new Error(`worker: ${m.message}`));
            break;
        }
      });
      worker.on('error', (err) => {
        if (s.closed || settled) return;
        if (s.busy) abandon(s, 'failed', `worker crashed: ${err.message}`);
        else fail(new Error(`worker failed to start: ${err.message}`));
      });
      worker.on('exit', (code) => {
        if (s.closed || settled) return;
        if (s.busy) abandon(s, 'failed', `worker exited with code ${code}`);
        else fail(new Error(`worker exited with code ${code} before taking work`));
      });
    };

    for (let i = 0; i < opts.workers; i++) spawn();
  });
}
