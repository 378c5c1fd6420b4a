import { describe, expect, it } from 'vitest';
import { fitGeneraliser, ClassDictionary } from '../../../src/attacks/disclosure/groups.js';
import { disclosure, disclosureParams } from '../../../src/attacks/disclosure/disclosure.js';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { attacks } from '../../../src/attacks/registry.js';
import { makeTable } from '../../ml/tables.js';
import { byId, ctxOf } from '../inference/fixture.js';

const G = ['a', 'b', 'c', 'd'];
const tab = (g: string[], s: string[]) =>
  makeTable([
    { name: 'g', labels: g, categories: G, roles: ['quasi-identifier'] },
    { name: 's', labels: s, categories: ['x', 'y'], roles: ['sensitive'] },
  ]);

describe('disclosure (k-anonymity, l-diversity, k-map, δ-presence)', () => {
  it('is registered; without quasi-identifiers it says how to declare them', () => {
    expect(attacks.get('disclosure')).toBe(disclosure);
    const plain = makeTable([{ name: 'v', values: [1, 2] }]);
    expect(disclosure.unsupportedReason!(ctxOf(plain, plain, plain), disclosureParams.parse({}))).toMatch(/declare roles in the schema file/);
  });

  it('matches a hand computation', async () => {
    // synthetic classes: a ×3 (x,y,x), b ×2 (x,x), c ×1 (y) → k-anonymity 1, l-diversity 1
    // train: a, b, b, c, d → members in synthetic classes smaller than k=2: the c record → 1/5
    // population (train ∪ holdout a,a,b,d): a 3, b 3, c 1 → k-map 1; synthetic rows in classes
    // with 1 population match: the c row → 1/6; δ: a 1/3, b 2/3, c 1/1 → δ_max 1
    const synthetic = tab(['a', 'a', 'a', 'b', 'b', 'c'], ['x', 'y', 'x', 'x', 'x', 'y']);
    const train = tab(['a', 'b', 'b', 'c', 'd'], ['x', 'x', 'x', 'x', 'x']);
    const holdout = tab(['a', 'a', 'b', 'd'], ['x', 'x', 'x', 'x']);
    const ms = byId(await runAttack(disclosure, { k: 2 }, ctxOf(train, holdout, synthetic)));
    expect(ms['disclosure.k-anonymity'].value).toBe(1);
    expect(ms['disclosure.k-anonymity'].details).toEqual({ classes: 3, singletonClasses: 1 });
    expect(ms['disclosure.members-in-small-classes'].value).toBeCloseTo(0.2, 12);
    expect(ms['disclosure.l-diversity[s]'].value).toBe(1);
    expect(ms['disclosure.l-diversity'].value).toBe(1);
    expect(ms['disclosure.k-map'].value).toBe(1);
    expect(ms['disclosure.k-map-share-below-k'].value).toBeCloseTo(1 / 6, 12);
    expect(ms['disclosure.delta-presence'].value).toBe(1);
  });

  it('generalises numeric quasi-identifiers into quantile bins fitted on one table', () => {
    const fit = makeTable([{ name: 'age', values: [10, 20, 30, 40, 50] }]);
    const gen = fitGeneraliser(fit, ['age'], 2); // median cut at 30: bins (−∞, 30], (30, ∞)
    expect(Array.from(gen.cuts[0]!)).toEqual([30]);
    const dict = new ClassDictionary(gen);
    const c = dict.classes(makeTable([{ name: 'age', values: [5, 30, 31, 99, NaN] }]));
    expect(c[0]).toBe(c[1]);
    expect(c[2]).toBe(c[3]);
    expect(c[0]).not.toBe(c[2]);
    expect(c[4]).not.toBe(c[0]);
    expect(c[4]).not.toBe(c[2]);
  });
});
