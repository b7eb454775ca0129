import assert from "node:assert/strict";
import { it } from "node:test";
import { grad, mul, relu, relu6, sum, tensor, type Tensor } from "../../src/index.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";

// Values away from the kinks at 0 and 6, both signs, above 6 too.
const xs = [[-2.5, -0.3, 0.4, 1.7], [3.2, 5.5, 6.4, 9.1], [-7.2, 0.9, 2.2, -1.1]];

forEachBackend("relu and relu6 gradients (fused reluBackprop)", () => {
  it("first order: the mask (0 at the kinks, as TF)", () => {
    const x = tensor([[-1, 0, 0.5, 6], [3, 6.5, -0, 7]]);
    const dy = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const g = grad((t: Tensor) => sum(mul(relu(t), dy)))(x);
    assert.deepEqual(Array.from(g.values), [0, 0, 3, 4, 5, 6, 0, 8]);
    const g6 = grad((t: Tensor) => sum(mul(relu6(t), dy)))(x);
    assert.deepEqual(Array.from(g6.values), [0, 0, 3, 0, 5, 0, 0, 0]);
    assert.equal(g.dtype, "float32");
  });

  it("gradient check, first and second order", () => {
    checkGrad((t) => relu(t), [xs], { name: "relu" });
    checkGrad((t) => relu6(t), [xs], { name: "relu6" });
    // d/dx of sum(relu(x) * x) is relu'(x) * x + relu(x): differentiating it again goes through
    // reluBackprop's own gradient (with respect to its dy, which depends on x here).
    checkGrad((t) => grad((u: Tensor) => sum(mul(relu(u), u)))(t), [xs], { name: "relu second order" });
    checkGrad((t) => grad((u: Tensor) => sum(mul(relu6(u), mul(u, u))))(t), [xs], { name: "relu6 second order" });
  });
});
