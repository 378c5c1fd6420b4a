/**
 * The results directory: results.jsonl (append-only, one record per line, appended one evaluator's
 * records per write), manifest.json (atomic), cache/ (synthetic tables by content hash). On open
 * it repairs an interrupted tail so a resumed run never sees half a record group.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/fs.js';
import { type ResultRecord, parseRecords } from './records.js';
import type { RunManifest } from './manifest.js';

export const RESULTS_FILE = 'results.jsonl';
export const MANIFEST_FILE = 'manifest.json';

/** Identity of one unit of work within a cell: the generator phase or one evaluator. */
export function workKey(cellId: string, source: ResultRecord['source']): string {
  return `${cellId}|${source.type}:${source.id}:${source.paramsHash ?? ''}`;
}

export class ResultStore {
  readonly dir: string;
  readonly resultsPath: string;
  private records: ResultRecord[] = [];
  private done = new Set<string>();

  constructor(dir: string) {
    this.dir = dir;
    this.resultsPath = path.join(dir, RESULTS_FILE);
    mkdirSync(dir, { recursive: true });
    this.load();
  }

  private load(): void {
    if (!existsSync(this.resultsPath)) return;
    const text = readFileSync(this.resultsPath, 'utf8');
    let records = parseRecords(text, this.resultsPath);
    if (text.length && !text.endsWith('\n')) {
      // The last append was cut short: drop that whole group (same cell and source) and rewrite.
      const last = records[records.length - 1];
      if (last) {
        const k = workKey(last.cellId, last.source);
        while (records.length && workKey(records[records.length - 1].cellId, records[records.length - 1].source) === k) records.pop();
      }
      writeFileAtomic(this.resultsPath, records.map((r) => JSON.stringify(r) + '\n').join(''));
    }
    this.records = records;
    for (const r of records) this.done.add(workKey(r.cellId, r.source));
  }

  all(): ResultRecord[] {
    return this.records;
  }

  isDone(key: string): boolean {
    return this.done.has(key);
  }

  /** Records of one unit of work (needed to retry failures). */
  recordsFor(key: string): ResultRecord[] {
    return this.records.filter((r) => workKey(r.cellId, r.source) === key);
  }

  /** Append one unit's records in a single write. */
  append(records: ResultRecord[]): void {
    if (!records.length) return;
    appendFileSync(this.resultsPath, records.map((r) => JSON.stringify(r) + '\n').join(''));
    for (const r of records) {
      this.records.push(r);
      this.done.add(workKey(r.cellId, r.source));
    }
  }

  /** Drop units (e.g. failed ones being retried) and rewrite the file atomically. */
  forget(keys: Set<string>): void {
    if (!keys.size) return;
    this.records = this.records.filter((r) => !keys.has(workKey(r.cellId, r.source)));
    for (const k of keys) this.done.delete(k);
    writeFileAtomic(this.resultsPath, this.records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  readManifest(): RunManifest | undefined {
    const p = path.join(this.dir, MANIFEST_FILE);
    if (!existsSync(p)) return undefined;
    return JSON.parse(readFileSync(p, 'utf8')) as RunManifest;
  }

  writeManifest(m: RunManifest): void {
    writeFileAtomic(path.join(this.dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
  }

  /** Ensure results.jsonl exists even when nothing ran (reports can then say so). */
  touch(): void {
    if (!existsSync(this.resultsPath)) writeFileSync(this.resultsPath, '');
  }
}
