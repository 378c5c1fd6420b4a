import { describe, expect, it } from 'vitest';
import { evaluateGate, regressed } from '../../src/gate/evaluate.js';
import { parsePolicy } from '../../src/gate/policy.js';
import { record, series } from './records.js';

const policy = (rules: unknown[], extra: Record<string, unknown> = {}) => parsePolicy({ rules, ...extra });

describe('thresholds', () => {
  it('compares the mean over repetitions by default and the worst repetition on request', () => {
    const recs = series('dcr.auc', [0.5, 0.7]); // mean 0.6
    expect(evaluateGate(policy([{ measure: 'dcr.auc', max: 0.65 }]), recs).passed).toBe(true);
    const worst = evaluateGate(policy([{ measure: 'dcr.auc', max: 0.65, aggregate: 'worst' }]), recs);
    expect(worst.passed).toBe(false);
    expect(worst.rows[0].value).toBe(0.7);
    expect(worst.rows[0].message).toBe('0.7 > 0.65');
    const min = evaluateGate(policy([{ measure: 'dcr.auc', min: 0.55, aggregate: 'worst' }]), recs);
    expect(min.rows[0]).toMatchObject({ value: 0.5, verdict: 'fail' });
  });

  it('gives one row per dataset × generator and honours the filters', () => {
    const recs = [
      ...series('dcr.auc', [1, 1], { generator: 'identity' }),
      ...series('dcr.auc', [0.5, 0.52]),
      ...series('dcr.auc', [0.5], { dataset: 'adult' }),
    ];
    const all = evaluateGate(policy([{ measure: 'dcr.auc', max: 0.6 }]), recs);
    expect(all.rows.map((r) => `${r.dataset}/${r.generator}/${r.verdict}`)).toEqual(['cohort/identity/fail', 'cohort/gaussian-copula/pass', 'adult/gaussian-copula/pass']);
    const only = evaluateGate(policy([{ measure: 'dcr.auc', max: 0.6, generator: 'gaussian-copula', dataset: ['cohort'] }]), recs);
    expect(only.rows).toHaveLength(1);
    expect(only.passed).toBe(true);
  });

  it('fails a measure with no records as missing, or skips it when the policy says so', () => {
    const recs = series('dcr.auc', [0.5]);
    const r = evaluateGate(policy([{ measure: 'tstr.accuracy-ratio', min: 0.9 }]), recs);
    expect(r.rows[0]).toMatchObject({ verdict: 'missing', message: 'no record of tstr.accuracy-ratio' });
    expect(r.passed).toBe(false);
    const s = evaluateGate(policy([{ measure: 'tstr.accuracy-ratio', min: 0.9 }], { missing: 'skip' }), recs);
    expect(s.rows[0].verdict).toBe('skipped');
    expect(s.passed).toBe(true);
    const none = evaluateGate(policy([{ measure: 'dcr.auc', max: 0.6, generator: 'ctgan' }]), recs);
    expect(none.rows[0]).toMatchObject({ dataset: '*', generator: '*', verdict: 'missing' });
  });

  it('treats a failed or timed-out unit as missing, not as a pass', () => {
    const recs = [
      ...series('dcr.auc', [0.5]),
      record({ measure: 'dcr', repetition: 1, value: null, status: 'timed-out', error: 'cell exceeded its 1s timeout' }),
    ];
    const r = evaluateGate(policy([{ measure: 'dcr.auc', max: 0.6 }]), recs);
    expect(r.rows[0].verdict).toBe('missing');
    expect(r.rows[0].message).toContain('1 cell(s) without a value (timed-out: cell exceeded its 1s timeout)');
    const onlyFailed = evaluateGate(policy([{ measure: 'dcr.auc', max: 0.6 }]), [record({ measure: 'dcr', value: null, status: 'failed', error: 'boom' })]);
    expect(onlyFailed.rows[0]).toMatchObject({ verdict: 'missing', message: 'no value: failed: boom' });
  });
});

