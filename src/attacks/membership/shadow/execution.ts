/**
 * Where the shadow releases run: in-process, one after another, or across worker threads
 * (./parallel.ts). Either way every release goes through the same function (./release.ts) with
 * the same generator rebuild, so the features, and the attack's scores, are identical for any
 * number of threads.
 *
 * The generator: a built-in one (found in the generator registry by the handle's id) is rebuilt
 * from the registry with the handle's params, in-process as well as in the threads, so both paths
 * fit exactly the same thing. Anything else (a handle whose id is not built in) runs in-process
 * through the handle itself: a worker thread only knows the built-in registry. `llm-endpoint` also
 * stays in-process: its request budget and concurrency limit are per process, so threads would
 * multiply the requests sent to a paid service.
 *
 * `workers: N` (N ≥ 2) starts N worker threads that do every release while the calling thread
 * waits. `workers: 'auto'` (default) starts min(cores, 8) − 1 threads and lets the calling thread
 * work through the same queue meanwhile: thread start-up (about 1–3 s per thread from dist/ on
 * this 2-core machine under load, most of it importing TensorFlow.js through the generator
 * registry; more under tsx, which compiles the sources in every thread) is then never waited
 * for, small jobs finish on the calling thread before the threads are up, and long ones are
 * shared out. Inside a runner worker (`run --workers N`) 'auto' stays in-process: the runner
 * already uses the cores. Releases that no thread ran (threads that could not start or died) run
 * in-process at the end; the execution details say how many releases ran on threads.
 */
import os from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { EvalContext } from '../../../core/context.js';
import { throwIfAborted } from '../../../core/errors.js';
import type { Table } from '../../../core/table.js';
import { activeBackend } from '../../../tensor/backend.js';
import type { ShadowFeatureSpec } from './features.js';
import { runInWorkers } from './parallel.js';
import { registryFitter, shadowRelease, type ReleaseTask, type ShadowFitter } from './release.js';

/** Built-in generators whose refits must stay in the calling process (see the module comment). */
const IN_PROCESS_ONLY = new Set(['llm-endpoint']);

/** Most threads of execution 'auto' uses (the calling thread included). */
export const AUTO_MAX_WORKERS = 8;

export interface ReleaseInputs {
  reference: Table;
  targets: Table[];
  specs: ShadowFeatureSpec[];
  size: number;
  signal?: AbortSignal;
}

/**
 * How the releases ran, reported in the AUC measure's details. Only what does not depend on
 * timing goes into the record (a run with `--workers` or a shard must give identical records):
 * with 'auto' the split of refits between the calling thread and the threads depends on how fast
 * the threads start, so it is not reported.
 */
export interface Execution {
  mode: 'in-process' | 'threads' | 'auto';
  /** Worker threads asked for (0 in-process). */
  threads: number;
  releases: number;
  /** Releases that ran on worker threads (mode 'threads' only; the rest fell back to in-process). */
  onThreads?: number;
  reason: string;
}

export async function runReleases(ctx: EvalContext, job: ReleaseInputs, tasks: ReleaseTask[], workers: 'auto' | number): Promise<{ features: Float64Array[]; execution: Execution }> {
  const gen = ctx.generator!;
  const { generators } = await import('../../../generators/registry.js');
  const plugin = generators.has(gen.id) ? generators.get(gen.id) : undefined;
  const rebuildable = plugin !== undefined && !IN_PROCESS_ONLY.has(gen.id);
  const fit: ShadowFitter = rebuildable ? registryFitter(plugin, gen.params, job.signal) : gen.fit;
  const release = (t: ReleaseTask) => {
    throwIfAborted(job.signal);
    return shadowRelease(fit, job.reference, job.targets[t.target], job.specs[t.target], job.size, t.withTarget, t.seed);
  };
  const inProcess = async (reason: string) => {
    const features: Float64Array[] = [];
    for (const t of tasks) features.push(await release(t));
    return { features, execution: { mode: 'in-process' as const, threads: 0, releases: tasks.length, reason } };
  };

  const auto = workers === 'auto';
  const cores = Math.min(os.availableParallelism(), AUTO_MAX_WORKERS);
  if (auto ? cores <= 1 : workers <= 1) return inProcess(auto ? 'auto: one core available' : 'workers: 1');
  if (!rebuildable) return inProcess(plugin ? `${gen.id} calls a paid endpoint whose request budget is per process` : `${gen.id} is not a built-in generator, so worker threads cannot rebuild it`);
  if (auto && !isMainThread) return inProcess('auto: already inside a worker thread (run --workers), whose pool uses the cores');

  const threads = auto ? cores - 1 : workers;
  const run = await runInWorkers({ ...job, generator: { id: gen.id, params: gen.params }, backend: activeBackend() }, tasks, threads, auto ? release : undefined);
  const features: Float64Array[] = [];
  for (let i = 0; i < tasks.length; i++) features.push(run.results[i] ?? (await release(tasks[i])));
  if (auto) {
    const reason = `auto: the calling thread worked through the queue while up to ${threads} worker thread(s) started and joined`;
    return { features, execution: { mode: 'auto', threads, releases: tasks.length, reason } };
  }
  const missed = tasks.length - run.onThreads;
  const reason = `workers: ${workers}` + (missed ? `; ${missed} release(s) ran in-process because threads could not start or died` : '');
  return { features, execution: { mode: 'threads', threads: Math.min(threads, tasks.length), releases: tasks.length, onThreads: run.onThreads, reason } };
}
