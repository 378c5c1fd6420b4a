import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import type { RunManifest } from '../../src/runner/manifest.js';
import type { ResultRecord } from '../../src/runner/records.js';
import { rec, reps } from './factory.js';

const IMG = '<img src=x onerror=alert(1)>';
const IMG_ESCAPED = '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;';
const SCRIPT = '"><script>alert(1)</script>';
const SCRIPT_ESCAPED = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;';

const manifest: RunManifest = {
  schemaVersion: 1,
  runId: 'run-42',
  command: 'synthbench run',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T01:00:00.000Z',
  codeVersion: '0.1.0+abc123-dirty',
  nodeVersion: 'v20.19.0',
  platform: 'linux-x64',
  backend: 'tensorflow',
  packages: { '@tensorflow/tfjs': '4.22.0' },
  configHash: 'cafebabe12345678',
  config: {},
  seed: 1234,
  datasets: { adult: { fingerprint: 'deadbeef00112233', rows: 48842, source: 'mirror' } },
  cells: { total: 6, done: 6, failed: 1 },
};

function sample(): ResultRecord[] {
  return [
    ...reps([0.5, 0.6, 0.7], { family: 'membership', measure: 'dcr.share', proxy: true, direction: 'lower-better', source: { type: 'attack', id: 'dcr' } }),
    ...reps([0.9, 0.8, 0.85]),
    rec({ generator: 'tvae', value: null, status: 'failed', error: 'loss became NaN <at epoch 3>' }),
    rec({ generator: 'tvae', value: null, status: 'skipped', error: 'needs a reference split', family: 'membership', measure: 'dcr.share', proxy: true, direction: 'lower-better', source: { type: 'attack', id: 'dcr' } }),
    rec({ generator: 'baseline', value: 0.4 }),
    rec({ generator: 'baseline', repetition: 1, value: null, status: 'timed-out', error: 'over budget' }),
    rec({ generator: 'baseline', repetition: 2, value: 0.6 }),
    rec({ measure: 'ks-complement[age]', value: 0.95 }),
  ];
}

/** Text of each element of `tag` in the page. */
function blocks(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
}