describe('baseline checks', () => {
  // Baseline 0.50, 0.52, 0.51: mean 0.51, sd 0.01, t(0.975, 2) = 4.3027 → 95 % interval 0.51 ± 0.02484.
  const base = series('dcr.auc', [0.5, 0.52, 0.51]);

  it('passes a change within the run-to-run noise and fails one beyond it (lower is better)', () => {
    const rule = [{ measure: 'dcr.auc', noRegression: true }];
    const within = evaluateGate(policy(rule), series('dcr.auc', [0.52, 0.54, 0.53]), base); // [0.5052, 0.5548] overlaps
    expect(within.rows[0].verdict).toBe('pass');
    expect(within.rows[0].baseline!.ci![1]).toBeCloseTo(0.53484, 4);
    const beyond = evaluateGate(policy(rule), series('dcr.auc', [0.6, 0.62, 0.61]), base); // [0.5852, 0.6348] > 0.5348
    expect(beyond.rows[0].verdict).toBe('fail');
    expect(beyond.rows[0].message).toContain('regressed from 0.51 to 0.61');
    const better = evaluateGate(policy(rule), series('dcr.auc', [0.4, 0.42, 0.41]), base);
    expect(better.rows[0].verdict).toBe('pass');
  });

  it('reads the direction from the records (higher is better)', () => {
    const hb = { direction: 'higher-better' as const };
    const b = series('tstr.accuracy-ratio', [0.5, 0.52, 0.51], hb);
    const rule = [{ measure: 'tstr.accuracy-ratio', noRegression: true }];
    expect(evaluateGate(policy(rule), series('tstr.accuracy-ratio', [0.4, 0.42, 0.41], hb), b).rows[0].verdict).toBe('fail');
    expect(evaluateGate(policy(rule), series('tstr.accuracy-ratio', [0.6, 0.62, 0.61], hb), b).rows[0].verdict).toBe('pass');
  });

  it('uses the records’ own intervals for a single repetition', () => {
    const b = [record({ measure: 'dcr.auc', value: 0.5, ci: [0.45, 0.55] })];
    const rule = [{ measure: 'dcr.auc', noRegression: true }];
    expect(evaluateGate(policy(rule), [record({ measure: 'dcr.auc', value: 0.58, ci: [0.53, 0.63] })], b).rows[0].verdict).toBe('pass');
    expect(evaluateGate(policy(rule), [record({ measure: 'dcr.auc', value: 0.62, ci: [0.57, 0.67] })], b).rows[0].verdict).toBe('fail');
  });

  it('compares point values with the tolerance when there is no interval', () => {
    const cost = { source: { type: 'runner' as const, id: 'generator' }, family: 'cost' as const };
    const b = [record({ measure: 'cost.fit-seconds', value: 1, ...cost })];
    const next = [record({ measure: 'cost.fit-seconds', value: 1.1, ...cost })];
    expect(evaluateGate(policy([{ measure: 'cost.fit-seconds', noRegression: true }]), next, b).rows[0].verdict).toBe('fail');
    expect(evaluateGate(policy([{ measure: 'cost.fit-seconds', noRegression: true, tolerance: 0.2 }]), next, b).rows[0].verdict).toBe('pass');
    expect(evaluateGate(policy([{ measure: 'cost.fit-seconds', maxRatioToBaseline: 2 }]), [record({ measure: 'cost.fit-seconds', value: 1.9, ...cost })], b).rows[0].verdict).toBe('pass');
    const slow = evaluateGate(policy([{ measure: 'cost.fit-seconds', maxRatioToBaseline: 2 }]), [record({ measure: 'cost.fit-seconds', value: 2.1, ...cost })], b);
    expect(slow.rows[0]).toMatchObject({ verdict: 'fail', message: '2.1× baseline > 2×' });
  });

  it('fails as missing when the baseline lacks the dataset and generator', () => {
    const r = evaluateGate(policy([{ measure: 'dcr.auc', noRegression: true }]), series('dcr.auc', [0.5], { generator: 'ctgan' }), base);
    expect(r.rows[0]).toMatchObject({ verdict: 'missing', message: 'no baseline value for this dataset and generator' });
  });

  it('regressed(): disjoint intervals on the worse side only', () => {
    expect(regressed('lower-better', { value: 0.6, ci: [0.56, 0.64] }, { value: 0.5, ci: [0.45, 0.55] }, 0).regressed).toBe(true);
    expect(regressed('lower-better', { value: 0.6, ci: [0.54, 0.66] }, { value: 0.5, ci: [0.45, 0.55] }, 0).regressed).toBe(false);
    expect(regressed('neutral', { value: 0.3, ci: [0.25, 0.35] }, { value: 0.5, ci: [0.45, 0.55] }, 0).regressed).toBe(true);
  });
});
