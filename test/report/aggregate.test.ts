import { describe, expect, it } from 'vitest';
import { aggregate, splitMeasureId, summarizeCell } from '../../src/report/aggregate.js';
import { studentTPpf } from '../../src/core/special.js';
import { rec, reps } from './factory.js';

describe('summarizeCell', () => {
  it('mean and Student-t 95% CI over 3 repetitions match hand-computed values', () => {
    const c = summarizeCell(reps([0.5, 0.6, 0.7]));
    expect(c.state).toBe('ok');
    expect(c.n).toBe(3);
    expect(c.mean).toBeCloseTo(0.6, 12);
    expect(c.sd).toBeCloseTo(0.1, 12);
    // t(0.975, 2) = 4.302653; s/√n = 0.1/√3 = 0.0577350; half-width = 0.248414
    const half = (c.ci![1] - c.ci![0]) / 2;
    expect(half).toBeCloseTo(0.248414, 5);
    expect(c.ci![0]).toBeCloseTo(0.6 - 0.248414, 5);
    expect(c.ciLevel).toBe(0.95);
    expect(c.ciMethod).toBe('student-t');
    expect(c.values).toEqual([0.5, 0.6, 0.7]);
    expect(c.repetitions).toEqual([0, 1, 2]);
  });

  it('t-CI over 5 repetitions: values 1..5 → mean 3, half-width t(0.975,4)·√2.5/√5 = 1.963243', () => {
    const c = summarizeCell(reps([3, 1, 5, 2, 4]));
    expect(c.mean).toBe(3);
    expect(c.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(c.ci![1] - 3).toBeCloseTo(1.963243, 5);
    expect(studentTPpf(0.975, 4)).toBeCloseTo(2.776445, 5);
  });

  it('identical repetitions give a zero-width interval, not NaN', () => {
    const c = summarizeCell(reps([0.25, 0.25]));
    expect(c.ci).toEqual([0.25, 0.25]);
  });

  it('a single repetition uses the record CI and its level', () => {
    const c = summarizeCell([rec({ value: 0.62, ci: [0.55, 0.7], ciLevel: 0.9 })]);
    expect(c.n).toBe(1);
    expect(c.mean).toBe(0.62);
    expect(c.ci).toEqual([0.55, 0.7]);
    expect(c.ciLevel).toBe(0.9);
    expect(c.ciMethod).toBe('record');
    const noCi = summarizeCell([rec({ value: 0.62 })]);
    expect(noCi.ci).toBeNull();
    expect(noCi.ciMethod).toBeNull();
    // With one record without ciLevel the level defaults to 95%.
    expect(summarizeCell([rec({ value: 0.6, ci: [0.5, 0.7] })]).ciLevel).toBe(0.95);
  });

  it('≥ 2 repetitions use the across-repetition interval, not the records’ own', () => {
    const c = summarizeCell([rec({ value: 0.4, ci: [0, 1], repetition: 0 }), rec({ value: 0.6, ci: [0, 1], repetition: 1 })]);
    // t(0.975,1) = 12.7062; s = 0.141421; half = 12.7062 * 0.141421 / √2 = 1.27062
    expect(c.ciMethod).toBe('student-t');
    expect(c.ci![1] - 0.5).toBeCloseTo(1.270620, 5);
  });

  it('mixes ok and failed: mean of the ok ones plus the failure count and first error', () => {
    const c = summarizeCell([
      rec({ repetition: 2, value: null, status: 'failed', error: 'second failure' }),
      rec({ repetition: 0, value: 0.2 }),
      rec({ repetition: 1, value: null, status: 'failed', error: 'first failure' }),
      rec({ repetition: 3, value: 0.4 }),
    ]);
    expect(c.state).toBe('partial');
    expect(c.mean).toBeCloseTo(0.3, 12);
    expect(c.n).toBe(2);
    expect(c.counts).toEqual({ ok: 2, failed: 2, 'timed-out': 0, skipped: 0 });
    expect(c.firstError).toBe('first failure');
    expect(c.repetitions).toEqual([0, 3]);
  });

  it('cells without an ok value show their worst status and never a number', () => {
    const failed = summarizeCell([rec({ value: null, status: 'skipped', error: 'no target' }), rec({ repetition: 1, value: 0.9, status: 'failed', error: 'x' })]);
    expect(failed.state).toBe('failed');
    expect(failed.mean).toBeNull();
    // A failed record's stray value is never averaged.
    expect(failed.values).toEqual([]);
    expect(summarizeCell([rec({ value: null, status: 'skipped' }), rec({ repetition: 1, value: null, status: 'timed-out' })]).state).toBe('timed-out');
    const skipped = summarizeCell([rec({ value: null, status: 'skipped', error: 'needs a target column' })]);
    expect(skipped.state).toBe('skipped');
    expect(skipped.firstError).toBe('needs a target column');
    expect(summarizeCell([]).state).toBe('missing');
  });

  it('ok records without a value are counted, not averaged', () => {
    const c = summarizeCell(reps([null, 0.8]));
    expect(c.state).toBe('ok');
    expect(c.mean).toBe(0.8);
    expect(c.okWithoutValue).toBe(1);
    expect(summarizeCell(reps([null])).state).toBe('no-value');
  });

  it('collects distinct notes', () => {
    const c = summarizeCell([rec({ note: 'few negatives' }), rec({ repetition: 1, note: 'few negatives' }), rec({ repetition: 2, note: 'other' })]);
    expect(c.notes).toEqual(['few negatives', 'other']);
  });

  it('an unknown status is shown as failed rather than dropped', () => {
    const c = summarizeCell([rec({ status: 'exploded' as never, error: 'oops' })]);
    expect(c.state).toBe('failed');
    expect(c.firstError).toContain('unknown record status');
    expect(c.firstError).toContain('oops');
  });
});

describe('splitMeasureId', () => {
  it('splits per-column ids at the first bracket', () => {
    expect(splitMeasureId('ks-complement[age]')).toEqual({ base: 'ks-complement', column: 'age' });
    expect(splitMeasureId('tv[a[b]]')).toEqual({ base: 'tv', column: 'a[b]' });
    expect(splitMeasureId('tstr.accuracy')).toEqual({ base: 'tstr.accuracy', column: null });
  });
});

describe('aggregate', () => {
  it('groups by dataset and (generator, paramsHash); orders columns privacy → fidelity → utility → fairness → cost', () => {
    const base = { generator: 'ctgan', paramsHash: 'a' };
    const records = [
      rec({ ...base, family: 'cost', measure: 'fit-time', units: 'ms', direction: 'lower-better', source: { type: 'runner', id: 'runner' } }),
      rec({ ...base, family: 'utility', measure: 'tstr.accuracy', source: { type: 'metric', id: 'tstr' } }),
      rec({ ...base, family: 'fairness', measure: 'dp-gap', direction: 'lower-better', source: { type: 'metric', id: 'fair' } }),
      rec({ ...base, family: 'fidelity', measure: 'ks-complement' }),
      rec({ ...base, family: 'membership', measure: 'mia.auc', direction: 'lower-better', source: { type: 'attack', id: 'mia' } }),
      rec({ ...base, family: 'linkage', measure: 'link.risk', direction: 'lower-better', source: { type: 'attack', id: 'link' } }),
      rec({ ...base, family: 'fidelity', measure: 'corr-diff', direction: 'lower-better', source: { type: 'metric', id: 'corr' } }),
      rec({ ...base, family: 'generator', measure: 'epsilon', direction: 'neutral', source: { type: 'runner', id: 'generator' } }),
      rec({ generator: 'ctgan', paramsHash: 'b', generatorLabel: 'ctgan{epochs=10}' }),
      rec({ dataset: 'adult', generator: 'baseline' }),
      rec({ dataset: 'census' }),
    ];
    const m = aggregate(records);
    expect(m.datasets.map((d) => d.dataset)).toEqual(['adult', 'census']);
    const adult = m.datasets[0];
    expect(adult.columns.map((c) => c.measure)).toEqual([
      'link.risk',
      'mia.auc',
      'corr-diff',
      'ks-complement',
      'tstr.accuracy',
      'dp-gap',
      'fit-time',
      'epsilon',
    ]);
    expect(adult.columns.map((c) => c.group)).toEqual(['privacy', 'privacy', 'fidelity', 'fidelity', 'utility', 'fairness', 'cost', 'generator']);
    expect(adult.rows.map((r) => r.label)).toEqual(['baseline', 'ctgan', 'ctgan{epochs=10}']);
    expect(adult.rows.map((r) => r.key)).toEqual(['baseline|p0', 'ctgan|a', 'ctgan|b']);
    // cost column carries direction and units; ctgan{epochs=10} has no fit-time record → missing.
    const cost = adult.columns[6];
    expect(cost).toMatchObject({ direction: 'lower-better', units: 'ms', proxy: false });
    expect(adult.cells[2][6].state).toBe('missing');
    expect(adult.cells[1][6].state).toBe('ok');
  });

  it('carries proxy, direction and per-cell notes into the model', () => {
    const m = aggregate([
      rec({ family: 'membership', measure: 'dcr.share', proxy: true, direction: 'lower-better', note: 'proxy only', source: { type: 'attack', id: 'dcr' } }),
    ]);
    const col = m.datasets[0].columns[0];
    expect(col.proxy).toBe(true);
    expect(col.direction).toBe('lower-better');
    expect(m.datasets[0].cells[0][0].notes).toEqual(['proxy only']);
  });

  it('keeps per-column measures out of the headline and in breakdowns, columns in first-seen order', () => {
    const m = aggregate([
      rec({ measure: 'ks-complement[sex]', value: 0.9 }),
      rec({ measure: 'ks-complement[age]', value: 0.8 }),
      rec({ measure: 'ks-complement', value: 0.85 }),
      rec({ generator: 'other', measure: 'ks-complement[age]', value: 0.7, repetition: 0 }),
      rec({ generator: 'other', measure: 'ks-complement[age]', value: 0.5, repetition: 1 }),
    ]);
    const d = m.datasets[0];
    expect(d.columns.map((c) => c.measure)).toEqual(['ks-complement']);
    expect(d.breakdowns).toHaveLength(1);
    const b = d.breakdowns[0];
    expect(b.measure).toBe('ks-complement');
    expect(b.subColumns).toEqual(['sex', 'age']);
    // rows: gaussian-copula, other
    expect(b.cells[0][0].mean).toBe(0.9);
    expect(b.cells[1][1].mean).toBeCloseTo(0.6, 12);
    expect(b.cells[1][1].n).toBe(2);
    expect(b.cells[1][0].state).toBe('missing');
    expect(d.cells[1][0].state).toBe('missing');
  });

  it('lists every non-ok record as a failure with its source, status and error', () => {
    const m = aggregate([
      ...reps([0.5, 0.6]),
      rec({ repetition: 2, value: null, status: 'failed', error: 'NaN in loss' }),
      rec({ generator: 'tvae', value: null, status: 'timed-out', error: 'exceeded 600 s' }),
      rec({ generator: 'tvae', measure: 'tstr.f1', value: null, status: 'skipped', error: 'no target', source: { type: 'metric', id: 'tstr' }, family: 'utility' }),
    ]);
    expect(m.totals).toEqual({ records: 5, superseded: 0, ok: 2, failed: 1, 'timed-out': 1, skipped: 1 });
    expect(m.failures.map((f) => [f.generatorLabel, f.status, f.error, f.source.id, f.measure])).toEqual([
      ['gaussian-copula', 'failed', 'NaN in loss', 'ks', 'ks-complement'],
      ['tvae', 'timed-out', 'exceeded 600 s', 'ks', 'ks-complement'],
      ['tvae', 'skipped', 'no target', 'tstr', 'tstr.f1'],
    ]);
    const d = m.datasets[0];
    expect(d.cells[0][0].state).toBe('partial');
    expect(d.cells[1][0].state).toBe('timed-out');
    const tstr = d.columns.findIndex((c) => c.measure === 'tstr.f1');
    expect(d.cells[1][tstr].state).toBe('skipped');
    expect(d.cells[0][tstr].state).toBe('missing');
  });

  it('a later record for the same (cell, source, measure) supersedes an earlier one', () => {
    const m = aggregate([
      rec({ value: null, status: 'failed', error: 'transient' }),
      rec({ value: 0.7 }),
      rec({ repetition: 1, value: 0.9 }),
    ]);
    expect(m.totals.superseded).toBe(1);
    expect(m.failures).toEqual([]);
    expect(m.datasets[0].cells[0][0].values).toEqual([0.7, 0.9]);
  });

  it('names the source when two sources share a measure id', () => {
    const m = aggregate([
      rec({ family: 'membership', measure: 'auc', source: { type: 'attack', id: 'dcr' } }),
      rec({ family: 'membership', measure: 'auc', source: { type: 'attack', id: 'domias' } }),
      rec({ family: 'membership', measure: 'auc', source: { type: 'attack', id: 'dcr', params: { k: 5 } } }),
    ]);
    expect(m.datasets[0].columns.map((c) => c.label)).toEqual(['auc (dcr)', 'auc (dcr{"k":5})', 'auc (domias)']);
  });

  it('spreads a whole-unit failure onto that source’s measures instead of a placeholder column', () => {
    const dcr = { type: 'attack' as const, id: 'dcr', paramsHash: 'h1' };
    const m = aggregate([
      rec({ family: 'membership', source: dcr, measure: 'dcr.auc', direction: 'lower-better', value: 0.55 }),
      rec({ family: 'membership', source: dcr, measure: 'dcr.tpr[at 1% fpr]', direction: 'higher-better', value: 0.02 }),
      rec({ family: 'membership', source: dcr, measure: 'dcr.share', direction: 'lower-better', proxy: true, value: 0.1 }),
      // the runner's status record for an evaluator that threw: measure named after the evaluator
      rec({ generator: 'tvae', family: 'membership', source: dcr, measure: 'dcr', direction: 'neutral', value: null, status: 'failed', error: 'singular matrix' }),
    ]);
    const d = m.datasets[0];
    expect(d.columns.map((c) => c.measure)).toEqual(['dcr.auc', 'dcr.share']);
    expect(d.rows.map((r) => r.generator)).toEqual(['gaussian-copula', 'tvae']);
    expect(d.cells[1].map((c) => [c.state, c.firstError])).toEqual([
      ['failed', 'singular matrix'],
      ['failed', 'singular matrix'],
    ]);
    expect(d.breakdowns[0].cells[1][0].state).toBe('failed');
    // listed once in the failures, counted once in the totals
    expect(m.failures).toHaveLength(1);
    expect(m.totals.failed).toBe(1);
  });

  it('keeps the placeholder column when the source failed everywhere', () => {
    const m = aggregate([
      rec({ family: 'membership', source: { type: 'attack', id: 'domias' }, measure: 'domias', direction: 'neutral', value: null, status: 'timed-out', error: 'over budget' }),
    ]);
    expect(m.datasets[0].columns.map((c) => c.label)).toEqual(['domias']);
    expect(m.datasets[0].cells[0][0].state).toBe('timed-out');
  });

  it('takes column metadata from ok records, not from a status record seen first', () => {
    const gen = { type: 'runner' as const, id: 'generator' };
    const m = aggregate([
      rec({ generator: 'ctgan', family: 'cost', source: gen, measure: 'cost.fit-seconds', direction: 'neutral', value: null, status: 'failed', error: 'fit: out of memory' }),
      rec({ family: 'cost', source: gen, measure: 'cost.fit-seconds', units: 's', direction: 'lower-better', value: 2 }),
      rec({ family: 'cost', source: gen, measure: 'cost.sample-rows-per-second', units: 'rows/s', direction: 'higher-better', value: 1e5 }),
    ]);
    const d = m.datasets[0];
    expect(d.columns.map((c) => [c.measure, c.direction, c.units, c.warnings.length])).toEqual([
      ['cost.fit-seconds', 'lower-better', 's', 0],
      ['cost.sample-rows-per-second', 'higher-better', 'rows/s', 0],
    ]);
    // rows: ctgan, gaussian-copula; the failed generator phase shows in both cost columns
    expect(d.cells[0].map((c) => c.state)).toEqual(['failed', 'failed']);
    expect(d.cells[1].map((c) => c.state)).toEqual(['ok', 'ok']);
  });

  it('does not spread a measure-level failure when the unit also produced ok measures', () => {
    const m = aggregate([
      rec({ measure: 'a', value: 0.1 }),
      rec({ measure: 'b', value: 0.2 }),
      rec({ generator: 'g2', measure: 'a', value: null, status: 'failed', error: 'a evaluated to NaN' }),
    ]);
    // rows: g2, gaussian-copula. g2's unit produced nothing ok, so its status also stands for b.
    expect(m.datasets[0].cells[0].map((c) => c.state)).toEqual(['failed', 'failed']);
    const m2 = aggregate([
      rec({ measure: 'a', value: 0.1 }),
      rec({ measure: 'b', value: 0.2 }),
      rec({ generator: 'g2', measure: 'a', value: null, status: 'failed', error: 'a evaluated to NaN' }),
      rec({ generator: 'g2', measure: 'c', value: 0.3 }),
    ]);
    expect(m2.datasets[0].columns.map((c) => c.measure)).toEqual(['a', 'b', 'c']);
    // here the unit did produce c, so b stays missing rather than borrowing a's failure
    expect(m2.datasets[0].cells[0].map((c) => c.state)).toEqual(['failed', 'missing', 'ok']);
  });

  it('flags columns whose records disagree on direction or units', () => {
    const m = aggregate([rec({ units: 's' }), rec({ repetition: 1, units: 'ms', direction: 'lower-better' })]);
    const col = m.datasets[0].columns[0];
    expect(col.direction).toBe('higher-better');
    expect(col.warnings).toHaveLength(2);
  });

  it('reports provenance seen in the records', () => {
    const m = aggregate([rec({ runId: 'b' }), rec({ runId: 'a', repetition: 1, backend: 'wasm' })]);
    expect(m.runIds).toEqual(['a', 'b']);
    expect(m.backends).toEqual(['cpu', 'wasm']);
    expect(aggregate([]).datasets).toEqual([]);
  });
});
