// Householder QR for the Orthogonal initializer (internal).

/**
 * The Q factor (m x n, m >= n, row-major) of the reduced QR decomposition of the m x n matrix `a`,
 * with columns signed so that R's diagonal is non-negative (as Keras' q * sign(diag(r))).
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const diagSign = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k] > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r[i * n + k];
    v[k] -= alpha;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i] * v[i];
    if (vn > 0) {
      // Apply H = I - 2vvᵀ/(vᵀv) to the remaining columns of R.
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i] * r[i * n + j];
        const f = (2 * dot) / vn;
        for (let i = k; i < m; i++) r[i * n + j] -= f * v[i];
      }
    }
    vs.push(v);
    diagSign[k] = r[k * n + k] < 0 ? -1 : 1;
  }
  // Q = H0 H1 ... H(n-1) applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i] * v[i];
    if (vn === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[i * n + j];
      const f = (2 * dot) / vn;
      for (let i = k; i < m; i++) q[i * n + j] -= f * v[i];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= diagSign[j];
  return q;
}
