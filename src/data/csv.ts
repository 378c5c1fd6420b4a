/**
 * CSV reading and writing (RFC 4180: fields separated by a delimiter, optionally enclosed in
 * double quotes, a quote inside a quoted field doubled). The parser returns columns of strings,
 * not row objects, because everything downstream is columnar; it also records the physical line
 * where each record starts so later parse errors (a bad number, an unknown category) can name
 * file:line. Deliberate deviations from the RFC: CRLF, LF and lone CR all end a record, blank lines
 * are skipped, a UTF-8 byte-order mark is ignored, and a stray quote inside an unquoted field is
 * kept as a literal character (common in real exports, e.g. 5'10").
 */
import { readFile } from 'node:fs/promises';
import { badInput, notFound } from '../core/errors.js';
import type { Table } from '../core/table.js';

export interface ParseCsvOptions {
  /** Single-character field separator (default `,`). */
  delimiter?: string;
  /** Trim spaces/tabs around unquoted fields and between a closing quote and the delimiter (default false). */
  trimFields?: boolean;
  /**
   * true (default): the first record holds the column names. false: names are generated
   * (`col1`, `col2`, ...). string[]: these names, and every record is data.
   */
  header?: boolean | string[];
  /** Called at the start of every record with its physical line (no line terminator); true skips the line. */
  skipLine?: (line: string, lineNo: number) => boolean;
  /** Name used in error messages (default `<input>`). */
  file?: string;
}

export interface ParsedCsv {
  header: string[];
  /** columns[j][i] = field j of data row i. */
  columns: string[][];
  nRows: number;
  /** 1-based physical line number where each data row starts (for error messages). */
  lines: Int32Array;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

export function parseCsv(input: string, opts: ParseCsvOptions = {}): ParsedCsv {
  const file = opts.file ?? '<input>';
  const delim = opts.delimiter ?? ',';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') {
    throw badInput(`${file}: delimiter ${JSON.stringify(delim)} is not usable; pass a single character other than a quote or newline`);
  }
  const D = delim.charCodeAt(0);
  const trim = opts.trimFields === true;
  const skipLine = opts.skipLine;
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;

  let header: string[] | null = null;
  let columns: string[][] = [];
  if (Array.isArray(opts.header)) {
    header = checkHeader([...opts.header], file, 0);
    columns = header.map(() => []);
  }
  const generateNames = opts.header === false;
  const lines: number[] = [];
  let nRows = 0;
  const row: string[] = [];

