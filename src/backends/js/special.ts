/**
 * The error function to about 1e-15 relative: a Maclaurin series near zero and a continued
 * fraction for erfc in the tails (float64 gradient checks of exact GELU depend on it).
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
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (a > 6) return x < 0 ? -1 : 1;
  // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))) (Lentz)
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = a + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = a + an / c;
    if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}
