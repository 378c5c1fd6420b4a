/**
 * Getting a dataset's upstream files, verified. For each file, in order: the offline mirror
 * (`<dataDir>/<id>/<file>`), the user cache (`<cacheDir>/<id>/<file>`), then a download with
 * global `fetch` into the cache. Every byte string is checked against its registered SHA-256
 * before use; a download is written to a temp file and renamed, so the cache never holds a
 * partial or unverified file. A source whose pinned file is a documented derivative of what its
 * URL serves converts the download first (`fromDownload`; the result is what gets verified and
 * cached); a source its URL cannot serve at all (`manual`) is mirror/cache-only.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SynthbenchError, errorMessage, notFound } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { sha256Hex } from '../core/hash.js';
import type { DatasetSource, DatasetSpec } from './dataset-spec.js';

export type FileOrigin = 'mirror' | 'cache' | 'download';

export interface FetchOptions {
  /** Offline mirror root (default env SYNTHBENCH_DATA_DIR). */
  dataDir?: string;
  /** Download cache root (default env SYNTHBENCH_CACHE_DIR, else $XDG_CACHE_HOME/synthbench/datasets, else ~/.cache/synthbench/datasets). */
  cacheDir?: string;
  /** Allow network downloads (default true unless env SYNTHBENCH_OFFLINE=1). */
  download?: boolean;
  /** fetch implementation (default global fetch). */
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** Environment to read defaults from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function resolveMirrorDir(opts: FetchOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  return opts.dataDir ?? (env.SYNTHBENCH_DATA_DIR || undefined);
}

export function resolveCacheDir(opts: FetchOptions = {}): string {
  const env = opts.env ?? process.env;
  if (opts.cacheDir) return opts.cacheDir;
  if (env.SYNTHBENCH_CACHE_DIR) return env.SYNTHBENCH_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'synthbench', 'datasets');
  return join(homedir(), '.cache', 'synthbench', 'datasets');
}

export function downloadsAllowed(opts: FetchOptions = {}): boolean {
  const env = opts.env ?? process.env;
  return opts.download ?? env.SYNTHBENCH_OFFLINE !== '1';
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function checksumError(msg: string): SynthbenchError {
  return new SynthbenchError('CHECKSUM', msg);
}

/** Fetch and verify every source file of a dataset. `source` is the most remote origin used. */
export async function fetchDatasetFiles(
  spec: Pick<DatasetSpec, 'id' | 'sources'>,
  opts: FetchOptions = {},
): Promise<{ files: Map<string, Buffer>; origins: Map<string, FileOrigin>; source: FileOrigin }> {
  const files = new Map<string, Buffer>();
  const origins = new Map<string, FileOrigin>();
  for (const src of spec.sources) {
    const r = await fetchOne(spec.id, src, opts);
    files.set(src.file, r.data);
    origins.set(src.file, r.origin);
  }
  const all = [...origins.values()];
  const source: FileOrigin = all.includes('download') ? 'download' : all.includes('cache') ? 'cache' : 'mirror';
  return { files, origins, source };
}

async function fetchOne(id: string, src: DatasetSource, opts: FetchOptions): Promise<{ data: Buffer; origin: FileOrigin }> {
  const expected = src.sha256.toLowerCase();
  const mirror = resolveMirrorDir(opts);
  if (mirror) {
    const path = join(mirror, id, src.file);
    const data = await readIfExists(path);
    if (data) {
      const actual = sha256Hex(data);
      if (actual !== expected) {
        throw checksumError(`dataset ${id}: mirror file ${path} has SHA-256 ${actual}, expected ${expected}; replace it with the upstream file from ${src.url}, or remove it to use the cache or a download`);
      }
      return { data, origin: 'mirror' };
    }
  }

  const cacheDir = resolveCacheDir(opts);
  const cachePath = join(cacheDir, id, src.file);
  const allowed = downloadsAllowed(opts);
  const cached = await readIfExists(cachePath);
  if (cached) {
    const actual = sha256Hex(cached);
    if (actual === expected) return { data: cached, origin: 'cache' };
    // The cache is ours: a damaged entry is replaced by a fresh, verified download when allowed.
    if (!allowed) {
      throw checksumError(`dataset ${id}: cached file ${cachePath} has SHA-256 ${actual}, expected ${expected}; delete it and allow downloads, or put a verified copy in a mirror (--data-dir)`);
    }
  }

  if (src.manual) {
    const where = mirror ? `${join(mirror, id, src.file)} or ${cachePath}` : cachePath;
    throw notFound(`dataset ${id}: ${src.file} is not at ${where} and cannot be downloaded: ${src.manual}; put the file (SHA-256 ${expected}) there, or pass its folder's parent with --data-dir / SYNTHBENCH_DATA_DIR (layout <dir>/${id}/${src.file})`);
  }
  if (!allowed) {
    const where = mirror ? `${join(mirror, id, src.file)} or ${cachePath}` : cachePath;
    throw notFound(`dataset ${id}: ${src.file} is not at ${where} and downloads are off (SYNTHBENCH_OFFLINE=1 or --offline); place the upstream file there (--data-dir / SYNTHBENCH_DATA_DIR, layout <dir>/${id}/${src.file}) or allow downloads`);
  }
  const served = await download(id, src, opts);
  const data = src.fromDownload ? derive(id, src, served) : served;
  const actual = sha256Hex(data);
  if (actual !== expected) {
    const what = src.fromDownload ? `${src.file} derived from the download of ${src.url}` : `${src.file} downloaded from ${src.url}`;
    throw checksumError(`dataset ${id}: ${what} has SHA-256 ${actual}, expected ${expected}; the upstream file changed or the transfer was corrupted: retry, or place a verified copy in a mirror (--data-dir / SYNTHBENCH_DATA_DIR)`);
  }
  writeFileAtomic(cachePath, data);
  return { data, origin: 'download' };
}

/** A failing conversion means the server sent something else: reported like a checksum mismatch. */
function derive(id: string, src: DatasetSource, served: Buffer): Buffer {
  try {
    return src.fromDownload!(served);
  } catch (err) {
    throw checksumError(`dataset ${id}: the file downloaded from ${src.url} is not the expected upstream file (${errorMessage(err)}); retry, or place a verified copy of ${src.file} in a mirror (--data-dir / SYNTHBENCH_DATA_DIR)`);
  }
}

async function download(id: string, src: DatasetSource, opts: FetchOptions): Promise<Buffer> {
  const f = opts.fetch ?? globalThis.fetch;
  const fail = (why: string) =>
    notFound(`dataset ${id}: download of ${src.url} failed (${why}); check the network, or use an offline copy with --data-dir / SYNTHBENCH_DATA_DIR (layout <dir>/${id}/${src.file})`);
  let res: Response;
  try {
    res = await f(src.url, { signal: opts.signal });
  } catch (err) {
    throw fail(causeMessage(err));
  }
  if (!res.ok) throw fail(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  try {
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw fail(causeMessage(err));
  }
}

/** undici wraps the real reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
function causeMessage(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const base = errorMessage(err);
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${base}: ${code ?? errorMessage(cause)}`;
  }
  return base;
}
