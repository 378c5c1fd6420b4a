import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { decodeSequences } from '../../../src/generators/lm/grammar.js';
import { BOS, EOS, MISSING, N_SPECIAL, PAD, type NumericCode, TabularTokenizer } from '../../../src/generators/lm/tokenizer.js';
import { everyKindTable } from './tables.js';

function roundTrip(tok: TabularTokenizer, table: Table, seed: number): Table {
  const rows = tok.encodeRows(table);
  const C = tok.columns.length;
  const L = tok.maxLen;
  const tokens = new Int32Array(table.nRows * L);
  const rng = new Rng(seed);
  for (let i = 0; i < table.nRows; i++) tok.writeSequence(rows, i, rng.permutation(C), tokens, i * L);
  return decodeSequences(tok, tokens, table.nRows, L);
}

describe('tabular-lm tokenizer', () => {
  const table = everyKindTable(300, 1);
  const tok = TabularTokenizer.fit(table);

  it('lays out specials, one name token per modelled column, then per-column value tokens', () => {
    expect([PAD, BOS, EOS, MISSING, N_SPECIAL]).toEqual([0, 1, 2, 3, 4]);
    expect(tok.columns.map((c) => c.name)).toEqual(['age', 'balance', 'ratio', 'tiny', 'visit', 'diagnosis', 'stage', 'smoker', 'empty']);
    expect(tok.columns.map((c) => c.nameToken)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const age = tok.columns[0] as NumericCode;
    expect([age.digits, age.signBase, age.decimals, age.step]).toEqual([2, -1, 0, 1]);
    expect(tok.tokenName(age.digitBase + 10 * 0 + 3)).toBe('age#0:3');
    const balance = tok.columns[1] as NumericCode;
    expect(balance.signBase).toBeGreaterThan(0);
    expect(tok.tokenName(balance.signBase + 1)).toBe('balance#-');
    expect([balance.decimals, balance.scale]).toEqual([2, 100]);
    expect((tok.columns[2] as NumericCode).decimals).toBe(4); // capped
    expect((tok.columns[3] as NumericCode).decimals).toBe(6); // max |x| < 0.005: 4 significant digits need 6
    expect((tok.columns[4] as NumericCode).step).toBe(86_400_000); // whole days
    expect(tok.tokenName(tok.columns[5].nameToken)).toBe('[diagnosis]');
    // Every token id is used exactly once.
    const last = tok.columns[tok.columns.length - 1] as NumericCode;
    expect(tok.vocabSize).toBe(last.digitBase + 10 * last.digits);
  });

  it('round trip is exact for coded, integer, datetime and exact-decimal columns, and rounds the others to their unit', () => {
    const back = roundTrip(tok, table, 2);
    for (const name of ['diagnosis', 'stage', 'smoker']) expect(Array.from(back.codes(name))).toEqual(Array.from(table.codes(name)));
    for (const name of ['age', 'balance', 'visit', 'tiny', 'empty']) expect(Array.from(back.numeric(name))).toEqual(Array.from(table.numeric(name)));
    const r = table.numeric('ratio');
    const rb = back.numeric('ratio');
    for (let i = 0; i < r.length; i++) {
      expect(Math.abs(r[i] - rb[i])).toBeLessThanOrEqual(0.5e-4 + 1e-12);
      expect(rb[i]).toBe(Math.round(r[i] * 1e4) / 1e4);
    }
    expect(Array.from(back.numeric('pid')).every(Number.isNaN)).toBe(true); // id column never modelled
    // roundTrip() is the same table without going through sequences.
    const direct = tok.roundTrip(table);
    for (const name of ['age', 'balance', 'ratio', 'tiny', 'visit']) expect(Array.from(direct.numeric(name))).toEqual(Array.from(back.numeric(name)));
  });

  it('encodes missing as MISSING, negatives with a sign token and zero-padded digits', () => {
    const k = tok.columnIndex('balance');
    const c = tok.columns[k] as NumericCode;
    const buf = new Int32Array(tok.maxWidth);
    const names = (v: number) => {
      const w = tok.encodeCell(k, v, buf, 0);
      return Array.from(buf.subarray(0, w), (t) => tok.tokenName(t));
    };
    expect(c.digits).toBeGreaterThanOrEqual(5);
    const pad = (s: string) => s.padStart(c.digits, '0').split('').map((d, p) => `balance#${p}:${d}`);
    expect(names(-12.34)).toEqual(['balance#-', ...pad('1234')]);
    expect(names(0)).toEqual(['balance#+', ...pad('0')]);
    expect(names(NaN)).toEqual(['<missing>']);
    const diag = tok.columnIndex('diagnosis');
    tok.encodeCell(diag, -1, buf, 0);
    expect(buf[0]).toBe(MISSING);
    tok.encodeCell(diag, 2, buf, 0);
    expect(tok.tokenName(buf[0])).toBe('diagnosis=cold');
  });

  it('sequences are BOS, (name, values) per column in the given order, EOS, then padding', () => {
    const small = table.take([0]);
    const rows = tok.encodeRows(small);
    const out = new Int32Array(tok.maxLen);
    const C = tok.columns.length;
    const order = Int32Array.from({ length: C }, (_, k) => C - 1 - k);
    const used = tok.writeSequence(rows, 0, order, out, 0);
    expect(out[0]).toBe(BOS);
    expect(out[1]).toBe(tok.columns[C - 1].nameToken);
    expect(out[2]).toBe(MISSING); // `empty` is always missing
    expect(out[used - 1]).toBe(EOS);
    expect(Array.from(out.subarray(used)).every((t) => t === PAD)).toBe(true);
  });

  it('negative-only and single-value columns round trip', () => {
    const t = new Table(
      {
        columns: [
          { name: 'neg', kind: 'integer', roles: [] },
          { name: 'const', kind: 'continuous', roles: [] },
        ],
      },
      [Float64Array.from([-5, -120, -7, -33]), Float64Array.from([2.5, 2.5, 2.5, 2.5])],
    );
    const tk = TabularTokenizer.fit(t);
    const back = roundTrip(tk, t, 3);
    expect(Array.from(back.numeric('neg'))).toEqual([-5, -120, -7, -33]);
    expect(Array.from(back.numeric('const'))).toEqual([2.5, 2.5, 2.5, 2.5]);
  });

  it('rejects tables with nothing to model', () => {
    const t = new Table({ columns: [{ name: 'id', kind: 'integer', roles: ['id'] }] }, [Float64Array.from([1, 2])]);
    expect(() => TabularTokenizer.fit(t)).toThrow(/no modelled columns/);
  });
});
