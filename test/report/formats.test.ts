import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, renderCsv } from '../../src/report/csv.js';
import { exposedTargets } from '../../src/report/evidence.js';
import { renderJson } from '../../src/report/json.js';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';
import { buildReport } from '../../src/report/model.js';
import { parseFormats, writeReports } from '../../src/report/write.js';
import type { ResultRecord } from '../../src/runner/records.js';
import { rec, reps } from './factory.js';

const IMG = '<img src=x onerror=alert(1)>';

function sample(): ResultRecord[] {
  const worst = [
    { index: 12, split: 'train', score: 0.2 },
    { index: 40, split: 'train', score: 0.9 },
    { index: 7, split: 'holdout', score: 0.5 },
    // malformed entries are dropped, and nothing but index/split/score is ever read
    { index: -1, split: 'train', score: 1 },
    { index: 3, split: 'train', score: 'high' },
    { index: 5, split: '<b>x</b>', score: 0.1, row: { age: 41, diagnosis: 'secret-value' } },
  ];
  return [
    ...reps([0.8, 0.82, 0.84], { generator: 'good', generatorLabel: 'good' }),
    ...reps([0.7, 0.71, 0.75], { generator: IMG, generatorLabel: IMG }),
    ...reps([0.6, 0.62], { generator: 'good', generatorLabel: 'good', family: 'membership', source: { type: 'attack', id: 'dcr' }, measure: 'dcr.auc', direction: 'lower-better', details: { worstTargets: worst } }),
    rec({ generator: 'good', generatorLabel: 'good', measure: 'ks-complement[=cmd|calc]', value: 0.95 }),
    rec({ generator: IMG, generatorLabel: IMG, repetition: 3, value: null, status: 'failed', error: 'boom' }),
  ];
}

describe('exposed targets', () => {
  it('keeps only valid index/split/score entries, highest score first', () => {
    const ex = exposedTargets(sample());
    expect(ex.map((t) => [t.index, t.split, t.score])).toEqual([
      [40, 'train', 0.9],
      [40, 'train', 0.9],
      [7, 'holdout', 0.5],
      [7, 'holdout', 0.5],
      [12, 'train', 0.2],
      [12, 'train', 0.2],
      [5, 'unknown', 0.1],
      [5, 'unknown', 0.1],
    ]);
    expect(JSON.stringify(ex)).not.toContain('secret-value');
    expect(exposedTargets(sample(), 3)).toHaveLength(3);
  });
});

describe('Markdown', () => {
  it('escapes structure and HTML in data-derived strings', () => {
    expect(escapeMarkdown(`a|b ${IMG} *x* [l](u)\nnext`)).toBe('a\\|b &lt;img src=x onerror=alert\\(1\\)&gt; \\*x\\* \\[l\\]\\(u\\) next');
  });

  it('has the summary table, one headline table per dataset, stars and the winners line', () => {
    const md = renderMarkdown(buildReport(sample(), undefined));
    expect(md).toContain('### Summary scores');
    expect(md).toContain('| Dataset | Generator | Privacy ↑ | Fidelity ↑ | Utility ↑ | Fairness ↑ | Cost ↓ | Wins |');
    expect(md).toContain('### adult');
    expect(md).toContain("| good | 0.610 ± 0.127 | 0.820 ± 0.050 ★ |");
    expect(md).toContain('Significant winners (★): ks-complement: good.');
    expect(md).toContain('\\(1 not ok\\)');
    expect(md).toContain('1 failed, timed-out or skipped record:');
    expect(md).not.toContain('<img');
  });
});

