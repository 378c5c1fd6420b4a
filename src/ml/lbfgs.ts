/**
 * Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with a strong-Wolfe line search
 * (Nocedal & Wright 2006, Algorithms 3.5 and 3.6, cubic interpolation in the zoom phase).
 * Minimises a smooth function given as `fg(x, g) → f` that also writes the gradient into g.
 * Stops when ‖g‖∞ ≤ gtol, or when the relative decrease of f falls below ftol (scipy's
 * L-BFGS-B default factr·eps), or at maxIter.
 */

export type ObjectiveFn = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** History size (default 10). */
  m?: number;
  maxIter?: number;
  /** Stop when max |g_i| ≤ gtol (default 1e-8). */
  gtol?: number;
  /** Stop when (f_prev − f) ≤ ftol · max(|f_prev|, |f|, 1) (default 2.2e-14). */
  ftol?: number;
  /** Called once per iteration (e.g. to check an abort signal). */
  onIteration?: (iter: number, f: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

export function lbfgs(fg: ObjectiveFn, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const m = opts.m ?? 10;
  const maxIter = opts.maxIter ?? 1000;
  const gtol = opts.gtol ?? 1e-8;
  const ftol = opts.ftol ?? 2.220446049250313e-14;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let evaluations = 1;
  let f = fg(x, g);
  if (!Number.isFinite(f)) throw new Error('lbfgs: objective is not finite at the starting point');

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  const dir = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);

  // Evaluate at x + t·dir into (xt, gt).
  const phi = (t: number): [number, number] => {
    for (let i = 0; i < n; i++) xt[i] = x[i] + t * dir[i];
    evaluations++;
    const ft = fg(xt, gt);
    return [ft, dot(gt, dir)];
  };

  let iter = 0;
  let message = 'maximum iterations reached';
  let converged = false;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol) {
      converged = true;
      message = 'gradient below tolerance';
      break;
    }
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < n; i++) dir[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alphaBuf[j] = rho[j] * dot(S[j], dir);
      const y = Y[j];
      const a = alphaBuf[j];
      for (let i = 0; i < n; i++) dir[i] -= a * y[i];
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dot(Y[j], dir);
      const s = S[j];
      const c = alphaBuf[j] - b;
      for (let i = 0; i < n; i++) dir[i] += c * s[i];
    }
    let dg0 = dot(g, dir);
    if (!(dg0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      dg0 = dot(g, dir);
    }
    const t0 = k === 0 ? Math.min(1, 1 / maxAbs(g)) : 1;
    const ls = wolfeSearch(phi, f, dg0, t0);
    if (!ls) {
      message = 'line search found no decrease (at the limit of floating-point precision)';
      converged = maxAbs(g) <= Math.max(gtol, 1e-6);
      break;
    }
    const [t, fNew] = ls;
    // phi's buffers hold the last evaluation; make sure they are at the accepted step.
    if (ls[2] !== true) phi(t);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    const sy = dot(s, y);
    x.set(xt);
    g.set(gt);
    const fPrev = f;
    f = fNew;
    if (sy > 1e-12 * dot(y, y) && sy > 0) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    opts.onIteration?.(iter, f);
    if (fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) {
      converged = true;
      message = 'relative reduction of f below tolerance';
      iter++;
      break;
    }
  }
  if (!converged && maxAbs(g) <= gtol) {
    converged = true;
    message = 'gradient below tolerance';
  }
  return { x, f, iterations: iter, evaluations, converged, message };
}

/**
 * Strong-Wolfe step search along the current direction. Returns [t, f(t), lastEvaluatedIsT]
 * or undefined when no step with sufficient decrease was found.
 */
function wolfeSearch(phi: (t: number) => [number, number], f0: number, dg0: number, t0: number): [number, number, boolean] | undefined {
  let tPrev = 0;
  let fPrev = f0;
  let dPrev = dg0;
  let t = t0;
  let bestT = 0;
  let bestF = f0;
  for (let i = 0; i < 30; i++) {
    const [ft, dt] = phi(t);
    if (ft < bestF && ft <= f0 + C1 * t * dg0) (bestT = t), (bestF = ft);
    if (!Number.isFinite(ft) || ft > f0 + C1 * t * dg0 || (i > 0 && ft >= fPrev)) {
      return zoom(phi, f0, dg0, tPrev, fPrev, dPrev, t, ft, dt, bestT, bestF);
    }
    if (Math.abs(dt) <= -C2 * dg0) return [t, ft, true];
    if (dt >= 0) return zoom(phi, f0, dg0, t, ft, dt, tPrev, fPrev, dPrev, bestT, bestF);
    tPrev = t;
    fPrev = ft;
    dPrev = dt;
    t *= 2;
  }
  return bestT > 0 ? [bestT, bestF, false] : undefined;
}

function zoom(
  phi: (t: number) => [number, number],
  f0: number,
  dg0: number,
  lo: number,
  flo: number,
  dlo: number,
  hi: number,
  fhi: number,
  dhi: number,
  bestT: number,
  bestF: number,
): [number, number, boolean] | undefined {
  for (let j = 0; j < 40; j++) {
    const a = Math.min(lo, hi);
    const b = Math.max(lo, hi);
    const w = b - a;
    if (!(w > 0) || w < 1e-16 * Math.max(1, b)) break;
    let t = Number.isFinite(fhi) ? cubicMin(lo, flo, dlo, hi, fhi, dhi) : NaN;
    if (!(t > a + 0.1 * w && t < b - 0.1 * w)) t = 0.5 * (lo + hi);
    const [ft, dt] = phi(t);
    if (Number.isFinite(ft) && ft < bestF && ft <= f0 + C1 * t * dg0) (bestT = t), (bestF = ft);
    if (!Number.isFinite(ft) || ft > f0 + C1 * t * dg0 || ft >= flo) {
      hi = t;
      fhi = ft;
      dhi = dt;
    } else {
      if (Math.abs(dt) <= -C2 * dg0) return [t, ft, true];
      if (dt * (hi - lo) >= 0) {
        hi = lo;
        fhi = flo;
        dhi = dlo;
      }
      lo = t;
      flo = ft;
      dlo = dt;
    }
  }
  return bestT > 0 ? [bestT, bestF, false] : undefined;
}
