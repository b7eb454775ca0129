import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  GlorotUniform, HeNormal, Identity, Initializer, Orthogonal, VarianceScaling, computeFans, getInitializer, matmul, serializeInitializer,
  transpose, eye, reshape,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface InitCase {
  name: string;
  identifier: string | { class_name: string; config: Record<string, unknown> };
  shape: number[];
  fans: [number, number];
  draw?: { fn: "normal" | "uniform" | "truncated_normal"; mean?: number; stddev?: number; minval?: number; maxval?: number };
  values?: TensorSpec;
}

const cases = loadFixtures("keras/initializers").cases as unknown as InitCase[];

/** Values pooled over many seeded calls, so that small shapes still give thousands of samples. */
function pooled(init: Initializer, shape: number[], min = 20000): Float64Array {
  const out: number[] = [];
  const base = (init as { seed?: number | null }).seed;
  for (let s = 0; out.length < min; s++) {
    const i = getInitializer({ className: init.className, config: { ...init.getConfig(), seed: (base ?? 0) * 1000 + s + 1 } });
    out.push(...i.call(shape).values);
  }
  return Float64Array.from(out);
}

function stats(v: Float64Array): { mean: number; std: number; min: number; max: number } {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  return { mean: m, std: Math.sqrt(s / v.length), min: Math.min(...v), max: Math.max(...v) };
}

describe("initializers follow Keras 3's distributions", () => {
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.shape)}`, () => {
      const init = getInitializer(c.identifier);
      const t = init.call(c.shape);
      assert.deepEqual([...t.shape], c.shape);
      assert.equal(t.dtype, "float32");
      if (c.values) {
        assertClose(t, fromSpec(c.values), { rtol: 0, atol: 0 });
        return;
      }
      const ax = init instanceof VarianceScaling ? [init.inputAxes, init.outputAxes] : [];
      assert.deepEqual(computeFans(c.shape, ...ax), c.fans, "compute_fans");
      const d = c.draw!;
      const mean = d.mean ?? 0;
      if (init instanceof VarianceScaling) {
        const p = init.parameters(c.shape);
        if (d.fn === "uniform") assert.ok(Math.abs(p.limit! - d.maxval!) < 1e-12, `limit ${p.limit} vs Keras ${d.maxval}`);
        else assert.ok(Math.abs(p.stddev! - d.stddev!) < 1e-12, `stddev ${p.stddev} vs Keras ${d.stddev}`);
      }
      const st = stats(pooled(init, c.shape));
      const n = 20000;
      if (d.fn === "uniform") {
        const [lo, hi] = [d.minval!, d.maxval!];
        assert.ok(st.min >= lo && st.max < hi, `within [${lo}, ${hi}): ${st.min}..${st.max}`);
        assert.ok(st.min < lo + (hi - lo) * 0.01 && st.max > hi - (hi - lo) * 0.01, "fills the interval");
        const sd = (hi - lo) / Math.sqrt(12);
        assert.ok(Math.abs(st.mean - (lo + hi) / 2) < (5 * sd) / Math.sqrt(n), `mean ${st.mean}`);
        assert.ok(Math.abs(st.std / sd - 1) < 0.03, `std ${st.std} vs ${sd}`);
      } else {
        const truncated = d.fn === "truncated_normal";
        // A unit normal truncated to ±2 has standard deviation 0.8796...
        const sd = d.stddev! * (truncated ? 0.87962566103423978 : 1);
        if (truncated) assert.ok(st.min >= mean - 2 * d.stddev! - 1e-6 && st.max <= mean + 2 * d.stddev! + 1e-6, "truncated at 2 stddev");
        assert.ok(Math.abs(st.mean - mean) < (5 * sd) / Math.sqrt(n), `mean ${st.mean} vs ${mean}`);
        assert.ok(Math.abs(st.std / sd - 1) < 0.03, `std ${st.std} vs ${sd}`);
      }
    });
  }
});

describe("initializer API", () => {
  it("repeats values for a fixed seed and varies them without one", () => {
    const a = new GlorotUniform({ seed: 3 });
    assertClose(a.call([4, 5]), a.call([4, 5]), { rtol: 0, atol: 0 });
    const b = new GlorotUniform();
    assert.notDeepEqual([...b.call([4, 5]).values], [...b.call([4, 5]).values]);
  });

  it("makes orthogonal matrices, tall and wide, with gain", () => {
    for (const shape of [[6, 4], [4, 6], [3, 2, 5]]) {
      const w = new Orthogonal({ gain: 2, seed: 1 }).call(shape, "float64");
      const m = reshape(w, [-1, shape[shape.length - 1]]);
      const tall = m.shape[0] >= m.shape[1];
      const g = tall ? matmul(transpose(m), m) : matmul(m, transpose(m));
      assertClose(g, eye(Math.min(...m.shape), undefined, "float64").values.map((x) => 4 * x), { atol: 1e-12 });
    }
    assert.throws(() => new Orthogonal().call([3]), /rank >= 2/);
  });

  it("round-trips configs and accepts Keras names and configs", () => {
    const v = new VarianceScaling({ scale: 2, mode: "fan_out", distribution: "uniform", seed: 5 });
    const r = getInitializer(serializeInitializer(v));
    assert.ok(r instanceof VarianceScaling);
    assert.deepEqual(r.getConfig(), v.getConfig());
    assert.ok(getInitializer("he_normal") instanceof HeNormal);
    assert.ok(getInitializer("HeNormal") instanceof HeNormal);
    assert.deepEqual(getInitializer({ class_name: "GlorotUniform", config: { seed: null } }).getConfig(), { seed: null, inputAxes: null, outputAxes: null });
    assert.equal((getInitializer({ class_name: "Identity", config: { gain: 3 } }) as Identity).gain, 3);
    assert.equal(new VarianceScaling({ distribution: "normal" }).distribution, "truncated_normal");
  });

  it("names the problem in errors", () => {
    assert.throws(() => getInitializer("glorot_sideways"), /unknown initializer "glorot_sideways"/);
    assert.throws(() => new VarianceScaling({ scale: -1 }), /VarianceScaling: scale must be positive/);
    assert.throws(() => new Identity().call([2, 2, 2]), /Identity initializer: expected a 2-D shape/);
    assert.throws(() => new HeNormal().call([2, 2], "int32"), /HeNormal: dtype must be float32 or float64/);
  });

  it("computes conv fans from the receptive field", () => {
    assert.deepEqual(computeFans([3, 3, 8, 16]), [72, 144]);
    assert.deepEqual(computeFans([]), [1, 1]);
  });
});
