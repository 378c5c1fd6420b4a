import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import { applySchemaOverrides, loadSchemaFile, parseSchemaFile, parseSchemaOverrides } from '../../src/data/schema-file.js';
import { inferKind, inferSchema } from '../../src/data/schema-infer.js';
import { tableFromColumns, tablesFromCsv } from '../../src/data/table-csv.js';
import { parseIsoDatetime, parseNumber } from '../../src/data/values.js';

function errorOf(fn: () => unknown): SynthbenchError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SynthbenchError);
    expect((err as Error).message).not.toContain('\n');
    return err as SynthbenchError;
  }
  throw new Error('expected an error');
}

const counts = (values: string[]) => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
};

describe('value parsing', () => {
  it('accepts strict decimals only', () => {
    expect(parseNumber('-1.5e3')).toBe(-1500);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('7.')).toBe(7);
    for (const bad of ['', ' 1', '0x10', 'Infinity', '1e999', '1,5', '--1']) expect(parseNumber(bad)).toBeNaN();
  });

  it('parses ISO 8601 dates and datetimes as UTC, independent of the local zone', () => {
    expect(parseIsoDatetime('2020-02-29')).toBe(Date.UTC(2020, 1, 29));
    expect(parseIsoDatetime('2020-02-29T13:45')).toBe(Date.UTC(2020, 1, 29, 13, 45));
    expect(parseIsoDatetime('2020-02-29 13:45:07.25')).toBe(Date.UTC(2020, 1, 29, 13, 45, 7, 250));
    expect(parseIsoDatetime('2020-02-29T13:45:00+02:00')).toBe(Date.UTC(2020, 1, 29, 11, 45));
    expect(parseIsoDatetime('2020-02-29T13:45:00-0530')).toBe(Date.UTC(2020, 1, 29, 19, 15));
    expect(parseIsoDatetime('0050-01-01')).toBe(new Date('0050-01-01T00:00:00Z').getTime());
    for (const bad of ['2021-02-29', '2020-13-01', '2020-1-1', '20200101', '2020-01-01T25:00', 'yesterday']) expect(parseIsoDatetime(bad)).toBeNaN();
  });
});

describe('inferKind', () => {
  it('detects boolean pairs (false label first) but not mixed-meaning pairs', () => {
    expect(inferKind(counts(['yes', 'no', 'yes']))).toEqual({ kind: 'boolean', categories: ['no', 'yes'] });
    expect(inferKind(counts(['T', 'f']))).toEqual({ kind: 'boolean', categories: ['f', 'T'] });
    expect(inferKind(counts(['TRUE', 'False']))).toEqual({ kind: 'boolean', categories: ['False', 'TRUE'] });
    expect(inferKind(counts(['y', 'N']))).toEqual({ kind: 'boolean', categories: ['N', 'y'] });
    expect(inferKind(counts(['yes', 'Y']))!.kind).toBe('categorical');
    expect(inferKind(counts(['yes', 'no', 'maybe']))!.kind).toBe('categorical');
    expect(inferKind(counts(['0', '1']))!.kind).toBe('integer');
  });

  it('detects integer, continuous, datetime and categorical', () => {
    expect(inferKind(counts(['1', '-20', '+3']))!.kind).toBe('integer');
    expect(inferKind(counts(['1', '2.5', '1e-3']))!.kind).toBe('continuous');
    expect(inferKind(counts(['2020-01-01', '2021-06-30T12:00:00Z']))!.kind).toBe('datetime');
    expect(inferKind(counts(['1', 'x']))!.kind).toBe('categorical');
    expect(inferKind(counts([]))).toBeNull();
  });

  it('orders categories by descending frequency, ties alphabetical', () => {
    const g = inferKind(counts(['b', 'c', 'a', 'c', 'b', 'd', 'c', 'B']));
    expect(g!.kind).toBe('categorical');
    // c (3), b (2), then B, a, d (1 each) in code-unit order ('B' < 'a').
    expect(g!.categories).toEqual(['c', 'b', 'B', 'a', 'd']);
  });
});

