/**
 * Bounded concurrency for endpoint requests: `count` tasks run through at most `limit` workers,
 * so no more than `limit` requests are ever in flight. The first failure stops the rest (their
 * in-flight requests are aborted through `stop`) and is the one rethrown.
 */
import { SynthbenchError } from '../../core/errors.js';

export async function forEachLimited(count: number, limit: number, task: (index: number, stop: AbortSignal) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  let next = 0;
  let first: { err: unknown } | undefined;
  const worker = async () => {
    while (!first && next < count) {
      const i = next++;
      try {
        await task(i, stop.signal);
      } catch (err) {
        if (!first) {
          first = { err };
          stop.abort(new SynthbenchError('ABORTED', 'stopped after another batch failed'));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (first) throw first.err;
}

/** Waits `ms`, or rejects as soon as `signal` fires (with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
