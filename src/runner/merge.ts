/**
 * Combines results directories (the shards of one suite, or partial runs of it) into one. Every
 * input must come from the same suite (config hash) and code version unless forced. Records are
 * deduplicated by unit (cell × evaluator): a unit present in several inputs must agree on
 * everything but timings, timestamps, run ids and measured cost values, or the merge is refused.
 * The output is written in the grid's order (cell index, then generator phase, then evaluators in
 * suite order), which is the order a single serial run writes, so its report is the same.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SynthbenchError, badConfig, errorMessage, notFound } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { GENERATOR_SOURCE, evaluatorSource } from './cell.js';
import { planEvaluators } from './evaluators.js';
import { expandCells, planDatasets, planGenerators } from './grid.js';
import { MANIFEST_FILE, RESULTS_FILE, workKey } from './store.js';
import { type RunManifest, createManifest } from './manifest.js';
import { type ResultRecord, parseRecords } from './records.js';
import { parseSuite } from './suite.js';

export interface MergeOptions {
  inputs: string[];
  outDir: string;
  /** Accept inputs from different suites or code versions. */
  force?: boolean;
}

export interface MergeSummary {
  outDir: string;
  records: number;
  units: number;
  duplicateUnits: number;
  cells: { total: number; done: number; failed: number };
  warnings: string[];
}

/** A record with everything that legitimately differs between two runs of the same unit removed. */
export function comparableRecord(r: ResultRecord): Omit<ResultRecord, 'runId' | 'timestamp' | 'durationMs'> {
  const { runId: _r, timestamp: _t, durationMs: _d, ...rest } = r;
  if (rest.family === 'cost' && rest.source.type === 'runner') return { ...rest, value: null, note: undefined, ci: null };
  return rest;
}

function readDir(dir: string): { manifest: RunManifest; records: ResultRecord[] } {
  const resultsPath = path.join(dir, RESULTS_FILE);
  const manifestPath = path.join(dir, MANIFEST_FILE);
  if (!existsSync(resultsPath) || !existsSync(manifestPath)) throw notFound(`${dir} is not a results directory (needs ${RESULTS_FILE} and ${MANIFEST_FILE}); check the path`);
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest;
  } catch (err) {
    throw new SynthbenchError('BAD_INPUT', `${manifestPath} is not valid JSON (${errorMessage(err)}); fix or regenerate it`);
  }
  let records: ResultRecord[];
  try {
    records = parseRecords(readFileSync(resultsPath, 'utf8'), resultsPath);
  } catch (err) {
    throw new SynthbenchError('BAD_INPUT', errorMessage(err));
  }
  return { manifest, records };
}

