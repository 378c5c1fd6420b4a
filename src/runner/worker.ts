/**
 * Worker-thread entry for `run --workers N`. Each worker imports the library (its own module
 * graph, so its own TensorFlow.js instance and backend), re-expands the suite's grid (a pure
 * function of the suite, checked by cell id), and runs the cells the main thread sends it. It
 * never writes results: every finished unit's records are posted back to the main thread, which
 * stays the single writer of results.jsonl.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SynthbenchError, errorMessage } from '../core/errors.js';
import { initBackend } from '../tensor/backend.js';
import { setKernelThreads } from '../tensor/gemm.js';
import { type CellEnv, DataEnv, executeCell } from './cell.js';
import { planEvaluators } from './evaluators.js';
import { expandCells, planDatasets, planGenerators } from './grid.js';
import type { FromWorker, ToWorker, WorkerInit } from './pool.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

async function start(): Promise<void> {
  const { suite } = init;
  const evalPlans = planEvaluators(suite.attacks, suite.metrics);
  const grid = expandCells(suite, planDatasets(suite.datasets), planGenerators(suite.generators));
  const backend = await initBackend(init.backend);
  setKernelThreads(init.kernelThreads);
  const data = new DataEnv(suite, init.data);
  const env: CellEnv = { suite, evalPlans, outDir: init.outDir, runId: init.runId, backend: backend.name, codeVersion: init.codeVersion, data, sharedProcess: true };

  port.on('message', (msg: ToWorker) => {
    const cell = grid[msg.index];
    if (!cell || cell.cellId !== msg.cellId) {
      post({ type: 'error', index: msg.index, message: `worker grid disagrees with the main thread at cell ${msg.index}; this is a bug` });
      return;
    }
    executeCell(env, {
      cell,
      done: new Set(msg.done),
      priorGenerator: msg.priorGenerator,
      emit: (records) => post({ type: 'unit', index: msg.index, records }),
      phase: (phase) => post({ type: 'phase', index: msg.index, phase }),
    }).then(
      (outcome) => post({ type: 'cell-done', index: msg.index, outcome, datasets: [...data.datasets] }),
      (err) => post({ type: 'error', index: msg.index, message: errorMessage(err), code: err instanceof SynthbenchError ? err.code : undefined }),
    );
  });
  post({ type: 'ready', backend: backend.name });
}

start().catch((err) => post({ type: 'error', index: -1, message: errorMessage(err), code: err instanceof SynthbenchError ? err.code : undefined }));
