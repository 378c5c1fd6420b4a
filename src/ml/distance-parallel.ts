/**
 * Exact nearest-neighbour distances across worker threads: the queries are cut into one
 * contiguous range per thread (the calling thread takes the first), all threads read the same
 * SharedArrayBuffer copies of queries and pool and write disjoint rows of a shared output, and
 * every thread runs the same scan as the synchronous path, so results are bit-identical to
 * nearestDistances. Falls back to the synchronous path with `workers: 1`, for small jobs, or when
 * the worker entry cannot be loaded (e.g. a bundler that dropped it). Under vitest/tsx the entry
 * is the .ts file, loaded through tsx; from dist/ it is the compiled .js.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { throwIfAborted } from '../core/errors.js';
import { nearestDistances, nearestDistancesRange, sameGeometry, type EncodedPoints, type NearestOptions } from './distance.js';

export interface ParallelNearestOptions extends NearestOptions {
  /** Threads including the calling one (default: available parallelism). 1 = synchronous. */
  workers?: number;
  /** Below this many query × pool pairs the synchronous path is used (default 2·10⁷). */
  minPairs?: number;
  /** Throw when a worker fails instead of recomputing its range here (tests use this to prove the threads ran). */
  strict?: boolean;
}

export interface WorkerEntry {
  /** The worker module (.ts under tsx/vitest, .js from dist/). */
  url: URL;
  /** What `new Worker` is given: the module itself, or a bootstrap that registers tsx first. */
  spec: URL;
}

/**
 * How a worker module beside `fromUrl` is loaded, or undefined when it cannot be: `stem` names the
 * module without extension ('./distance-worker'); the .ts file is used when `fromUrl` is itself a
 * .ts source (vitest/tsx), the compiled .js otherwise. A .ts entry needs tsx's loader inside the
 * worker; `--import tsx` in execArgv is not honoured for workers started from vitest's own
 * threads, so a tiny data: URL module registers tsx's ESM hooks and then imports the entry.
 * Shared by every worker-thread user outside the runner (nearest distances, shadow modelling).
 */
export function workerModuleEntry(fromUrl: string, stem: string): WorkerEntry | undefined {
  const ts = fromUrl.endsWith('.ts');
  const url = new URL(`${stem}${ts ? '.ts' : '.js'}`, fromUrl);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
  if (!ts) return { url, spec: url };
  let api: string;
  try {
    api = pathToFileURL(createRequire(fromUrl).resolve('tsx/esm/api')).href.replace(/index\.cjs$/, 'index.mjs');
  } catch {
    return undefined;
  }
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(url.href)});`;
  return { url, spec: new URL(`data:text/javascript,${encodeURIComponent(code)}`) };
}

/** The entry of ./distance-worker, or undefined when it cannot be loaded. */
export function distanceWorkerEntry(): WorkerEntry | undefined {
  return workerModuleEntry(import.meta.url, './distance-worker');
}

function shared(points: EncodedPoints): EncodedPoints {
  const num = new Float64Array(new SharedArrayBuffer(points.num.length * 8));
  num.set(points.num);
  const cat = new Int32Array(new SharedArrayBuffer(points.cat.length * 4));
  cat.set(points.cat);
  return { ...points, num, cat };
}

function runInWorker(entry: WorkerEntry, task: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.spec);
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (err) reject(err);
      else resolve();
    };
    worker.once('message', (msg: { ok: boolean; message?: string }) => finish(msg.ok ? undefined : new Error(msg.message)));
    worker.once('error', (err) => finish(err));
    worker.once('exit', (code) => finish(new Error(`distance worker exited with code ${code}`)));
    worker.postMessage(task);
  });
}

/** nearestDistances across threads; same result, bit for bit. */
export async function nearestDistancesParallel(queries: EncodedPoints, pool: EncodedPoints, opts: ParallelNearestOptions = {}): Promise<Float64Array> {
  const k = opts.k ?? 1;
  const workers = Math.max(1, Math.floor(opts.workers ?? os.availableParallelism()));
  const threads = Math.min(workers, queries.n);
  const entry = threads > 1 && queries.n * pool.n >= (opts.minPairs ?? 2e7) ? distanceWorkerEntry() : undefined;
  if (!entry) return nearestDistances(queries, pool, opts);
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`nearestDistances: k must be a positive integer, got ${k}`);
  if (!sameGeometry(queries.encoding, pool.encoding)) throw new Error('nearestDistances: queries and pool were encoded with different fitted geometries');
  if (opts.excludeSelf && queries.n !== pool.n) throw new Error('nearestDistances: excludeSelf needs the queries to be the pool');
  throwIfAborted(opts.signal);
  const q = shared(queries);
  const p = queries === pool ? q : shared(pool);
  const out = new Float64Array(new SharedArrayBuffer(queries.n * k * 8));
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.round((t * queries.n) / threads));
  const excludeSelf = opts.excludeSelf === true;
  const strategy = opts.strategy ?? 'auto';
  const remote: Promise<boolean>[] = [];
  for (let t = 1; t < threads; t++) {
    const run = runInWorker(entry, { queries: q, pool: p, q0: bounds[t], q1: bounds[t + 1], k, excludeSelf, out, strategy });
    remote.push(opts.strict ? run.then(() => true) : run.then(() => true, () => false));
  }
  nearestDistancesRange(q, p, bounds[0], bounds[1], k, excludeSelf, out, strategy);
  const ok = await Promise.all(remote);
  // A range whose worker failed to start or crashed is recomputed here: same code, same result.
  for (let t = 1; t < threads; t++) if (!ok[t - 1]) nearestDistancesRange(q, p, bounds[t], bounds[t + 1], k, excludeSelf, out, strategy);
  throwIfAborted(opts.signal);
  return Float64Array.from(out);
}
