import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { fitTabularEncoder, oneHotSpan } from '../../src/encode/tabular-encoder.js';
import { col, schemaOf } from '../generators/helpers.js';

function mixedTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const schema = schemaOf(
    col('id', 'integer', undefined, ['id']),
    col('x', 'continuous'),
    col('age', 'integer'),
    col('color', 'categorical', ['red', 'green', 'blue']),
    col('flag', 'boolean', ['no', 'yes']),
    col('when', 'datetime'),
  );
  const id = new Float64Array(n);
  const x = new Float64Array(n);
  const age = new Float64Array(n);
  const color = new Int32Array(n);
  const flag = new Int32Array(n);
  const when = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    id[i] = i;
    x[i] = rng.next() < 0.4 ? rng.normal(-3, 0.5) : rng.normal(4, 1);
    if (i % 17 === 0) x[i] = NaN;
    age[i] = Math.round(rng.uniform(18, 90));
    color[i] = i % 23 === 0 ? -1 : rng.int(3);
    flag[i] = rng.int(2);
    when[i] = Date.UTC(2020, 0, 1) + rng.int(1000) * 86_400_000;
  }
  return new Table(schema, [id, x, age, color, flag, when]);
}

describe('TabularEncoder', () => {
  const train = mixedTable(600, 1);
  const enc = fitTabularEncoder(train, { rng: new Rng(2) });

  it('lays out blocks in schema order, skipping id columns', () => {
    expect(enc.blocks.map((b) => b.column)).toEqual(['x', 'age', 'color', 'flag', 'when']);
    let pos = 0;
    for (const b of enc.blocks) {
      expect(b.start).toBe(pos);
      pos += b.width;
    }
    expect(enc.outputDim).toBe(pos);
    const x = enc.blocks[0];
    expect(x.hasMissing).toBe(true);
    expect(x.width).toBe(1 + x.nModes! + 1);
    expect(enc.blocks[2]).toMatchObject({ kind: 'discrete', width: 4, hasMissing: true });
    expect(enc.blocks[3]).toMatchObject({ kind: 'discrete', width: 2, hasMissing: false });
    expect(enc.discreteBlocks.map((b) => b.column)).toEqual(['color', 'flag']);
    expect(oneHotSpan(x)).toEqual({ start: x.start + 1, width: x.width - 1 });
  });

  it('round-trips categoricals and missing values exactly, continuous values within 1e-3 of the range', () => {
    const data = enc.transform(train, new Rng(3));
    expect(data.length).toBe(train.nRows * enc.outputDim);
    // every one-hot part has exactly one 1
    for (let i = 0; i < train.nRows; i++) {
      for (const b of enc.blocks) {
        const s = oneHotSpan(b);
        let ones = 0;
        for (let k = 0; k < s.width; k++) ones += data[i * enc.outputDim + s.start + k];
        expect(ones).toBe(1);
      }
    }
    const back = enc.inverse(data, train.nRows);
    expect(back.schema).toBe(train.schema);
    expect(Array.from(back.codes('color'))).toEqual(Array.from(train.codes('color')));
    expect(Array.from(back.codes('flag'))).toEqual(Array.from(train.codes('flag')));
    expect(Array.from(back.numeric('age'))).toEqual(Array.from(train.numeric('age')));
    expect(Array.from(back.numeric('when'))).toEqual(Array.from(train.numeric('when')));
    expect(back.numeric('id').every((v) => Number.isNaN(v))).toBe(true);
    const x = train.numeric('x');
    const xb = back.numeric('x');
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) if (v === v) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      expect(Number.isNaN(xb[i])).toBe(Number.isNaN(x[i]));
      if (x[i] === x[i]) worst = Math.max(worst, Math.abs(x[i] - xb[i]));
    }
    expect(worst).toBeLessThan(1e-3 * (hi - lo));
  });

  it('inverse clips to the training range and rounds integers', () => {
    const data = new Float32Array(enc.outputDim);
    for (const b of enc.blocks) data[oneHotSpan(b).start] = 1;
    data[enc.blocks[0].start] = 1; // α = 1 at the top of mode 0
    data[enc.blocks[1].start] = 0.37;
    const t = enc.inverse(data, 1);
    const x = t.numeric('x')[0];
    const ages = train.numeric('age');
    expect(x).toBeLessThanOrEqual(Math.max(...train.numeric('x').filter((v) => v === v)));
    expect(Number.isInteger(t.numeric('age')[0])).toBe(true);
    expect(t.numeric('age')[0]).toBeGreaterThanOrEqual(Math.min(...ages));
  });

  it('log frequencies are log(1 + count) per slot, missing slot last', () => {
    const [color, flag] = enc.categoryLogFrequencies();
    const codes = train.codes('color');
    const counts = [0, 0, 0, 0];
    for (const c of codes) counts[c < 0 ? 3 : c]++;
    expect(Array.from(color)).toEqual(counts.map((c) => Math.log1p(c)));
    expect(flag.length).toBe(2);
  });

  it('is deterministic for a seed', () => {
    const a = fitTabularEncoder(train, { rng: new Rng(2) });
    expect(a.blocks).toEqual(enc.blocks);
    expect(a.transform(train, new Rng(5))).toEqual(enc.transform(train, new Rng(5)));
  });
});
