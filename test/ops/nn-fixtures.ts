// Shared by the conv/pool/image/norm/nn op tests: checks one TF golden case (forward and the
// gradients of sum(output * dy)) against an op call built from the case's inputs and attrs.
import assert from "node:assert/strict";
import { GradientTape, type Tensor, mul, sum } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { type FixtureCase, fromSpec } from "../helpers/fixtures.js";

export interface CaseTolerance {
  rtol?: number;
  atol?: number;
}

/** Runs `f` on the case's inputs, compares the output and every gradient stored in the case. */
export function checkCase(
  c: FixtureCase, f: (inputs: Record<string, Tensor>) => Tensor, tol: CaseTolerance = {},
): void {
  const { rtol = 1e-5, atol = 1e-6 } = tol;
  const inputs: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(c.inputs)) inputs[k] = fromSpec(s);
  const names = Object.keys(c.grads ?? {});
  const tape = new GradientTape();
  for (const k of names) tape.watch(inputs[k]);
  let out!: Tensor;
  const loss = tape.run(() => {
    out = f(inputs);
    return c.dy ? sum(mul(out, fromSpec(c.dy))) : sum(out);
  });
  assertClose(out, fromSpec(c.output), { rtol, atol, msg: `${c.name}: output` });
  if (names.length === 0) return;
  const grads = tape.gradient(loss, names.map((k) => inputs[k]));
  names.forEach((k, i) => {
    assert.ok(grads[i], `${c.name}: no gradient for ${k}`);
    assertClose(grads[i], fromSpec(c.grads![k]), { rtol, atol, msg: `${c.name}: d/d${k}` });
  });
}
