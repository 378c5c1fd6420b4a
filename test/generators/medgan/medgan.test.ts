import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../../src/core/errors.js';
import { parseParams } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { MEDGAN_PAPER_DEFAULTS, defaultBatchSize, fitMedgan, medgan, medganParams } from '../../../src/generators/medgan/medgan.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { col, fitContext, mean, schemaOf, sd } from '../helpers.js';

/**
 * a ~ Bernoulli(0.3); c ∈ {p, q, r} with (0.5, 0.3, 0.2); b ~ Bernoulli(0.8 if a else 0.2);
 * x = round(N(50 + 10·c, 8)), an integer column; y = exp(N(a, 1)) rounded to 0.01, a skewed
 * lab-like value (min-max scaling squeezes most of it into the bottom tenth of [0, 1]).
 */
function binaryHeavy(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const a = new Int32Array(n);
  const c = new Int32Array(n);
  const b = new Int32Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.next() < 0.3 ? 1 : 0;
    c[i] = rng.categorical([0.5, 0.3, 0.2]);
    b[i] = rng.next() < (a[i] ? 0.8 : 0.2) ? 1 : 0;
    x[i] = Math.round(rng.normal(50 + 10 * c[i], 8));
    y[i] = Math.round(100 * Math.exp(rng.normal(a[i], 1))) / 100;
  }
  const schema = schemaOf(col('a', 'boolean', ['no', 'yes']), col('c', 'categorical', ['p', 'q', 'r']), col('b', 'boolean', ['no', 'yes']), col('x', 'integer'), col('y', 'continuous'));
  return new Table(schema, [a, c, b, x, y]);
}

function frequencies(codes: Int32Array, k: number): number[] {
  const f = new Array<number>(k).fill(0);
  for (const v of codes) f[v] += 1 / codes.length;
  return f;
}

