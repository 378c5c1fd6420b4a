import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { fitTabularEncoder } from '../../../src/encode/tabular-encoder.js';
import { TvaeNet, lossLayout } from '../../../src/generators/vae/tvae-net.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { TfjsGemm } from '../../../src/tensor/gemm.js';
import { WasmKernels } from '../../../src/tensor/wasm-kernels.js';
import { fillStandardNormal } from '../../../src/tensor/noise.js';
import { col, relDiff, schemaOf } from '../helpers.js';
import { allVariables, buildNetworks, lossLayout as tfLossLayout, tvaeLoss } from './autodiff-reference.js';

beforeAll(async () => {
  await initBackend();
});

/** A continuous column (two modes, some missing), a categorical and an integer column. */
function table(n: number): Table {
  const rng = new Rng(4);
  const x = Float64Array.from({ length: n }, (_, i) => (i % 13 === 0 ? NaN : rng.next() < 0.4 ? rng.normal(-3, 1) : rng.normal(6, 2)));
  const c = Int32Array.from({ length: n }, () => Math.floor(rng.next() * 3));
  const k = Float64Array.from({ length: n }, () => Math.round(rng.normal(40, 9)));
  return new Table(schemaOf(col('x', 'continuous'), col('c', 'categorical', ['a', 'b', 'z']), col('k', 'integer')), [x, c, k]);
}

describe('TVAE loss in closed form', () => {
  for (const [compress, decompress] of [[[16, 12], [12, 16]], [[], [10]], [[9], []]] as [number[], number[]][])
    it(`equals TensorFlow.js autodiff: loss and every gradient (encoder ${JSON.stringify(compress)}, decoder ${JSON.stringify(decompress)})`, () => {
      const t = table(120);
      const encoder = fitTabularEncoder(t, { rng: new Rng(1) });
      const x = encoder.transform(t, new Rng(2));
      const D = encoder.outputDim;
      const shape = { dataDim: D, embeddingDim: 6, compressDims: compress, decompressDims: decompress };
      const rows = 40;
      const eps = fillStandardNormal(new Rng(3), new Float32Array(rows * 6));
      const net = new TvaeNet(new Rng(5), shape, lossLayout(encoder.blocks));
      // Move σ off its initial 0.1 so its gradient terms are not all alike.
      net.sigma!.value.set(net.sigma!.value.map((_, i) => 0.2 + 0.3 * i));
      const batch = x.subarray(0, rows * D);
      const mine = net.lossAndGrads(batch, rows, eps, 2);

      const nets = buildNetworks(tf, new Rng(5), shape, net.layout.alpha.length);
      nets.sigma.assign(tf.tensor1d(net.sigma!.value));
      const layout = tfLossLayout(tf, encoder.blocks, D);
      const cont = net.layout.alpha;
      const xc = Float32Array.from({ length: rows * cont.length }, (_, k) => batch[Math.floor(k / cont.length) * D + cont[k % cont.length]]);
      const vars = allVariables(nets);
      const ref = tf.variableGrads(
        () => tvaeLoss(tf, nets, layout, tf.tensor2d(batch, [rows, D]), batch, tf.tensor2d(xc, [rows, cont.length]), tf.tensor2d(eps, [rows, 6]), 2),
        vars,
      );
      const refLoss = ref.value.dataSync()[0];
      const d = vars.map((v, k) => relDiff(mine.grads[k], ref.grads[v.name].dataSync()));
      console.info(`tvae ${JSON.stringify(compress)}/${JSON.stringify(decompress)}: loss ${mine.loss} vs ${refLoss}; rel Δ grads ${d.map((v) => v.toExponential(1)).join(' ')}`);
      expect(Math.abs(mine.loss - refLoss) / Math.abs(refLoss)).toBeLessThan(1e-5);
      for (const v of d) expect(v).toBeLessThan(1e-4);
      tf.dispose([...vars, ref.value, ...Object.values(ref.grads)]);
      layout.select?.dispose();
    });

  it('gives the same loss with the wasm kernel and tf.matMul, and a directional derivative matching finite differences', () => {
    const t = table(80);
    const encoder = fitTabularEncoder(t, { rng: new Rng(1) });
    const x = encoder.transform(t, new Rng(2));
    const shape = { dataDim: encoder.outputDim, embeddingDim: 5, compressDims: [14], decompressDims: [14] };
    const eps = fillStandardNormal(new Rng(3), new Float32Array(80 * 5));
    const a = new TvaeNet(new Rng(6), shape, lossLayout(encoder.blocks), new WasmKernels());
    const b = new TvaeNet(new Rng(6), shape, lossLayout(encoder.blocks), new TfjsGemm());
    const la = a.lossAndGrads(x, 80, eps, 2).loss;
    expect(Math.abs(la - b.lossAndGrads(x, 80, eps, 2).loss) / Math.abs(la)).toBeLessThan(1e-5);
    const { grads } = a.lossAndGrads(x, 80, eps, 2);
    const rng = new Rng(7);
    const dirs = a.params.map((p) => fillStandardNormal(rng, new Float32Array(p.value.length)));
    const norm = Math.sqrt(dirs.reduce((s, d) => s + d.reduce((u, v) => u + v * v, 0), 0));
    const analytic = dirs.reduce((s, d, k) => s + d.reduce((u, v, i) => u + (v / norm) * grads[k][i], 0), 0);
    const base = a.params.map((p) => p.value.slice());
    const at = (h: number) => {
      a.params.forEach((p, k) => p.value.forEach((_, i) => (p.value[i] = base[k][i] + (h * dirs[k][i]) / norm)));
      return a.lossAndGrads(x, 80, eps, 2).loss;
    };
    const h = 1e-2;
    const numeric = (at(h) - at(-h)) / (2 * h);
    console.info(`tvae: analytic ${analytic}, finite difference ${numeric}`);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric) / Math.abs(numeric)).toBeLessThan(1e-2);
  });
});