describe('inferSchema', () => {
  it('ignores the default missing tokens', () => {
    const s = inferSchema(['a', 'b'], [
      ['1', 'NA', '?', '3', '', 'null'],
      ['x', 'N/A', 'x', 'nan', 'y', 'NULL'],
    ]);
    expect(s.columns.map((c) => c.kind)).toEqual(['integer', 'categorical']);
    expect(s.columns[1].categories).toEqual(['x', 'y']);
  });

  it('rejects an all-missing column unless it is excluded', () => {
    const e = errorOf(() => inferSchema(['a', 'empty'], [['1', '2'], ['', 'NA']], { file: 'd.csv' }));
    expect(e.message).toBe('d.csv: column "empty" has no values (every entry is missing); drop the column or mark it "excluded" in the schema file');
    const s = inferSchema(['a', 'empty'], [['1', '2'], ['', 'NA']], { overrides: { exclude: ['empty'] } });
    expect(s.columns[1]).toMatchObject({ name: 'empty', roles: ['excluded'], categories: [] });
  });

  it('applies kinds, ordinal order, roles and bounds from overrides', () => {
    const s = inferSchema(
      ['id', 'grade', 'score', 'flag', 'y'],
      [
        ['1', '2', '3', '4'],
        ['low', 'high', 'mid', 'low'],
        ['1', '2', '3', '4'],
        ['a', 'b', 'a', 'b'],
        ['0', '1', '1', '0'],
      ],
      {
        overrides: {
          columns: {
            grade: { kind: 'ordinal', categories: ['low', 'mid', 'high'] },
            score: { kind: 'continuous', min: 0, max: 10 },
            flag: { kind: 'boolean' },
            y: { kind: 'categorical', description: 'outcome' },
          },
          target: 'y',
          ids: ['id'],
          sensitive: ['flag'],
        },
      },
    );
    expect(s.columns.map((c) => c.kind)).toEqual(['integer', 'ordinal', 'continuous', 'boolean', 'categorical']);
    expect(s.columns[0].roles).toEqual(['id']);
    expect(s.columns[1].categories).toEqual(['low', 'mid', 'high']);
    expect(s.columns[2]).toMatchObject({ min: 0, max: 10 });
    expect(s.columns[3]).toMatchObject({ categories: ['a', 'b'], roles: ['sensitive'] });
    expect(s.columns[4]).toMatchObject({ categories: ['0', '1'], roles: ['target'], description: 'outcome' });
  });
});

