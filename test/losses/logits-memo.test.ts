import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binaryCrossentropy, categoricalCrossentropy, sigmoid, softmax, tensor } from "../../src/index.js";

// Keras 3 computes crossentropy from the logits of a softmax/sigmoid output instead of the clipped
// probabilities; a saturated prediction shows the difference (probabilities clip at 1e-7: -log(1e-7) = 16.1).
describe("crossentropy on activation outputs uses their logits", () => {
  it("softmax", () => {
    const logits = tensor([[30, 0, 1]]);
    const v = categoricalCrossentropy(tensor([[0, 1, 0]]), softmax(logits)).item();
    assert.ok(Math.abs(v - (30 + Math.log1p(Math.exp(-30) + Math.exp(-29)))) < 1e-4, `got ${v}`);
    const clipped = categoricalCrossentropy(tensor([[0, 1, 0]]), softmax(logits, 0)).item();
    assert.ok(clipped < 17, `a softmax over another axis is not recorded: ${clipped}`);
  });
  it("sigmoid", () => {
    const v = binaryCrossentropy(tensor([[1]]), sigmoid(tensor([[-40]]))).item();
    assert.ok(Math.abs(v - 40) < 1e-4, `got ${v}`);
  });
});