describe('renderHtml', () => {
  it('shows the run summary from the manifest', async () => {
    const html = await renderHtml(sample(), manifest);
    for (const s of ['run-42', '0.1.0+abc123-dirty', 'v20.19.0', 'tensorflow', 'cafebabe12345678', '1234', '2025-01-01T00:00:00.000Z', 'deadbeef00112233', '48842']) {
      expect(html).toContain(s);
    }
    expect(html).toContain('<title>synthbench leaderboard: run-42</title>');
    expect(await renderHtml(sample(), manifest, { title: 'My board' })).toContain('<title>My board</title>');
  });

  it('without a manifest, says so and shows provenance from the records', async () => {
    const html = await renderHtml(sample(), undefined);
    expect(html).toContain('manifest.json not found');
    expect(html).toContain('run-1');
  });

  it('renders cells as mean ± half-width with n, directions, proxies and sort keys', async () => {
    const html = await renderHtml(sample(), manifest);
    expect(html).toMatch(/data-sort="0\.6"[^>]*><span class="v">0\.600<\/span> <span class="ci">± 0\.248<\/span> <span class="n">n&#x3D;3<\/span>/);
    expect(html).toContain('<span class="arrow">↓</span> <span class="proxy">(proxy)</span>');
    expect(html).toContain('<span class="arrow">↑</span>');
    // lower-better sorts best (lowest) first on the first click, higher-better highest first.
    expect(html).toMatch(/data-first="ascending"[^>]*title="dcr\.share: ↓ lower is better; privacy proxy/);
    expect(html).toMatch(/data-first="descending"[^>]*title="ks-complement: ↑ higher is better/);
  });

  it('shows failed, timed-out and skipped cells as such, with the error escaped in the title', async () => {
    const html = await renderHtml(sample(), manifest);
    expect(html).toMatch(
      /<td class="cell state-failed" data-sort="" title="1 failed: loss became NaN &lt;at epoch 3&gt;"><span class="status">failed<\/span><\/td>/,
    );
    expect(html).toMatch(/<td class="cell state-skipped" data-sort="" title="1 skipped: needs a reference split"><span class="status">skipped<\/span>/);
    // partial: mean of the ok repetitions (0.4, 0.6) and the failure count
    expect(html).toMatch(/data-sort="0\.5"[^>]*><span class="v">0\.500<\/span>[^<]*<span class="ci">[^<]*<\/span> <span class="n">n&#x3D;2<\/span> <span class="badge">1 timed out<\/span>/);
    expect(html).not.toContain('loss became NaN <at epoch 3>');
  });

  it('lists every non-ok record in the Failures section', async () => {
    const html = await renderHtml(sample(), manifest);
    const failures = html.slice(html.indexOf('<section id="failures">'), html.indexOf('<section id="legend"'));
    expect(failures.match(/<tr><td>/g)).toHaveLength(3);
    expect(failures).toContain('class="status-failed">failed<');
    expect(failures).toContain('class="status-timed-out">timed out<');
    expect(failures).toContain('class="status-skipped">skipped<');
    expect(failures).toContain('loss became NaN &lt;at epoch 3&gt;');
    const none = await renderHtml(reps([0.5]), undefined);
    expect(none).toContain('No failed, timed-out or skipped records.');
  });

  it('puts per-column measures in a collapsible details section', async () => {
    const html = await renderHtml(sample(), manifest);
    const details = html.slice(html.indexOf('<details'), html.indexOf('</details>'));
    expect(details).toContain('<summary>Per-column breakdowns (1)</summary>');
    expect(details).toContain('<span class="label">age</span>');
    expect(details).toContain('data-sort="0.95"');
    // the per-column measure is not a headline column
    const head = html.slice(html.indexOf('<table class="leaderboard'), html.indexOf('</table>'));
    expect(head).not.toContain('age');
  });

  it('escapes every data-derived string', async () => {
    const evil: ResultRecord[] = [
      rec({ dataset: `ds${SCRIPT}`, generator: IMG, generatorLabel: IMG, measure: `ks[${SCRIPT}]`, note: IMG }),
      rec({ dataset: `ds${SCRIPT}`, generator: IMG, generatorLabel: IMG, measure: SCRIPT, value: null, status: 'failed', error: SCRIPT }),
      rec({ dataset: `ds${SCRIPT}`, generator: IMG, generatorLabel: IMG, measure: IMG, units: SCRIPT, source: { type: 'metric', id: IMG } }),
    ];
    const m = { ...manifest, runId: SCRIPT, datasets: { [IMG]: { fingerprint: SCRIPT, rows: 1, source: IMG } } };
    for (const html of [await renderHtml(evil, m), await renderHtml(evil, undefined, { title: IMG })]) {
      expect(html).not.toContain(IMG);
      expect(html).not.toContain(SCRIPT);
      expect(html).not.toContain('alert(1)</script>');
      expect(html).toContain(IMG_ESCAPED);
      expect(html).toContain(SCRIPT_ESCAPED);
      // exactly one script element: ours
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).not.toMatch(/onerror=/i);
    }
  });

  it('makes no network requests: no external src/href, no http(s) URLs, CSP forbids the rest', async () => {
    const html = await renderHtml(sample(), manifest);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1].startsWith('#')).toBe(true);
    expect(html).toContain('default-src &#x27;none&#x27;');
  });

  it('the CSP hashes match the inline style and script exactly', async () => {
    const html = await renderHtml(sample(), manifest);
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)![1].replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=');
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const [style] = blocks(html, 'style');
    const [script] = blocks(html, 'script');
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
  });

  it('is deterministic', async () => {
    expect(await renderHtml(sample(), manifest)).toBe(await renderHtml(sample(), manifest));
  });
});

