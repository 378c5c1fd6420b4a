import { describe, expect, it } from 'vitest';
import { formatEstimate, formatLevel, formatNumber } from '../../src/report/format.js';

describe('formatNumber', () => {
  it('shows unitless scores in [-1, 1] with 3 decimals', () => {
    expect(formatNumber(0.6)).toBe('0.600');
    expect(formatNumber(1)).toBe('1.000');
    expect(formatNumber(0.12345)).toBe('0.123');
    expect(formatNumber(-0.25)).toBe('-0.250');
    expect(formatNumber(-0.0001)).toBe('0.000');
  });
  it('shows other values with 3 significant digits, keeping integer digits', () => {
    expect(formatNumber(12.345, 'ms')).toBe('12.3');
    expect(formatNumber(1234.4, 'ms')).toBe('1234');
    expect(formatNumber(0.5, 's')).toBe('0.500');
    expect(formatNumber(3.14159)).toBe('3.14');
    expect(formatNumber(2e7, 'B')).toBe('2.00e+7');
    expect(formatNumber(0.00012, 's')).toBe('1.20e-4');
    expect(formatNumber(0, 'ms')).toBe('0');
  });
});

describe('formatEstimate', () => {
  it('symmetric intervals read as mean ± half-width with the mean’s precision', () => {
    expect(formatEstimate(0.6, [0.6 - 0.248414, 0.6 + 0.248414], null)).toEqual({ value: '0.600', interval: '± 0.248' });
    expect(formatEstimate(740.7, [740.7 - 1568.6, 740.7 + 1568.6], 'ms')).toEqual({ value: '741', interval: '± 1569' });
  });
  it('asymmetric intervals read as [lo, hi]', () => {
    expect(formatEstimate(0.62, [0.55, 0.7], null)).toEqual({ value: '0.620', interval: '[0.550, 0.700]' });
  });
  it('a tiny nonzero half-width is not printed as zero', () => {
    expect(formatEstimate(0.6, [0.59996, 0.60004], null).interval).toBe('± 0.00004');
  });
  it('no interval', () => {
    expect(formatEstimate(0.6, null, null)).toEqual({ value: '0.600', interval: null });
  });
});

describe('formatLevel', () => {
  it('prints levels as percentages', () => {
    expect(formatLevel(0.95)).toBe('95%');
    expect(formatLevel(0.999)).toBe('99.9%');
  });
});
