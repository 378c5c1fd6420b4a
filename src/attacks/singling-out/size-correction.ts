/**
 * Control-size correction for singling out (Giomi et al. 2023, §4.1; Anonymeter's
 * `fit_correction_term`). Whether a query singles out depends on the size of the table it is run
 * on, so when the control set (holdout) is not as large as the main set (train), the number of
 * queries singling out in the control set is extrapolated to the main set's size.
 *
 * Model: a query matching a random record with probability w singles out one of n records with
 * probability n·w·(1−w)^(n−1). With query weights spread uniformly over [0, w_eff], the expected
 * number of singling-out queries in a table of n rows is
 *     S(n) = norm · ∫₀^w_eff n·w·(1−w)^(n−1) dw = norm · (1 − (1−w_eff)^n · (n·w_eff + 1)) / (n + 1).
 * (w_eff, norm) are fitted by least squares to the counts measured on random subsets of the
 * control set (10 sizes from min(1000, ⌈n_control/2⌉) to n_control, 5 draws each); S(n_main) is the
 * corrected control count. `norm` enters linearly, so it is solved in closed form for each w_eff
 * and w_eff is found by a log-grid search refined by golden-section search.
 */
import type { Rng } from '../../core/rng.js';

/** ∫₀^w n·x·(1−x)^(n−1) dx. */
export function singlingOutIntegral(n: number, w: number): number {
  return (1 - Math.pow(1 - w, n) * (n * w + 1)) / (n + 1);
}

export interface SizeModel {
  wEff: number;
  norm: number;
  predict(n: number): number;
}

/** Least-squares fit of S(n) = norm · singlingOutIntegral(n, w_eff) to (size, successes) points. */
export function fitSizeModel(sizes: ArrayLike<number>, successes: ArrayLike<number>): SizeModel {
  const m = sizes.length;
  const solve = (w: number): { norm: number; sse: number } => {
    let fs = 0;
    let ff = 0;
    for (let i = 0; i < m; i++) {
      const f = singlingOutIntegral(sizes[i], w);
      fs += f * successes[i];
      ff += f * f;
    }
    const norm = ff > 0 ? Math.max(0, fs / ff) : 0;
    let sse = 0;
    for (let i = 0; i < m; i++) {
      const r = successes[i] - norm * singlingOutIntegral(sizes[i], w);
      sse += r * r;
    }
    return { norm, sse };
  };
  // log10(w) grid over [−9, 0], then golden-section refinement around the best grid point
  const G = 181;
  let bestT = 0;
  let bestSse = Infinity;
  for (let g = 0; g < G; g++) {
    const t = -9 + (9 * g) / (G - 1);
    const { sse } = solve(10 ** t);
    if (sse < bestSse) (bestSse = sse), (bestT = t);
  }
  let lo = Math.max(-9, bestT - 0.05);
  let hi = Math.min(0, bestT + 0.05);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (solve(10 ** a).sse <= solve(10 ** b).sse) hi = b;
    else lo = a;
  }
  const wEff = 10 ** ((lo + hi) / 2);
  const { norm } = solve(wEff);
  return { wEff, norm, predict: (n: number) => norm * singlingOutIntegral(n, wEff) };
}

/**
 * Corrected number of queries singling out in a table of `nMain` rows, from each query's
 * matching rows in the control table (`matches[q]`, indices into [0, nControl)).
 */
export function correctedControlSuccesses(matches: Int32Array[], nControl: number, nMain: number, rng: Rng, nSizes = 10, nRepeat = 5): { value: number; model: SizeModel } {
  const sizes: number[] = [];
  const succ: number[] = [];
  // Anonymeter starts at min(1000, n); we also stop at n/2 so small control sets still span a range of sizes
  const minRows = Math.min(1000, Math.ceil(nControl / 2));
  const mask = new Uint8Array(nControl);
  for (let s = 0; s < nSizes; s++) {
    const size = Math.round(minRows + ((nControl - minRows) * s) / Math.max(1, nSizes - 1));
    for (let rep = 0; rep < nRepeat; rep++) {
      mask.fill(0);
      for (const i of rng.sampleWithoutReplacement(nControl, size)) mask[i] = 1;
      let k = 0;
      for (const rows of matches) {
        let c = 0;
        for (let t = 0; t < rows.length && c < 2; t++) c += mask[rows[t]];
        if (c === 1) k++;
      }
      sizes.push(size);
      succ.push(k);
    }
  }
  const model = fitSizeModel(sizes, succ);
  return { value: Math.min(matches.length, Math.max(0, model.predict(nMain))), model };
}
