/**
 * Parameter layout and initialisation of the tabular language model's transformer, following
 * GPT-2 (Radford et al. 2019; the reference implementation's init): weights and token embeddings
 * N(0, 0.02²), position embeddings N(0, 0.01²), the two projections that write into the residual
 * stream (attention output, second feed-forward layer) N(0, (0.02/√(2·layers))²) so the residual
 * variance does not grow with depth, biases 0, layer-norm gains 1. Draws come from the project's
 * Rng, one forked stream per parameter, so the initial weights are identical on every backend.
 * Weight decay applies to matrices (embeddings included) but not to biases and gains, as in GPT-2
 * training setups (e.g. nanoGPT's configure_optimizers).
 */
import { Rng } from '../../core/rng.js';
import type { LmConfig } from './model-types.js';

export interface ParamSpec {
  name: string;
  shape: number[];
  size: number;
  decay: boolean;
  init: { kind: 'normal'; std: number } | { kind: 'const'; value: number };
}

/** Indices into the parameter list for one transformer block. */
export interface BlockIndex {
  ln1g: number;
  ln1b: number;
  wqkv: number;
  bqkv: number;
  wo: number;
  bo: number;
  ln2g: number;
  ln2b: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
}

export interface ParamLayout {
  specs: ParamSpec[];
  tokEmb: number;
  posEmb: number;
  blocks: BlockIndex[];
  lnfG: number;
  lnfB: number;
}

export function paramLayout(c: LmConfig): ParamLayout {
  const specs: ParamSpec[] = [];
  const add = (name: string, shape: number[], init: ParamSpec['init']): number => {
    specs.push({ name, shape, size: shape.reduce((a, b) => a * b, 1), decay: shape.length > 1, init });
    return specs.length - 1;
  };
  const d = c.dModel;
  const normal = (std: number) => ({ kind: 'normal' as const, std });
  const ones = { kind: 'const' as const, value: 1 };
  const zeros = { kind: 'const' as const, value: 0 };
  const residualStd = 0.02 / Math.sqrt(2 * c.layers);
  const tokEmb = add('tok_emb', [c.vocabSize, d], normal(0.02));
  const posEmb = add('pos_emb', [c.maxLen, d], normal(0.01));
  const blocks: BlockIndex[] = [];
  for (let l = 0; l < c.layers; l++) {
    const p = `h${l}.`;
    blocks.push({
      ln1g: add(`${p}ln1.g`, [d], ones),
      ln1b: add(`${p}ln1.b`, [d], zeros),
      wqkv: add(`${p}attn.wqkv`, [d, 3 * d], normal(0.02)),
      bqkv: add(`${p}attn.bqkv`, [3 * d], zeros),
      wo: add(`${p}attn.wo`, [d, d], normal(residualStd)),
      bo: add(`${p}attn.bo`, [d], zeros),
      ln2g: add(`${p}ln2.g`, [d], ones),
      ln2b: add(`${p}ln2.b`, [d], zeros),
      w1: add(`${p}ff.w1`, [d, c.ffDim], normal(0.02)),
      b1: add(`${p}ff.b1`, [c.ffDim], zeros),
      w2: add(`${p}ff.w2`, [c.ffDim, d], normal(residualStd)),
      b2: add(`${p}ff.b2`, [d], zeros),
    });
  }
  const lnfG = add('ln_f.g', [d], ones);
  const lnfB = add('ln_f.b', [d], zeros);
  return { specs, tokEmb, posEmb, blocks, lnfG, lnfB };
}

/** Initial values, one array per spec; each parameter draws from its own stream forked by name. */
export function initParams(layout: ParamLayout, seed: number): Float32Array[] {
  const root = new Rng(seed).fork('transformer-init');
  return layout.specs.map((s) => {
    const a = new Float32Array(s.size);
    if (s.init.kind === 'const') a.fill(s.init.value);
    else {
      const rng = root.fork(s.name);
      for (let i = 0; i < a.length; i++) a[i] = rng.normal(0, s.init.std);
    }
    return a;
  });
}
