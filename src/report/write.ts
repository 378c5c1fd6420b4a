/**
 * Writes `<dir>/report.html` from `<dir>/results.jsonl` (and `<dir>/manifest.json` when present).
 * The write is atomic: the page goes to a temp file in the same directory and is renamed over the
 * target, so a reader never sees a half-written report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SynthbenchError, errorMessage } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { parseRecords } from '../runner/records.js';
import type { RunManifest } from '../runner/manifest.js';
import { renderHtml, type RenderOptions } from './html.js';

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

/** Renders the run in `dir` to HTML and returns the path of the written report. */
export async function writeReport(dir: string, opts: WriteReportOptions = {}): Promise<string> {
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

  const out = opts.outFile ?? join(dir, 'report.html');
  const html = renderHtml(records, manifest, { title: opts.title });
  try {
    writeFileAtomic(out, html);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_INPUT';
    throw new SynthbenchError(code, `cannot write ${out} (${errorMessage(err)}); check that its directory exists and is writable`, { cause: err });
  }
  return out;
}
