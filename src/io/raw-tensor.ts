// Conversion between raw file arrays (any element kind) and deepts tensors (float32, float64, int32, bool).
import { Tensor } from "../tensor/tensor.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { type RawArray, type RawDType, bfloat16BitsToFloat32, halfBitsToFloat32 } from "./binary.js";
import { FileFormatError } from "./errors.js";

/** The deepts dtype a raw element kind loads as: halves widen to float32, small and 64-bit integers to int32. */
export function tensorDTypeOf(raw: RawDType): DType {
  switch (raw) {
    case "float16": case "bfloat16": case "float32": return "float32";
    case "float64": return "float64";
    case "bool": return "bool";
    default: return "int32";
  }
}

/** A tensor of `shape` from raw values; 64-bit and uint32 integers must fit int32 (else an error naming `source` and `what`). */
export function rawToTensor(data: RawArray, raw: RawDType, shape: readonly number[], source: string, what: string): Tensor {
  let values: TypedArray;
  switch (raw) {
    case "float16": values = halfBitsToFloat32(data as Uint16Array); break;
    case "bfloat16": values = bfloat16BitsToFloat32(data as Uint16Array); break;
    case "float32": case "float64": case "int32": values = data as TypedArray; break;
    case "bool": {
      const b = data as Uint8Array;
      values = new Uint8Array(b.length);
      for (let i = 0; i < b.length; i++) values[i] = b[i] !== 0 ? 1 : 0;
      break;
    }
    case "int64": case "uint64": case "uint32": {
      const out = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = Number(data[i]);
        if (v < -2147483648 || v > 2147483647)
          throw new FileFormatError(source, `${what}: ${raw} value ${String(data[i])} at index ${i} does not fit int32 (deepts' integer dtype)`);
        out[i] = v;
      }
      values = out;
      break;
    }
    default: values = Int32Array.from(data as ArrayLike<number>);
  }
  return new Tensor(values, shape);
}

/** The raw element kind a tensor is written as (its own dtype). */
export function rawDTypeOf(t: Tensor): RawDType {
  return t.dtype;
}
