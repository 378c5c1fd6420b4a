import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Measure } from '../../src/core/measure.js';
import type { Table } from '../../src/core/table.js';
import { uniform } from '../../src/generators/baseline/uniform.js';
import { generators } from '../../src/generators/registry.js';
import type { Generator } from '../../src/generators/types.js';
import { metrics } from '../../src/metrics/registry.js';
import type { Metric } from '../../src/metrics/types.js';
import { QUICK_SUITE } from '../../src/runner/profiles.js';
import { runSuite } from '../../src/runner/run.js';
import { inShard, parseShard } from '../../src/runner/shard.js';
import { parseSuite } from '../../src/runner/suite.js';
import { tmpDir } from '../cli/helpers.js';
import { z } from 'zod';
import { unsupported } from '../../src/core/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A generator that "calls a paid service": uniform sampling plus a usage report.
const fakeLlm: Generator = {
  id: 'fake-llm',
  family: 'llm',
  summary: 'test double: uniform rows, reports token usage',
  paramsSchema: z.object({}).strict(),
  async fit(train, params, ctx) {
    const model = await uniform.fit(train, params, ctx);
    return {
      sample: (n, rng) => model.sample(n, rng),
      usage: { promptTokens: 1200, completionTokens: 800, requests: 3 },
      measures: () => [{ id: 'cost.exposed-train-rows', value: 10, direction: 'lower-better' as const }],
    };
  },
};
generators.register(fakeLlm);

// A generator that cannot run in this environment (like llm-endpoint without an endpoint).
const unconfigured: Generator = {
  id: 'unconfigured',
  family: 'llm',
  summary: 'test double: always unsupported',
  paramsSchema: z.object({}).strict(),
  async fit() {
    throw unsupported('unconfigured: no endpoint configured; set SYNTHBENCH_LLM_BASE_URL');
  },
};
generators.register(unconfigured);

// A metric that retrains the cell's generator through ctx.generator (what shadow-modelling attacks do).
const probe: Metric = {
  id: 'generator-probe',
  family: 'fidelity',
  summary: 'test double: refits ctx.generator',
  formula: 'rows = |sample(25)| of a refitted generator',
  directions: 'rows ◦',
  paramsSchema: z.object({}).strict(),
  async compute(ctx): Promise<Measure[]> {
    if (!ctx.generator) throw new Error('ctx.generator missing');
    const model = await ctx.generator.fit(ctx.train, 7);
    const t: Table = await model.sample(25, ctx.rng);
    return [{ id: 'generator-probe.rows', value: t.nRows, direction: 'neutral', note: `${ctx.generator.id} ${JSON.stringify(ctx.generator.params)}` }];
  },
};
metrics.register(probe);

