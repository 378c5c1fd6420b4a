// The HTML report in a real browser: headless Chromium (Debian's `chromium` package) driven by
// playwright-core opens the written file from a file:// URL and exercises sorting, filtering,
// the charts and a hostile generator/category name.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import type { ResultRecord } from '../../src/runner/records.js';
import { reps } from '../report/factory.js';

const CHROMIUM = '/usr/bin/chromium';
const IMG = '<img src=x onerror=alert(1)>';

function records(): ResultRecord[] {
  const roc = { fpr: [0, 0.002, 0.01, 0.1, 0.5, 1], tpr: [0, 0.01, 0.05, 0.3, 0.7, 1] };
  const out: ResultRecord[] = [];
  const gens: [string, number][] = [
    ['identity', 0.95],
    ['uniform', 0.4],
    [IMG, 0.7],
  ];
  for (const [g, q] of gens) {
    const o = { generator: g, generatorLabel: g };
    out.push(...reps([q, q + 0.01, q - 0.01], { ...o, source: { type: 'metric', id: 'column-shapes' }, measure: 'column-shapes.score' }));
    out.push(
      ...reps([q - 0.1, q - 0.09, q - 0.11], {
        ...o,
        family: 'membership',
        source: { type: 'attack', id: 'dcr' },
        measure: 'dcr.auc',
        direction: 'lower-better',
        details: { roc, worstTargets: [{ index: 17, split: 'train', score: 0.93 }] },
      }),
    );
    out.push(...reps([q, q, q - 0.02], { ...o, family: 'utility', source: { type: 'metric', id: 'tstr' }, measure: 'tstr.accuracy-ratio' }));
    out.push(...reps([q / 10, q / 9, q / 11], { ...o, family: 'fairness', source: { type: 'metric', id: 'fairness' }, measure: `fairness.gap[${IMG}]`, direction: 'lower-better' }));
    out.push(...reps([q / 5, q / 6, q / 4], { ...o, family: 'fairness', source: { type: 'metric', id: 'fairness' }, measure: 'fairness.gap[Female]', direction: 'lower-better' }));
    out.push(...reps([q * 3, q * 3.1, q * 2.9], { ...o, family: 'cost', source: { type: 'runner', id: 'generator' }, measure: 'cost.fit-seconds', units: 's', direction: 'lower-better' }));
  }
  return out;
}

let dir: string;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the browser tests need Debian's chromium package; install it with \`apt-get install -y chromium\` (.ci/run does this)`);
  }
  dir = await mkdtemp(join(tmpdir(), 'synthbench-browser-'));
  await writeFile(join(dir, 'results.jsonl'), records().map((r) => JSON.stringify(r)).join('\n') + '\n');
  const file = await writeReport(dir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Any request other than the page itself would be a leak (the report must work offline).
  page.on('request', (r) => {
    if (r.url() !== pathToFileURL(file).href) errors.push(`unexpected request ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const labels = (tableId: string) => page.$$eval(`#${tableId} tbody tr:not([hidden]) th[scope="row"]`, (ths) => ths.map((t) => t.textContent ?? ''));

describe('HTML report in headless Chromium', () => {
  it('sorts a table when a header is clicked, best first, then reversed', async () => {
    expect(await labels('ds-0-table')).toEqual([IMG, 'identity', 'uniform']); // by label
    const header = page.locator('#ds-0-table thead th[data-col]', { hasText: 'column-shapes.score' });
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await labels('ds-0-table')).toEqual(['identity', IMG, 'uniform']);
    await header.locator('button').click();
    expect(await labels('ds-0-table')).toEqual(['uniform', IMG, 'identity']);
  });

  it('filters rows with the text box', async () => {
    const box = page.locator('input.filter[data-filter="ds-0-table"]');
    await box.fill('unif');
    expect(await labels('ds-0-table')).toEqual(['uniform']);
    await box.fill('');
    expect((await labels('ds-0-table')).length).toBe(3);
    await page.locator('input.filter[data-filter="overview-table"]').fill('identity');
    expect(await labels('overview-table')).toEqual(['identity']);
  });

  it('shows the charts as inline SVG', async () => {
    expect(await page.locator('#ds-0-pareto svg').count()).toBe(1);
    expect(await page.locator('figure.chart svg').count()).toBe(4); // Pareto, ROC, per-subgroup fairness, fit time vs quality
    expect(await page.locator('figure.chart svg text', { hasText: 'log scale' }).count()).toBeGreaterThan(0);
  });

  it('shows a hostile generator and category name as text and runs nothing', async () => {
    expect(await page.locator('img').count()).toBe(0);
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(IMG);
    expect(await page.locator('#ds-0-table tbody th', { hasText: IMG }).count()).toBe(1);
    // the category name inside a chart is SVG text, not markup
    expect(await page.locator('figure.chart svg text', { hasText: '<img' }).count()).toBeGreaterThan(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('lists the most exposed records by index and score only', async () => {
    const rows = await page.$$eval('#exposed-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows).toHaveLength(9); // one per generator and repetition
    expect(rows[0].slice(3)).toEqual(['0', 'train', '17', '0.93']);
  });
});
