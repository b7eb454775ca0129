const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function to about 1e-15 relative (checked against mpmath in test/ops/math.test.ts):
 * a Maclaurin series near zero and a continued fraction for erfc in the tails (float64 gradient
 * checks of exact GELU depend on it).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a;
    let sum = a;
    const x2 = a * a;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    const r = TWO_OVER_SQRT_PI * sum;
    return x < 0 ? -r : r;
  }
  if (a > 6) return x < 0 ? -1 : 1;
  const c = erfcTail(a);
  return x < 0 ? c - 1 : 1 - c;
}

/**
 * The complementary error function 1 - erf(x), to about 1e-15 relative on both sides: computed
 * directly in the right tail, so that exact GELU of large negative inputs keeps its precision.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 1) return 1 - erf(x);
  return x > 0 ? erfcTail(x) : 2 - erfcTail(-x);
}

/**
 * erfc(a) for a >= 1 by the continued fraction
 * erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))), evaluated with Lentz's method
 * (under 200 terms at a = 1, fewer further out).
 */
function erfcTail(a: number): number {
  if (a > 27.3) return 0; // below the smallest subnormal
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 400; n++) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}
