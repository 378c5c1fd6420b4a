/**
 * Shadow releases across worker threads, from one shared queue. Each thread receives the
 * reference sample, the target rows, their feature specs and the generator's id + params once
 * (workerData), then takes one release at a time; results are stored by task index, so the order
 * of completion never matters. Every thread runs the same release function as the in-process
 * loop (./release.ts), so the features, and hence the attack's scores, do not depend on how many
 * threads ran or which release ran where.
 *
 * An optional local participant (the calling thread) takes releases from the same queue while the
 * threads start, and the threads join as soon as they are ready: a job that finishes before they
 * are up costs no waiting, and a long one is shared out.
 *
 * Only built-in generators can be rebuilt in a thread (a worker has its own module graph with the
 * built-in registry only); the caller checks that first. A thread that cannot start (no worker
 * entry, e.g. a bundle without it; a module that fails to load) or that dies is dropped and its
 * release goes back to the queue; releases nobody ran come back as undefined for the caller to run
 * in-process. A release that fails inside a thread rejects with that release's error, as it would
 * in-process.
 */
import { Worker } from 'node:worker_threads';
import { type ErrorCode, SynthbenchError, throwIfAborted } from '../../../core/errors.js';
import type { Table } from '../../../core/table.js';
import { workerModuleEntry } from '../../../ml/distance-parallel.js';
import type { ShadowFeatureSpec } from './features.js';
import { type ReleaseTask, type TableMessage, tableMessage } from './release.js';

export interface ShadowWorkerInit {
  reference: TableMessage;
  targets: TableMessage[];
  specs: ShadowFeatureSpec[];
  size: number;
  generator: { id: string; params: Record<string, unknown> };
  /** The main thread's TensorFlow.js backend ('none' when it never loaded one). */
  backend: string;
}

export type ToShadowWorker = ReleaseTask & { id: number };

export type FromShadowWorker =
  | { type: 'ready' }
  | { type: 'unavailable'; message: string }
  | { type: 'done'; id: number; features: Float64Array }
  | { type: 'failed'; id: number; message: string; code?: ErrorCode };

export interface ReleaseJob {
  reference: Table;
  targets: Table[];
  specs: ShadowFeatureSpec[];
  size: number;
  generator: { id: string; params: Record<string, unknown> };
  backend: string;
  signal?: AbortSignal;
}

export interface SharedRun {
  /** Features per task; undefined for a release no thread ran (the caller runs it in-process). */
  results: (Float64Array | undefined)[];
  /** Releases run on worker threads (the rest ran on the calling thread). */
  onThreads: number;
  /** Threads that became ready. */
  threadsReady: number;
}

/**
 * Runs `tasks` on up to `threads` worker threads, plus the calling thread through `local` when
 * given. Resolves once every task has a result, or once no participant is left.
 */
export function runInWorkers(job: ReleaseJob, tasks: ReleaseTask[], threads: number, local?: (task: ReleaseTask) => Promise<Float64Array>): Promise<SharedRun> {
  const results: (Float64Array | undefined)[] = new Array(tasks.length);
  const run: SharedRun = { results, onThreads: 0, threadsReady: 0 };
  if (tasks.length === 0) return Promise.resolve(run);
  throwIfAborted(job.signal);
  const entry = workerModuleEntry(import.meta.url, './worker');
  const queue = Array.from(tasks, (_, i) => i);
  let done = 0;
  const workers = new Map<Worker, number | undefined>(); // live threads → task in flight
  const init: ShadowWorkerInit | undefined = entry && {
    reference: tableMessage(job.reference),
    targets: job.targets.map(tableMessage),
    specs: job.specs,
    size: job.size,
    generator: job.generator,
    backend: job.backend,
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    let localBusy = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      job.signal?.removeEventListener('abort', onAbort);
      for (const w of workers.keys()) void w.terminate();
      workers.clear();
      if (err) reject(err);
      else resolve(run);
    };
    const onAbort = () => {
      try {
        throwIfAborted(job.signal);
      } catch (err) {
        finish(err);
      }
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const complete = (i: number, f: Float64Array) => {
      results[i] = f;
      if (++done === tasks.length) finish();
    };
    // Nobody left to take work: hand the rest back to the caller.
    const checkStranded = () => {
      if (!settled && workers.size === 0 && !localBusy) finish();
    };

    const dispatch = (w: Worker) => {
      const i = queue.shift();
      workers.set(w, i);
      if (i === undefined) return; // idle until the job finishes (or a dropped thread's task comes back)
      const msg: ToShadowWorker = { ...tasks[i], id: i };
      w.postMessage(msg);
    };
    const drop = (w: Worker) => {
      if (settled || !workers.has(w)) return;
      const inFlight = workers.get(w);
      workers.delete(w);
      void w.terminate();
      if (inFlight !== undefined) {
        queue.unshift(inFlight);
        for (const [idle, t] of workers) if (t === undefined) dispatch(idle);
      }
      checkStranded();
    };

    if (init) {
      for (let t = 0; t < Math.min(threads, tasks.length); t++) {
        let w: Worker;
        try {
          w = new Worker(entry!.spec, { workerData: init });
        } catch {
          break; // e.g. params that cannot be cloned into a thread: no thread can start
        }
        workers.set(w, undefined);
        w.on('message', (m: FromShadowWorker) => {
          if (settled) return;
          if (m.type === 'ready') {
            run.threadsReady++;
            dispatch(w);
          } else if (m.type === 'unavailable') drop(w);
          else if (m.type === 'failed') finish(m.code ? new SynthbenchError(m.code, m.message) : new Error(m.message));
          else {
            run.onThreads++;
            complete(m.id, m.features);
            if (!settled) dispatch(w);
          }
        });
        w.on('error', () => drop(w));
        w.on('exit', () => drop(w));
      }
    }

    if (local) {
      localBusy = true;
      void (async () => {
        try {
          for (let i = queue.shift(); i !== undefined && !settled; i = queue.shift()) {
            complete(i, await local(tasks[i]));
            // A release may resolve without ever yielding to the event loop; yield so the threads'
            // messages (ready, done) are handled between local releases.
            await new Promise((r) => setImmediate(r));
          }
        } catch (err) {
          finish(err);
        }
        localBusy = false;
        checkStranded();
      })();
    } else checkStranded();
  });
}
