/** Small tables for the GAN tests: fast to train, with shapes a broken model cannot fake. */
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { col, schemaOf } from '../helpers.js';

/** x: 75 % N(5, 0.5) and 25 % N(−5, 0.5); c: a 60/30/10 categorical, independent of x. */
export function bimodalTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const c = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.next() < 0.75 ? rng.normal(5, 0.5) : rng.normal(-5, 0.5);
    const u = rng.next();
    c[i] = u < 0.6 ? 0 : u < 0.9 ? 1 : 2;
  }
  return new Table(schemaOf(col('x', 'continuous'), col('c', 'categorical', ['a', 'b', 'c'])), [x, c]);
}

/** Networks small enough to train in seconds on two slow cores. */
export const tinyParams = { batchSize: 100, generatorDims: [64, 64], criticDims: [64, 64], embeddingDim: 32 };