export function mergeResults(opts: MergeOptions): MergeSummary {
  if (!opts.inputs.length) throw badConfig('merge needs at least one results directory');
  const outAbs = path.resolve(opts.outDir);
  if (opts.inputs.some((d) => path.resolve(d) === outAbs)) throw badConfig(`--out ${opts.outDir} is one of the inputs; write the merge to a new directory`);
  if (existsSync(path.join(opts.outDir, RESULTS_FILE))) throw badConfig(`${opts.outDir} already holds results; merge into a new or empty directory`);
  const inputs = opts.inputs.map((dir) => ({ dir, ...readDir(dir) }));
  const warnings: string[] = [];
  const first = inputs[0].manifest;
  for (const inp of inputs.slice(1)) {
    if (inp.manifest.configHash !== first.configHash) {
      const msg = `${inp.dir} is from a different suite (config ${inp.manifest.configHash}) than ${inputs[0].dir} (config ${first.configHash})`;
      if (!opts.force) throw badConfig(`${msg}; merge only shards of one suite, or pass --force`);
      warnings.push(msg);
    }
    if (inp.manifest.codeVersion !== first.codeVersion) {
      const msg = `${inp.dir} was written by ${inp.manifest.codeVersion}, ${inputs[0].dir} by ${first.codeVersion}`;
      if (!opts.force) throw badConfig(`${msg}; rerun the shards with one version, or pass --force`);
      warnings.push(msg);
    }
  }

  // Group records by unit; the first input holding a unit provides it, later copies must agree.
  const units = new Map<string, { dir: string; records: ResultRecord[] }>();
  let duplicateUnits = 0;
  for (const inp of inputs) {
    const local = new Map<string, ResultRecord[]>();
    for (const r of inp.records) {
      const k = workKey(r.cellId, r.source);
      const list = local.get(k);
      if (list) list.push(r);
      else local.set(k, [r]);
    }
    for (const [k, recs] of local) {
      const prev = units.get(k);
      if (!prev) {
        units.set(k, { dir: inp.dir, records: recs });
        continue;
      }
      duplicateUnits++;
      const a = JSON.stringify(prev.records.map(comparableRecord));
      const b = JSON.stringify(recs.map(comparableRecord));
      if (a !== b) {
        const r = recs[0];
        throw badConfig(
          `conflicting results for ${r.dataset} · ${r.generatorLabel} · rep ${r.repetition} · ${r.source.type} ${r.source.id} in ${prev.dir} and ${inp.dir}; remove one copy (or rerun that unit) and merge again`,
        );
      }
    }
  }

  // Order the output as a serial run of the suite would write it.
  const order = new Map<string, number>();
  let total = 0;
  let suiteOk = false;
  try {
    const suite = parseSuite(first.config, `${inputs[0].dir}/${MANIFEST_FILE}`);
    const evalPlans = planEvaluators(suite.attacks, suite.metrics);
    const cells = expandCells(suite, planDatasets(suite.datasets), planGenerators(suite.generators));
    total = cells.length;
    let i = 0;
    for (const c of cells) {
      order.set(workKey(c.cellId, GENERATOR_SOURCE), i++);
      for (const p of evalPlans) order.set(workKey(c.cellId, evaluatorSource(p)), i++);
    }
    suiteOk = true;
  } catch (err) {
    if (!opts.force) throw badConfig(`cannot re-expand the suite of ${inputs[0].dir} (${errorMessage(err)}); pass --force to merge in input order`);
    warnings.push(`suite not re-expanded (${errorMessage(err)}): records kept in input order`);
  }
  const keys = [...units.keys()];
  if (suiteOk) {
    const stray = keys.filter((k) => !order.has(k));
    if (stray.length && !opts.force) throw badConfig(`${stray.length} unit(s) do not belong to the suite's grid (e.g. ${stray[0]}); pass --force to keep them`);
    keys.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
  }
  const records = keys.flatMap((k) => units.get(k)!.records);

  mkdirSync(opts.outDir, { recursive: true });
  writeFileAtomic(path.join(opts.outDir, RESULTS_FILE), records.map((r) => JSON.stringify(r) + '\n').join(''));
  // Synthetic-table caches travel along so the merged directory can be resumed with `run`.
  for (const inp of inputs) {
    const cache = path.join(inp.dir, 'cache');
    if (!existsSync(cache)) continue;
    mkdirSync(path.join(opts.outDir, 'cache'), { recursive: true });
    for (const f of readdirSync(cache)) {
      const dest = path.join(opts.outDir, 'cache', f);
      if (!f.startsWith('.') && !existsSync(dest)) copyFileSync(path.join(cache, f), dest);
    }
  }

  const cellIds = new Set(records.map((r) => r.cellId));
  const failedCells = new Set(records.filter((r) => r.status === 'failed' || r.status === 'timed-out').map((r) => r.cellId));
  const unitsPerCell = order.size && total ? order.size / total : 0;
  const perCell = new Map<string, number>();
  for (const k of keys) perCell.set(k.split('|')[0], (perCell.get(k.split('|')[0]) ?? 0) + 1);
  const done = unitsPerCell ? [...perCell.values()].filter((n) => n >= unitsPerCell).length : cellIds.size;
  const cells = { total: total || cellIds.size, done, failed: failedCells.size };
  const datasets: RunManifest['datasets'] = {};
  for (const inp of inputs) Object.assign(datasets, inp.manifest.datasets);
  const backends = [...new Set(inputs.map((i) => i.manifest.backend))];
  if (backends.length > 1) warnings.push(`inputs ran on different tfjs backends (${backends.join(', ')}); every record names its own`);
  const manifest = createManifest({
    command: `synthbench merge ${opts.inputs.join(' ')}`,
    backend: backends.join('+'),
    configHash: first.configHash,
    config: first.config,
    seed: first.seed,
    datasets,
    cells,
    mergedFrom: inputs.map((i) => ({ dir: i.dir, runId: i.manifest.runId, codeVersion: i.manifest.codeVersion, ...(i.manifest.shard ? { shard: i.manifest.shard } : {}) })),
  });
  // The merge reports the code that produced the records, not the code that merged them.
  manifest.codeVersion = first.codeVersion;
  writeFileAtomic(path.join(opts.outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { outDir: opts.outDir, records: records.length, units: keys.length, duplicateUnits, cells, warnings };
}
