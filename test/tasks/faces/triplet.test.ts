// Semi-hard triplet mining and loss (src/tasks/faces/triplet.ts): against TF Addons' definition computed by
// TensorFlow (test/fixtures/tf/triplet_semihard.json, scripts/fixtures/gen_triplet.py), against a brute-force
// loop on random batches, and its gradient against finite differences. P x K batches.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GradientTape, Tensor, randomNormal, randomUniform, tensor } from "../../../src/index.js";
import { PKSampler, seededRandom } from "../../../src/tasks/faces/triplet-batches.js";
import {
  type TripletDistanceMetric, mineSemiHardTriplets, pairwiseDistances, tripletSemiHardBatch, tripletSemiHardLoss,
} from "../../../src/tasks/faces/triplet.js";
import { assertClose } from "../../helpers/assert.js";
import { forEachBackend } from "../../helpers/backends.js";
import { fromSpec, loadFixtures } from "../../helpers/fixtures.js";
import { checkGrad } from "../../helpers/gradcheck.js";

const fx = loadFixtures("tf/triplet_semihard");

/** The loop of TF Addons' triplet_test.py, in float64, with the chosen negative of each pair. */
function bruteForce(labels: number[], e: number[][], margin: number, squared: boolean): { loss: number; triplets: number[][] } {
  const n = labels.length;
  const dist = (a: number, b: number): number => {
    const s = e[a].reduce((acc, v, j) => acc + (v - e[b][j]) ** 2, 0);
    return squared ? s : Math.sqrt(s);
  };
  let loss = 0;
  const triplets: number[][] = [];
  for (let a = 0; a < n; a++) {
    const negs = labels.map((l, k) => [dist(a, k), k]).filter(([, k]) => labels[k] !== labels[a]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      const dap = dist(a, p);
      const semi = negs.find(([d]) => d > dap);
      const [dn, k] = semi ?? negs[negs.length - 1];
      loss += Math.max(0, margin + dap - dn);
      triplets.push([a, p, k, semi ? 1 : 2]);
    }
  }
  return { loss: loss / triplets.length, triplets };
}

function rows(t: Tensor): number[][] {
  const [n, d] = t.shape;
  return Array.from({ length: n }, (_, i) => Array.from(t.values.subarray(i * d, (i + 1) * d)));
}

forEachBackend("tripletSemiHardLoss against TF Addons' definition (TensorFlow fixtures)", () => {
  for (const c of fx.cases) {
    it(`${c.name}: loss, gradient and mined negatives`, () => {
      const labels = Array.from(fromSpec(c.inputs.labels).values);
      const e = fromSpec(c.inputs.embeddings);
      const opts = { margin: c.attrs.margin as number, distanceMetric: c.attrs.distanceMetric as TripletDistanceMetric };
      const tape = new GradientTape();
      tape.watch(e);
      const r = tape.run(() => tripletSemiHardBatch(labels, e, opts));
      assertClose(r.loss, fromSpec(c.output), { rtol: 1e-5, atol: 1e-6 });
      assertClose(tape.gradient(r.loss, e), fromSpec(c.grads!.embeddings), { rtol: 1e-4, atol: 1e-6 });
      const want = c.attrs.triplets as number[][];
      assert.deepEqual(r.triplets.map((t) => [t.anchor, t.positive, t.negative, t.kind === "semi-hard" ? 1 : 2]), want);
    });
  }
});

