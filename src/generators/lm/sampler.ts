/**
 * Batched, grammar-constrained sampling of rows from the tabular language model. Rows are decoded
 * in chunks, one LmDecoder step per position for the whole chunk. For each row the sampler picks
 * the column order (a fresh random permutation per row, as the model was trained on permuted rows
 * — GReaT, Borisov et al. 2023 — or the schema order) and forces the column-name tokens and EOS;
 * value tokens are drawn from softmax(logits / temperature) restricted to the tokens the grammar
 * allows (grammar.ts), and to the top-k of those when topK > 0 (ties at the k-th logit are kept).
 * Temperature 0 takes the most likely allowed token. Conditional sampling puts the condition
 * columns first with their values forced, so the model generates the other columns given them
 * (the prefix conditioning of REaLTabFormer/GReaT). All draws come from the given Rng.
 */
import { badInput, throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { Table } from '../../core/table.js';
import { BatchGrammar, gatherTable } from './grammar.js';
import type { LanguageModel } from './model-types.js';
import { BOS, EOS, PAD, type TabularTokenizer } from './tokenizer.js';

export interface SamplingOptions {
  /** Softmax temperature; 0 = most likely allowed token. */
  temperature: number;
  /** Keep only the k most likely allowed tokens (0 = all allowed tokens). */
  topK: number;
  /** Column order per row: a random permutation per row, or the schema order. */
  order: 'random' | 'fixed';
  /** Rows decoded together (one decoder, one KV cache). */
  chunkRows: number;
  signal?: AbortSignal;
}

/** Condition values by column name: a category label, a number, or null for missing. */
export type Conditions = Record<string, string | number | null>;

/** A condition turned into the value tokens it forces. */
export interface ForcedColumn {
  /** Index into tokenizer.columns. */
  k: number;
  tokens: Int32Array;
}

/** Checks conditions against what the model can generate and encodes them as forced tokens. */
export function resolveConditions(tok: TabularTokenizer, conditions: Conditions): ForcedColumn[] {
  const out: ForcedColumn[] = [];
  const check = new BatchGrammar(tok, 1);
  const scratch = new Int32Array(tok.vocabSize);
  check.advance(0, BOS);
  for (const [name, value] of Object.entries(conditions)) {
    const k = tok.columnIndex(name);
    if (k < 0) throw badInput(`tabular-lm: cannot condition on "${name}": not a modelled column; columns are: ${tok.columns.map((c) => c.name).join(', ')}`);
    const c = tok.columns[k];
    let cell: number;
    if (value === null) cell = c.type === 'coded' ? -1 : NaN;
    else if (c.type === 'coded') {
      cell = tok.schema.columns[c.col].categories!.indexOf(String(value));
      if (cell < 0) throw badInput(`tabular-lm: "${value}" is not a category of "${name}"`);
    } else {
      cell = Number(value);
      if (typeof value !== 'number' || !Number.isFinite(cell)) throw badInput(`tabular-lm: condition on numeric column "${name}" must be a finite number, got ${JSON.stringify(value)}`);
    }
    const buf = new Int32Array(tok.maxWidth);
    const w = tok.encodeCell(k, cell, buf, 0);
    check.advance(0, c.nameToken);
    for (let i = 0; i < w; i++) {
      if (!check.isAllowed(0, buf[i], scratch)) {
        throw badInput(`tabular-lm: cannot condition on ${name} = ${JSON.stringify(value)}: the model never saw it in training (unseen category, missing value, or outside the training range)`);
      }
      check.advance(0, buf[i]);
    }
    out.push({ k, tokens: buf.slice(0, w) });
  }
  return out;
}

/** n rows from the model, constrained by the grammar; conditions (if any) hold in every row. */
export async function sampleRows(model: LanguageModel, tok: TabularTokenizer, n: number, rng: Rng, opts: SamplingOptions, forced: ForcedColumn[] = []): Promise<Table> {
  const out = tok.allocate(n);
  const chunk = Math.max(1, opts.chunkRows);
  for (let lo = 0, ci = 0; lo < n; lo += chunk, ci++) {
    const b = Math.min(chunk, n - lo);
    const values = sampleChunk(model, tok, b, rng.fork('chunk', ci), opts, forced);
    gatherTable(tok, values, b, lo, out);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return new Table(tok.schema, out);
}

function sampleChunk(model: LanguageModel, tok: TabularTokenizer, b: number, rng: Rng, opts: SamplingOptions, forced: ForcedColumn[]): Float64Array {
  const C = tok.columns.length;
  const V = tok.vocabSize;
  const orders = columnOrders(C, b, rng.fork('order'), opts.order, forced);
  const draws = rng.fork('tokens');
  const forcedTokens: (Int32Array | undefined)[] = new Array(C);
  for (const f of forced) forcedTokens[f.k] = f.tokens;
  const grammar = new BatchGrammar(tok, b);
  const pos = new Int32Array(b);
  const inCol = new Int32Array(b);
  const allowed = new Int32Array(V);
  const scratch = new Float64Array(V);
  const input = new Int32Array(b).fill(BOS);
  for (let r = 0; r < b; r++) grammar.advance(r, BOS);
  const decoder = model.decoder(b);
  try {
    for (let t = 1; t < tok.maxLen; t++) {
      throwIfAborted(opts.signal);
      const logits = decoder.step(input);
      let live = 0;
      for (let r = 0; r < b; r++) {
        let next: number;
        if (grammar.isDone(r)) next = PAD;
        else if (grammar.atBoundary(r)) {
          if (pos[r] === C) next = EOS;
          else {
            next = tok.columns[orders[r * C + pos[r]]].nameToken;
            pos[r]++;
            inCol[r] = 0;
          }
        } else {
          const k = grammar.currentColumn(r);
          const f = forcedTokens[k];
          if (f) next = f[inCol[r]];
          else {
            const m = grammar.allowed(r, allowed);
            next = m === 1 ? allowed[0] : pick(logits, r * V, allowed, m, scratch, opts, draws);
          }
          inCol[r]++;
        }
        grammar.advance(r, next);
        input[r] = next;
        if (!grammar.isDone(r)) live++;
      }
      if (!live) break;
    }
  } finally {
    decoder.dispose();
  }
  for (let r = 0; r < b; r++) if (!grammar.isDone(r)) throw new Error(`tabular-lm sampler: row ${r} did not finish within ${tok.maxLen} tokens`);
  return grammar.values;
}

/** Row-major b × C column orders; forced columns first (in the given order). */
function columnOrders(C: number, b: number, rng: Rng, order: 'random' | 'fixed', forced: ForcedColumn[]): Int32Array {
  const out = new Int32Array(b * C);
  const isForced = new Uint8Array(C);
  for (const f of forced) isForced[f.k] = 1;
  const rest = Int32Array.from({ length: C }, (_, k) => k).filter((k) => !isForced[k]);
  for (let r = 0; r < b; r++) {
    let q = r * C;
    for (const f of forced) out[q++] = f.k;
    if (order === 'random') rng.shuffle(rest);
    out.set(rest, q);
  }
  return out;
}

/** Draws one of the m allowed tokens from the masked, tempered, top-k-truncated softmax. */
function pick(logits: Float32Array, offset: number, allowed: Int32Array, m: number, w: Float64Array, opts: SamplingOptions, rng: Rng): number {
  let max = -Infinity;
  let arg = 0;
  for (let i = 0; i < m; i++) {
    const l = logits[offset + allowed[i]];
    w[i] = Number.isFinite(l) ? l : -Infinity;
    if (w[i] > max) (max = w[i]), (arg = i);
  }
  if (max === -Infinity) return allowed[rng.int(m)]; // no usable logits: uniform over valid tokens
  if (opts.temperature === 0) return allowed[arg];
  let threshold = -Infinity;
  if (opts.topK > 0 && opts.topK < m) {
    const sorted = Float64Array.from(w.subarray(0, m)).sort();
    threshold = sorted[m - opts.topK];
  }
  let sum = 0;
  for (let i = 0; i < m; i++) {
    w[i] = w[i] >= threshold ? Math.exp((w[i] - max) / opts.temperature) : 0;
    sum += w[i];
  }
  let u = rng.next() * sum;
  for (let i = 0; i < m; i++) {
    u -= w[i];
    if (u < 0 && w[i] > 0) return allowed[i];
  }
  return allowed[arg];
}
