import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FaceDatabase } from "../../../src/tasks/faces/db.js";
import {
  CALIBRATED_FACE_THRESHOLDS, type LabelledDistance, calibrateThreshold, distanceToPerson, evaluateThreshold, faceEmbeddingModelId, identifyIn,
  identifyPeople, resolveThreshold, rocAuc, rocCurve, verifyPerson,
} from "../../../src/tasks/faces/recognize.js";

const dir = mkdtempSync(join(tmpdir(), "deepts-recognize-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const M = "test-model/v1";

/** A seeded generator (mulberry32), so that the synthetic sets are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

describe("faces: threshold calibration", () => {
  it("finds the midpoint between separable classes, with accuracy 1 and AUC 1", () => {
    const pairs: LabelledDistance[] = [0.2, 0.3, 0.4].map((d) => ({ distance: d, same: true }));
    pairs.push(...[0.8, 0.9, 1.0, 1.1].map((d) => ({ distance: d, same: false })));
    const c = calibrateThreshold(pairs);
    assert.ok(Math.abs(c.threshold - 0.6) < 1e-12, String(c.threshold));
    assert.deepEqual([c.accuracy, c.balancedAccuracy, c.auc, c.tp, c.tn, c.fp, c.fn, c.positives, c.negatives], [1, 1, 1, 3, 4, 0, 0, 3, 4]);
  });

  it("known answer with overlap: hand-counted accuracy, the tie broken by balanced accuracy, AUC by counting", () => {
    // same: 0.1 0.3 0.5 0.7   different: 0.4 0.6 0.8 0.9 1.0 1.2
    const same = [0.1, 0.3, 0.5, 0.7];
    const diff = [0.4, 0.6, 0.8, 0.9, 1.0, 1.2];
    const pairs = [...same.map((distance) => ({ distance, same: true })), ...diff.map((distance) => ({ distance, same: false }))];
    // Accuracy by threshold: t=0.35 -> 2 + 6 = 8/10; t=0.75 -> 4 + 4 = 8/10; t=0.55 -> 3 + 5 = 8/10; t=0.2 -> 7/10.
    // Three thresholds tie at 0.8; balanced accuracy: 0.35 -> (0.5 + 1)/2 = 0.75, 0.55 -> (0.75 + 5/6)/2 = 0.7917,
    // 0.75 -> (1 + 4/6)/2 = 0.8333: the tie goes to 0.75.
    const c = calibrateThreshold(pairs);
    assert.ok(Math.abs(c.threshold - 0.75) < 1e-12, String(c.threshold));
    assert.equal(c.accuracy, 0.8);
    assert.ok(Math.abs(c.balancedAccuracy - 5 / 6) < 1e-12);
    // AUC: for each same-person distance, the share of different-person distances above it:
    // 0.1 -> 6, 0.3 -> 6, 0.5 -> 5, 0.7 -> 4: (6 + 6 + 5 + 4) / 24.
    assert.ok(Math.abs(c.auc - 21 / 24) < 1e-12, String(c.auc));
    const b = calibrateThreshold(pairs, { metric: "balancedAccuracy" });
    assert.equal(b.metric, "balancedAccuracy");
    assert.ok(Math.abs(b.threshold - 0.75) < 1e-12);
  });

  it("counts ties as half in the AUC and gives 0.5 for identical distributions", () => {
    assert.equal(rocAuc([{ distance: 0.5, same: true }, { distance: 0.5, same: false }]), 0.5);
    assert.equal(rocAuc([{ distance: 0.9, same: true }, { distance: 0.1, same: false }]), 0);
    const r = rng(7);
    const pairs = Array.from({ length: 4000 }, (_, i) => ({ distance: r(), same: i % 2 === 0 }));
    assert.ok(Math.abs(rocAuc(pairs) - 0.5) < 0.03);
  });

  it("recovers the known optimal threshold of two Gaussian distance distributions", () => {
    // Same-person distances ~ N(0.4, 0.1), different ~ N(0.8, 0.1), equal counts: the accuracy-optimal
    // threshold is 0.6 and the AUC is Phi(0.4 / (0.1 * sqrt 2)) = Phi(2.828) = 0.99766.
    const r = rng(42);
    const pairs: LabelledDistance[] = [];
    for (let i = 0; i < 3000; i++) {
      pairs.push({ distance: Math.max(0, 0.4 + 0.1 * gauss(r)), same: true });
      pairs.push({ distance: 0.8 + 0.1 * gauss(r), same: false });
    }
    const c = calibrateThreshold(pairs);
    assert.ok(Math.abs(c.threshold - 0.6) < 0.03, `threshold ${c.threshold}`);
    assert.ok(Math.abs(c.auc - 0.99766) < 0.002, `auc ${c.auc}`);
    assert.ok(Math.abs(c.accuracy - 0.97725) < 0.01, `accuracy ${c.accuracy}`); // Phi(2)
  });

  it("reports what a threshold does, and a full ROC curve from nothing accepted to everything", () => {
    const pairs = [{ distance: 0.2, same: true }, { distance: 0.5, same: true }, { distance: 0.4, same: false }, { distance: 0.9, same: false }];
    assert.deepEqual(evaluateThreshold(pairs, 0.45), {
      threshold: 0.45, accuracy: 0.5, balancedAccuracy: 0.5, truePositiveRate: 0.5, falsePositiveRate: 0.5, tp: 1, fp: 1, tn: 1, fn: 1,
    });
    const roc = rocCurve(pairs);
    assert.equal(roc.length, 5);
    assert.deepEqual([roc[0].truePositiveRate, roc[0].falsePositiveRate], [0, 0]);
    assert.deepEqual([roc[4].truePositiveRate, roc[4].falsePositiveRate], [1, 1]);
    assert.throws(() => calibrateThreshold([{ distance: 0.2, same: true }]), /need pairs of both kinds; got 1 of the same person and 0/);
    assert.throws(() => rocAuc([{ distance: -1, same: true }]), /distance must be a finite number >= 0/);
    assert.throws(() => calibrateThreshold(pairs, { metric: "f1" as "accuracy" }), /metric must be/);
  });
});

describe("faces: verification and identification", () => {
  const db = FaceDatabase.open(join(dir, "r.db"));
  // ada has two descriptors at distances 0.3 and 0.5 from the probe; alan one at 0.4.
  const probe = new Float32Array([0, 0, 0]);
  db.enroll("ada", M, [{ descriptor: [0.3, 0, 0] }, { descriptor: [0, 0.5, 0] }]);
  db.enroll("alan", M, [{ descriptor: [0, 0, 0.4] }]);

  it("distanceToPerson: the nearest descriptor (min) or the mean", () => {
    assert.ok(Math.abs(distanceToPerson(probe, db.descriptorsOf("ada", M)) - 0.3) < 1e-7);
    assert.ok(Math.abs(distanceToPerson(probe, db.descriptorsOf("ada", M), "mean") - 0.4) < 1e-7);
  });

  it("verifyPerson: below the threshold is a match; the database's calibrated threshold is the default", () => {
    const v = verifyPerson(db, "ada", probe, { model: M, threshold: 0.35 });
    assert.equal(v.match, true);
    assert.ok(Math.abs(v.distance - 0.3) < 1e-7);
    assert.equal(verifyPerson(db, "ada", probe, { model: M, threshold: 0.35, aggregate: "mean" }).match, false);
    assert.equal(verifyPerson(db, "alan", probe, { model: M, threshold: 0.35 }).match, false);
    assert.equal(verifyPerson(db, "alan", probe, { model: M }).threshold, 0.6); // nothing calibrated: 0.6
    db.setThreshold(M, 0.25);
    assert.deepEqual(
      [verifyPerson(db, "ada", probe, { model: M }).match, verifyPerson(db, "ada", probe, { model: M }).threshold], [false, 0.25],
    );
    db.sql.prepare("DELETE FROM meta WHERE key LIKE 'threshold:%'").run();
    assert.throws(() => verifyPerson(db, "grace", probe, { model: M }), /nobody named "grace".*enrolled: ada, alan/);
    assert.throws(() => verifyPerson(db, "ada", probe, { model: "other/v2" }), /descriptors of different models cannot be compared/);
    assert.throws(() => verifyPerson(db, "ada", [0, 0], { model: M }), /the probe descriptor has 2 values; the enrolled ones 3/);
    assert.throws(() => verifyPerson(db, "ada", probe, { model: M, threshold: 0 }), /threshold must be a positive number/);
  });

  it("identifyPeople: the nearest person, or unknown past the threshold", () => {
    const far = new Float32Array([5, 5, 5]);
    const ids = identifyPeople(db, [probe, new Float32Array([0, 0, 0.45]), far], { model: M, threshold: 0.6 });
    assert.deepEqual(ids.map((r) => [r.name, r.nearest]), [["ada", "ada"], ["alan", "alan"], ["unknown", "ada"]]);
    assert.ok(Math.abs(ids[1].distance - 0.05) < 1e-6);
    // The rule matters: for [0.3, 0, 0.3], ada's nearest descriptor is at 0.3 and alan's at 0.316, but ada's
    // mean is (0.3 + 0.656) / 2 = 0.478.
    const q = [new Float32Array([0.3, 0, 0.3])];
    assert.equal(identifyPeople(db, q, { model: M, threshold: 1 })[0].name, "ada");
    const mean = identifyPeople(db, q, { model: M, threshold: 1, aggregate: "mean" })[0];
    assert.equal(mean.name, "alan");
    assert.ok(Math.abs(mean.distance - Math.sqrt(0.1)) < 1e-6);
    assert.throws(() => identifyPeople(db, [probe], { model: "other/v2" }), /descriptors of different models cannot be compared/);
    assert.deepEqual(identifyIn(new Map(), probe, 0.6), { name: "unknown", nearest: null, distance: Infinity, threshold: 0.6 });
  });

  it("faceEmbeddingModelId names face-api's FaceRecognitionNet and hashes its weights; deepts' calibration is for it", () => {
    const id = faceEmbeddingModelId();
    assert.match(id, /^face-api\.faceRecognitionNet\/sha256:[0-9a-f]{12}$/);
    assert.equal(faceEmbeddingModelId(), id);
    // The calibrated threshold is keyed by this id: other weights would not get it.
    assert.deepEqual(Object.keys(CALIBRATED_FACE_THRESHOLDS), [id]);
  });

  it("resolveThreshold: given, else stored in the database, else deepts' calibration for the model, else 0.6", () => {
    const d = FaceDatabase.open(join(dir, "t.db"));
    const id = faceEmbeddingModelId();
    assert.deepEqual(resolveThreshold(d, M), { threshold: 0.6, source: "default" });
    assert.deepEqual(resolveThreshold(d, id), { threshold: CALIBRATED_FACE_THRESHOLDS[id], source: "deepts" });
    d.setThreshold(id, 0.5);
    assert.deepEqual(resolveThreshold(d, id), { threshold: 0.5, source: "database" });
    assert.deepEqual(resolveThreshold(d, id, 0.3), { threshold: 0.3, source: "given" });
    d.close();
  });
});
