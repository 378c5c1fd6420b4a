import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { } from '../runner/compare.js';
import { ROOT, cli, tmpDir } from './helpers.js';

const RELEASE = path.join(ROOT, 'benchmarks', 'policies', 'release.json');

describe('synthbench gate', () => {
  const out = tmpDir();
  const dir = tmpDir();
  beforeAll(async () => {
    const r = await cli(['run', '--train-size', '250', '-g', 'identity', 'gaussian-copula', '--repetitions', '2', '--out', out, '--no-open']);
    expect(r.status, r.stderr).toBe(0);
  }, 240_000);

  it('fails (exit 1) on the leaky identity generator: membership AUC ≈ 1 > 0.6', async () => {
    const junit = path.join(dir, 'identity.xml');
    const md = path.join(dir, 'identity.md');
    const r = await cli(['gate', out, '--policy', RELEASE, '-g', 'identity', '--junit', junit, '--markdown', md]);
    expect(r.status, r.stderr).toBe(1);
    const aucRow = r.stdout.split('\n').find((l) => l.startsWith('dcr.auc ≤ 0.6'))!;
    expect(aucRow).toMatch(/cohort\s+identity\s+1 \[1, 1\] \(n=2\)\s+≤ 0.6\s+FAIL/);
    expect(r.stdout).toMatch(/^FAIL: /m);
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure type="fail" message="1 &gt; 0.6">/);
    expect(readFileSync(md, 'utf8')).toMatch(/^## synthbench gate: release: FAIL/);
  });

  it('passes (exit 0) on gaussian-copula with the same policy', async () => {
    const r = await cli(['gate', out, '--policy', RELEASE, '-g', 'gaussian-copula']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS: 8 passed, 0 failed, 0 missing, 0 skipped$/m);
  });

  it('checks regressions against a baseline run: a run is within its own noise', async () => {
    const policy = path.join(dir, 'regress.json');
    writeFileSync(policy, JSON.stringify({ rules: [{ measure: 'dcr.auc', noRegression: true }, { measure: 'column-shapes.score', noRegression: true }] }));
    const r = await cli(['gate', out, '--policy', policy, '--baseline', out]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const noBase = await cli(['gate', out, '--policy', policy]);
    expect(noBase.status).toBe(2);
    expect(noBase.stderr.trim()).toBe('synthbench: error: rule 0 (dcr.auc) compares with a baseline; pass --baseline OLD_RESULTS_DIR');
  });

  it('rejects a bad policy or a missing directory with one line and exit 2', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ measure: 'dcr.auc', max: 0.6, aggregat: 'worst' }] }));
    const r = await cli(['gate', out, '--policy', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`synthbench: error: ${bad}: rules.0: unknown key(s) "aggregat"; fix it (see docs/gates.md)`]);
    writeFileSync(bad, '{ "rules": [');
    expect((await cli(['gate', out, '--policy', bad])).status).toBe(2);
    const missing = await cli(['gate', path.join(dir, 'nope'), '--policy', RELEASE]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^synthbench: error: results directory .*nope has no results\.jsonl/);
    expect((await cli(['gate', out, '--policy', path.join(dir, 'absent.json')])).status).toBe(2);
    expect(existsSync(path.join(dir, 'absent.json'))).toBe(false);
  });
});

describe('run --quick', () => {
  it('selects benchmarks/suites/quick.json (flags still override it) and refuses a suite file beside it', async () => {
    const out = tmpDir();
    const r = await cli(['run', '--quick', '-g', 'uniform', '--repetitions', '1', '-m', 'column-shapes', '--out', out, '--no-open']);
    expect(r.status, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.command).toBe('synthbench run --quick');
    expect(manifest.config).toMatchObject({ name: 'quick', datasets: [{ id: 'cohort' }], splits: { trainSize: 300 }, timeoutSeconds: 600 });
    const both = await cli(['run', '--quick', path.join(ROOT, 'benchmarks', 'suites', 'default.json'), '--out', tmpDir()]);
    expect(both.status).toBe(2);
    expect(both.stderr.trim()).toBe('synthbench: error: --quick selects the quick suite; pass either --quick or a suite file, not both');
  });
});

