// The trainable FaceRecognitionNet (src/tasks/faces/trainable-net.ts): the same descriptors as the inference
// net, frozen blocks untouched by training, and saved weights that loadFaceNet reads back.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Adam, GradientTape, type Tensor, concat, getBackend, randomUniform, zip } from "../../../src/index.js";
import { readImage } from "../../../src/io/images.js";
import { RECOGNITION_INPUT_SIZE, loadFaceNet } from "../../../src/tasks/faces/index.js";
import { toSquareInput } from "../../../src/tasks/faces/preprocess.js";
import { faceEmbeddingModelId } from "../../../src/tasks/faces/recognize.js";
import { saveFaceRecognitionWeights } from "../../../src/tasks/faces/trainable-save.js";
import { FACE_RESIDUAL_BLOCKS, TrainableFaceRecognitionNet } from "../../../src/tasks/faces/trainable-net.js";
import { tripletSemiHardLoss } from "../../../src/tasks/faces/triplet.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "faces");

function maxAbsDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual([...a.shape], [...b.shape]);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.values[i] - b.values[i]));
  return m;
}

let x: Tensor; // two real face crops and one random image, [3, 150, 150, 3]
// The descriptor network takes about 40 ms per face on the native backend and ten times that on the js one;
// DEEPTS_SLOW=1 runs these tests there too (they pass, in about a minute).
const slow = getBackend() === "js" && !process.env.DEEPTS_SLOW && "runs the descriptor network: needs the native backend to be quick (DEEPTS_SLOW=1 runs it)";

const tmp = mkdtempSync(join(tmpdir(), "deepts-trainable-"));
before(async () => {
  const crops = await Promise.all(["crop-0.png", "crop-1.png"].map((f) => readImage(join(fixtures, f))));
  const s = RECOGNITION_INPUT_SIZE;
  x = concat([...crops.map((c) => toSquareInput(c, s, true)), randomUniform([1, s, s, 3], { seed: 4, minval: 0, maxval: 255 })], 0);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("TrainableFaceRecognitionNet", () => {
  it("gives the inference net's descriptors, whichever blocks are trainable (features then head = forward)", { skip: slow }, () => {
    const net = loadFaceNet("faceRecognitionNet");
    const want = net.forward(x);
    for (const k of [0, 3, 14]) {
      const t = new TrainableFaceRecognitionNet(net, { trainableBlocks: k });
      const got = t.forward(x);
      assert.ok(maxAbsDiff(got, want) <= 1e-6, `trainableBlocks ${k}: max abs diff ${maxAbsDiff(got, want)}`);
      assert.ok(maxAbsDiff(t.head(t.features(x, 2)), want) <= 1e-6, `trainableBlocks ${k}: features + head`);
    }
  });

  it("exposes the last blocks' and the projection's weights as trainable Variables, the rest frozen", () => {
    const net = loadFaceNet("faceRecognitionNet");
    const t3 = new TrainableFaceRecognitionNet(net);
    assert.equal(t3.firstTrainable, 11);
    assert.deepEqual(t3.trainableVariables.map((v) => v.name), [
      ...["conv256_1", "conv256_2", "conv256_down_out"].flatMap((b) => [`${b}/conv1/filters`, `${b}/conv1/bias`, `${b}/conv2/filters`, `${b}/conv2/bias`]),
      "fc",
    ]);
    // Three blocks of two 3x3x256x256 convs with biases, and the 256x128 projection.
    assert.equal(t3.trainableParameterCount, 6 * (9 * 256 * 256 + 256) + 256 * 128);
    assert.equal(t3.variables.length, 2 * (1 + 2 * FACE_RESIDUAL_BLOCKS.length) + 1);
    assert.equal(new TrainableFaceRecognitionNet(net, { trainableBlocks: 0 }).trainableParameterCount, 256 * 128);
    assert.throws(() => new TrainableFaceRecognitionNet(net, { trainableBlocks: 15 }), /trainableBlocks must be an integer from 0 to 14, got 15/);
    assert.throws(() => t3.forward(randomUniform([1, 64, 64, 3])), /expected input \[batch, 150, 150, 3\] \(RGB 0..255\), got \[1, 64, 64, 3\]/);
  });

  it("a training step changes the trained weights only, lowers the loss, and the saved weights load back as that network", { skip: slow }, () => {
    const net = loadFaceNet("faceRecognitionNet");
    const t = new TrainableFaceRecognitionNet(net, { trainableBlocks: 1 });
    const frozen = t.variables.filter((v) => !v.trainable).map((v) => [v, v.value] as const);
    const trained = t.trainableVariables.map((v) => [v, v.value] as const);
    const f = t.features(x);
    // Pretend the two real faces are one person and the random image another: the loss pulls the faces together.
    const feats = concat([f, f], 0);
    const labels = [0, 0, 1, 0, 0, 1];
    const vars = t.trainableVariables;
    const opt = new Adam({ learningRate: 1e-4 });
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) {
      const tape = new GradientTape();
      const loss = tape.run(() => tripletSemiHardLoss(labels, t.head(feats), { margin: 2 }));
      const grads = tape.gradient(loss, vars);
      grads.forEach((g, i) => assert.ok([...g.values].some((v) => v !== 0), `step ${s}: ${vars[i].name} gets a gradient`));
      opt.applyGradients(zip(grads, vars));
      losses.push(loss.item());
    }
    assert.ok(losses[2] < losses[0], `loss ${losses.join(" -> ")}`);
    for (const [v, before] of frozen) assert.equal(v.value, before, `${v.name} is frozen`);
    for (const [v, before] of trained) assert.ok(maxAbsDiff(v.value, before) > 0, `${v.name} was trained`);

    const manifest = saveFaceRecognitionWeights(t, tmp);
    assert.equal(manifest, join(tmp, "face_recognition_model-weights_manifest.json"));
    const reloaded = loadFaceNet("faceRecognitionNet", tmp);
    assert.ok(maxAbsDiff(reloaded.forward(x), t.forward(x)) <= 1e-6, "the saved weights are the trained network");
    assert.ok(maxAbsDiff(reloaded.forward(x), net.forward(x)) > 1e-4, "and not the original one");
    assert.notEqual(faceEmbeddingModelId(tmp), faceEmbeddingModelId());
    assert.match(faceEmbeddingModelId(tmp), /^face-api\.faceRecognitionNet\/sha256:[0-9a-f]{12}$/);
  });
});
