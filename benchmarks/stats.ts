/** Median and spread of repeated measurements, the one summary every benchmark script reports. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** { median, min, max, n } rounded to `digits` decimals. */
export function summary(xs: number[], digits = 3) {
  const r = (v: number) => +v.toFixed(digits);
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)), n: xs.length };
}