describe("mineSemiHardTriplets and tripletSemiHardLoss against a brute-force loop", () => {
  it("random batches (float64): same loss and the same negative for every anchor-positive pair", () => {
    const rand = seededRandom(11);
    let semi = 0;
    let easiest = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = 4 + Math.floor(rand() * 10);
      const d = 2 + Math.floor(rand() * 5);
      const classes = 2 + Math.floor(rand() * 3);
      const labels = Array.from({ length: n }, () => Math.floor(rand() * classes));
      if (new Set(labels).size < 2 || labels.every((l, i) => labels.indexOf(l) === i)) continue;
      const e = randomNormal([n, d], { seed: trial, dtype: "float64" });
      const squared = trial % 2 === 1;
      const margin = [0.1, 0.5, 1, 2][trial % 4];
      const ref = bruteForce(labels, rows(e), margin, squared);
      const r = tripletSemiHardBatch(labels, e, { margin, distanceMetric: squared ? "squared-L2" : "L2" });
      assert.ok(Math.abs(r.loss.item() - ref.loss) < 1e-9, `trial ${trial}: loss ${r.loss.item()} vs ${ref.loss}`);
      assert.deepEqual(r.triplets.map((t) => [t.anchor, t.positive, t.negative, t.kind === "semi-hard" ? 1 : 2]), ref.triplets, `trial ${trial}`);
      semi += ref.triplets.filter((t) => t[3] === 1).length;
      easiest += ref.triplets.filter((t) => t[3] === 2).length;
      assert.equal(r.active, r.triplets.filter((t) => margin + t.positiveDistance - t.negativeDistance > 0).length);
    }
    // Both branches of the mining were exercised.
    assert.ok(semi > 50 && easiest > 20, `semi-hard ${semi}, easiest ${easiest}`);
  });

  it("mining on a hand-made distance matrix", () => {
    // Anchor 0 (label 0), positive 1 at 0.5; negatives 2 at 0.3 (harder than the positive), 3 at 0.7, 4 at 0.9.
    const D = [
      [0, 0.5, 0.3, 0.7, 0.9],
      [0.5, 0, 0.2, 0.4, 0.1],
      [0.3, 0.2, 0, 1, 1],
      [0.7, 0.4, 1, 0, 1],
      [0.9, 0.1, 1, 1, 0],
    ].flat();
    const t = mineSemiHardTriplets([0, 0, 1, 2, 3], D, 5);
    assert.deepEqual(t.map((x) => [x.anchor, x.positive, x.negative, x.kind]), [
      [0, 1, 3, "semi-hard"], // 0.7: the nearest negative farther than the positive's 0.5 (0.3 is nearer, 0.9 farther)
      [1, 0, 3, "easiest"], // negatives at 0.2, 0.4, 0.1 are all nearer than 0.5: the farthest of them, 0.4
    ]);
  });

  it("an anchor whose batch holds no negative: the negative distance is 0, as in TF Addons", () => {
    const e = tensor([[0, 0], [3, 4], [6, 8]], [3, 2], "float64");
    const r = tripletSemiHardBatch([1, 1, 1], e, { margin: 0.5 });
    assert.ok(r.triplets.every((t) => t.kind === "none" && t.negative === -1));
    // Pairs (0,1) 5, (0,2) 10, (1,0) 5, (1,2) 5, (2,0) 10, (2,1) 5: mean of margin + d.
    assertClose(r.loss, tensor(0.5 + 40 / 6, [], "float64"), { rtol: 1e-12 });
  });

  it("a batch without two images of one identity has loss 0 (TF Addons gives NaN) and a zero gradient", () => {
    const e = randomNormal([4, 3], { seed: 3 });
    const tape = new GradientTape();
    tape.watch(e);
    const l = tape.run(() => tripletSemiHardLoss([0, 1, 2, 3], e));
    assert.equal(l.item(), 0);
    assert.ok([...tape.gradient(l, e).values].every((v) => v === 0));
  });

  it("checks its arguments", () => {
    const e = randomNormal([4, 3], { seed: 1 });
    assert.throws(() => tripletSemiHardLoss([0, 0, 1], e), /3 labels for a batch of 4/);
    assert.throws(() => tripletSemiHardLoss([0, 0, 1, 1], randomNormal([4], { seed: 1 })), /expected embeddings \[batch, dim\], got \[4\]/);
    assert.throws(() => tripletSemiHardLoss([0, 0, 1, 1], e, { margin: -1 }), /margin must be a number >= 0/);
    assert.throws(() => tripletSemiHardLoss([0, 0, 1, 1], e, { distanceMetric: "L1" as TripletDistanceMetric }), /distanceMetric must be "L2" or "squared-L2"/);
    assert.throws(() => mineSemiHardTriplets([0, 1], [0, 1, 1], 2), /expected 2x2 = 4 distances/);
  });
});

