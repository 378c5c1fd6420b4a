/**
 * Small LanguageModel stand-ins for testing the host side of tabular-lm without TensorFlow.js:
 *  - bigramModel: next-token counts given the previous token, learned from the masked targets of
 *    each batch (logits = log(count + 0.1)); snapshot/restore copy the count matrix;
 *  - randomLogitsModel: seeded Gaussian logits, optionally scaled up so a few tokens dominate
 *    (the sampler must still emit only allowed tokens).
 */
import { Rng } from '../../../src/core/rng.js';
import type { CreateLanguageModel, LanguageModel, LmBatch, LmConfig, LmDecoder } from '../../../src/generators/lm/model-types.js';

export function bigramModel(config: LmConfig): LanguageModel {
  const V = config.vocabSize;
  let counts = new Float32Array(V * V);
  const lossOf = (b: LmBatch): number => {
    let s = 0;
    let w = 0;
    for (let r = 0; r < b.batch; r++) {
      for (let t = 0; t + 1 < b.len; t++) {
        const m = b.lossMask ? b.lossMask[r * (b.len - 1) + t] : 1;
        if (!m) continue;
        const prev = b.tokens[r * b.len + t];
        const next = b.tokens[r * b.len + t + 1];
        let row = 0;
        for (let v = 0; v < V; v++) row += counts[prev * V + v] + 0.1;
        s -= Math.log((counts[prev * V + next] + 0.1) / row);
        w++;
      }
    }
    return w ? s / w : 0;
  };
  return {
    config,
    parameterCount: V * V,
    trainStep(b) {
      const loss = lossOf(b);
      for (let r = 0; r < b.batch; r++) {
        for (let t = 0; t + 1 < b.len; t++) {
          if (b.lossMask && !b.lossMask[r * (b.len - 1) + t]) continue;
          counts[b.tokens[r * b.len + t] * V + b.tokens[r * b.len + t + 1]]++;
        }
      }
      return loss;
    },
    loss: lossOf,
    decoder(batch): LmDecoder {
      const out = new Float32Array(batch * V);
      return {
        batch,
        step(tokens) {
          for (let r = 0; r < batch; r++) for (let v = 0; v < V; v++) out[r * V + v] = Math.log(counts[tokens[r] * V + v] + 0.1);
          return out;
        },
        dispose() {},
      };
    },
    snapshot: () => [counts.slice()],
    restore(w) {
      counts = w[0].slice();
    },
    dispose() {},
  };
}

export const createBigram: CreateLanguageModel = async (config) => bigramModel(config);

export function randomLogitsModel(config: LmConfig, seed: number, scale = 1): LanguageModel {
  const V = config.vocabSize;
  return {
    config,
    parameterCount: 1,
    trainStep: () => 0,
    loss: () => 0,
    decoder(batch) {
      const rng = new Rng(seed);
      const out = new Float32Array(batch * V);
      return {
        batch,
        step() {
          for (let i = 0; i < out.length; i++) out[i] = scale * rng.normal();
          return out;
        },
        dispose() {},
      };
    },
    snapshot: () => [],
    restore() {},
    dispose() {},
  };
}
