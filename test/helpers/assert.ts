import assert from "node:assert/strict";
import { Tensor, tensor, type NestedArray, type TypedArray } from "../../src/index.js";

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  msg?: string;
}

/** Asserts equal shapes and |a - e| <= atol + rtol * |e| elementwise (NaN matches NaN). */
export function assertClose(actual: Tensor, expected: Tensor | NestedArray | TypedArray, opts: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6, msg = "" } = opts;
  // Plain expected values are compared in float64, so float64 results are held to their own precision.
  const e = expected instanceof Tensor ? expected : ArrayBuffer.isView(expected) ? tensor(expected as TypedArray) : tensor(expected as NestedArray, undefined, typeof firstOf(expected) === "boolean" ? "bool" : "float64");
  const where = msg ? `${msg}: ` : "";
  if (expected instanceof Tensor || Array.isArray(expected))
    assert.deepEqual([...actual.shape], [...e.shape], `${where}shape ${JSON.stringify(actual.shape)} != expected ${JSON.stringify(e.shape)}`);
  else assert.equal(actual.size, e.size, `${where}size ${actual.size} != expected ${e.size}`);
  const a = actual.values;
  const b = e.values;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i]) && Number.isNaN(a[i])) continue;
    if (a[i] === b[i]) continue;
    const err = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(err <= 0) && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0)
    assert.fail(
      `${where}element ${worst} of shape ${JSON.stringify(actual.shape)}: got ${a[worst]}, expected ${b[worst]} (rtol ${rtol}, atol ${atol})`,
    );
}

function firstOf(x: unknown): unknown {
  while (Array.isArray(x)) x = x[0];
  return x;
}
