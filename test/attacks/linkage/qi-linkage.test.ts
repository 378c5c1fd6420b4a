import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { qiLinkage, qiLinkageParams } from '../../../src/attacks/linkage/qi-linkage.js';
import { attacks } from '../../../src/attacks/registry.js';
import { makeTable } from '../../ml/tables.js';
import { byId, ctxOf, smallTable } from '../inference/fixture.js';

const G = ['a', 'b', 'c'];
const tab = (g: string[], v: number[], s: string[]) =>
  makeTable([
    { name: 'g', labels: g, categories: G, roles: ['quasi-identifier'] },
    { name: 'v', values: v },
    { name: 's', labels: s, categories: ['x', 'y'] },
  ]);

describe('qi-linkage (unique re-identification through the synthetic data)', () => {
  it('is registered; without quasi-identifiers it says how to declare them', () => {
    expect(attacks.get('qi-linkage')).toBe(qiLinkage);
    const plain = makeTable([{ name: 'v', values: [1] }]);
    expect(qiLinkage.unsupportedReason!(ctxOf(plain, plain, plain), qiLinkageParams.parse({}))).toMatch(/declare roles in the schema file/);
  });

  it('matches a hand computation', async () => {
    // synthetic classes: a ×2, b ×1 (v 100, s x), c ×1 (v 50, s y)
    // members: (a,…) not unique; (b, 103, x) unique and agrees on v (3% off) and s → linked;
    //          (c, 80, y) unique, agrees on s only (1/2 < 80%) → not linked
    // non-members: (b, 200, y) and (c, 10, x) unique but agree on nothing; (a, 1, x) not unique → 0 linked
    const synthetic = tab(['a', 'a', 'b', 'c'], [1, 2, 100, 50], ['x', 'x', 'x', 'y']);
    const train = tab(['a', 'b', 'c'], [1, 103, 80], ['x', 'x', 'y']);
    const holdout = tab(['b', 'a', 'c'], [200, 1, 10], ['y', 'x', 'x']);
    const ms = byId(await runAttack(qiLinkage, {}, ctxOf(train, holdout, synthetic)));
    expect(ms['qi-linkage.main-rate'].details).toMatchObject({ successes: 1, n: 3 });
    expect(ms['qi-linkage.control-rate'].details).toMatchObject({ successes: 0, n: 3 });
    expect(ms['qi-linkage.unique-match-rate'].value).toBeCloseTo(2 / 3, 12);
    expect(ms['qi-linkage.risk'].details!.successfulMemberIndices).toHaveLength(1);
  });

  it('a copy of the training data re-identifies members with unique QIs; independent noise does not', async () => {
    const train = smallTable(300, 51);
    const holdout = smallTable(300, 52);
    const p = { quasiIdentifiers: ['x1', 'c1'], bins: 100 }; // ~300 classes for 300 rows: about a third unique
    const copy = byId(await runAttack(qiLinkage, p, ctxOf(train, holdout, train)));
    const noise = byId(await runAttack(qiLinkage, p, ctxOf(train, holdout, smallTable(300, 53))));
    expect(copy['qi-linkage.risk'].value).toBeGreaterThan(0.2);
    expect(copy['qi-linkage.risk'].ci![0]).toBeGreaterThan(0);
    expect(Math.abs(noise['qi-linkage.risk'].value)).toBeLessThan(0.05);
  });
});
