// imagenet_utils: preprocessInput in the caffe / tf / torch modes against Keras 3.15, decodePredictions
// over the 1000 ILSVRC-2012 classes, and the class list itself.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodePredictions, deprocessCaffe, imagenetClasses, preprocessInput, tensor, zeros } from "../../src/index.js";
import { Tensor } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { fromSpec, loadFixtures } from "../helpers/fixtures.js";
import { forEachBackend } from "../helpers/backends.js";

const cases = loadFixtures("keras/applications_preprocess").cases;

forEachBackend("preprocessInput matches keras.applications.imagenet_utils", () => {
  it("has the fixture cases", () => assert.equal(cases.length, 7));
  for (const c of cases)
    it(c.name, () => {
      const y = preprocessInput(fromSpec(c.inputs.x), c.attrs as never);
      assertClose(y, fromSpec(c.output), { rtol: 1e-6, atol: 1e-4 });
    });
});

describe("imagenet utilities", () => {
  it("preprocessInput casts integer images to float32 and leaves its input unchanged", () => {
    const x = tensor(new Int32Array([0, 128, 255]), [1, 1, 3]);
    const y = preprocessInput(x, { mode: "tf" });
    assert.equal(y.dtype, "float32");
    assertClose(y, [[[-1, 128 / 127.5 - 1, 1]]], { rtol: 1e-6 });
    assert.deepEqual([...x.values], [0, 128, 255]);
  });

  it("preprocessInput refuses other ranks, channel counts and modes", () => {
    assert.throws(() => preprocessInput(zeros([4, 3])), /rank 3\) or a batch \(rank 4\)/);
    assert.throws(() => preprocessInput(zeros([1, 2, 2, 4])), /needs 3 color channels/);
    assert.throws(() => preprocessInput(zeros([1, 2, 2, 3]), { mode: "keras" as never }), /mode must be/);
  });

  it("deprocessCaffe inverts the caffe mode", () => {
    const x = tensor([[[[10, 200, 30], [0, 255, 128]]]]);
    assertClose(deprocessCaffe(preprocessInput(x)), x, { atol: 1e-4 });
  });

  it("the class list: 1000 ILSVRC-2012 descriptions in Keras' index order", () => {
    const names = imagenetClasses();
    assert.equal(names.length, 1000);
    assert.equal(names[0], "tench, Tinca tinca");
    assert.equal(names[1], "goldfish, Carassius auratus");
    assert.equal(names[207], "golden retriever");
    assert.equal(names[999], "toilet tissue, toilet paper, bathroom tissue");
  });

  it("decodePredictions: the top classes, best first, with Keras' short names", () => {
    const p = new Float32Array(2000);
    p[2] = 0.7; p[207] = 0.2; p[134] = 0.1;
    p[1000 + 999] = 0.9; p[1000 + 0] = 0.05;
    const d = decodePredictions(new Tensor(p, [2, 1000]), 3);
    assert.deepEqual(d[0].map((e) => [e.classIndex, e.name]), [[2, "great_white_shark"], [207, "golden_retriever"], [134, "crane"]]);
    assertClose(tensor(d[0].map((e) => e.score)), [0.7, 0.2, 0.1], { rtol: 1e-6 });
    assert.equal(d[0][0].description, "great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias");
    assert.deepEqual(d[1].map((e) => e.name), ["toilet_tissue", "tench", "goldfish"]);
    assert.throws(() => decodePredictions(zeros([1, 10])), /shape \[samples, 1000\]/);
  });
});
