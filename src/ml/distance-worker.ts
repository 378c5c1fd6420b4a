/**
 * Worker-thread entry for ./distance-parallel.ts: scans one range of queries against the pool,
 * both held in SharedArrayBuffers, and writes its rows of the shared output.
 */
import { parentPort } from 'node:worker_threads';
import { nearestDistancesRange, type EncodedPoints, type NearestStrategy } from './distance.js';

export interface DistanceTask {
  queries: EncodedPoints;
  pool: EncodedPoints;
  q0: number;
  q1: number;
  k: number;
  excludeSelf: boolean;
  out: Float64Array;
  strategy: NearestStrategy;
}

parentPort?.on('message', (task: DistanceTask) => {
  try {
    nearestDistancesRange(task.queries, task.pool, task.q0, task.q1, task.k, task.excludeSelf, task.out, task.strategy);
    parentPort!.postMessage({ ok: true });
  } catch (err) {
    parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
