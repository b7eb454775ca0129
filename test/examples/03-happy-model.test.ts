// Runs example 03 (the Happy House model: fit, then a hand-written GradientTape loop) in fast mode.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tensor } from "../../src/index.js";
import { accuracyOf, happyModel, loadHappyData, main } from "../../examples/03-happy-model.js";

describe("example 03: happy model", () => {
  it("main (fast): fit and the GradientTape loop both reach >= 95% on the held-out faces", async () => {
    const lines: string[] = [];
    const r = await main({ fast: true, log: (l) => void lines.push(l) });
    assert.ok(r.test[1] >= 0.95, `fit: held-out accuracy ${r.test[1]}`);
    assert.ok(r.byHand.testAccuracy >= 0.95, `GradientTape loop: held-out accuracy ${r.byHand.testAccuracy}`);
    assert.equal(r.history.loss.length, r.epochs);
    assert.ok(r.history.loss[r.epochs - 1] < r.history.loss[0] / 4, `fit loss ${r.history.loss[0]} -> ${r.history.loss.at(-1)}`);
    assert.ok(r.byHand.losses[r.epochs - 1] < r.byHand.losses[0] / 4, `loop loss ${r.byHand.losses[0]} -> ${r.byHand.losses.at(-1)}`);
    assert.match(r.summary, /Total params: 6,337 \(24\.75 KB\)/);
    assert.match(r.summary, /conv2d \(Conv2D\) +│ \(None, 25, 25, 32\) +│ +1,600 │/);
    assert.equal(lines.filter((l) => /^Epoch \d+\/\d+$/.test(l)).length, r.epochs, "one 'Epoch i/n' line per epoch");
    assert.ok(lines.some((l) => /^19\/19 - \d+s - \d+m?s\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$/.test(l)), "Keras' verbose-2 epoch line");
  });

  it("the data split is seeded, disjoint and balanced enough", () => {
    const a = loadHappyData(0);
    const b = loadHappyData(0);
    assert.deepEqual([...a.yTest.values], [...b.yTest.values]);
    assert.deepEqual(a.xTrain.shape, [150, 25, 25, 1]);
    assert.deepEqual(a.xTest.shape, [50, 25, 25, 1]);
    const faces = Array.from(a.yTest.values).reduce((s, v) => s + v, 0);
    assert.ok(faces > 15 && faces < 35, `${faces} faces among 50`);
    assert.equal(accuracyOf(new Tensor(new Float32Array([0.9, 0.2, 0.6]), [3, 1]), new Tensor(new Float32Array([1, 0, 0]), [3, 1])), 2 / 3);
    assert.equal(happyModel().countParams(), 6337);
  });
});
