/**
 * Worker-thread entry for parallel shadow releases (./parallel.ts). The thread rebuilds the
 * generator from the built-in registry by id and params (it has its own module graph, so only
 * built-in generators exist here), initialises the main thread's TensorFlow.js backend when the
 * main thread had one, then runs the releases it is sent, one at a time, with the same function
 * as the in-process path (./release.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SynthbenchError, errorMessage } from '../../../core/errors.js';
import { generators } from '../../../generators/registry.js';
import { type BackendName, BACKENDS, initBackend } from '../../../tensor/backend.js';
import type { FromShadowWorker, ShadowWorkerInit, ToShadowWorker } from './parallel.js';
import { registryFitter, shadowRelease, tableFromMessage } from './release.js';

const port = parentPort!;
const init = workerData as ShadowWorkerInit;
const post = (m: FromShadowWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function start(): Promise<void> {
  if (!generators.has(init.generator.id)) {
    post({ type: 'unavailable', message: `generator "${init.generator.id}" is not built in` });
    return;
  }
  if ((BACKENDS as readonly string[]).includes(init.backend)) await initBackend(init.backend as BackendName);
  const fit = registryFitter(generators.get(init.generator.id), init.generator.params);
  const reference = tableFromMessage(init.reference);
  const targets = init.targets.map(tableFromMessage);
  port.on('message', (task: ToShadowWorker) => {
    shadowRelease(fit, reference, targets[task.target], init.specs[task.target], init.size, task.withTarget, task.seed).then(
      (features) => post({ type: 'done', id: task.id, features }, [features.buffer as ArrayBuffer]),
      (err) => post({ type: 'failed', id: task.id, message: errorMessage(err), code: err instanceof SynthbenchError ? err.code : undefined }),
    );
  });
  post({ type: 'ready' });
}

start().catch((err) => post({ type: 'unavailable', message: errorMessage(err) }));
