import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, cli, tmpDir } from './helpers.js';

const ext = path.join(FIXTURES, 'adult-external');
const dir = tmpDir();
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** A user error: non-zero exit, exactly one line on stderr, no stack trace, and the line names something. */
async function expectOneLineError(args: string[], pattern: RegExp) {
  const r = await cli(args);
  expect(r.status, r.stdout + r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(lines[0]).toMatch(pattern);
}

const good = 'a,b,y\n1,x,yes\n2,y,no\n3,x,yes\n4,y,no\n';

describe('bad input gets a one-line error and a non-zero exit', () => {
  it('missing file', async () => expectOneLineError(['evaluate', '--train', path.join(dir, 'nope.csv'), '--holdout', path.join(ext, 'control.csv'), '--synthetic', path.join(ext, 'synthetic_a.csv')], /not found.*nope\.csv/));
  it('malformed CSV', async () => {
    const bad = file('bad.csv', 'a,b,y\n1,x,yes\n2,"y,no\n');
    await expectOneLineError(['evaluate', '--train', bad, '--holdout', file('h.csv', good), '--synthetic', file('s.csv', good)], /bad\.csv/);
  });
  it('wrong columns in the synthetic file', async () => {
    await expectOneLineError(['evaluate', '--train', file('t.csv', good), '--holdout', file('h2.csv', good), '--synthetic', file('s2.csv', 'a,c,y\n1,x,yes\n')], /s2\.csv.*(b|c)/);
  });
  it('empty table', async () => {
    await expectOneLineError(['evaluate', '--train', file('empty.csv', 'a,b,y\n'), '--holdout', file('h3.csv', good), '--synthetic', file('s3.csv', good)], /empty\.csv|no data|empty/i);
  });
  it('all-missing column', async () => {
    const allMissing = 'a,b,y\n1,,yes\n2,,no\n';
    await expectOneLineError(['evaluate', '--train', file('m.csv', allMissing), '--holdout', file('m2.csv', allMissing), '--synthetic', file('m3.csv', allMissing)], /"?b"?.*missing|missing.*"?b"?/);
  });
  it('target not in the data', async () => {
    await expectOneLineError(['evaluate', '--train', file('t4.csv', good), '--holdout', file('h4.csv', good), '--synthetic', file('s4.csv', good), '--target', 'income'], /income/);
  });
  it('unknown column in the schema file', async () => {
    const schema = file('schema.json', JSON.stringify({ columns: { nosuch: { kind: 'integer' } } }));
    await expectOneLineError(['evaluate', '--train', file('t5.csv', good), '--holdout', file('h5.csv', good), '--synthetic', file('s5.csv', good), '--schema', schema], /nosuch/);
  });
  it('unknown generator id', async () => expectOneLineError(['run', '-g', 'no-such-gan', '--out', path.join(dir, 'o1')], /unknown generator "no-such-gan".*identity/));
  it('unknown attack id', async () => expectOneLineError(['run', '-a', 'no-such-attack', '--out', path.join(dir, 'o2')], /unknown attack "no-such-attack"/));
  it('invalid suite JSON', async () => expectOneLineError(['run', file('suite.json', '{ "generators": [ }'), '--out', path.join(dir, 'o3')], /suite.*not valid JSON/));
  it('suite with a misspelt key', async () => expectOneLineError(['run', file('suite2.json', '{ "generatorz": ["identity"] }'), '--out', path.join(dir, 'o4')], /generatorz/));
  it('bad generator params', async () => expectOneLineError(['run', file('suite3.json', JSON.stringify({ generators: [{ id: 'marginals', params: { bins: -3 } }] })), '--out', path.join(dir, 'o5')], /marginals.*bins/));
  it('unknown dataset', async () => expectOneLineError(['run', '-d', 'nope', '--out', path.join(dir, 'o6')], /unknown dataset "nope"/));
  it('bad flag value', async () => {
    const r = await cli(['run', '--train-size', 'lots']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--train-size must be an integer/);
  });
  it('verbose prints the stack', async () => {
    const r = await cli(['run', '-g', 'no-such-gan', '--out', path.join(dir, 'o7'), '--verbose']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('list', () => {
  it('lists every registry', async () => {
    const r = await cli(['list', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const l = JSON.parse(r.stdout);
    expect(l.generators.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining(['identity', 'uniform', 'marginals', 'gaussian-copula']));
    expect(l.attacks.map((a: { id: string }) => a.id)).toContain('dcr');
    expect(l.metrics.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['column-shapes', 'correlation-similarity', 'tstr']));
    expect(l.datasets.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['adult', 'cohort']));
  });
});