// A minimal DOM, just enough for the sorting script: tables, header cells, body rows.
class El {
  attrs = new Map<string, string>();
  children: El[] = [];
  parent: El | null = null;
  listeners: ((ev: { target: El }) => void)[] = [];
  constructor(
    public tag: string,
    attrs: Record<string, string> = {},
    public textContent = '',
  ) {
    for (const [k, v] of Object.entries(attrs)) this.attrs.set(k, v);
  }
  getAttribute(k: string) {
    return this.attrs.has(k) ? this.attrs.get(k)! : null;
  }
  setAttribute(k: string, v: string) {
    this.attrs.set(k, v);
  }
  append(...els: El[]) {
    for (const e of els) {
      e.parent = this;
      this.children.push(e);
    }
    return this;
  }
  appendChild(e: El) {
    if (e.parent) e.parent.children.splice(e.parent.children.indexOf(e), 1);
    return this.append(e);
  }
  get rows() {
    return this.children;
  }
  get tBodies() {
    return this.children.filter((c) => c.tag === 'tbody');
  }
  all(): El[] {
    return this.children.flatMap((c) => [c, ...c.all()]);
  }
  querySelectorAll(sel: string) {
    if (sel === 'th[data-col]') return this.all().filter((e) => e.tag === 'th' && e.attrs.has('data-col'));
    throw new Error(`unsupported selector ${sel}`);
  }
  closest(sel: string): El | null {
    if (sel !== 'thead th[data-col]') throw new Error(`unsupported selector ${sel}`);
    for (let e: El | null = this; e; e = e.parent) if (e.tag === 'th' && e.attrs.has('data-col') && e.parent?.parent?.tag === 'thead') return e;
    return null;
  }
  addEventListener(_type: string, fn: (ev: { target: El }) => void) {
    this.listeners.push(fn);
  }
  click(target: El) {
    for (const fn of this.listeners) fn.call(this, { target });
  }
}

describe('sorting script', () => {
  async function setup() {
    const html = await renderHtml(sample(), manifest);
    const [script] = blocks(html, 'script');
    const hdrName = new El('th', { 'data-col': '0', 'data-type': 'text', 'data-first': 'ascending', 'aria-sort': 'none' });
    const hdrScore = new El('th', { 'data-col': '1', 'data-first': 'descending', 'aria-sort': 'none' });
    const button = new El('button');
    hdrScore.append(button);
    const thead = new El('thead').append(new El('tr').append(hdrName, hdrScore));
    const row = (name: string, sort: string) =>
      new El('tr').append(new El('th', { 'data-sort-text': name }, name), new El('td', { 'data-sort': sort }));
    const tbody = new El('tbody').append(row('a', '0.2'), row('b', ''), row('c', '0.9'), row('d', '0.5'), row('e', '1e-3'));
    const table = new El('table').append(thead, tbody);
    const document = { querySelectorAll: (sel: string) => (sel === 'table.sortable' ? [table] : []) };
    new Function('document', script)(document);
    const order = () => tbody.children.map((r) => r.children[0].textContent).join('');
    return { table, tbody, hdrName, hdrScore, button, order };
  }

  it('sorts numerically on data-sort, first click best-first, toggles, failures always last', async () => {
    const { table, hdrScore, hdrName, button, order } = await setup();
    table.click(button); // click lands on the button inside the header
    expect(order()).toBe('cdaeb');
    expect(hdrScore.getAttribute('aria-sort')).toBe('descending');
    table.click(hdrScore);
    expect(order()).toBe('eadcb');
    expect(hdrScore.getAttribute('aria-sort')).toBe('ascending');
    table.click(hdrName);
    expect(order()).toBe('abcde');
    expect(hdrScore.getAttribute('aria-sort')).toBe('none');
    table.click(hdrName);
    expect(order()).toBe('edcba');
  });
});
