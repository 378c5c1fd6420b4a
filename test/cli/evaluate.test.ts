import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../src/runner/records.js';
import { FIXTURES, cli, readRecords, tmpDir, value } from './helpers.js';

const ext = path.join(FIXTURES, 'adult-external');

describe('synthbench evaluate on files made elsewhere (adult-external fixture)', () => {
  const out = tmpDir();
  const schema = path.join(out, 'schema.json');
  let res: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    writeFileSync(
      schema,
      JSON.stringify({ target: 'income', sensitive: ['sex', 'race', 'age'], quasiIdentifiers: ['age', 'sex', 'race', 'marital_status', 'education', 'native_country'] }),
    );
    res = await cli([
      'evaluate',
      '--train', path.join(ext, 'train.csv'),
      '--holdout', path.join(ext, 'control.csv'),
      '--synthetic', path.join(ext, 'synthetic_a.csv'), path.join(ext, 'synthetic_b.csv'), path.join(ext, 'synthetic_c.csv'),
      '--schema', schema,
      '--out', out,
      '--json',
    ]);
  }, 900_000);

  it('runs every applicable attack and metric; the rest are skipped with the reason, none fail', async () => {
    expect(res.status, res.stderr).toBe(0);
    const printed: ResultRecord[] = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(printed.map((r) => r.generatorLabel))).toEqual(new Set(['synthetic_a', 'synthetic_b', 'synthetic_c']));
    for (const r of printed) expect(['ok', 'skipped'], `${r.generatorLabel} ${r.measure}: ${r.error}`).toContain(r.status);
    // Without --reference, exactly the attacks that need the population sample are skipped, saying so;
    // shadow modelling needs to re-run the generator, which evaluate cannot do.
    const skipped = new Set(printed.filter((r) => r.status === 'skipped').map((r) => r.source.id));
    expect([...skipped].sort()).toEqual(['dcr-diff', 'domias', 'domias-gaussian', 'logan-d1', 'shadow-tapas']);
    for (const r of printed.filter((x) => x.status === 'skipped')) expect(r.error).toMatch(/reference|generator/);
    const ran = new Set(printed.filter((r) => r.status === 'ok').map((r) => r.source.id));
    for (const id of ['dcr', 'mc-density', 'disclosure-proxies', 'attribute-inference', 'linkability', 'singling-out', 'disclosure', 'column-shapes', 'detection', 'tstr', 'fairness-label', 'fairness-downstream']) {
      expect(ran.has(id), `${id} did not run`).toBe(true);
    }
    expect(readRecords(out).length).toBe(printed.length);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
  });

  it('tells the three synthetic files apart', async () => {
    const recs = readRecords(out);
    const aucs = ['synthetic_a', 'synthetic_b', 'synthetic_c'].map((g) => value(recs, g, 'dcr.auc'));
    // Not all equally risky: at least one pair differs beyond both bootstrap intervals.
    const cis = ['synthetic_a', 'synthetic_b', 'synthetic_c'].map((g) => recs.find((r) => r.generatorLabel === g && r.measure === 'dcr.auc')!.ci!);
    const separated = [[0, 1], [0, 2], [1, 2]].some(([i, j]) => cis[i][1] < cis[j][0] || cis[j][1] < cis[i][0]);
    expect(separated, `AUCs ${aucs.join(', ')}`).toBe(true);
    for (const g of ['synthetic_a', 'synthetic_b', 'synthetic_c']) {
      const ratio = value(recs, g, 'tstr.accuracy-ratio');
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(1.2);
    }
  });

  it('prints a readable table without --json, running only what --config lists', async () => {
    const cfg = path.join(out, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ metrics: [{ id: 'column-shapes' }] }));
    const r = await cli(['evaluate', '--train', path.join(ext, 'train.csv'), '--holdout', path.join(ext, 'control.csv'), '--synthetic', path.join(ext, 'synthetic_a.csv'), '--config', cfg]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/synthetic_a\s+↑ column-shapes\.score\s+0\.\d{3}/);
    expect(r.stdout).not.toMatch(/dcr/);
  });

  it('a missing --config file is a one-line error', async () => {
    const r = await cli(['evaluate', '--train', path.join(ext, 'train.csv'), '--holdout', path.join(ext, 'control.csv'), '--synthetic', path.join(ext, 'synthetic_a.csv'), '--config', path.join(out, 'nope.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/config file not found/);
  });
});

describe('evaluate on the synth-mia-housing fixture (all numeric, with reference)', () => {
  it('runs attacks and metrics; skips TSTR without a target, saying why', async () => {
    const dir = path.join(FIXTURES, 'synth-mia-housing');
    const r = await cli(['evaluate', '--train', path.join(dir, 'mem.csv'), '--holdout', path.join(dir, 'non_mem.csv'), '--reference', path.join(dir, 'ref.csv'), '--synthetic', path.join(dir, 'synth.csv'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const recs: ResultRecord[] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const auc = recs.find((x) => x.measure === 'dcr.auc')!;
    expect(auc.status).toBe('ok');
    expect(auc.value!).toBeGreaterThanOrEqual(0);
    expect(auc.value!).toBeLessThanOrEqual(1);
    const tstr = recs.find((x) => x.source.id === 'tstr')!;
    expect(tstr.status).toBe('skipped');
    expect(tstr.error).toMatch(/target/);
  });
});

describe('report', () => {
  it('on a directory without results fails with a one-line error', async () => {
    const r = await cli(['report', tmpDir()]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/results/);
  });
});