describe("tripletSemiHardLoss gradient (finite differences)", () => {
  for (const metric of ["L2", "squared-L2"] as const)
    for (const [n, d, margin] of [[6, 3, 1], [9, 5, 0.3]] as const)
      it(`${metric}, ${n} embeddings of dim ${d}, margin ${margin}`, () => {
        const labels = Array.from({ length: n }, (_, i) => i % 3);
        const e = randomNormal([n, d], { seed: n * 10 + d, dtype: "float64" });
        checkGrad((x) => tripletSemiHardLoss(labels, x, { margin, distanceMetric: metric }), [e], { name: `triplet ${metric}`, rtol: 1e-5, atol: 1e-8 });
      });
});

describe("pairwiseDistances", () => {
  it("equals the direct distances, with a zero diagonal and a finite gradient for equal rows", () => {
    const e = randomUniform([5, 4], { seed: 2, dtype: "float64" });
    const x = rows(e);
    const d = pairwiseDistances(e);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        const want = i === j ? 0 : Math.hypot(...x[i].map((v, k) => v - x[j][k]));
        assert.ok(Math.abs(d.values[i * 5 + j] - want) < 1e-12, `(${i}, ${j})`);
      }
    const dup = tensor([[1, 2], [1, 2], [0, 0]], [3, 2], "float64");
    const tape = new GradientTape();
    tape.watch(dup);
    const out = tape.run(() => pairwiseDistances(dup));
    assert.equal(out.values[1], 0);
    assert.ok([...tape.gradient(out, dup).values].every(Number.isFinite));
    assert.throws(() => pairwiseDistances(tensor([1, 2])), /expected embeddings \[batch, dim\], got \[2\]/);
  });
});

describe("PKSampler", () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 3, 4, 4];
  it("draws P identities x K images (all of an identity's when it has fewer), deterministic per seed", () => {
    const s = new PKSampler(labels, { identities: 3, imagesPerIdentity: 3, seed: 5 });
    assert.equal(s.identityCount, 4); // identity 3 has a single image: never drawn
    const seen = new Set<number>();
    for (let b = 0; b < 8; b++) {
      const batch = s.next();
      const ids = batch.map((i) => labels[i]);
      const groups = [...new Set(ids)];
      assert.equal(groups.length, 3);
      for (const g of groups) {
        const count = ids.filter((l) => l === g).length;
        assert.equal(count, Math.min(3, labels.filter((l) => l === g).length));
      }
      assert.equal(new Set(batch).size, batch.length, "no image twice in a batch");
      assert.ok(!ids.includes(3));
      groups.forEach((g) => seen.add(g));
    }
    assert.equal(seen.size, 4);
    const again = new PKSampler(labels, { identities: 3, imagesPerIdentity: 3, seed: 5 });
    const first = new PKSampler(labels, { identities: 3, imagesPerIdentity: 3, seed: 5 }).next();
    assert.deepEqual(again.next(), first);
    assert.notDeepEqual(new PKSampler(labels, { identities: 3, imagesPerIdentity: 3, seed: 6 }).next(), first);
  });

  it("refuses sets that cannot give a triplet", () => {
    assert.throws(() => new PKSampler([0, 0, 1]), /at least 2 identities with 2 or more images/);
    assert.throws(() => new PKSampler(labels, { imagesPerIdentity: 1 }), /imagesPerIdentity must be an integer >= 2/);
  });
});
