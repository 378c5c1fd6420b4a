import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import { writeReport } from '../../src/report/write.js';
import { rec, reps } from './factory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synthbench-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const jsonl = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('writeReport', () => {
  it('writes report.html atomically and leaves no temp file', async () => {
    await writeFile(join(dir, 'results.jsonl'), jsonl([...reps([0.5, 0.6, 0.7]), rec({ generator: 'tvae', value: null, status: 'failed', error: 'boom' })]));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ runId: 'run-xyz', configHash: 'abcd', datasets: {} }));
    const out = await writeReport(dir);
    expect(out).toBe(join(dir, 'report.html'));
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'report.html', 'results.jsonl']);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('run-xyz');
    expect(html).toContain('± 0.248');
    expect(html).toContain('>failed<');
    // a second write replaces the file in place
    await writeReport(dir, { title: 'again' });
    expect(await readFile(out, 'utf8')).toContain('<title>again</title>');
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'report.html', 'results.jsonl']);
  });

  it('works without a manifest and tolerates a torn last line', async () => {
    await writeFile(join(dir, 'results.jsonl'), jsonl(reps([0.5])) + '{"schemaVersion":1,"runId":');
    const html = await readFile(await writeReport(dir), 'utf8');
    expect(html).toContain('manifest.json not found');
  });

  it('fails with NOT_FOUND naming the directory and the fix when results.jsonl is missing', async () => {
    const missing = join(dir, 'no-such-run');
    const err = await writeReport(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SynthbenchError);
    expect((err as SynthbenchError).code).toBe('NOT_FOUND');
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toContain('synthbench run');
    expect((err as Error).message).not.toContain('\n');
  });

  it('fails with BAD_INPUT on a corrupt results line or manifest', async () => {
    await writeFile(join(dir, 'results.jsonl'), 'not json\n' + jsonl(reps([0.5])));
    await expect(writeReport(dir)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('results.jsonl:1') });
    await writeFile(join(dir, 'results.jsonl'), jsonl(reps([0.5])));
    await writeFile(join(dir, 'manifest.json'), '{oops');
    await expect(writeReport(dir)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('manifest.json') });
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'results.jsonl']);
  });
});