/** Two-sample Kolmogorov–Smirnov statistic sup |F₁ − F₂|. */
function ks(p: Float64Array, q: Float64Array): number {
  const a = Float64Array.from(p).sort();
  const b = Float64Array.from(q).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const v = Math.min(a[i], b[j]);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** Total-variation distance ½ Σ |p − q| between two category distributions. */
const tv = (p: number[], q: number[]) => p.reduce((s, v, k) => s + Math.abs(v - q[k]), 0) / 2;

// The paper's networks and learning rate, batches of 100, 30 pre-training epochs: 1000 iterations.
// (Smaller networks — width 32, discriminator [64, 32], one discriminator step — were faster but
// collapsed the spread of x on two of three seeds.)
const short = medganParams.parse({ epochs: 100, pretrainEpochs: 30, batchSize: 100 });

describe('medgan', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('recovers the marginals of a small binary/categorical/integer table', async () => {
    const train = binaryHeavy(1000, 1);
    const model = await fitMedgan(train, short, fitContext(2));
    const syn = await model.sample(4000, new Rng(3));
    const dist = (name: string, k: number) => tv(frequencies(train.codes(name), k), frequencies(syn.codes(name), k));
    const [tvA, tvC, tvB] = [dist('a', 2), dist('c', 3), dist('b', 2)];
    const x = train.numeric('x');
    const xs = syn.numeric('x');
    const shift = Math.abs(mean(xs) - mean(x)) / sd(x);
    const spread = sd(xs) / sd(x);
    const [ksX, ksY] = [ks(x, xs), ks(train.numeric('y'), syn.numeric('y'))];
    console.log(`medgan tiny: TV a ${tvA.toFixed(3)}, c ${tvC.toFixed(3)}, b ${tvB.toFixed(3)}; x mean shift ${shift.toFixed(2)} sd, sd ratio ${spread.toFixed(2)}, KS x ${ksX.toFixed(3)}, y ${ksY.toFixed(3)}`);
    // An untrained or collapsed generator is ≥ 0.15 off on a or c (uniform output: 0.2 and 0.15);
    // three other seeds stayed at or below 0.071. Sampling error at 4000 rows ≈ 0.01.
    for (const d of [tvA, tvC, tvB]) expect(d).toBeLessThan(0.09);
    expect(shift).toBeLessThan(0.6);
    expect(spread).toBeGreaterThan(0.6);
    expect(spread).toBeLessThan(1.5);
    // Numeric marginals through normal scores and identity outputs: KS x 0.034–0.137 and y
    // 0.028–0.047 over fit seeds 2–5 (this one, 2, is the worst on x); the earlier encoding (min-max
    // scaling, sigmoid outputs) gave x 0.11–0.36, y 0.27–0.41 (its y shrunk towards the bottom).
    expect(ksX).toBeLessThan(0.16);
    expect(ksY).toBeLessThan(0.2);
    expect(model.history).toHaveLength(100);
    expect(model.pretrainHistory[9]).toBeLessThan(model.pretrainHistory[0]);
  }, 120_000);

  it('same seed and backend give identical rows; another seed differs; no tensors leak', async () => {
    const train = binaryHeavy(300, 4);
    const p = medganParams.parse({ epochs: 3, pretrainEpochs: 2, batchSize: 64, embeddingDim: 16, discriminatorDims: [32] });
    const before = tf.memory().numTensors;
    const a = await (await fitMedgan(train, p, fitContext(5))).sample(300, new Rng(6));
    expect(tf.memory().numTensors).toBe(before);
    const b = await (await fitMedgan(train, p, fitContext(5))).sample(300, new Rng(6));
    const c = await (await fitMedgan(train, p, fitContext(7))).sample(300, new Rng(6));
    for (const name of ['a', 'c', 'b']) expect(Array.from(a.codes(name))).toEqual(Array.from(b.codes(name)));
    expect(Array.from(a.numeric('x'))).toEqual(Array.from(b.numeric('x')));
    expect(Array.from(a.numeric('x'))).not.toEqual(Array.from(c.numeric('x')));
  }, 60_000);

  it('emits schema-valid rows: categories in range, numeric values whole and within the training range, missing values and id columns handled', async () => {
    const rng = new Rng(8);
    const n = 400;
    const id = Float64Array.from({ length: n }, (_, i) => i);
    const x = Float64Array.from({ length: n }, () => (rng.next() < 0.25 ? NaN : Math.round(rng.normal(50, 10))));
    const y = Float64Array.from({ length: n }, () => Math.round(rng.uniform(0, 1) * 100) / 10);
    const g = Int32Array.from({ length: n }, () => (rng.next() < 0.1 ? -1 : rng.int(4)));
    const schema = schemaOf(col('id', 'integer', undefined, ['id']), col('x', 'integer'), col('y', 'continuous'), col('g', 'categorical', ['p', 'q', 'r', 's']));
    const train = new Table(schema, [id, x, y, g]);
    const p = medganParams.parse({ epochs: 20, pretrainEpochs: 5, batchSize: 100, embeddingDim: 16, discriminatorDims: [32] });
    const phases: string[] = [];
    const ctx = { ...fitContext(1), progress: { update: (u: { phase: string; done: number }) => phases.push(`${u.phase}:${u.done}`) } };
    const model = await medgan.fit(train, p, ctx);
    expect(phases).toEqual([...Array.from({ length: 5 }, (_, i) => `pretrain:${i + 1}`), ...Array.from({ length: 20 }, (_, i) => `epoch:${i + 1}`)]);
    expect(model.sizeBytes).toBeGreaterThan(0);
    const syn = await model.sample(1000, new Rng(2));
    expect((await model.sample(0, new Rng(2))).nRows).toBe(0);
    expect(syn.schema).toBe(schema);
    expect(syn.numeric('id').every(Number.isNaN)).toBe(true);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) if (v === v) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const xs = syn.numeric('x').filter((v) => !Number.isNaN(v));
    expect(xs.every((v) => Number.isInteger(v) && v >= lo && v <= hi)).toBe(true);
    const ys = syn.numeric('y');
    expect(ys.every((v) => v >= 0 && v <= 10 && Math.abs(v * 10 - Math.round(v * 10)) < 1e-9)).toBe(true);
    expect(syn.codes('g').every((c) => c >= -1 && c < 4)).toBe(true);
    // Missingness is modelled (25% in x, 10% in g), so some synthetic cells are missing too.
    expect(xs.length).toBeLessThan(1000);
    expect(xs.length).toBeGreaterThan(0);

    const aborted = new AbortController();
    aborted.abort('interrupted');
    await expect(medgan.fit(train, p, fitContext(1, aborted.signal))).rejects.toMatchObject({ code: 'ABORTED' });
  }, 60_000);

  it('validates params with one-line errors and documents the paper defaults', () => {
    expect(() => parseParams('generator', 'medgan', medgan.paramsSchema, { epochs: 0 })).toThrow(/params\.epochs/);
    expect(() => parseParams('generator', 'medgan', medgan.paramsSchema, { discriminatorDims: [256, -1] })).toThrow(SynthbenchError);
    expect(() => parseParams('generator', 'medgan', medgan.paramsSchema, { lr: 0 })).toThrow(/params\.lr/);
    expect(() => parseParams('generator', 'medgan', medgan.paramsSchema, { learningRate: 1e-3 })).toThrow(/learningRate|Unrecognized/);
    expect(() => parseParams('generator', 'medgan', medgan.paramsSchema, { numericOutput: 'sigmoid' })).toThrow(/numericOutput 'linear'/);
    const d = parseParams('generator', 'medgan', medgan.paramsSchema, undefined);
    const { epochs, batchSize, ...rest } = MEDGAN_PAPER_DEFAULTS;
    expect(epochs).toBe(1000);
    expect(d.epochs).toBeLessThan(epochs); // fast default for CI-sized runs
    expect(d).toMatchObject({ ...rest, compressDims: [], decompressDims: [], discriminatorDims: [256, 128], numericTransform: 'normal', numericOutput: 'linear' });
    // Batch: the paper's 1000 from 10,000 rows up; ⌊n/10⌋ (at least 100, at most n) below.
    expect(d.batchSize).toBeUndefined();
    expect([50, 200, 1000, 2345, 10_000, 71_518].map(defaultBatchSize)).toEqual([50, 100, 100, 234, batchSize, batchSize]);
  });
});
