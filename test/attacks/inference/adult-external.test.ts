/**
 * The rate-based attacks on the adult-external fixture (10k members, 5k non-members, three
 * synthetic files made elsewhere), with roles declared by a schema override: QIs sex, race, age,
 * marital_status, education, native_country; secrets sex, race, income. Also an identity
 * "synthetic" (= train) as the maximally leaky reference point.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { attacks } from '../../../src/attacks/registry.js';
import type { Measure } from '../../../src/core/measure.js';
import type { Table } from '../../../src/core/table.js';
import { ctxOf, loadAdultExternal } from './fixture.js';

// synthetic-predictor and model-inversion are left out here to keep the test fast (they train classifiers); see model-based.test.ts
const IDS = ['attribute-inference', 'cap', 'linkability', 'qi-linkage', 'singling-out', 'disclosure'];
type Name = 'identity' | 'a' | 'b' | 'c';

describe('inference, linkage, singling-out and disclosure attacks on adult-external', () => {
  const res = {} as Record<Name, Record<string, Measure>>;
  beforeAll(async () => {
    const d = loadAdultExternal();
    const syn: Record<Name, Table> = { identity: d.train, ...d.synthetic };
    for (const name of Object.keys(syn) as Name[]) {
      res[name] = {};
      for (const id of IDS) for (const m of await runAttack(attacks.get(id), {}, ctxOf(d.train, d.holdout, syn[name], 5))) res[name][m.id] = m;
    }
    const show = ['attribute-inference.risk', 'attribute-inference.risk[sex]', 'attribute-inference.risk[income]', 'cap.protection', 'linkability.risk', 'qi-linkage.risk', 'qi-linkage.unique-match-rate', 'singling-out.risk[univariate]', 'singling-out.risk[multivariate]', 'disclosure.k-anonymity', 'disclosure.members-in-small-classes', 'disclosure.delta-presence'];
    for (const id of show) console.log(id.padEnd(36), (Object.keys(res) as Name[]).map((n) => `${n}: ${res[n][id].value.toFixed(3)}${res[n][id].ci ? ` [${res[n][id].ci!.map((x) => x.toFixed(3)).join(', ')}]` : ''}`).join('  '));
  }, 120_000);

  it('flags the identity release as leaky on every attack', () => {
    const r = res.identity;
    expect(r['singling-out.risk'].value).toBeGreaterThan(0.9);
    expect(r['linkability.risk'].ci![0]).toBeGreaterThan(0.1);
    expect(r['attribute-inference.risk'].ci![0]).toBeGreaterThan(0.1);
    expect(r['cap.protection'].value).toBeLessThan(res.a['cap.protection'].value);
    expect(r['disclosure.delta-presence'].value).toBe(1);
    expect(r['qi-linkage.risk'].ci![0]).toBeGreaterThan(0);
  });

  it('tells the three synthetic files apart', () => {
    const separated = (id: string) => {
      const cis = (['a', 'b', 'c'] as const).map((n) => res[n][id].ci!);
      return [[0, 1], [0, 2], [1, 2]].some(([i, j]) => cis[i][1] < cis[j][0] || cis[j][1] < cis[i][0]);
    };
    expect(separated('singling-out.risk[univariate]')).toBe(true);
    expect(separated('linkability.risk')).toBe(true);
    // every file is far less leaky than a copy of the training data
    for (const n of ['a', 'b', 'c'] as const) expect(res[n]['singling-out.risk'].value).toBeLessThan(res.identity['singling-out.risk'].value - 0.5);
  });

  it('measures carry directions, CIs for estimates, and no record values in details', () => {
    for (const n of Object.keys(res) as Name[]) {
      for (const m of Object.values(res[n])) {
        expect(['higher-better', 'lower-better', 'neutral']).toContain(m.direction);
        expect(Number.isFinite(m.value), m.id).toBe(true);
        if (/\.(risk|main-rate|control-rate|baseline-rate)/.test(m.id)) expect(m.ci, m.id).toBeDefined();
        for (const v of Object.values(m.details ?? {})) if (Array.isArray(v)) for (const x of v) expect(typeof x === 'number' || typeof x === 'string').toBe(true);
      }
    }
  });
});
