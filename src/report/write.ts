/**
 * Writes the report of a results directory (`results.jsonl`, plus `manifest.json` when present):
 * `report.html` by default, and on request `report.md`, `report.csv` and `report.json`. Each write
 * is atomic: the file goes to a temp file in the same directory and is renamed over the target, so
 * a reader never sees a half-written report.
 */
import { mkdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SynthbenchError, errorMessage } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { parseRecords } from '../runner/records.js';
import type { RunManifest } from '../runner/manifest.js';
import type { ResultRecord } from '../runner/records.js';
import { renderCsv } from './csv.js';
import { renderHtml, renderReportHtml, type RenderOptions } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { buildReport } from './model.js';

export interface WriteReportOptions extends RenderOptions {
  /** Output file; default `<dir>/report.html`. */
  outFile?: string;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Reads the records and (optional) manifest of a results directory, with one-line errors naming the fix. */
export async function loadRun(dir: string): Promise<{ records: ResultRecord[]; manifest: RunManifest | undefined }> {
  const resultsPath = join(dir, 'results.jsonl');
  const text = await readOptional(resultsPath);
  if (text === undefined) {
    throw new SynthbenchError(
      'NOT_FOUND',
      `no results.jsonl in ${dir}; run \`synthbench run\` (or \`synthbench evaluate --out ${dir}\`) to produce results there first`,
    );
  }
  let records;
  try {
    records = parseRecords(text, resultsPath);
  } catch (err) {
    throw new SynthbenchError('BAD_INPUT', errorMessage(err), { cause: err });
  }

  const manifestPath = join(dir, 'manifest.json');
  const manifestText = await readOptional(manifestPath);
  let manifest: RunManifest | undefined;
  if (manifestText !== undefined) {
    try {
      const parsed: unknown = JSON.parse(manifestText);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      manifest = parsed as RunManifest;
    } catch (err) {
      throw new SynthbenchError('BAD_INPUT', `${manifestPath} is not a valid manifest (${errorMessage(err)}); fix it or delete it to report without provenance`);
    }
  }
  return { records, manifest };
}

function writeOut(out: string, content: string): void {
  try {
    writeFileAtomic(out, content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_INPUT';
    throw new SynthbenchError(code, `cannot write ${out} (${errorMessage(err)}); check that its directory exists and is writable`, { cause: err });
  }
}

/** Renders the run in `dir` to HTML and returns the path of the written report. */
export async function writeReport(dir: string, opts: WriteReportOptions = {}): Promise<string> {
  const { records, manifest } = await loadRun(dir);
  const out = opts.outFile ?? join(dir, 'report.html');
  writeOut(out, await renderHtml(records, manifest, { title: opts.title, includeRecords: opts.includeRecords }));
  return out;
}

export type ReportFormat = 'html' | 'md' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'md', 'csv', 'json'];

export interface WriteReportsOptions extends RenderOptions {
  /** Formats to write (default html). */
  formats?: ReportFormat[];
  /**
   * Where to write. With one format: a file path, unless it names an existing directory or ends
   * with `/`. With several: a directory (created when missing). Default: the results directory.
   */
  out?: string;
}

/** Parses `html,md,csv,json` (any subset, any order) into formats, with a one-line error for unknown ones. */
export function parseFormats(list: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const raw of list.split(',')) {
    const f = raw.trim().toLowerCase();
    const name = f === 'markdown' ? 'md' : f;
    if (!(REPORT_FORMATS as readonly string[]).includes(name)) {
      throw new SynthbenchError('BAD_CONFIG', `unknown report format "${raw.trim()}"; use a comma-separated list of ${REPORT_FORMATS.join(', ')}`);
    }
    if (!out.includes(name as ReportFormat)) out.push(name as ReportFormat);
  }
  if (out.length === 0) throw new SynthbenchError('BAD_CONFIG', `no report format given; use a comma-separated list of ${REPORT_FORMATS.join(', ')}`);
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Writes the requested formats of the report of `dir`; returns the written paths in format order. */
export async function writeReports(dir: string, opts: WriteReportsOptions = {}): Promise<string[]> {
  const formats = opts.formats && opts.formats.length > 0 ? opts.formats : (['html'] as ReportFormat[]);
  const { records, manifest } = await loadRun(dir);
  const data = buildReport(records, manifest, { title: opts.title, includeRecords: opts.includeRecords });
  let outDir = dir;
  let single: string | null = null;
  if (opts.out !== undefined) {
    if (formats.length === 1 && !opts.out.endsWith('/') && !isDirectory(opts.out)) single = opts.out;
    else {
      outDir = opts.out;
      try {
        mkdirSync(outDir, { recursive: true });
      } catch (err) {
        throw new SynthbenchError('BAD_INPUT', `cannot create output directory ${outDir} (${errorMessage(err)}); choose a writable --out`);
      }
    }
  }
  const written: string[] = [];
  for (const f of formats) {
    const path = single ?? join(outDir, `report.${f}`);
    let content: string;
    if (f === 'html') content = await renderReportHtml(data);
    else if (f === 'md') content = renderMarkdown(data);
    else if (f === 'csv') content = renderCsv(data);
    else content = renderJson(data);
    writeOut(path, content);
    written.push(path);
  }
  return written;
}
