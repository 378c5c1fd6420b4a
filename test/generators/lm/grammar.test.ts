import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { BatchGrammar } from '../../../src/generators/lm/grammar.js';
import { sampleRows } from '../../../src/generators/lm/sampler.js';
import { BOS, EOS, MISSING, type NumericCode, TabularTokenizer } from '../../../src/generators/lm/tokenizer.js';
import { randomLogitsModel } from './fake-model.js';
import { everyKindTable, expectWithinSchema } from './tables.js';

describe('tabular-lm constrained decoding', () => {
  const table = everyKindTable(300, 4);
  const tok = TabularTokenizer.fit(table);

  it('offers only digits whose completions stay in the training range', () => {
    const t = new Table({ columns: [{ name: 'x', kind: 'integer', roles: [] }] }, [Float64Array.from([105, 230, 150])]);
    const tk = TabularTokenizer.fit(t);
    const c = tk.columns[0] as NumericCode;
    const g = new BatchGrammar(tk, 1);
    const buf = new Int32Array(tk.vocabSize);
    const digits = () => Array.from(buf.subarray(0, g.allowed(0, buf)), (tkn) => tkn - c.digitBase).map((v) => v % 10);
    g.advance(0, BOS);
    expect(Array.from(buf.subarray(0, g.allowed(0, buf)))).toEqual([c.nameToken]);
    g.advance(0, c.nameToken);
    expect(digits()).toEqual([1, 2]);
    g.advance(0, c.digitBase + 1);
    expect(digits()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    g.advance(0, c.digitBase + 10);
    expect(digits()).toEqual([5, 6, 7, 8, 9]);
    expect(() => g.advance(0, c.digitBase + 20 + 4)).toThrow(/not valid/); // 104 < 105
    g.advance(0, c.digitBase + 20 + 5);
    expect(Array.from(buf.subarray(0, g.allowed(0, buf)))).toEqual([EOS]);
    expect(g.values[0]).toBe(105);

    const g2 = new BatchGrammar(tk, 1);
    g2.advance(0, BOS);
    g2.advance(0, c.nameToken);
    g2.advance(0, c.digitBase + 2);
    const b2 = Array.from(buf.subarray(0, g2.allowed(0, buf)), (tkn) => (tkn - c.digitBase) % 10);
    expect(b2).toEqual([0, 1, 2, 3]);
    g2.advance(0, c.digitBase + 10 + 3);
    expect(Array.from(buf.subarray(0, g2.allowed(0, buf)), (tkn) => (tkn - c.digitBase) % 10)).toEqual([0]);
  });

  it('signed columns: a sign first, the negative branch bounded by the minimum, no MISSING without missing training values', () => {
    const t = new Table({ columns: [{ name: 'y', kind: 'integer', roles: [] }] }, [Float64Array.from([-42, 7, 0])]);
    const tk = TabularTokenizer.fit(t);
    const c = tk.columns[0] as NumericCode;
    const g = new BatchGrammar(tk, 1);
    const buf = new Int32Array(tk.vocabSize);
    g.advance(0, BOS);
    g.advance(0, c.nameToken);
    expect(Array.from(buf.subarray(0, g.allowed(0, buf)))).toEqual([c.signBase, c.signBase + 1]);
    expect(() => g.advance(0, MISSING)).toThrow(/not valid/);
    g.advance(0, c.signBase + 1);
    expect(Array.from(buf.subarray(0, g.allowed(0, buf)), (x) => x - c.digitBase)).toEqual([0, 1, 2, 3, 4]);
    g.advance(0, c.digitBase + 4);
    expect(Array.from(buf.subarray(0, g.allowed(0, buf)), (x) => x - c.digitBase - 10)).toEqual([0, 1, 2]);
    g.advance(0, c.digitBase + 10 + 2);
    expect(g.values[0]).toBe(-42);
  });

  it('over many random logits, every sampled token is allowed and every row satisfies the schema', async () => {
    for (const [seed, scale] of [
      [1, 1],
      [2, 8],
      [3, 30],
    ]) {
      const model = randomLogitsModel({ vocabSize: tok.vocabSize, maxLen: tok.maxLen, dModel: 1, heads: 1, layers: 1, ffDim: 1, dropout: 0 }, seed, scale);
      // sampleRows runs every token through BatchGrammar.advance, which throws on a forbidden token.
      const s = await sampleRows(model, tok, 400, new Rng(seed), { temperature: 1, topK: seed === 2 ? 3 : 0, order: 'random', chunkRows: 128 });
      expect(s.nRows).toBe(400);
      expect(s.schema).toBe(table.schema);
      expectWithinSchema(table, s);
      expect(s.codes('diagnosis').includes(3)).toBe(false); // 'never-seen' was never in training
      expect(Array.from(s.numeric('empty')).every(Number.isNaN)).toBe(true);
      expect(Array.from(s.numeric('pid')).every(Number.isNaN)).toBe(true);
    }
  });

  it('random logits reach both ends of numeric ranges and missing values', async () => {
    const model = randomLogitsModel({ vocabSize: tok.vocabSize, maxLen: tok.maxLen, dModel: 1, heads: 1, layers: 1, ffDim: 1, dropout: 0 }, 9, 1);
    const s = await sampleRows(model, tok, 1000, new Rng(9), { temperature: 1, topK: 0, order: 'fixed', chunkRows: 1000 });
    const bal = Array.from(s.numeric('balance'));
    expect(bal.some((x) => x < 0)).toBe(true);
    expect(bal.some((x) => x > 0)).toBe(true);
    expect(bal.some(Number.isNaN)).toBe(true);
    expect(Array.from(s.codes('diagnosis')).some((c) => c < 0)).toBe(true);
  });
});