describe('schema override file', () => {
  const inferred = inferSchema(['age', 'sex'], [['30', '40'], ['F', 'M']]);

  it('validates fields with one-line errors naming the field and the fix', () => {
    expect(errorOf(() => parseSchemaOverrides({ targt: 'x' })).message).toBe(
      'schema file: (top level): unknown field "targt"; remove it (allowed: $schema, columns, target, sensitive, quasiIdentifiers, ids, exclude, missing, constraints)',
    );
    expect(errorOf(() => parseSchemaOverrides({ columns: { age: { kind: 'number' } } })).message).toMatch(
      /^schema file: columns\.age\.kind: "number" is not allowed; use one of continuous, integer, categorical, ordinal, boolean, datetime$/,
    );
    expect(errorOf(() => parseSchemaOverrides({ columns: { g: { kind: 'ordinal' } } })).message).toBe(
      'schema file: columns.g.categories: an ordinal column needs "categories" listed from lowest to highest; add them',
    );
    expect(errorOf(() => parseSchemaOverrides({ columns: { g: { size: 1 } } })).message).toMatch(/^schema file: columns\.g: unknown field "size"; remove it \(allowed: kind, roles/);
    expect(errorOf(() => parseSchemaOverrides({ sensitive: 'sex' })).message).toBe('schema file: sensitive: expected array, got string; write a array here');
    expect(errorOf(() => parseSchemaOverrides({ columns: { a: { min: 3, max: 1 } } })).message).toMatch(/columns\.a\.min: min 3 is greater than max 1/);
    expect(errorOf(() => parseSchemaOverrides({ columns: { a: { kind: 'boolean', categories: ['a', 'b', 'c'] } } })).message).toMatch(/exactly 2 categories/);
    expect(errorOf(() => parseSchemaFile('{"columns": }', 'schema file s.json')).code).toBe('BAD_CONFIG');
    expect(errorOf(() => parseSchemaFile('{"columns": }', 'schema file s.json')).message).toMatch(/^schema file s\.json: not valid JSON \(.*\); fix the syntax$/);
    // Accepted but unused for now.
    expect(parseSchemaOverrides({ constraints: ['age >= 0'] }).constraints).toEqual(['age >= 0']);
  });

  it('rejects unknown columns and a target not in the data, listing the known columns', () => {
    expect(errorOf(() => applySchemaOverrides(inferred, { columns: { agee: { kind: 'integer' } } })).message).toBe(
      'schema file: unknown column in "columns" "agee"; known columns: age, sex',
    );
    expect(errorOf(() => applySchemaOverrides(inferred, { target: 'income' })).message).toBe('schema file: unknown target column "income"; known columns: age, sex');
    expect(errorOf(() => applySchemaOverrides(inferred, { quasiIdentifiers: ['zip'] })).message).toMatch(/unknown column in "quasiIdentifiers" "zip"/);
    expect(errorOf(() => applySchemaOverrides(inferred, { columns: { age: { kind: 'categorical' } } })).message).toBe(
      'schema file: columns.age: changing kind integer to categorical needs a "categories" list; add one',
    );
    expect(errorOf(() => applySchemaOverrides(inferred, { columns: { age: { roles: ['target'] }, sex: { roles: ['target'] } } })).message).toMatch(/2 columns have the target role/);
  });

  it('moves the target role and does not mutate the inferred schema', () => {
    const s1 = applySchemaOverrides(inferred, { columns: { age: { roles: ['target'] } } });
    const s2 = applySchemaOverrides(s1, { target: 'sex', sensitive: ['sex'] });
    expect(s2.columns.map((c) => c.roles)).toEqual([[], ['target', 'sensitive']]);
    expect(inferred.columns.map((c) => c.roles)).toEqual([[], []]);
  });

  it('loadSchemaFile reads and validates a JSON file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-schema-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ columns: { age: { kind: 'continuous' } }, target: 'sex', missing: ['-'] }));
    expect(await loadSchemaFile(good)).toEqual({ columns: { age: { kind: 'continuous' } }, target: 'sex', missing: ['-'] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ columns: { age: { kind: 'text' } } }));
    await expect(loadSchemaFile(bad)).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(/^schema file .*bad\.json: columns\.age\.kind:/) });
    await expect(loadSchemaFile(join(dir, 'none.json'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('tablesFromCsv', () => {
  it('infers one schema so category codes agree across files', () => {
    const train = 'age,color\n30,red\n40,blue\n50,red\n';
    const synth = 'color,age\ngreen,31.5\nblue,NA\nred,45\nblue,20\n';
    const { schema, tables } = tablesFromCsv([
      { name: 'train.csv', text: train },
      { name: 'synth.csv', text: synth },
    ]);
    // age is integer in train but has 31.5 in synth: the pooled kind is continuous.
    expect(schema.columns.map((c) => [c.name, c.kind])).toEqual([
      ['age', 'continuous'],
      ['color', 'categorical'],
    ]);
    // Pooled counts: red 3, blue 3, green 1 -> blue, red (tie, alphabetical), green.
    expect(schema.columns[1].categories).toEqual(['blue', 'red', 'green']);
    expect([...tables[0].codes('color')]).toEqual([1, 0, 1]);
    expect([...tables[1].codes('color')]).toEqual([2, 0, 1, 0]);
    expect([...tables[1].numeric('age')]).toEqual([31.5, NaN, 45, 20]);
    expect(tables[1].schema).toBe(tables[0].schema);
  });

  it('names the file and the missing/extra columns when headers differ', () => {
    const e = errorOf(() =>
      tablesFromCsv([
        { name: 'train.csv', text: 'a,b,c\n1,2,3\n' },
        { name: 'synth.csv', text: 'a,c,d\n1,2,3\n' },
      ]),
    );
    expect(e.message).toBe('synth.csv: columns differ from train.csv (missing b; extra d); give every file the same header');
  });

  it('requires a numeric column to be numeric in every file', () => {
    const e = errorOf(() =>
      tablesFromCsv([
        { name: 'train.csv', text: 'age,x\n30,a\n40,b\n' },
        { name: 'synth.csv', text: 'age,x\n31,a\n\nforty,b\n' },
      ]),
    );
    expect(e.message).toBe(
      'synth.csv:4: column "age" has value "forty", but the column is integer in train.csv; fix the value, or declare "kind": "categorical" for "age" in the schema file',
    );
  });

  it('reports values that do not fit a kind fixed by the schema file with file:line', () => {
    const overrides = { columns: { age: { kind: 'integer' as const }, g: { kind: 'ordinal' as const, categories: ['lo', 'hi'] } } };
    const e1 = errorOf(() => tablesFromCsv([{ name: 'd.csv', text: 'age,g\n1,lo\n2.5,hi\n' }], { overrides }));
    expect(e1.message).toMatch(/^d\.csv:3: column "age" \(integer\) has value "2\.5", which is not an integer; fix the value or declare kind continuous/);
    const e2 = errorOf(() => tablesFromCsv([{ name: 'd.csv', text: 'age,g\n1,lo\n2,mid\n' }], { overrides }));
    expect(e2.message).toMatch(/^d\.csv:3: column "g" has value "mid", which is not one of its 2 categories \(lo, hi\); fix the value or add it to "categories"/);
    const e3 = errorOf(() => tablesFromCsv([{ name: 'd.csv', text: 'age,g\nold,lo\n' }], { overrides }));
    expect(e3.message).toMatch(/^d\.csv:2: column "age" \(integer\) has value "old", which is not a number/);
  });

  it('uses the override file missing tokens and rejects an empty table', () => {
    const { tables } = tablesFromCsv([{ name: 'd.csv', text: 'a,b\n1,NA\n-,x\n' }], { overrides: { missing: ['-'] } });
    expect([...tables[0].numeric('a')]).toEqual([1, NaN]);
    expect(tables[0].column('b').spec.categories).toEqual(['NA', 'x']);
    expect(errorOf(() => tablesFromCsv([{ name: 'e.csv', text: 'a,b\n' }])).message).toMatch(/^e\.csv: no data rows/);
  });
});

describe('tableFromColumns', () => {
  it('converts string columns under a known schema', () => {
    const schema = inferSchema(['d', 'b'], [['2020-01-02', '2020-01-03'], ['no', 'yes']]);
    const t = tableFromColumns(schema, [['2020-01-03', ''], ['yes', 'NA']]);
    expect([...t.numeric('d')]).toEqual([Date.UTC(2020, 0, 3), NaN]);
    expect([...t.codes('b')]).toEqual([1, -1]);
    expect(errorOf(() => tableFromColumns(schema, [['2020-01-03'], ['maybe']], { file: 'x' })).message).toMatch(/^x row 1: column "b" has value "maybe"/);
  });
});
