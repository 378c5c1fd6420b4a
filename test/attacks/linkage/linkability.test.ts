import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { linkability, linkabilityParams, linkHalves } from '../../../src/attacks/linkage/linkability.js';
import { attacks } from '../../../src/attacks/registry.js';
import { byId, ctxOf, smallTable } from '../inference/fixture.js';

describe('linkability (Anonymeter)', () => {
  it('is registered with documented defaults', () => {
    expect(attacks.get('linkability')).toBe(linkability);
    expect(linkabilityParams.parse({})).toEqual({ columns: 'all', nNeighbors: 1, nAttacks: 500, confidenceLevel: 0.95 });
  });

  it('splits columns into two disjoint seeded halves, or uses the given ones', () => {
    const t = smallTable(10, 1);
    const h = linkHalves(ctxOf(t, t, t, 7), linkabilityParams.parse({}));
    expect([...h.a, ...h.b].sort()).toEqual(['c1', 'c2', 'secret', 'x1', 'x2', 'x3']);
    expect(h.a.filter((c) => h.b.includes(c))).toEqual([]);
    expect(linkHalves(ctxOf(t, t, t, 7), linkabilityParams.parse({}))).toEqual(h);
    const q = linkHalves(ctxOf(t, t, t, 7), linkabilityParams.parse({ columns: 'quasi-identifiers' }));
    expect([...q.a, ...q.b]).not.toContain('secret');
    expect(() => linkHalves(ctxOf(t, t, t), linkabilityParams.parse({ auxColumns: [['x1'], ['x1', 'x2']] }))).toThrow(/disjoint/);
  });

  it('links every member through a copy of the training data, few non-members', async () => {
    const train = smallTable(300, 11);
    const holdout = smallTable(300, 12);
    const ms = byId(await runAttack(linkability, { auxColumns: [['x1', 'c1'], ['x2', 'x3', 'c2']] }, ctxOf(train, holdout, train)));
    expect(ms['linkability.main-rate'].details!.raw).toBe(1);
    expect(ms['linkability.control-rate'].details!.raw).toBeLessThan(0.05);
    expect(ms['linkability.risk'].value).toBeGreaterThan(0.9);
  });

  it('finds no risk in independent noise', async () => {
    const ms = byId(await runAttack(linkability, {}, ctxOf(smallTable(300, 13), smallTable(300, 14), smallTable(300, 15))));
    const risk = ms['linkability.risk'];
    expect(Math.abs(risk.value)).toBeLessThan(0.05);
    expect(risk.ci![0]).toBeLessThanOrEqual(0.005);
  });
});