describe('cost measured by the runner', () => {
  it('records peak RSS, tokens and the estimated price from the suite pricing', async () => {
    const suite = parseSuite({
      name: 'cost',
      splits: { trainSize: 200 },
      generators: ['fake-llm', 'uniform'],
      attacks: [],
      metrics: ['generator-probe'],
      pricing: { 'fake-llm': { promptPer1k: 0.5, completionPer1k: 1.5 } },
    });
    const out = tmpDir();
    const s = await runSuite({ suite, outDir: out, download: false });
    const byGen = (g: string, m: string) => s.records.find((r) => r.generator === g && r.measure === m);
    expect(byGen('fake-llm', 'cost.tokens')).toMatchObject({ value: 2000, units: 'tokens', details: { promptTokens: 1200, completionTokens: 800, requests: 3 } });
    const usd = byGen('fake-llm', 'cost.estimated-usd')!;
    expect(usd.value).toBeCloseTo(1.2 * 0.5 + 0.8 * 1.5, 12); // 1.8
    expect(usd.units).toBe('USD');
    // price per 1,000 valid rows (200 rows sampled) and the generator's own measures
    expect(byGen('fake-llm', 'cost.usd-per-1k-rows')!.value).toBeCloseTo(1.8 * 5, 12);
    expect(byGen('fake-llm', 'cost.exposed-train-rows')).toMatchObject({ value: 10, status: 'ok', family: 'cost' });
    expect(byGen('uniform', 'cost.tokens')).toBeUndefined();
    for (const g of ['fake-llm', 'uniform']) {
      const rss = byGen(g, 'cost.peak-rss-bytes')!;
      expect(rss.value).toBeGreaterThan(10 * 2 ** 20);
      expect(rss.note).toBeUndefined(); // in-thread: the process is this cell's alone
      expect(byGen(g, 'cost.fit-seconds')!.value).toBeGreaterThanOrEqual(0);
      expect(byGen(g, 'generator-probe.rows')).toMatchObject({ value: 25, status: 'ok', note: `${g} {}` });
    }
  });

  it('records a generator that cannot run here as skipped with its reason, not as failed', async () => {
    const suite = parseSuite({ name: 'unsupported', splits: { trainSize: 200 }, generators: ['unconfigured'], attacks: ['dcr'], metrics: ['column-shapes'] });
    const s = await runSuite({ suite, outDir: tmpDir(), download: false });
    expect(s.records.map((r) => [r.measure, r.status])).toEqual([
      ['cost.fit-seconds', 'skipped'],
      ['dcr', 'skipped'],
      ['column-shapes', 'skipped'],
    ]);
    expect(s.records[0].error).toMatch(/no endpoint configured/);
    expect(s.failedUnits).toBe(0);
  });

  it('leaves the config hash of a suite without pricing unchanged (pricing is optional, no default)', () => {
    expect('pricing' in parseSuite({ name: 'x' })).toBe(false);
  });
});

describe('shards', () => {
  it('partitions cell indices by index mod N, 0-based', () => {
    const spec = parseShard('1/3');
    expect([0, 1, 2, 3, 4, 5, 6].filter((i) => inShard(i, spec))).toEqual([1, 4]);
    expect(() => parseShard('3/3')).toThrow(/0-based and must be 0\.\.2/);
    expect(() => parseShard('1-3')).toThrow(/I\/N/);
    expect(() => parseShard('0/0')).toThrow(/at least 1/);
  });
});

describe('published suites', () => {
  it('benchmarks/suites/quick.json is the --quick profile; default.json mirrors the built-in default', () => {
    const quick = JSON.parse(readFileSync(path.join(ROOT, 'benchmarks/suites/quick.json'), 'utf8'));
    expect(parseSuite(quick)).toEqual(parseSuite(QUICK_SUITE));
    const def = JSON.parse(readFileSync(path.join(ROOT, 'benchmarks/suites/default.json'), 'utf8'));
    expect(parseSuite(def)).toEqual(parseSuite({ name: 'default' }));
  });
});

describe('worker threads: hard per-cell timeout', () => {
  it('terminates a worker whose cell overruns and records the cell as timed-out', async () => {
    const suite = parseSuite({ name: 'hard', splits: { trainSize: 200 }, generators: ['uniform', 'marginals'], attacks: ['dcr'], metrics: ['column-shapes'], timeoutSeconds: 0.001 });
    const out = tmpDir();
    // Grace 0: the main thread kills each worker 1 ms after handing it the cell, long before the
    // worker's own cooperative deadline can be noticed (it is still loading the dataset).
    const s = await runSuite({ suite, outDir: out, download: false, workers: 2, hardTimeoutGraceMs: 0 });
    expect(s.workers).toBe(2);
    const gen = s.records.filter((r) => r.source.id === 'generator');
    expect(gen.map((r) => r.status)).toEqual(['timed-out', 'timed-out']);
    for (const r of gen) expect(r.error).toMatch(/did not stop; its worker was terminated/);
    const evals = s.records.filter((r) => r.source.id !== 'generator');
    expect(evals).toHaveLength(4);
    for (const r of evals) expect(r).toMatchObject({ status: 'skipped' });
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.cells).toEqual({ total: 2, done: 2, failed: 2 });
  }, 120_000);
});
