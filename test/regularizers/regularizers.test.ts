import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { L1, L1L2, L2, OrthogonalRegularizer, getRegularizer, grad, serializeRegularizer, tensor } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface Case {
  kind: string;
  name: string;
  identifier: string | { class_name: string; config: Record<string, unknown> };
  x: TensorSpec;
  output: TensorSpec;
  grad?: TensorSpec;
}

const cases = (loadFixtures("keras/regularizers").cases as unknown as Case[]).filter((c) => c.kind === "regularizer");

forEachBackend("regularizers match Keras 3", () => {
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.identifier)}`, () => {
      const r = getRegularizer(c.identifier);
      const x = fromSpec(c.x);
      assertClose(r.call(x), fromSpec(c.output), { rtol: 1e-5 });
      assertClose(grad((t) => r.call(t))(x), fromSpec(c.grad!), { rtol: 1e-4, atol: 1e-6 });
      checkGrad((t) => r.call(t), [x], { name: c.name });
    });
  }
});

describe("regularizer API", () => {
  it("uses Keras defaults and round-trips configs", () => {
    assert.equal(new L1().l1, 0.01);
    assert.equal(new L2().l2, 0.01);
    assert.deepEqual(new L1L2().getConfig(), { l1: 0, l2: 0 });
    const o = new OrthogonalRegularizer({ factor: 0.3, mode: "columns" });
    assert.deepEqual(getRegularizer(serializeRegularizer(o)).getConfig(), o.getConfig());
    assert.ok(getRegularizer("l1_l2") instanceof L1L2);
    assert.equal(new L2(0.5).call(tensor([1, 2])).item(), 2.5);
  });

  it("rejects bad arguments", () => {
    assert.throws(() => new L1({ l1: -1 }), /L1: l1 must be a non-negative number/);
    assert.throws(() => new OrthogonalRegularizer().call(tensor([1, 2])), /rank-2/);
    assert.throws(() => getRegularizer("l3"), /unknown regularizer "l3"/);
  });
});
