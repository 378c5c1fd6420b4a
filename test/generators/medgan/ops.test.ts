import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { MedganEncoding, type OutputSegment } from '../../../src/generators/medgan/encoding.js';
import { BN_EPSILON, generate, glorotUniform } from '../../../src/generators/medgan/networks.js';
import { activateOutput, batchNorm, reconstructionLoss, withMinibatchMean } from '../../../src/generators/medgan/ops.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { col, schemaOf } from '../helpers.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
}

const randn = (rng: Rng, n: number, sd = 1) => Float32Array.from({ length: n }, () => sd * rng.normal());

// Sigmoid unit at 0, softmax block of 3 at 1..3, sigmoid unit at 4, softmax block of 2 at 5..6.
const segments: OutputSegment[] = [
  { start: 0, width: 1, kind: 'sigmoid' },
  { start: 1, width: 3, kind: 'softmax' },
  { start: 4, width: 1, kind: 'sigmoid' },
  { start: 5, width: 2, kind: 'softmax' },
];
const D = 7;

/** The same activation written with built-in ops (slices, sigmoid, softmax, concat). */
function reference(x: tf.Tensor2D): tf.Tensor2D {
  const b = x.shape[0];
  const parts = segments.map((s) => {
    const p = tf.slice(x, [0, s.start], [b, s.width]);
    return s.kind === 'sigmoid' ? tf.sigmoid(p) : tf.softmax(p);
  });
  return tf.concat(parts, 1) as tf.Tensor2D;
}

