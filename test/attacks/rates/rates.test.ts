import { describe, expect, it } from 'vitest';
import { beatsBaseline, rateMeasures, residualRisk, wilsonRate } from '../../../src/attacks/rates.js';

describe('Wilson score interval (Anonymeter success rate)', () => {
  it('850/1000 at 95% is 0.849 ± 0.022', () => {
    // z = 1.959964, z² = 3.841459, n + z² = 1003.841459
    // centre = (850 + 1.920729)/1003.841459 = 0.848661
    // half-width = 1.959964/1003.841459 · √(850·150/1000 + 0.960365) = 0.0019525 · 11.33404 = 0.022129
    const r = wilsonRate(850, 1000);
    expect(r.value.toFixed(3)).toBe('0.849');
    expect(r.error.toFixed(3)).toBe('0.022');
    expect(r.value).toBeCloseTo(0.848661, 6);
    expect(r.error).toBeCloseTo(0.022129, 6);
    expect(r.raw).toBe(0.85);
  });

  it('shrinks towards 1/2 and is never degenerate at 0 or n', () => {
    const zero = wilsonRate(0, 50);
    expect(zero.value).toBeGreaterThan(0);
    expect(zero.value - zero.error).toBeCloseTo(0, 12);
    const all = wilsonRate(50, 50);
    expect(all.value + all.error).toBeCloseTo(1, 12);
    expect(wilsonRate(10, 100, 0.99).error).toBeGreaterThan(wilsonRate(10, 100, 0.95).error);
    expect(() => wilsonRate(3, 0)).toThrow();
    expect(() => wilsonRate(5, 4)).toThrow();
  });
});

describe('residual risk (main − control)/(1 − control) with propagated error', () => {
  it('matches a hand computation', () => {
    // main 80/100: m = (80 + 1.920729)/103.841459 = 0.788902, σm = 0.018874·√(16 + 0.960365) = 0.077731
    // control 20/100: c = 0.211098, σc = 0.077731 (mirror image)
    // R = (0.788902 − 0.211098)/0.788902 = 0.732415
    // ∂R/∂m = 1/(1 − c) = 1.267584; ∂R/∂c = (1 − m)/(1 − c)² = 0.211098/0.622366 = 0.339187
    // σR = √((0.077731·1.267584)² + (0.077731·0.339187)²) = √(0.0097085 + 0.00069513) = 0.101997
    const r = residualRisk(wilsonRate(80, 100), wilsonRate(20, 100));
    expect(r.value).toBeCloseTo(0.732415, 5);
    expect(r.error).toBeCloseTo(0.101997, 5);
  });

  it('is zero when main equals control, negative when control is higher', () => {
    const same = residualRisk(wilsonRate(30, 100), wilsonRate(30, 100));
    expect(same.value).toBeCloseTo(0, 12);
    expect(residualRisk(wilsonRate(10, 100), wilsonRate(30, 100)).value).toBeLessThan(0);
  });
});

describe('rateMeasures', () => {
  it('builds risk, main, control and baseline measures with consistent ids, directions and CIs', () => {
    const ms = rateMeasures('my-attack', { main: { successes: 80, n: 100 }, control: { successes: 20, n: 100 }, baseline: { successes: 10, n: 100 } }, { key: 'sex' });
    expect(ms.map((m) => m.id)).toEqual(['my-attack.risk[sex]', 'my-attack.main-rate[sex]', 'my-attack.control-rate[sex]', 'my-attack.baseline-rate[sex]']);
    const [risk, main, control, baseline] = ms;
    expect(risk.direction).toBe('lower-better');
    expect(main.direction).toBe('lower-better');
    expect(control.direction).toBe('neutral');
    expect(risk.value).toBeCloseTo(0.732415, 5);
    expect(risk.ci![0]).toBeCloseTo(0.732415 - 0.101997, 5);
    expect(risk.ci![1]).toBeCloseTo(0.732415 + 0.101997, 5);
    expect(risk.note).toBeUndefined();
    expect(main.ci![0]).toBeCloseTo(0.788902 - 0.077731, 5);
    expect(baseline.value).toBeCloseTo(wilsonRate(10, 100).value, 12);
  });

  it('warns when the attack does not beat the random-guess baseline', () => {
    const ms = rateMeasures('a', { main: { successes: 30, n: 100 }, control: { successes: 28, n: 100 }, baseline: { successes: 29, n: 100 } });
    expect(ms[0].id).toBe('a.risk');
    expect(ms[0].note).toMatch(/does not beat the naive random-guess baseline/);
    expect(beatsBaseline(wilsonRate(90, 100), wilsonRate(10, 100))).toBe(true);
  });
});
