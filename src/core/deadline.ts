/**
 * Cooperative cancellation with a wall-clock deadline. JavaScript timers cannot fire while a
 * synchronous loop runs, so a plain AbortSignal.timeout() would never interrupt a CPU-bound
 * generator. The signal returned here also checks the clock whenever `aborted` is read, so the
 * `throwIfAborted(signal)` calls inside hot loops stop a cell at its deadline even when the event
 * loop is blocked.
 */
import { SynthbenchError } from './errors.js';

const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;

export interface DeadlineHandle {
  signal: AbortSignal;
  /** Clears the timer; call when the guarded work is done. */
  dispose(): void;
}

export function withDeadline(timeoutMs: number | undefined, parent?: AbortSignal, what = 'cell'): DeadlineHandle {
  const ctrl = new AbortController();
  const signal = ctrl.signal;
  const onParent = () => ctrl.abort(parent!.reason);
  if (parent) {
    if (parent.aborted) ctrl.abort(parent.reason);
    else parent.addEventListener('abort', onParent, { once: true });
  }
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
    const deadline = Date.now() + timeoutMs;
    const err = () => new SynthbenchError('TIMEOUT', `${what} exceeded its ${formatSeconds(timeoutMs)} timeout; raise timeoutSeconds in the suite (or --timeout) or use smaller sizes`);
    timer = setTimeout(() => ctrl.abort(err()), timeoutMs);
    timer.unref();
    Object.defineProperty(signal, 'aborted', {
      configurable: true,
      get() {
        const a = nativeAborted.call(signal) as boolean;
        if (!a && Date.now() > deadline) {
          ctrl.abort(err());
          return true;
        }
        return a;
      },
    });
  }
  return {
    signal,
    dispose() {
      if (timer) clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
