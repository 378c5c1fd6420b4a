// Registry-wide contract checks: every attack and metric documents itself (summary, source,
// formula, directions) and its defaults are valid, so `synthbench list`, the report's methodology
// appendix and a suite entry without params all work for every plugin.
import { describe, expect, it } from 'vitest';
import { attacks } from '../../src/attacks/registry.js';
import { listing } from '../../src/cli/list.js';
import { metrics } from '../../src/metrics/registry.js';

const ARROW = /[↑↓◦]/;
const plugins = [...attacks.list().map((p) => ({ type: 'attack', p })), ...metrics.list().map((p) => ({ type: 'metric', p }))];

describe('plugin registries', () => {
  it('hold the attacks and metrics the methodology documents', () => {
    expect(attacks.list().map((a) => a.id)).toEqual(
      expect.arrayContaining([
        'dcr', 'dcr-diff', 'mc-density', 'domias', 'domias-gaussian', 'logan-d1', 'disclosure-proxies', 'shadow-tapas',
        'attribute-inference', 'cap', 'synthetic-predictor', 'model-inversion', 'disclosure', 'linkability', 'qi-linkage', 'singling-out',
      ]),
    );
    expect(metrics.list().map((m) => m.id)).toEqual(
      expect.arrayContaining([
        'column-shapes', 'correlation-similarity', 'contingency-similarity', 'validity', 'detection', 'alpha-precision',
        'tstr', 'augmentation', 'importance-agreement',
        'fairness-representation', 'fairness-label', 'fairness-downstream', 'fairness-utility', 'fairness-privacy',
      ]),
    );
  });

  it.each(plugins.map(({ type, p }) => [`${type} ${p.id}`, p] as const))('%s has a summary, source, formula and directions', (_, p) => {
    for (const field of ['summary', 'reference', 'formula', 'directions'] as const) {
      const v = p[field];
      expect(typeof v, `${p.id}.${field}`).toBe('string');
      expect((v as string).trim().length, `${p.id}.${field}`).toBeGreaterThan(0);
      expect(v, `${p.id}.${field} is a single line`).not.toMatch(/\n/);
    }
    // Short enough for an appendix cell (one or two lines), and the directions name at least one arrow.
    expect(p.formula.length, `${p.id}.formula`).toBeLessThanOrEqual(400);
    expect(p.directions.length, `${p.id}.directions`).toBeLessThanOrEqual(200);
    expect(p.directions, `${p.id}.directions`).toMatch(ARROW);
  });

  it.each(plugins.map(({ type, p }) => [`${type} ${p.id}`, p] as const))('%s accepts its defaults (paramsSchema.parse({}))', (_, p) => {
    const r = p.paramsSchema.safeParse({});
    expect(r.success, r.success ? '' : `${p.id}: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`).toBe(true);
  });

  it('attacks state a threat model', () => {
    for (const a of attacks.list()) {
      expect(a.threatModel.description.trim().length, a.id).toBeGreaterThan(0);
      expect(a.threatModel.holdsSynthetic, a.id).toBe(true);
    }
  });

  it('`synthbench list --json` carries formula and directions of every attack and metric', () => {
    const l = listing();
    expect(l.attacks).toHaveLength(attacks.list().length);
    expect(l.metrics).toHaveLength(metrics.list().length);
    for (const a of attacks.list()) {
      expect(l.attacks.find((x) => x.id === a.id)).toMatchObject({ kind: a.kind, formula: a.formula, directions: a.directions });
    }
    for (const m of metrics.list()) {
      expect(l.metrics.find((x) => x.id === m.id)).toMatchObject({ family: m.family, formula: m.formula, directions: m.directions });
    }
  });
});
