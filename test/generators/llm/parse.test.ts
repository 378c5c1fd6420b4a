import { describe, expect, it } from 'vitest';
import { compileValidator, extractCandidates, parseIsoDatetime, parseRows, validateRow } from '../../../src/generators/llm/parse.js';
import { columnRules } from '../../../src/generators/llm/prompt.js';
import { Table } from '../../../src/core/table.js';
import { col, schemaOf } from '../helpers.js';

/** age integer in [20, 40] with a missing value; sex coded, never missing; score with 2 decimals in [0, 1]. */
function table(): Table {
  return new Table(schemaOf(col('age', 'integer'), col('sex', 'categorical', ['F', 'M', 'f']), col('score', 'continuous')), [
    Float64Array.from([20, 40, NaN, 30]),
    Int32Array.from([0, 1, 0, 1]),
    Float64Array.from([0, 1, 0.25, 0.5]),
  ]);
}

describe('llm-endpoint reply parsing', () => {
  it('extracts JSON lines, fenced blocks, arrays (also inside prose) and counts malformed row-like lines', () => {
    expect(extractCandidates('{"a":1}\n{"a":2}').candidates).toEqual([{ a: 1 }, { a: 2 }]);
    expect(extractCandidates('Sure!\n```json\n{"a":1}\n{"a":\n```\nDone.')).toEqual({ candidates: [{ a: 1 }], malformed: 1 });
    expect(extractCandidates('Rows: [{"a":1}, {"a":2}] as asked').candidates).toEqual([{ a: 1 }, { a: 2 }]);
    expect(extractCandidates('[\n  {"a":1},\n  {"a":2 },\n  {"a": 3\n]').candidates).toEqual([{ a: 1 }, { a: 2 }]);
    expect(extractCandidates('[\n  {"a":1},\n  {"a":2 },\n  {"a": 3\n]').malformed).toBe(1);
    expect(extractCandidates('no rows here')).toEqual({ candidates: [], malformed: 0 });
  });

  it('ISO datetimes: dates and datetimes without offset are UTC; impossible dates and prose are rejected', () => {
    expect(parseIsoDatetime('2020-03-01')).toBe(Date.UTC(2020, 2, 1));
    expect(parseIsoDatetime('2020-03-01T10:30:00')).toBe(Date.UTC(2020, 2, 1, 10, 30));
    expect(parseIsoDatetime('2020-03-01 10:30')).toBe(Date.UTC(2020, 2, 1, 10, 30));
    expect(parseIsoDatetime('2020-03-01T10:30:00+02:00')).toBe(Date.UTC(2020, 2, 1, 8, 30));
    expect(parseIsoDatetime('2021-02-30')).toBeNaN();
    expect(parseIsoDatetime('March 1, 2020')).toBeNaN();
    expect(parseIsoDatetime('1583020800000')).toBeNaN();
  });

  it('validates kinds, nulls, margins, declared bounds and rounds to the training resolution', () => {
    const rules = columnRules(table());
    const v = compileValidator(rules, { rangeMargin: 0.1, caseInsensitive: false });
    const out = [0, 0, 0];
    expect(validateRow(v, { age: null, sex: 'M', score: 0.123456 }, out)).toBeNull();
    expect(out).toEqual([NaN, 1, 0.12]);
    expect(validateRow(v, { age: 42, sex: ' f ', score: -0.1 }, out)).toBeNull(); // 40 + 0.1·20 = 42 is in; score floor −0.1
    expect(out).toEqual([42, 2, -0.1]);
    expect(validateRow(v, { age: 43, sex: 'M', score: 0.5 }, out)).toBe('out-of-range');
    expect(validateRow(v, { age: 30, sex: null, score: 0.5 }, out)).toBe('null');
    expect(validateRow(v, { age: '30', sex: 'M', score: 0.5 }, out)).toBe('not-a-number');
    expect(validateRow(v, { age: 30, sex: 'm', score: 0.5 }, out)).toBe('unknown-category');
    expect(validateRow(v, [30, 'M', 0.5], out)).toBe('not-an-object');
    const loose = compileValidator(rules, { rangeMargin: null, caseInsensitive: true });
    expect(validateRow(loose, { age: 1000, sex: 'm', score: 0.5 }, out)).toBeNull(); // no range check; 'm' matches M
    expect(out).toEqual([1000, 1, 0.5]);
    expect(validateRow(loose, { age: 1000, sex: 'f', score: 0.5 }, out)).toBe('unknown-category'); // 'F' and 'f' collide: ambiguous
    const bounded = columnRules(new Table(schemaOf({ ...col('age', 'integer'), min: 0, max: 41 }), [Float64Array.from([20, 40])]));
    expect(validateRow(compileValidator(bounded, { rangeMargin: null, caseInsensitive: false }), { age: 42 }, [0])).toBe('out-of-range');
  });

  it('parseRows keeps at most `limit` valid rows and counts the rest as surplus', () => {
    const v = compileValidator(columnRules(table()), { rangeMargin: 0.1, caseInsensitive: false });
    const reply = ['{"age":21,"sex":"F","score":0.5}', '{"age":22,"sex":"F","score":0.5}', '{"age":23,"sex":"X","score":0.5}', '{"age":24,"sex":"M","score":0.5}'].join('\n');
    const r = parseRows(reply, v, 2);
    expect(r).toMatchObject({ valid: 2, invalid: 1, surplus: 1, reasons: { 'unknown-category': 1 } });
    expect(r.values).toEqual([21, 0, 0.5, 22, 0, 0.5]);
  });
});
