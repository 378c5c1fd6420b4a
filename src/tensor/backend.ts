/**
 * TensorFlow.js backend selection. Order: native TensorFlow (`@tensorflow/tfjs-node`, an optional
 * dependency whose install downloads libtensorflow and so fails on offline machines), then the
 * WebAssembly backend (SIMD; single-threaded in Node), then the pure-JS cpu backend. The backend
 * that actually ran is recorded in the manifest and in every result record, because numbers can
 * differ in the last bits between backends.
 */
import { SynthbenchError } from '../core/errors.js';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  /** Why faster backends were not used (for logs). */
  fallbacks: string[];
  tfjsVersion: string;
}

let active: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

type Tf = typeof import('@tensorflow/tfjs');

async function tryBackend(tf: Tf, name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') await import('@tensorflow/tfjs-node' as string);
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend(name);
    if (!ok) return `${name}: setBackend refused`;
    await tf.ready();
    return undefined;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `${name}: ${msg}`;
  }
}

/**
 * Initialise TensorFlow.js once per process. `prefer` forces one backend (error if it cannot load);
 * otherwise the best available is chosen. Concurrent callers share the same initialisation.
 */
export function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  if (active && (!prefer || prefer === active.name)) return Promise.resolve(active);
  if (pending && !prefer) return pending;
  pending = (async () => {
    const tf = await import('@tensorflow/tfjs');
    const order: BackendName[] = prefer ? [prefer] : [...BACKENDS];
    const fallbacks: string[] = [];
    for (const name of order) {
      const why = await tryBackend(tf, name);
      if (!why) {
        active = { name, fallbacks, tfjsVersion: tf.version.tfjs };
        return active;
      }
      fallbacks.push(why);
    }
    throw new SynthbenchError(
      'BAD_CONFIG',
      `TensorFlow.js backend "${prefer}" is not available (${fallbacks.join('; ')}); use --backend wasm or cpu, or omit --backend`,
    );
  })();
  try {
    return pending;
  } finally {
    if (prefer) pending = undefined;
  }
}

/** The backend chosen by initBackend, or 'none' when TensorFlow.js was never needed. */
export function activeBackend(): string {
  return active?.name ?? 'none';
}
