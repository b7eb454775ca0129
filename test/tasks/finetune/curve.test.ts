import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, trainingCurveImage, writeTrainingCurves } from "../../../src/index.js";
import { Canvas } from "../../../src/tasks/report/draw.js";

const history = {
  accuracy: [0.5, 0.7, 0.8, 0.9, 0.95, 0.97],
  val_accuracy: [0.55, 0.72, 0.78, 0.88, 0.96, 0.98],
  loss: [0.7, 0.5, 0.4, 0.3, 0.2, 0.1],
  val_loss: [0.69, 0.52, 0.45, 0.33, 0.18, 0.12],
};

/** Pixels of `img` that have colour `rgb`, as [x, y]. */
function find(img: { shape: readonly number[]; values: ArrayLike<number> }, rgb: readonly number[]): [number, number][] {
  const [h, w] = img.shape;
  const out: [number, number][] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      if (img.values[i] === rgb[0] && img.values[i + 1] === rgb[1] && img.values[i + 2] === rgb[2]) out.push([x, y]);
    }
  return out;
}

describe("training curves", () => {
  it("draws accuracy above loss, training in blue and validation in orange, and the fine-tuning line between its epochs", () => {
    const img = trainingCurveImage(history, [0, 1, 2, 3, 4, 5], { width: 640, height: 520, fineTuneStart: 3 });
    assert.deepEqual(img.shape, [520, 640, 3]);
    const blue = find(img, [31, 119, 180]);
    const orange = find(img, [255, 127, 14]);
    const green = find(img, [44, 160, 44]);
    assert.ok(blue.length > 500 && orange.length > 500, `curves drawn: ${blue.length} blue, ${orange.length} orange`);
    // Both panels hold both curves (top half and bottom half of the image).
    for (const pts of [blue, orange]) {
      assert.ok(pts.some(([, y]) => y < 230));
      assert.ok(pts.some(([, y]) => y > 280 && y < 480));
    }
    // Plot area x from 60 to 616 over 6 epochs: the fine-tuning line sits between epochs 3 and 4 (x about 394).
    // (Below the "fine-tuning" label, which spans y 42..63.)
    const lineXs = new Set(green.filter(([, y]) => y > 70 && y < 200).map(([x]) => x));
    assert.ok(lineXs.size > 0, "the fine-tuning line is drawn");
    assert.ok([...lineXs].every((x) => Math.abs(x - 60 - 556 * 2.5 / 5) <= 2), `line at ${[...lineXs].join(",")}`);
    // Accuracy rises: the training curve's last point is higher up (smaller y) than its first.
    const topBlue = blue.filter(([, y]) => y < 240);
    const first = topBlue.filter(([x]) => x <= 62).map(([, y]) => y);
    const last = topBlue.filter(([x]) => x >= 614).map(([, y]) => y);
    assert.ok(Math.max(...last) < Math.min(...first), "the accuracy curve goes up");
  });

  it("writes a PNG that decodes to the same pixels", async () => {
    const path = join(tmpdir(), `deepts-curve-${process.pid}.png`);
    try {
      await writeTrainingCurves(path, history, [0, 1, 2, 3, 4, 5]);
      const back = await decodeImage(readFileSync(path));
      const img = trainingCurveImage(history, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(back.shape, img.shape);
      assert.deepEqual([...back.values], [...img.values]);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it("copes with a single epoch, missing validation and NaN, and refuses tiny images", () => {
    const img = trainingCurveImage({ loss: [NaN], accuracy: [0.5] }, [0]);
    assert.deepEqual(img.shape, [520, 640, 3]);
    assert.throws(() => trainingCurveImage(history, [0], { width: 50 }), /at least 200 x 200/);
  });

  it("draws solid and dashed lines of a given thickness on a blank canvas", () => {
    const c = Canvas.blank(20, 10, [255, 255, 255]);
    c.line(0, 2, 19, 2, [0, 0, 0], 3);
    c.line(0, 7, 19, 7, [255, 0, 0], 1, 4);
    const img = c.toTensor();
    const at = (x: number, y: number) => [0, 1, 2].map((k) => img.values[(y * 20 + x) * 3 + k]);
    for (let x = 0; x < 20; x++) for (const y of [1, 2, 3]) assert.deepEqual(at(x, y), [0, 0, 0], `thick line at ${x},${y}`);
    assert.deepEqual(at(5, 0), [255, 255, 255]);
    assert.deepEqual(at(5, 4), [255, 255, 255]);
    // Dashes of 4: x 0-3 drawn, 4-7 skipped, 8-11 drawn.
    assert.deepEqual([0, 3, 4, 7, 8].map((x) => at(x, 7)[1]), [0, 0, 255, 255, 0]);
    assert.throws(() => Canvas.blank(0, 10), /positive integers/);
    assert.throws(() => c.line(0, 0, 1, 1, [0, 0, 0], 0), /thickness/);
  });
});
