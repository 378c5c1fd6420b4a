import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import type { Schema } from '../../src/core/schema.js';
import { Table } from '../../src/core/table.js';
import type { DatasetSpec } from '../../src/data/dataset-spec.js';
import { fetchDatasetFiles, resolveCacheDir, downloadsAllowed } from '../../src/data/fetch.js';
import { datasets, loadDataset } from '../../src/data/registry.js';

const MIRROR = fileURLToPath(new URL('../../../shared/datasets', import.meta.url));
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

const BODY = 'x,y\n1,a\n2,b\n3,a\n';
const GOOD_SHA = sha(BODY);

let server: Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/good.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(BODY);
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const schema: Schema = {
  columns: [
    { name: 'x', kind: 'integer', roles: [] },
    { name: 'y', kind: 'categorical', roles: ['target'], categories: ['a', 'b'] },
  ],
};

/** A test-only file-based dataset served by the local server. */
function testSpec(id: string, path: string, sha256: string): DatasetSpec {
  return {
    id,
    summary: 'test dataset',
    citation: 'none',
    homepage: 'none',
    sources: [{ file: 'good.csv', url: `${base}${path}`, sha256 }],
    target: 'y',
    sensitive: [],
    quasiIdentifiers: [],
    load(files) {
      const lines = files.get('good.csv')!.toString('utf8').trim().split('\n').slice(1);
      return new Table(schema, [Float64Array.from(lines, (l) => +l.split(',')[0]), Int32Array.from(lines, (l) => (l.split(',')[1] === 'a' ? 0 : 1))]);
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<SynthbenchError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SynthbenchError);
    expect((err as Error).message).not.toContain('\n');
    return err as SynthbenchError;
  }
  throw new Error('expected a rejection');
}

describe('download, verify and cache', () => {
  it('downloads, verifies and caches atomically; the next load comes from the cache', async () => {
    datasets.register(testSpec('test-good', '/good.csv', GOOD_SHA));
    const cacheDir = mkdtempSync(join(tmpdir(), 'sb-cache-'));
    const before = hits;
    const r1 = await loadDataset('test-good', { cacheDir, env: {} });
    expect(r1.source).toBe('download');
    expect(hits).toBe(before + 1);
    expect([...r1.table.numeric('x')]).toEqual([1, 2, 3]);
    expect(readFileSync(join(cacheDir, 'test-good', 'good.csv'), 'utf8')).toBe(BODY);
    expect(readdirSync(join(cacheDir, 'test-good'))).toEqual(['good.csv']);

    const r2 = await loadDataset('test-good', { cacheDir, env: {} });
    expect(r2.source).toBe('cache');
    expect(hits).toBe(before + 1);
    expect(r2.fingerprint).toBe(r1.fingerprint);

    // A damaged cache entry is replaced by a fresh verified download.
    writeFileSync(join(cacheDir, 'test-good', 'good.csv'), 'tampered');
    const r3 = await loadDataset('test-good', { cacheDir, env: {} });
    expect(r3.source).toBe('download');
    expect(readFileSync(join(cacheDir, 'test-good', 'good.csv'), 'utf8')).toBe(BODY);

    // ... but with downloads off it is a CHECKSUM error.
    writeFileSync(join(cacheDir, 'test-good', 'good.csv'), 'tampered');
    const e = await rejection(loadDataset('test-good', { cacheDir, download: false, env: {} }));
    expect(e.code).toBe('CHECKSUM');
  });

  it('a wrong checksum fails without leaving a file in the cache', async () => {
    const wrong = '0'.repeat(64);
    const cacheDir = mkdtempSync(join(tmpdir(), 'sb-cache-'));
    const e = await rejection(fetchDatasetFiles(testSpec('test-bad', '/good.csv', wrong), { cacheDir, env: {} }));
    expect(e.code).toBe('CHECKSUM');
    expect(e.message).toContain('good.csv');
    expect(e.message).toContain(`expected ${wrong}`);
    expect(e.message).toContain(`SHA-256 ${GOOD_SHA}`);
    const dir = join(cacheDir, 'test-bad');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('HTTP and network failures name the URL and suggest an offline mirror', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sb-cache-'));
    const e404 = await rejection(fetchDatasetFiles(testSpec('test-404', '/missing.csv', GOOD_SHA), { cacheDir, env: {} }));
    expect(e404.code).toBe('NOT_FOUND');
    expect(e404.message).toContain(`${base}/missing.csv`);
    expect(e404.message).toContain('HTTP 404');
    expect(e404.message).toContain('--data-dir / SYNTHBENCH_DATA_DIR');

    const failingFetch = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as typeof fetch;
    const eNet = await rejection(fetchDatasetFiles(testSpec('test-net', '/good.csv', GOOD_SHA), { cacheDir, fetch: failingFetch, env: {} }));
    expect(eNet.message).toMatch(/download of http:\/\/127\.0\.0\.1:\d+\/good\.csv failed \(fetch failed: ECONNREFUSED\); check the network, or use an offline copy with --data-dir/);
  });

  it('offline mode never touches the network', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sb-cache-'));
    const before = hits;
    const e = await rejection(fetchDatasetFiles(testSpec('test-off', '/good.csv', GOOD_SHA), { cacheDir, env: { SYNTHBENCH_OFFLINE: '1' } }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('downloads are off');
    expect(hits).toBe(before);
  });

  it('resolves directories from options, then the environment', () => {
    expect(resolveCacheDir({ cacheDir: '/a', env: { SYNTHBENCH_CACHE_DIR: '/b' } })).toBe('/a');
    expect(resolveCacheDir({ env: { SYNTHBENCH_CACHE_DIR: '/b', XDG_CACHE_HOME: '/x' } })).toBe('/b');
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: '/x' } })).toBe(join('/x', 'synthbench', 'datasets'));
    expect(resolveCacheDir({ env: {} })).toMatch(/\.cache[/\\]synthbench[/\\]datasets$/);
    expect(downloadsAllowed({ env: {} })).toBe(true);
    expect(downloadsAllowed({ env: { SYNTHBENCH_OFFLINE: '1' } })).toBe(false);
    expect(downloadsAllowed({ download: true, env: { SYNTHBENCH_OFFLINE: '1' } })).toBe(true);
  });
});

describe('mirror verification', () => {
  it('a tampered mirror copy is a CHECKSUM error naming the file and both digests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-mirror-'));
    mkdirSync(join(dir, 'adult'));
    for (const f of ['adult.test', 'adult.names']) copyFileSync(join(MIRROR, 'adult', f), join(dir, 'adult', f));
    const data = readFileSync(join(MIRROR, 'adult', 'adult.data'));
    const tampered = Buffer.from(data);
    tampered[0] = '4'.charCodeAt(0); // first age 39 -> 49
    writeFileSync(join(dir, 'adult', 'adult.data'), tampered);
    const e = await rejection(loadDataset('adult', { dataDir: dir, download: false, env: {} }));
    expect(e.code).toBe('CHECKSUM');
    expect(e.message).toContain(join(dir, 'adult', 'adult.data'));
    expect(e.message).toContain(`has SHA-256 ${sha(tampered)}, expected 5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d`);
    expect(e.message).toContain('replace it with the upstream file');
  });

  it('the registered adult digests match the mirror files', async () => {
    const { files, source } = await fetchDatasetFiles(datasets.get('adult'), { dataDir: MIRROR, download: false, env: {} });
    expect(source).toBe('mirror');
    expect([...files.keys()].sort()).toEqual(['adult.data', 'adult.names', 'adult.test']);
  });
});