describe('medgan tensor pieces', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('activateOutput matches sigmoid/softmax slices, with the same gradient', () => {
    const rng = new Rng(1);
    const x = tf.tensor2d(randn(rng, 5 * D, 3), [5, D]);
    const r = tf.tensor2d(randn(rng, 5 * D), [5, D]);
    close(activateOutput(tf, x, segments).dataSync(), reference(x).dataSync(), 1e-6);
    const g1 = tf.grad((v) => tf.sum(tf.mul(activateOutput(tf, v as tf.Tensor2D, segments), r)))(x);
    const g2 = tf.grad((v) => tf.sum(tf.mul(reference(v as tf.Tensor2D), r)))(x);
    close(g1.dataSync(), g2.dataSync(), 1e-5);
  });

  it('reconstructionLoss is Σ BCE on sigmoid units + Σ CE on softmax blocks (hand-computed), gradient p − t', () => {
    // One row: logits [0, ln 1, ln 2, ln 1, 2, 0, 0]; targets [1 | 0 1 0 | 0.25 | 1 0].
    const logits = tf.tensor2d([[0, 0, Math.log(2), 0, 2, 0, 0]]);
    const target = Float32Array.from([1, 0, 1, 0, 0.25, 1, 0]);
    const s2 = 1 / (1 + Math.exp(-2));
    const expected = Math.log(2) + Math.log(4 / 2) + (-0.25 * Math.log(s2) - 0.75 * Math.log(1 - s2)) + Math.log(2);
    expect(reconstructionLoss(tf, logits, target, segments).dataSync()[0]).toBeCloseTo(expected, 5);
    const g = tf.grad((v) => reconstructionLoss(tf, v as tf.Tensor2D, target, segments))(logits).dataSync();
    close(g, [0.5 - 1, 0.25, 0.5 - 1, 0.25, s2 - 0.25, 0.5 - 1, 0.5], 1e-6);
    // Large logits stay finite (BCE from logits, shifted softmax).
    const big = reconstructionLoss(tf, tf.tensor2d([[-80, 90, 0, -90, 80, 50, -50]]), target, segments).dataSync()[0];
    expect(big).toBeCloseTo(80 + 90 + 0.75 * 80 + 0, 3);
  });

  it('ReLU and identity units (numeric values): activation, gradient and ½ squared-error loss with gradient y − t (hand-computed)', () => {
    const mixed: OutputSegment[] = [
      { start: 0, width: 1, kind: 'linear' },
      { start: 1, width: 1, kind: 'relu' },
      { start: 2, width: 2, kind: 'softmax' },
    ];
    const x = tf.tensor2d([
      [1.5, -0.5, 0, 0],
      [-2, 0.75, 1, -1],
    ]);
    close(activateOutput(tf, x, mixed).dataSync(), [1.5, 0, 0.5, 0.5, -2, 0.75, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))], 1e-6);
    const r = tf.tensor2d([
      [2, 3, 0, 0],
      [5, 7, 0, 0],
    ]);
    // d/dl Σ r·act(l): identity passes r through; ReLU passes it only where l > 0.
    close(tf.grad((v) => tf.sum(tf.mul(activateOutput(tf, v as tf.Tensor2D, mixed), r)))(x).dataSync(), [2, 0, 0, 0, 5, 7, 0, 0], 1e-6);
    // Targets: row 0 [0.5 | 0.25 | 1 0], row 1 [-1 | 1 | 0 1].
    const target = Float32Array.from([0.5, 0.25, 1, 0, -1, 1, 0, 1]);
    const expected = 0.5 * 1 + 0.5 * 0.0625 + Math.log(2) + 0.5 * 1 + 0.5 * 0.0625 + (Math.log(Math.exp(1) + Math.exp(-1)) + 1);
    expect(reconstructionLoss(tf, x, target, mixed).dataSync()[0]).toBeCloseTo(expected, 5);
    const g = tf.grad((v) => reconstructionLoss(tf, v as tf.Tensor2D, target, mixed))(x).dataSync();
    const p1 = 1 / (1 + Math.exp(-2));
    close(g, [1, 0, -0.5, 0.5, -1, -0.25, p1, -p1], 1e-6);
  });

  it('minibatch averaging appends the batch mean to every row (hand-computed), and passes its gradient back', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 9],
    ]);
    expect(withMinibatchMean(tf, x).arraySync()).toEqual([
      [1, 2, 3, 5],
      [3, 4, 3, 5],
      [5, 9, 3, 5],
    ]);
    // d/dx_ij Σ R ⊙ [x, x̄] = R_ij + (1/3) Σ_r R_r,(2+j).
    const R = tf.tensor2d([
      [1, 0, 3, 0],
      [0, 1, 0, 6],
      [2, 2, 0, 3],
    ]);
    const g = tf.grad((v) => tf.sum(tf.mul(withMinibatchMean(tf, v as tf.Tensor2D), R)))(x);
    close(g.dataSync(), [2, 3, 1, 4, 3, 5], 1e-6);
  });

  it('batch norm with batch statistics (hand-computed) and the generator is the identity when γ = β = 0', () => {
    const h = tf.tensor2d([[1], [3]]);
    const { mean, variance } = tf.moments(h, 0, true);
    const y = batchNorm(tf, h, mean, variance, tf.tensor1d([2]), tf.tensor1d([0.5]), BN_EPSILON).dataSync();
    close(y, [0.5 - 2 / Math.sqrt(1 + 1e-3), 0.5 + 2 / Math.sqrt(1 + 1e-3)], 1e-6);
    // Every layer adds act(BN(t·W)) to its input; with γ = β = 0 that is ReLU(0) or tanh(0) = 0.
    const rng = new Rng(3);
    const layers = [0, 1, 2].map(() => ({ w: tf.tensor2d(glorotUniform(rng, [4, 4]), [4, 4]), gamma: tf.zeros([4]), beta: tf.zeros([4]) }));
    const z = tf.tensor2d(randn(rng, 6 * 4), [6, 4]);
    close(generate(tf, layers, z).dataSync(), z.dataSync(), 1e-6);
    // With γ = 1, β = 0 the last layer's tanh part has batch mean ≈ 0 per column, so the output moves.
    const moved = [0, 1, 2].map((i) => ({ ...layers[i], gamma: tf.ones([4]) }));
    expect(Math.abs(generate(tf, moved, z).dataSync()[0] - z.dataSync()[0])).toBeGreaterThan(1e-3);
  });

  it('glorotUniform draws within ±√(6/(fan_in + fan_out)) and is reproducible', () => {
    const w = glorotUniform(new Rng(5), [30, 10]);
    const limit = Math.sqrt(6 / 40);
    expect(w.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * limit);
    expect(Array.from(glorotUniform(new Rng(5), [30, 10]))).toEqual(Array.from(w));
    expect(glorotUniform(new Rng(5), [12]).every((v) => Math.abs(v) <= Math.sqrt(3 / 12))).toBe(true);
  });
});

