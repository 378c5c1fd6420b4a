/** Shared helpers of the dataset tests: where the offline mirror is, label counts, a corrupted mirror. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import type { Table } from '../../src/core/table.js';
import { loadDataset } from '../../src/data/registry.js';

/** The offline mirror: SYNTHBENCH_DATA_DIR when set (CI), else ../shared/datasets from the project root. */
export const MIRROR = process.env.SYNTHBENCH_DATA_DIR || fileURLToPath(new URL('../../../shared/datasets', import.meta.url));

/** Rows per label of a coded column; missing values under the key `(missing)`. */
export function labelCounts(table: Table, column: string): Record<string, number> {
  const cats = table.column(column).spec.categories!;
  const out: Record<string, number> = {};
  for (const c of table.codes(column)) {
    const k = c < 0 ? '(missing)' : cats[c];
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Rows per (label of `by`, label of `column`) pair, keyed `by|column`. */
export function crossCounts(table: Table, by: string, column: string): Record<string, number> {
  const a = table.column(by).spec.categories!;
  const b = table.column(column).spec.categories!;
  const ca = table.codes(by);
  const cb = table.codes(column);
  const out: Record<string, number> = {};
  for (let i = 0; i < table.nRows; i++) {
    const k = `${ca[i] < 0 ? '(missing)' : a[ca[i]]}|${cb[i] < 0 ? '(missing)' : b[cb[i]]}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function numericSum(table: Table, column: string): number {
  let s = 0;
  for (const v of table.numeric(column)) if (!Number.isNaN(v)) s += v;
  return s;
}

export function missingCount(table: Table, column: string): number {
  const col = table.column(column);
  let n = 0;
  if (col.type === 'numeric') for (const v of col.values) n += Number.isNaN(v) ? 1 : 0;
  else for (const c of col.codes) n += c < 0 ? 1 : 0;
  return n;
}

export function roleColumns(table: Table, role: string): string[] {
  return table.schema.columns.filter((c) => c.roles.includes(role as never)).map((c) => c.name);
}

/** A mirror holding a wrong `<id>/<file>` must fail with one CHECKSUM line naming the file and both digests. */
export async function expectChecksumMismatch(id: string, file: string, expected: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'synthbench-mirror-'));
  mkdirSync(join(dir, id));
  writeFileSync(join(dir, id, file), 'not the upstream file\n');
  const err = await loadDataset(id, { dataDir: dir, cacheDir: join(dir, 'cache'), download: false, env: {} }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SynthbenchError);
  const e = err as SynthbenchError;
  expect(e.code).toBe('CHECKSUM');
  expect(e.message).not.toContain('\n');
  expect(e.message).toContain(join(dir, id, file));
  expect(e.message).toContain(`expected ${expected}`);
}
