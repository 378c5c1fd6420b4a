import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { tvae, tvaeParams } from '../../../src/generators/vae/tvae.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { col, fitContext, schemaOf } from '../helpers.js';

/** group a (30%): x ~ N(−5, 1); group b (70%): x ~ N(10, 2). The group is visible from x. */
function twoColumns(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const g = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = rng.next() < 0.3 ? 0 : 1;
    x[i] = g[i] === 0 ? rng.normal(-5, 1) : rng.normal(10, 2);
  }
  return new Table(schemaOf(col('x', 'continuous'), col('g', 'categorical', ['a', 'b'])), [x, g]);
}

function ks(a: Float64Array, b: Float64Array): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

// 600 Adam steps (30 epochs × 20 batches of 50) with a raised learning rate: enough for this
// two-column table, a few seconds on the wasm backend.
const small = tvaeParams.parse({ epochs: 30, batchSize: 50, lr: 3e-3, embeddingDim: 16, compressDims: [32, 32], decompressDims: [32, 32] });

describe('tvae', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('learns a bimodal column, its categorical partner and their association', async () => {
    const train = twoColumns(1000, 1);
    const model = await tvae.fit(train, small, fitContext(3));
    const syn = await model.sample(2000, new Rng(4));
    expect(syn.schema).toBe(train.schema);
    const x = syn.numeric('x');
    const g = syn.codes('g');
    expect(x.every((v) => Number.isFinite(v))).toBe(true);
    const d = ks(train.numeric('x'), x);
    let shareA = 0;
    let agree = 0;
    for (let i = 0; i < syn.nRows; i++) {
      shareA += g[i] === 0 ? 1 : 0;
      agree += (x[i] < 2.5) === (g[i] === 0) ? 1 : 0;
    }
    shareA /= syn.nRows;
    let trainA = 0;
    for (const v of train.codes('g')) trainA += v === 0 ? 1 : 0;
    trainA /= train.nRows;
    console.log(`tvae tiny: KS ${d.toFixed(3)}, P(a) ${shareA.toFixed(3)} (train ${trainA.toFixed(3)}), association ${(agree / syn.nRows).toFixed(3)}`);
    // Two-sample KS critical value at 5% for 1000 vs 2000 rows is 0.053; 0.08 allows for the
    // model's own error after a short run. The category share has sampling SE ≈ 0.01.
    expect(d).toBeLessThan(0.08);
    expect(Math.abs(shareA - trainA)).toBeLessThan(0.06);
    expect(agree / syn.nRows).toBeGreaterThan(0.95);
  }, 60_000);

  it('same seed and backend give identical rows; another seed differs', async () => {
    const train = twoColumns(300, 2);
    const p = tvaeParams.parse({ epochs: 2, batchSize: 64, embeddingDim: 8, compressDims: [16], decompressDims: [16] });
    const tensorsBefore = tf.memory().numTensors;
    const a = await (await tvae.fit(train, p, fitContext(5))).sample(200, new Rng(6));
    expect(tf.memory().numTensors).toBe(tensorsBefore); // nothing leaks from fit or sample
    const b = await (await tvae.fit(train, p, fitContext(5))).sample(200, new Rng(6));
    const c = await (await tvae.fit(train, p, fitContext(7))).sample(200, new Rng(6));
    expect(Array.from(a.numeric('x'))).toEqual(Array.from(b.numeric('x')));
    expect(Array.from(a.codes('g'))).toEqual(Array.from(b.codes('g')));
    expect(Array.from(a.numeric('x'))).not.toEqual(Array.from(c.numeric('x')));
  }, 60_000);

  it('keeps the schema, leaves id columns missing, reproduces missing values, reports progress and honours abort', async () => {
    const rng = new Rng(8);
    const n = 400;
    const id = Float64Array.from({ length: n }, (_, i) => i);
    const x = Float64Array.from({ length: n }, () => (rng.next() < 0.25 ? NaN : Math.round(rng.normal(50, 10))));
    const g = Int32Array.from({ length: n }, () => rng.int(3));
    const train = new Table(schemaOf(col('id', 'integer', undefined, ['id']), col('x', 'integer'), col('g', 'categorical', ['p', 'q', 'r'])), [id, x, g]);
    const p = tvaeParams.parse({ epochs: 60, batchSize: 50, lr: 3e-3, embeddingDim: 8, compressDims: [32], decompressDims: [32] });
    const epochs: number[] = [];
    const ctx = { ...fitContext(1), progress: { update: (u: { done: number }) => epochs.push(u.done) } };
    const model = await tvae.fit(train, p, ctx);
    const syn = await model.sample(1000, new Rng(2));
    expect((await model.sample(0, new Rng(2))).nRows).toBe(0);
    expect(epochs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(syn.schema).toBe(train.schema);
    expect(syn.numeric('id').every((v) => Number.isNaN(v))).toBe(true);
    const xs = syn.numeric('x');
    const missing = xs.filter((v) => Number.isNaN(v)).length / xs.length;
    expect(missing).toBeGreaterThan(0.1);
    expect(missing).toBeLessThan(0.4);
    expect(xs.filter((v) => !Number.isNaN(v)).every((v) => Number.isInteger(v))).toBe(true);
    expect(syn.codes('g').every((c) => c >= 0 && c < 3)).toBe(true);

    const aborted = new AbortController();
    aborted.abort('interrupted');
    await expect(tvae.fit(train, p, fitContext(1, aborted.signal))).rejects.toMatchObject({ code: 'ABORTED' });
  }, 60_000);
});
