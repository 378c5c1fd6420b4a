import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { attributeInference, attributeInferenceParams, secretColumns } from '../../../src/attacks/inference/attribute-inference.js';
import { drawMainControl, kNearest, valueMatches } from '../../../src/attacks/inference/common.js';
import { selectTargets } from '../../../src/attacks/targets.js';
import { fitDistanceEncoding } from '../../../src/ml/distance.js';
import { attacks } from '../../../src/attacks/registry.js';
import { encodeForDistance } from '../../../src/ml/distance.js';
import { makeTable } from '../../ml/tables.js';
import { byId, ctxOf, smallTable } from './fixture.js';

describe('attribute-inference (Anonymeter inference)', () => {
  it('is registered with documented defaults', () => {
    expect(attacks.get('attribute-inference')).toBe(attributeInference);
    expect(attributeInferenceParams.parse({})).toEqual({ nAttacks: 500, tolerance: 0.05, confidenceLevel: 0.95 });
    expect(() => attributeInferenceParams.parse({ nAtacks: 3 })).toThrow();
  });

  it('flags a copy of the training data as high risk (nearest row is the target itself)', async () => {
    const train = smallTable(400, 1);
    const holdout = smallTable(400, 2);
    const ms = byId(await runAttack(attributeInference, {}, ctxOf(train, holdout, train)));
    const main = ms['attribute-inference.main-rate[secret]'];
    expect(main.details!.raw).toBe(1);
    // control: the secret is independent of the known columns, so ~1/4 correct
    expect(ms['attribute-inference.control-rate[secret]'].value).toBeLessThan(0.35);
    expect(ms['attribute-inference.risk[secret]'].value).toBeGreaterThan(0.9);
    expect(ms['attribute-inference.risk'].value).toBe(ms['attribute-inference.risk[secret]'].value);
    expect(ms['attribute-inference.risk[secret]'].note).not.toMatch(/does not beat/);
    expect((ms['attribute-inference.risk[secret]'].details!.successfulMemberIndices as number[]).length).toBe(400);
  });

  it('finds no risk in independent noise: main ≈ control, and says the baseline is not beaten', async () => {
    const train = smallTable(1000, 100);
    const holdout = smallTable(1000, 200);
    const synthetic = smallTable(1000, 300);
    const ms = byId(await runAttack(attributeInference, { nAttacks: 1000 }, ctxOf(train, holdout, synthetic)));
    const risk = ms['attribute-inference.risk[secret]'];
    expect(Math.abs(risk.value)).toBeLessThan(0.1);
    expect(risk.ci![0]).toBeLessThan(0);
    expect(risk.ci![1]).toBeGreaterThan(0);
    expect(risk.note).toMatch(/does not beat/);
  });

  it("targets: 'vulnerable' attacks the most isolated members and non-members (shared target selection)", async () => {
    const train = smallTable(200, 61);
    const holdout = smallTable(200, 62);
    const ctx = ctxOf(train, holdout, train);
    const enc = fitDistanceEncoding(train, { metric: 'gower', scaling: 'minmax', columns: train.names });
    const expected = selectTargets(ctxOf(train, holdout, train), { mode: 'vulnerable', maxTargets: 40, encoding: enc });
    const got = drawMainControl(ctx, 40, 'vulnerable');
    expect(Array.from(got.main)).toEqual(Array.from(expected.members));
    expect(Array.from(got.control)).toEqual(Array.from(expected.nonMembers));
    const ms = byId(await runAttack(attributeInference, { nAttacks: 40, targets: 'vulnerable' }, ctxOf(train, holdout, train)));
    const hit = ms['attribute-inference.risk[secret]'].details!.successfulMemberIndices as number[];
    expect([...hit].sort((a, b) => a - b)).toEqual(Array.from(expected.members).sort((a, b) => a - b));
  });

  it('numeric secrets count as correct within the relative tolerance', () => {
    expect(valueMatches(104, 100, true, 0.05)).toBe(true);
    expect(valueMatches(106, 100, true, 0.05)).toBe(false);
    expect(valueMatches(0, 0, true, 0.05)).toBe(true);
    expect(valueMatches(0.1, 0, true, 0.05)).toBe(false);
    expect(valueMatches(NaN, NaN, true, 0.05)).toBe(false);
    expect(valueMatches(2, 2, false, 0)).toBe(true);
    expect(valueMatches(-1, -1, false, 0)).toBe(false);
  });

  it('secrets default to sensitive columns, else the target; known columns default to QIs', () => {
    const t = smallTable(10, 1);
    expect(secretColumns(ctxOf(t, t, t))).toEqual(['secret']);
    const plain = makeTable([{ name: 'a', values: [1, 2] }, { name: 'y', labels: ['p', 'q'], categories: ['p', 'q'], roles: ['target'] }]);
    expect(secretColumns(ctxOf(plain, plain, plain))).toEqual(['y']);
    const none = makeTable([{ name: 'a', values: [1, 2] }]);
    expect(attributeInference.unsupportedReason!(ctxOf(none, none, none), attributeInferenceParams.parse({}))).toMatch(/sensitive.*schema file/);
  });

  it('kNearest returns exact nearest indices in order, first-found among ties', () => {
    const pool = makeTable([{ name: 'x', values: [0, 10, 3, 3, 7] }]);
    const q = makeTable([{ name: 'x', values: [2.9, 9] }]);
    const got = kNearest(encodeForDistance(q, pool, { metric: 'gower', scaling: 'minmax' }), encodeForDistance(pool, pool, { metric: 'gower', scaling: 'minmax' }), 3);
    expect(Array.from(got)).toEqual([2, 3, 0, 1, 4, 2]);
  });
});