  let i = 0;
  let line = 1;
  while (i < n) {
    // At the start of a record.
    let c = text.charCodeAt(i);
    if (c === LF) {
      i++;
      line++;
      continue;
    }
    if (c === CR) {
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    if (trim && (c === SPACE || c === TAB)) {
      let j = i;
      while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
      if (j >= n || text.charCodeAt(j) === LF || text.charCodeAt(j) === CR) {
        i = j; // whitespace-only line counts as blank; the terminator is consumed above
        if (j >= n) break;
        continue;
      }
    }
    if (skipLine) {
      let e = i;
      while (e < n && text.charCodeAt(e) !== LF && text.charCodeAt(e) !== CR) e++;
      if (skipLine(text.slice(i, e), line)) {
        i = e;
        continue;
      }
    }

    const recordLine = line;
    row.length = 0;
    for (;;) {
      // At the start of a field.
      let j = i;
      if (trim) while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
      if (j < n && text.charCodeAt(j) === QUOTE) {
        const openLine = line;
        let value = '';
        let seg = j + 1;
        let k = seg;
        for (;;) {
          const q = text.indexOf('"', k);
          if (q < 0) {
            throw badInput(`${file}:${openLine}: unterminated quoted field (opening quote never closed); close the quote, or double any quote inside the field ("")`);
          }
          for (let t = k; t < q; t++) if (text.charCodeAt(t) === LF) line++;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(seg, q + 1);
            k = q + 2;
            seg = k;
            continue;
          }
          value += text.slice(seg, q);
          i = q + 1;
          break;
        }
        if (trim) while (i < n && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
        row.push(value);
        c = i < n ? text.charCodeAt(i) : LF;
        if (c === D) {
          i++;
          continue;
        }
        if (c === LF || c === CR) break;
        throw badInput(`${file}:${line}: unexpected character ${JSON.stringify(text[i])} after a closing quote; put the delimiter right after the quote, or double quotes inside a quoted field ("")`);
      }
      let k = i;
      while (k < n) {
        const ch = text.charCodeAt(k);
        if (ch === D || ch === LF || ch === CR) break;
        k++;
      }
      row.push(trim ? text.slice(i, k).trim() : text.slice(i, k));
      i = k;
      if (i < n && text.charCodeAt(i) === D) {
        i++;
        continue;
      }
      break;
    }
    // Consume the record terminator.
    if (i < n) {
      if (text.charCodeAt(i) === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else i++;
      line++;
    }

    if (header === null) {
      if (generateNames) {
        header = row.map((_, j) => `col${j + 1}`);
        columns = header.map(() => []);
      } else {
        header = checkHeader(row.slice(), file, recordLine);
        columns = header.map(() => []);
        continue;
      }
    }
    if (row.length !== header.length) {
      throw badInput(
        `${file}:${recordLine}: row has ${row.length} field${row.length === 1 ? '' : 's'} but the header has ${header.length}; fix the row (quote fields that contain ${JSON.stringify(delim)}) or the header`,
      );
    }
    for (let j = 0; j < row.length; j++) columns[j].push(row[j]);
    lines.push(recordLine);
    nRows++;
  }

  if (header === null) throw badInput(`${file}: the file is empty (no header, no rows); pass a CSV file with a header line and data rows`);
  if (nRows === 0) throw badInput(`${file}: no data rows (only a header); add data rows or check that this is the right file`);
  return { header, columns, nRows, lines: Int32Array.from(lines) };
}

function checkHeader(names: string[], file: string, line: number): string[] {
  const where = line > 0 ? `${file}:${line}` : `${file} (given header)`;
  const seen = new Set<string>();
  for (let j = 0; j < names.length; j++) {
    const name = names[j];
    if (name.trim() === '') throw badInput(`${where}: header column ${j + 1} has an empty name; give every column a unique name`);
    if (seen.has(name)) throw badInput(`${where}: duplicate column name "${name}" in the header; give every column a unique name`);
    seen.add(name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Writing

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Quote a field when RFC 4180 requires it, or when trimming readers would lose edge whitespace. */
export function csvField(s: string, delimiter = ','): string {
  if (NEEDS_QUOTES.test(s) || (delimiter !== ',' && s.includes(delimiter))) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/**
 * Header line + one line per row, LF-terminated. Numbers are written with String(x), the shortest
 * text that parses back to the same double, so a write/read round trip is exact (integer values
 * print without decimals). Datetimes are ISO 8601 UTC: `YYYY-MM-DD` when every value in the column
 * is a UTC midnight, else full `toISOString()` (millisecond resolution). Missing values are empty
 * fields.
 */
export function writeCsv(table: Table, opts: { delimiter?: string } = {}): string {
  const delim = opts.delimiter ?? ',';
  const formatters: ((i: number) => string)[] = table.columns.map((col) => {
    if (col.type === 'coded') {
      const labels = col.categories.map((c) => csvField(c, delim));
      const codes = col.codes;
      return (i: number) => (codes[i] < 0 ? '' : labels[codes[i]]);
    }
    const v = col.values;
    if (col.spec.kind === 'datetime') {
      let dateOnly = true;
      for (let i = 0; i < v.length && dateOnly; i++) if (!Number.isNaN(v[i]) && v[i] % 86_400_000 !== 0) dateOnly = false;
      return (i: number) => {
        const x = v[i];
        if (Number.isNaN(x)) return '';
        const iso = new Date(Math.round(x)).toISOString();
        return dateOnly ? iso.slice(0, iso.indexOf('T')) : iso;
      };
    }
    return (i: number) => (Number.isNaN(v[i]) ? '' : String(v[i]));
  });
  const out: string[] = new Array(table.nRows + 1);
  out[0] = table.names.map((nm) => csvField(nm, delim)).join(delim);
  const m = formatters.length;
  for (let i = 0; i < table.nRows; i++) {
    let s = m ? formatters[0](i) : '';
    for (let j = 1; j < m; j++) s += delim + formatters[j](i);
    // A lone empty field would be an empty line, which readers skip as blank.
    out[i + 1] = s === '' ? '""' : s;
  }
  return out.join('\n') + '\n';
}

/** Read and parse a CSV file; a missing file is a NOT_FOUND error naming the path. */
export async function readCsvFile(path: string, opts: Omit<ParseCsvOptions, 'file'> = {}): Promise<ParsedCsv> {
  return parseCsv(await readTextFile(path), { ...opts, file: path });
}

/** UTF-8 text of a file with one-line errors for the common failures. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFound(`file not found: ${path}; check the path (relative paths resolve from ${process.cwd()})`);
    if (code === 'EISDIR') throw badInput(`${path} is a directory; pass the path of a file`);
    if (code === 'EACCES') throw badInput(`cannot read ${path} (permission denied); fix the file permissions`);
    throw err;
  }
}
