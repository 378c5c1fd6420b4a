import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { featureSpec, shadowFeatures } from '../../../src/attacks/membership/shadow/features.js';
import { shadowParams, shadowTapas } from '../../../src/attacks/membership/shadow/tapas.js';
import { attacks } from '../../../src/attacks/registry.js';
import type { EvalContext } from '../../../src/core/context.js';
import { Rng } from '../../../src/core/rng.js';
import type { Table } from '../../../src/core/table.js';
import { generators } from '../../../src/generators/registry.js';
import { makeTable, randomTable } from '../../ml/tables.js';
import { byId, ctxOf } from './helpers.js';

/** ctx.generator as the runner provides it (src/runner/cell.ts), for a registered generator with default params. */
function withGenerator(ctx: EvalContext, id: string): EvalContext {
  const g = generators.get(id);
  const params = g.paramsSchema.parse({});
  return {
    ...ctx,
    generator: {
      id,
      params,
      fit: (train: Table, seed: number) => g.fit(train, params, { seed, rng: new Rng(seed).fork('fit'), progress: { update() {} } }),
    },
  };
}

describe('shadow-modelling attack (TAPAS style)', () => {
  const train = randomTable(200, 40, 0.05);
  const holdout = randomTable(200, 41, 0.05);
  const reference = randomTable(300, 42, 0.05);
  const small = { nTargets: 2, trainPairs: 6, testPairs: 6, maxDatasetSize: 60, nQueries: 40, nTrees: 30 };

  it('is registered, and skipped with a reason without a generator or a reference', () => {
    expect(attacks.get('shadow-tapas')).toBe(shadowTapas);
    const p = shadowParams.parse({});
    expect(p).toMatchObject({ nTargets: 3, trainPairs: 8, testPairs: 8, maxDatasetSize: 1000, workers: 'auto' });
    expect(shadowTapas.unsupportedReason!(ctxOf(train, holdout, train, reference), p)).toMatch(/black-box access to the generator/);
    expect(shadowTapas.unsupportedReason!(withGenerator(ctxOf(train, holdout, train), 'identity'), p)).toMatch(/reference/);
  });

  it('identity generator: every target is recognised (AUC 1)', async () => {
    const ctx = withGenerator(ctxOf(train, holdout, train, reference), 'identity');
    const ms = byId(await runAttack(shadowTapas, small, ctx));
    expect(ms['shadow-tapas.auc'].value).toBe(1);
    const per = Object.keys(ms).filter((k) => k.startsWith('shadow-tapas.auc[target='));
    expect(per).toHaveLength(2);
    for (const k of per) expect(ms[k].value).toBe(1);
    const worst = ms['shadow-tapas.auc'].details!.worstTargets as { index: number; split: string }[];
    expect(worst.map((w) => `shadow-tapas.auc[target=${w.index}]`).sort()).toEqual(per.sort());
  });

  it('uniform generator (ignores the data): near chance', async () => {
    const ctx = withGenerator(ctxOf(train, holdout, train, reference), 'uniform');
    const ms = byId(await runAttack(shadowTapas, small, ctx));
    const a = ms['shadow-tapas.auc'];
    expect(a.ci![0]).toBeLessThanOrEqual(0.5);
    expect(a.ci![1]).toBeGreaterThanOrEqual(0.5);
  });

  it('runs the refits on worker threads with the same scores as in-process (workers 2 and auto vs 1)', async () => {
    const ctx = withGenerator(ctxOf(train, holdout, train, reference), 'uniform');
    const one = await shadowTapas.run(ctx, shadowParams.parse({ ...small, workers: 1 }));
    const two = await shadowTapas.run(ctx, shadowParams.parse({ ...small, workers: 2 }));
    const auto = await shadowTapas.run(ctx, shadowParams.parse(small));
    const exec = (r: typeof one) => r.measures![0].details!.execution as { mode: string; threads: number; onThreads?: number; releases: number };
    const releases = 2 * 2 * (small.trainPairs + small.testPairs);
    expect(exec(one)).toEqual({ mode: 'in-process', threads: 0, releases, reason: 'workers: 1' });
    // With explicit workers the calling thread only coordinates: every release ran on a thread.
    expect(exec(two)).toEqual({ mode: 'threads', threads: 2, releases, onThreads: releases, reason: 'workers: 2' });
    expect(exec(auto)).toMatchObject({ mode: os.availableParallelism() > 1 ? 'auto' : 'in-process', releases });
    const strip = (r: typeof one) => r.measures!.map((m) => ({ ...m, details: { ...m.details, execution: undefined } }));
    expect(strip(two)).toEqual(strip(one));
    expect(strip(auto)).toEqual(strip(one));
    // uniform draws its rows from the fit rng: equal scores mean every release was reproduced.
    expect(one.measures![0].value).toBeGreaterThan(0);
  });

  it('a generator the threads cannot rebuild runs in-process, with the reason', async () => {
    const base = withGenerator(ctxOf(train, holdout, train, reference), 'identity');
    const ctx = { ...base, generator: { ...base.generator!, id: 'my-own-identity' } };
    const r = await shadowTapas.run(ctx, shadowParams.parse({ ...small, nTargets: 1, trainPairs: 2, testPairs: 2, workers: 2 }));
    expect(r.measures![0].details!.execution).toMatchObject({ mode: 'in-process', reason: expect.stringMatching(/not a built-in generator/) });
    expect(r.measures![0].value).toBe(1);
  });

  it('features: counting queries count target matches; histograms sum to 1', () => {
    const ref = makeTable([
      { name: 'x', values: [0, 10] },
      { name: 'c', labels: ['a', 'b'], categories: ['a', 'b'] },
    ]);
    const syn = makeTable([
      { name: 'x', values: [0.5, 0.4, 9.9, 5] },
      { name: 'c', labels: ['a', 'a', 'a', 'b'], categories: ['a', 'b'] },
    ]);
    const target = makeTable([
      { name: 'x', values: [0.1] },
      { name: 'c', labels: ['a'], categories: ['a', 'b'] },
    ]);
    const spec = featureSpec(ref, ['x', 'c'], 0, new Rng(1));
    spec.queries = [Int32Array.from([0, 1]), Int32Array.from([1])];
    const f = shadowFeatures(spec, syn, target);
    // x: mean, sd, median, 10 bins; c: 2 frequencies; no numeric pairs; 2 queries.
    expect(f.length).toBe(3 + 10 + 2 + 2);
    expect(f[0]).toBeCloseTo((0.5 + 0.4 + 9.9 + 5) / 4, 12);
    expect(Array.from(f.slice(3, 13)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(f[3]).toBe(0.5); // two rows in bin [0, 1)
    expect(f[13]).toBe(0.75); // category a
    expect(f[15]).toBe(0.5); // x in bin 0 and c = a: rows 0 and 1
    expect(f[16]).toBe(0.75); // c = a
  });
});