describe('medgan encoding', () => {
  const schema = schemaOf(
    col('id', 'integer', undefined, ['id']),
    col('flag', 'boolean', ['no', 'yes']),
    col('colour', 'categorical', ['red', 'green', 'blue']),
    col('pair', 'categorical', ['x', 'y']),
    col('age', 'integer'),
    col('lab', 'continuous'),
  );
  const table = new Table(schema, [
    Float64Array.from([1, 2, 3, 4]),
    Int32Array.from([0, 1, 1, 0]),
    Int32Array.from([2, 0, 1, 0]),
    Int32Array.from([0, -1, 1, 1]),
    Float64Array.from([20, 60, 40, 30]),
    Float64Array.from([1.5, NaN, 3.5, 2]),
  ]);

  const minmax = { numericTransform: 'minmax', numericOutput: 'sigmoid' } as const;

  it('lays out sigmoid units and softmax blocks, scales numeric values to [0, 1] and inverts exactly', () => {
    const enc = MedganEncoding.fit(table, minmax);
    expect(enc.segments).toEqual([
      { start: 0, width: 1, kind: 'sigmoid' }, // flag: binary
      { start: 1, width: 3, kind: 'softmax' }, // colour
      { start: 4, width: 3, kind: 'softmax' }, // pair: 2 categories + missing slot
      { start: 7, width: 1, kind: 'sigmoid' }, // age
      { start: 8, width: 1, kind: 'sigmoid' }, // lab value
      { start: 9, width: 1, kind: 'sigmoid' }, // lab missing indicator
    ]);
    const x = enc.transform(table);
    // Row 1: flag yes, colour red, pair missing, age (60 − 20)/40 = 1, lab missing → scaled mean.
    const labFill = ((1.5 + 3.5 + 2) / 3 - 1.5) / 2;
    close(x.subarray(10, 20), [1, 1, 0, 0, 0, 0, 1, 1, labFill, 1], 1e-6);
    const back = enc.inverse(x, 4);
    expect(back.schema).toBe(schema);
    for (const name of ['flag', 'colour', 'pair']) expect(Array.from(back.codes(name))).toEqual(Array.from(table.codes(name)));
    expect(Array.from(back.numeric('age'))).toEqual([20, 60, 40, 30]);
    expect(Array.from(back.numeric('lab'))).toEqual([1.5, NaN, 3.5, 2]);
    expect(back.numeric('id').every(Number.isNaN)).toBe(true);
  });

  it('inverse thresholds sigmoid units, takes the argmax of blocks and clips numeric values to the training range', () => {
    const enc = MedganEncoding.fit(table, minmax);
    const row = Float32Array.from([0.49, 0.2, 0.3, 0.5, 0.1, 0.2, 0.7, 1.3, -0.2, 0.4]);
    const t = enc.inverse(row, 1);
    expect(t.row(0)).toEqual({ id: null, flag: 'no', colour: 'blue', pair: null, age: 60, lab: 1.5 });
  });

  it('normal scores: numeric values become Φ⁻¹ of their level mapped into the knots\' probability cells, linear units, exact inverse', () => {
    const enc = MedganEncoding.fit(table, { numericTransform: 'normal', numericOutput: 'linear' });
    expect(enc.segments.slice(3).map((s) => s.kind)).toEqual(['linear', 'linear', 'sigmoid']); // age, lab value, lab missing
    const x = enc.transform(table);
    // age [20, 60, 40, 30]: four knots, levels 0, 1, 2/3, 1/3 → cells (k + ½)/4 = 0.125, 0.875, 0.625, 0.375.
    const z125 = -1.1503493803760079;
    const z375 = -0.31863936396437514;
    close([x[7], x[17], x[27], x[37]], [z125, -z125, -z375, z375], 1e-6);
    // lab [1.5, NaN, 3.5, 2]: three knots; the missing row holds the mean score, here 0.
    close([x[8], x[18], x[28], x[38]], [-0.967421566101701, 0, 0.967421566101701, 0], 1e-6);
    const back = enc.inverse(x, 4);
    expect(Array.from(back.numeric('age'))).toEqual([20, 60, 40, 30]);
    expect(Array.from(back.numeric('lab'))).toEqual([1.5, NaN, 3.5, 2]);
    // Scores past the extreme cells clip to the training range; between knots they interpolate.
    const row = Float32Array.from([0, 1, 0, 0, 1, 0, 0, 6, -6, 0]);
    expect(enc.inverse(row, 1).row(0)).toMatchObject({ age: 60, lab: 1.5 });
    row[7] = 0; // level ½ of age: halfway between knots 30 and 40
    expect(enc.inverse(row, 1).row(0)).toMatchObject({ age: 35 });
  });
});
