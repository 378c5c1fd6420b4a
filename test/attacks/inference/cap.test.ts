import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { cap, capParams } from '../../../src/attacks/inference/cap.js';
import { attacks } from '../../../src/attacks/registry.js';
import { makeTable } from '../../ml/tables.js';
import { byId, ctxOf, smallTable } from './fixture.js';

const K = ['a', 'b', 'c'];
const S = ['x', 'y'];
const tab = (keys: string[], secrets: string[]) =>
  makeTable([
    { name: 'k', labels: keys, categories: K, roles: ['quasi-identifier'] },
    { name: 's', labels: secrets, categories: S, roles: ['sensitive'] },
  ]);

describe('cap (correct attribution probability)', () => {
  it('is registered; needs keys', () => {
    expect(attacks.get('cap')).toBe(cap);
    const plain = makeTable([{ name: 's', labels: ['x'], categories: S, roles: ['sensitive'] }]);
    expect(cap.unsupportedReason!(ctxOf(plain, plain, plain), capParams.parse({}))).toMatch(/schema file/);
  });

  it('matches a hand computation', async () => {
    // synthetic: a→{x,x,y}, b→{y}. Members: (a,x) 2/3, (b,x) 0, (c,x) no match, (a,y) 1/3 → CAP = 1/3
    // sample sd of {2/3, 0, 1/3} = 1/3; 95% half-width = 1.959964 · (1/3)/√3 = 1.959964 · 0.192450 = 0.377195
    // baseline: synthetic marginal share of the member's own value: x 1/2, x 1/2, y 1/2 → 0.5
    const synthetic = tab(['a', 'a', 'a', 'b'], ['x', 'x', 'y', 'y']);
    const train = tab(['a', 'b', 'c', 'a'], ['x', 'x', 'x', 'y']);
    const holdout = tab(['b', 'b'], ['y', 'y']);
    const ms = byId(await runAttack(cap, {}, ctxOf(train, holdout, synthetic)));
    expect(ms['cap.cap[s]'].value).toBeCloseTo(1 / 3, 12);
    expect(ms['cap.cap[s]'].ci![1] - 1 / 3).toBeCloseTo(0.377195, 5);
    expect(ms['cap.cap[s]'].details).toEqual({ matched: 3, n: 4 });
    expect(ms['cap.protection[s]'].value).toBeCloseTo(2 / 3, 12);
    expect(ms['cap.protection'].value).toBeCloseTo(2 / 3, 12);
    expect(ms['cap.baseline-cap[s]'].value).toBeCloseTo(0.5, 12);
    expect(ms['cap.control-cap[s]'].value).toBe(1); // (b,y): the only synthetic b row has y
  });

  it('a copy of the data with unique keys gives CAP 1 for members', async () => {
    const train = smallTable(300, 41);
    const ms = byId(await runAttack(cap, { keyColumns: ['x1', 'x2'], bins: 50 }, ctxOf(train, smallTable(300, 42), train)));
    expect(ms['cap.cap[secret]'].value).toBeGreaterThan(0.95);
    expect(ms['cap.control-cap[secret]'].value).toBeLessThan(0.6);
  });
});
