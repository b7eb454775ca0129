// fp32 GEMM: C = A·B with A [m, k] and B [k, n]. The GFLOP/s column counts 2·m·k·n per run.
import { defineWorkload } from "../harness/workload.js";
import type { Impl } from "../harness/types.js";
import type { Deepts } from "../engines/deepts.js";
import type { Tfjs } from "../engines/tfjs.js";
import { randomFloats } from "../harness/random.js";

export interface GemmSpec {
  m: number;
  k: number;
  n: number;
}

/** A GEMM case; `quick` marks the sizes a CI smoke run uses. */
export function gemmCase(m: number, k = m, n = m, quick = false) {
  const name = m === k && k === n ? `${m}³` : `${m}×${k}×${n}`;
  return { name, spec: { m, k, n }, flops: 2 * m * k * n, quick };
}

const deepts: Impl<Deepts, GemmSpec> = (dt, { m, k, n }) => {
  const a = dt.randomNormal([m, k]);
  const b = dt.randomNormal([k, n]);
  return () => dt.matmul(a, b);
};

const tfjs: Impl<Tfjs, GemmSpec> = (tf, { m, k, n }) => {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  return () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
};

export default defineWorkload<GemmSpec>({
  name: "gemm",
  description: "fp32 matrix product A[m,k]·B[k,n]",
  cases: [gemmCase(256, 256, 256, true), gemmCase(1024), gemmCase(2048)],
  impls: {
    "deepts-native": deepts,
    "deepts-js": deepts,
    "tfjs-cpu": tfjs,
    "tfjs-wasm": tfjs,
    async ort({ ort, session }, spec) {
      const s = await session("matmul", spec);
      const feeds = {
        a: new ort.Tensor("float32", randomFloats(spec.m * spec.k), [spec.m, spec.k]),
        b: new ort.Tensor("float32", randomFloats(spec.k * spec.n), [spec.k, spec.n]),
      };
      return () => s.run(feeds);
    },
    "jax-js"(jax, { m, k, n }) {
      const np = jax.numpy;
      const a = np.array(randomFloats(m * k)).reshape([m, k]);
      const b = np.array(randomFloats(k * n)).reshape([k, n]);
      return async () => {
        const c = await np.matmul(a.ref, b.ref).blockUntilReady();
        c.dispose();
      };
    },
  },
});
