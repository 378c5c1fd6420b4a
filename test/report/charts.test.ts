import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { renderCharts, renderSvg, rocSpec } from '../../src/report/charts.js';
import { sanitizeSvg } from '../../src/report/svg-safety.js';
import { renderHtml } from '../../src/report/html.js';
import type { ResultRecord } from '../../src/runner/records.js';
import { reps } from './factory.js';

const IMG = '<img src=x onerror=alert(1)>';

describe('sanitizeSvg', () => {
  it('keeps plain SVG, drops namespace URLs and re-escapes text and attributes', () => {
    const out = sanitizeSvg('<svg xmlns="http://www.w3.org/2000/svg" width="10"><g><text x="1">a &lt;b&gt; &amp; c=d</text><path d="M0,0h1" aria-label="x: &lt;img&gt;"/></g></svg>');
    expect(out).toBe('<svg width="10"><g><text x="1">a &lt;b&gt; &amp; c&#x3D;d</text><path d="M0,0h1" aria-label="x: &lt;img&gt;"/></g></svg>');
  });

  it('rejects scripts, event handlers, links, styles, foreign content and broken markup', () => {
    for (const bad of [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
      '<svg><g style="x"></g></svg>',
      '<svg><foreignObject><img src="x"/></foreignObject></svg>',
      '<svg><rect fill="url(http://evil/x)"/></svg>',
      '<svg><g></svg>',
      '<svg><text>a & b</text></svg>',
      '<svg><text>&nbsp;</text></svg>',
      '<div></div>',
    ]) {
      expect(sanitizeSvg(bad), bad).toBeNull();
    }
  });

  it('prefixes ids and internal url(#id) references so charts in one page do not collide', () => {
    expect(sanitizeSvg('<svg><defs><clipPath id="clip1"><rect width="1"/></clipPath></defs><g clip-path="url(#clip1)"></g></svg>', 'c7-')).toBe(
      '<svg><defs><clipPath id="c7-clip1"><rect width="1"/></clipPath></defs><g clip-path="url(#c7-clip1)"></g></svg>',
    );
  });
});

describe('Vega-Lite charts', () => {
  it('renders a ROC chart with a hostile generator name as escaped text only', async () => {
    const spec = rocSpec([{ generator: IMG, auc: 0.7, fpr: [0, 0.01, 0.1, 1], tpr: [0, 0.1, 0.4, 1] }]);
    expect('omitted' in spec).toBe(false);
    const svg = await renderSvg(spec as Exclude<typeof spec, { omitted: string }>);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('&lt;img src&#x3D;x');
    expect(svg).not.toContain('<img');
    expect(svg).not.toMatch(/\son[a-z]+=/i);
    expect(svg).not.toMatch(/https?:/);
    expect(svg).toContain('log scale');
  });

  it('omits a chart without data, and one that fails to render, with the reason instead of throwing', async () => {
    const charts = await renderCharts([
      { id: 'a', title: 'ROC', caption: '', spec: rocSpec([{ generator: 'g', auc: null, fpr: [0, 0], tpr: [0, 1] }]) },
      { id: 'b', title: 'broken', caption: '', spec: { mark: 'nonsense' } as never },
    ]);
    expect(charts[0]).toMatchObject({ svg: null, omitted: expect.stringContaining('no ROC points') });
    expect(charts[1]).toMatchObject({ svg: null, omitted: expect.stringContaining('could not be rendered') });
  });

  it('embeds the charts in the page; a hostile category or generator name stays inert', async () => {
    const roc = { fpr: [0, 0.01, 0.1, 1], tpr: [0, 0.2, 0.5, 1] };
    const records: ResultRecord[] = [];
    for (const g of ['identity', IMG]) {
      const o = { generator: g, generatorLabel: g };
      records.push(...reps([0.7, 0.72], { ...o, family: 'membership', source: { type: 'attack', id: 'dcr' }, measure: 'dcr.auc', direction: 'lower-better', details: { roc } }));
      records.push(...reps([0.9, 0.92], { ...o, family: 'utility', source: { type: 'metric', id: 'tstr' }, measure: 'tstr.accuracy-ratio' }));
      records.push(...reps([0.1, 0.12], { ...o, family: 'fairness', source: { type: 'metric', id: 'fair' }, measure: `fair.gap[${IMG}]`, direction: 'lower-better' }));
      records.push(...reps([0.8, 0.85], { ...o, source: { type: 'metric', id: 'column-shapes' }, measure: 'column-shapes.score' }));
      records.push(...reps([1, 2], { ...o, family: 'cost', source: { type: 'runner', id: 'generator' }, measure: 'cost.fit-seconds', units: 's', direction: 'lower-better' }));
    }
    const html = await renderHtml(records, undefined);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBe(4); // Pareto, ROC, per-subgroup fairness, fit time vs quality
    expect(html).not.toContain(IMG);
    expect(html).not.toMatch(/onerror=/i);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });
});

