import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import type { Schema } from '../../src/core/schema.js';
import { Table } from '../../src/core/table.js';
import { parseCsv, readCsvFile, writeCsv } from '../../src/data/csv.js';
import { readTableCsv } from '../../src/data/table-csv.js';

function errorOf(fn: () => unknown): SynthbenchError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SynthbenchError);
    const e = err as SynthbenchError;
    expect(e.message).not.toContain('\n');
    return e;
  }
  throw new Error('expected an error');
}

describe('parseCsv', () => {
  it('returns columns, header and row line numbers', () => {
    const p = parseCsv('a,b,c\n1,2,3\n4,5,6\n');
    expect(p.header).toEqual(['a', 'b', 'c']);
    expect(p.columns).toEqual([
      ['1', '4'],
      ['2', '5'],
      ['3', '6'],
    ]);
    expect(p.nRows).toBe(2);
    expect([...p.lines]).toEqual([2, 3]);
  });

  it('handles quotes, escaped quotes, delimiters and newlines inside quotes', () => {
    const text = 'name,note\n"Smith, J","said ""hi"""\n"multi\nline",x\nplain,"" \n';
    const p = parseCsv(text, { trimFields: true });
    expect(p.columns[0]).toEqual(['Smith, J', 'multi\nline', 'plain']);
    expect(p.columns[1]).toEqual(['said "hi"', 'x', '']);
    // The record after the two-line quoted field starts on physical line 5.
    expect([...p.lines]).toEqual([2, 3, 5]);
  });

  it('handles CRLF, a BOM, blank lines and a missing final newline', () => {
    const p = parseCsv('\uFEFFa,b\r\n1,2\r\n\r\n\r\n3,"4\r\n5"\r\n6,7');
    expect(p.header).toEqual(['a', 'b']);
    expect(p.columns).toEqual([
      ['1', '3', '6'],
      ['2', '4\r\n5', '7'],
    ]);
    expect([...p.lines]).toEqual([2, 5, 7]);
  });

  it('keeps empty fields, including a trailing one', () => {
    const p = parseCsv('a,b,c\n,,\n1,,\n');
    expect(p.columns).toEqual([
      ['', '1'],
      ['', ''],
      ['', ''],
    ]);
  });

  it('supports other delimiters, given or generated header names, trimming and skipped lines', () => {
    const p = parseCsv('|comment\n 1 ; x \n2;y\n', {
      delimiter: ';',
      header: ['n', 's'],
      trimFields: true,
      skipLine: (line, no) => no === 1 && line.startsWith('|'),
    });
    expect(p.header).toEqual(['n', 's']);
    expect(p.columns).toEqual([
      ['1', '2'],
      ['x', 'y'],
    ]);
    expect([...p.lines]).toEqual([2, 3]);
    const g = parseCsv('1,2\n3,4\n', { header: false });
    expect(g.header).toEqual(['col1', 'col2']);
    expect(g.nRows).toBe(2);
    // Without trimming, whitespace is data.
    expect(parseCsv('a\n x \n').columns[0]).toEqual([' x ']);
  });

  it('reports malformed input with file:line, the problem and a fix', () => {
    const unterminated = errorOf(() => parseCsv('a,b\n1,2\n3,"open\n4,5\n', { file: 'f.csv' }));
    expect(unterminated.code).toBe('BAD_INPUT');
    expect(unterminated.message).toMatch(/^f\.csv:3: unterminated quoted field.*; close the quote/);

    const wrongCount = errorOf(() => parseCsv('a,b,c\n1,2,3\n\n4,5\n', { file: 'f.csv' }));
    expect(wrongCount.message).toMatch(/^f\.csv:4: row has 2 fields but the header has 3; fix the row/);

    const afterLines = errorOf(() => parseCsv('a,b\n"x\ny",1\n1,2,3\n', { file: 'g.csv' }));
    expect(afterLines.message).toMatch(/^g\.csv:4: row has 3 fields/);

    expect(errorOf(() => parseCsv('a,b,a\n1,2,3\n', { file: 'h.csv' })).message).toMatch(/^h\.csv:1: duplicate column name "a".*unique name/);
    expect(errorOf(() => parseCsv('a,,c\n1,2,3\n', { file: 'h.csv' })).message).toMatch(/^h\.csv:1: header column 2 has an empty name/);
    expect(errorOf(() => parseCsv('a,b\n\n\n', { file: 'h.csv' })).message).toMatch(/^h\.csv: no data rows/);
    expect(errorOf(() => parseCsv('', { file: 'h.csv' })).message).toMatch(/^h\.csv: the file is empty/);
    expect(errorOf(() => parseCsv('a,b\n"x"y,1\n', { file: 'h.csv' })).message).toMatch(/^h\.csv:2: unexpected character "y" after a closing quote/);
  });

  it('readCsvFile reads a file and gives NOT_FOUND for a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-csv-'));
    writeFileSync(join(dir, 'x.csv'), 'a\n1\n');
    expect((await readCsvFile(join(dir, 'x.csv'))).columns).toEqual([['1']]);
    await expect(readCsvFile(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nope.csv') });
  });
});