describe('CSV', () => {
  it('one row per aggregated cell, headline and breakdown, formula-safe', () => {
    const csv = renderCsv(buildReport(sample(), undefined));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    // 2 generators × 2 headline measures + 2 breakdown cells (the failed repetition's status reaches the breakdown too)
    expect(lines).toHaveLength(1 + 4 + 2);
    const good = lines.find((l) => l.startsWith('adult,good,p0,metric,ks,ks-complement,,'))!;
    const cols = good.split(',');
    expect(cols[CSV_COLUMNS.indexOf('mean')]).toBe(String((0.8 + 0.82 + 0.84) / 3));
    expect(cols[CSV_COLUMNS.indexOf('n')]).toBe('3');
    expect(cols[CSV_COLUMNS.indexOf('significant_winner')]).toBe('true');
    expect(csv).toContain(",'=cmd|calc,");
    const bad = lines.find((l) => l.includes('onerror') && l.includes('ks-complement,'))!;
    expect(bad.split(',')[CSV_COLUMNS.indexOf('failed')]).toBe('1');
  });
});

describe('JSON', () => {
  it('serialises the aggregated model with summaries and winners', () => {
    const doc = JSON.parse(renderJson(buildReport(sample(), undefined)));
    expect(doc).toMatchObject({ format: 'synthbench-report', version: 1 });
    const ds = doc.datasets[0];
    expect(ds.rows.map((r: { label: string }) => r.label)).toEqual([IMG, 'good']);
    expect(ds.rows[1].summaries.privacy.value).toBeCloseTo(1 - 2 * 0.11, 12);
    const ks = ds.columns.find((c: { measure: string }) => c.measure === 'ks-complement');
    expect(ks.winner).toMatchObject({ row: 'good|p0', method: 'welch' });
    expect(doc.failures).toHaveLength(1);
  });
});

describe('writeReports', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synthbench-reports-'));
    await writeFile(join(dir, 'results.jsonl'), sample().map((r) => JSON.stringify(r)).join('\n') + '\n');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ runId: 'run-9', datasets: { adult: { fingerprint: 'f00d', rows: 10, source: 'mirror' } } }));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every format into the results directory by default, or into --out', async () => {
    const files = await writeReports(dir, { formats: ['html', 'md', 'csv', 'json'] });
    expect(files).toEqual(['html', 'md', 'csv', 'json'].map((f) => join(dir, `report.${f}`)));
    const out = join(dir, 'out', 'nested');
    await writeReports(dir, { formats: ['md', 'csv'], out });
    expect((await readdir(out)).sort()).toEqual(['report.csv', 'report.md']);
    const single = join(dir, 'summary.md');
    expect(await writeReports(dir, { formats: ['md'], out: single })).toEqual([single]);
    expect(await readFile(single, 'utf8')).toContain('run-9');
  });

  it('shows the most exposed records by index only; --include-records adds the banner and lookup hints', async () => {
    const [plain] = await writeReports(dir, { formats: ['html'], out: join(dir, 'plain.html') });
    const html = await readFile(plain, 'utf8');
    const exposed = html.slice(html.indexOf('<section id="exposed">'), html.indexOf('<section id="failures">'));
    expect(exposed).toContain('<td class="mono" data-sort="40">40</td>');
    expect(exposed).not.toContain('class="banner"');
    expect(exposed).not.toContain('Lookup');
    expect(html).not.toContain('secret-value');

    const [internal] = await writeReports(dir, { formats: ['html'], out: join(dir, 'internal.html'), includeRecords: true });
    const html2 = await readFile(internal, 'utf8');
    expect(html2).toContain('class="banner"');
    expect(html2).toContain('row 40 of the train split of adult (repetition 0, dataset fingerprint f00d)');
    expect(html2).not.toContain('secret-value');
    const md = await readFile((await writeReports(dir, { formats: ['md'], out: join(dir, 'i.md'), includeRecords: true }))[0], 'utf8');
    expect(md).toContain('Internal use (--include-records)');
  });

  it('parses format lists with one-line errors', () => {
    expect(parseFormats('html, MD,markdown,json')).toEqual(['html', 'md', 'json']);
    expect(() => parseFormats('html,pdf')).toThrow(/unknown report format "pdf"; use a comma-separated list of html, md, csv, json/);
  });
});
