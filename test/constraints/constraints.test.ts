import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MaxNorm, MinMaxNorm, NonNeg, getConstraint, serializeConstraint } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { type TensorSpec, fromSpec, loadFixtures } from "../helpers/fixtures.js";

interface Case {
  kind: string;
  name: string;
  identifier: string | { class_name: string; config: Record<string, unknown> };
  x: TensorSpec;
  output: TensorSpec;
}

const cases = (loadFixtures("keras/regularizers").cases as unknown as Case[]).filter((c) => c.kind === "constraint");

forEachBackend("constraints match Keras 3", () => {
  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.identifier)}`, () => {
      assertClose(getConstraint(c.identifier).call(fromSpec(c.x)), fromSpec(c.output), { rtol: 1e-5, atol: 1e-7 });
    });
  }
});

describe("constraint API", () => {
  it("uses Keras defaults and round-trips configs", () => {
    assert.deepEqual(new MaxNorm().getConfig(), { maxValue: 2, axis: 0 });
    const m = new MinMaxNorm({ minValue: 0.5, maxValue: 3, rate: 0.2, axis: [0, 1] });
    assert.deepEqual(getConstraint(serializeConstraint(m)).getConfig(), m.getConfig());
    assert.ok(getConstraint("non_neg") instanceof NonNeg);
    assert.throws(() => getConstraint("positive"), /unknown constraint "positive"/);
  });
});