describe('report sections', () => {
  it('overview links each summary to its dataset table; the appendix comes from the registries; empty charts say why', async () => {
    const { attacks } = await import('../../src/attacks/registry.js');
    const { metrics } = await import('../../src/metrics/registry.js');
    const html = await renderHtml(reps([0.8, 0.9], { source: { type: 'metric', id: 'column-shapes' }, measure: 'column-shapes.score' }), undefined);
    const overview = html.slice(html.indexOf('<section id="overview">'), html.indexOf('<section class="dataset"'));
    expect(overview).toMatch(/<td class="cell" data-sort="0\.85[0-9]*" title="Fidelity summary: [^"]*column-shapes\.score &#x3D; 0\.85[^"]*"><a href="#ds-0">0\.850<\/a><\/td>/);
    expect(html).toContain('Chart omitted: no generator has both a privacy and a utility summary on this dataset.');
    const appendix = html.slice(html.indexOf('<section id="methodology">'), html.indexOf('<section id="legend"'));
    // Every registered plugin has its row, with formula and directions, all HTML-escaped.
    const esc = Handlebars.Utils.escapeExpression;
    for (const a of attacks.list()) {
      expect(a.formula.trim() && a.directions.trim(), a.id).toBeTruthy();
      expect(appendix).toContain(
        `<tr><td class="mono">${esc(a.id)}</td><td>${esc(a.kind)}</td><td>${esc(a.summary)}</td><td class="formula">${esc(a.formula)}</td><td class="directions">${esc(a.directions)}</td><td>${esc(a.threatModel.description)}</td>`,
      );
    }
    for (const m of metrics.list()) {
      expect(m.formula.trim() && m.directions.trim(), m.id).toBeTruthy();
      expect(appendix).toContain(
        `<tr><td class="mono">${esc(m.id)}</td><td>${esc(m.family)}</td><td>${esc(m.summary)}</td><td class="formula">${esc(m.formula)}</td><td class="directions">${esc(m.directions)}</td><td>${esc(m.reference ?? '—')}</td></tr>`,
      );
    }
    // One table per attack kind and metric family, each row in its own kind's table.
    for (const kind of new Set(attacks.list().map((a) => a.kind))) {
      const table = appendix.slice(appendix.indexOf(`id="methods-attack-${kind}"`), appendix.indexOf('</table>', appendix.indexOf(`id="methods-attack-${kind}"`)));
      for (const a of attacks.list()) expect(table.includes(`<td class="mono">${esc(a.id)}</td>`), `${a.id} in ${kind}`).toBe(a.kind === kind);
    }
    for (const family of new Set(metrics.list().map((m) => m.family))) {
      const table = appendix.slice(appendix.indexOf(`id="methods-metric-${family}"`), appendix.indexOf('</table>', appendix.indexOf(`id="methods-metric-${family}"`)));
      for (const m of metrics.list()) expect(table.includes(`<td class="mono">${esc(m.id)}</td>`), `${m.id} in ${family}`).toBe(m.family === family);
    }
    expect(appendix).toContain('Welch');
  });

  it('escapes a hostile formula, directions and summary in the appendix', async () => {
    const { attacks } = await import('../../src/attacks/registry.js');
    const { metrics } = await import('../../src/metrics/registry.js');
    const { z } = await import('zod');
    attacks.register({
      id: 'zz-hostile-attack',
      kind: 'membership',
      summary: IMG,
      reference: IMG,
      formula: `score(x) = ${IMG}`,
      directions: `AUC ↓ ${IMG}`,
      threatModel: { description: IMG, holdsSynthetic: true, holdsReference: false, blackBoxGenerator: false, knownColumns: 'all' },
      paramsSchema: z.object({}),
      run: async () => ({}),
    });
    metrics.register({ id: 'zz-hostile-metric', family: 'fidelity', summary: IMG, formula: `<script>${IMG}</script>`, directions: IMG, paramsSchema: z.object({}), compute: async () => [] });
    const html = await renderHtml(reps([0.8, 0.9], { source: { type: 'metric', id: 'column-shapes' }, measure: 'column-shapes.score' }), undefined);
    expect(html).toContain('zz-hostile-attack');
    expect(html).toContain('zz-hostile-metric');
    expect(html).not.toContain(IMG);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<td class="formula">score(x) &#x3D; &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</td>');
  });
});