describe('writeCsv', () => {
  const schema: Schema = {
    columns: [
      { name: 'x', kind: 'continuous', roles: [] },
      { name: 'n', kind: 'integer', roles: [] },
      { name: 'when', kind: 'datetime', roles: [] },
      { name: 'day', kind: 'datetime', roles: [] },
      { name: 'label', kind: 'categorical', roles: [], categories: ['plain', 'a,b', 'say "hi"', ' padded', 'two\nlines'] },
    ],
  };
  const table = new Table(schema, [
    Float64Array.from([0.1 + 0.2, 1e-300, NaN, -2.5e21, 123456.789]),
    Float64Array.from([3, -7, 0, NaN, 9007199254740991]),
    Float64Array.from([Date.UTC(2020, 1, 29, 13, 45, 7, 250), NaN, 0, Date.UTC(1999, 11, 31), 1]),
    Float64Array.from([Date.UTC(2020, 1, 29), NaN, 0, Date.UTC(1999, 11, 31), Date.UTC(2023, 0, 1)]),
    Int32Array.from([0, 1, 2, 3, 4]),
  ]);

  it('quotes only where needed and writes numbers, integers, datetimes and missing values', () => {
    const text = writeCsv(table);
    const lines = text.split('\n');
    expect(lines[0]).toBe('x,n,when,day,label');
    expect(lines[1]).toBe('0.30000000000000004,3,2020-02-29T13:45:07.250Z,2020-02-29,plain');
    expect(lines[2]).toBe('1e-300,-7,,,"a,b"');
    expect(lines[3]).toBe(',0,1970-01-01T00:00:00.000Z,1970-01-01,"say ""hi"""');
    expect(lines[4]).toBe('-2.5e+21,,1999-12-31T00:00:00.000Z,1999-12-31," padded"');
    expect(lines[5]).toBe('123456.789,9007199254740991,1970-01-01T00:00:00.001Z,2023-01-01,"two');
    expect(text.endsWith('lines"\n')).toBe(true);
  });

  it('round-trips exactly through readTableCsv', () => {
    const back = readTableCsv(writeCsv(table), schema, 'rt.csv');
    expect(back.nRows).toBe(5);
    back.arrays().forEach((a, j) => expect([...a]).toEqual([...table.arrays()[j]]));
  });

  it('keeps rows of a single all-missing column', () => {
    const s: Schema = { columns: [{ name: 'v', kind: 'continuous', roles: [] }] };
    const t = new Table(s, [Float64Array.from([1, NaN, 2])]);
    const text = writeCsv(t);
    expect(text).toBe('v\n1\n""\n2\n');
    expect([...readTableCsv(text, s).numeric('v')]).toEqual([1, NaN, 2]);
  });
});
