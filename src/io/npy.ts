// NumPy .npy files (format versions 1.0, 2.0 and 3.0): read and write.
import { readFileSync } from "node:fs";
import type { Tensor } from "../tensor/tensor.js";
import { type RawArray, type RawDType, RAW_ITEM_SIZE, bytesOf, readRaw, utf8Decode, utf8Encode } from "./binary.js";
import { FileFormatError, check, checkedSize } from "./errors.js";
import { rawToTensor } from "./raw-tensor.js";
import { parsePyLiteral } from "./py-literal.js";
import { writeFileAtomic } from "./fs.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const MAX_HEADER = 1 << 20;

/** An array as stored in a .npy file: its element kind, shape and values in C order. */
export interface NpyArray {
  dtype: RawDType;
  shape: number[];
  data: RawArray;
}

const KIND: Record<string, RawDType> = {
  f2: "float16", f4: "float32", f8: "float64", i1: "int8", i2: "int16", i4: "int32", i8: "int64",
  u1: "uint8", u2: "uint16", u4: "uint32", u8: "uint64", b1: "bool",
};

/** Parses the bytes of a .npy file (any supported element kind, C or Fortran order). */
export function parseNpy(bytes: Uint8Array, source = "<npy bytes>"): NpyArray {
  check(bytes.length >= 10, source, `not a .npy file: ${bytes.length} bytes is shorter than the 10-byte preamble`);
  check(MAGIC.every((b, i) => bytes[i] === b), source, `not a .npy file: it does not start with "\\x93NUMPY"`);
  const major = bytes[6];
  check(major >= 1 && major <= 3, source, `unsupported .npy format version ${major}.${bytes[7]} (deepts reads 1.0, 2.0 and 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  check(bytes.length >= 8 + lenBytes, source, "truncated .npy preamble");
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  check(headerLen <= MAX_HEADER, source, `.npy header length ${headerLen} exceeds ${MAX_HEADER} bytes`);
  check(start + headerLen <= bytes.length, source, `truncated .npy file: the header needs ${headerLen} bytes, ${bytes.length - start} remain`);
  let text: string;
  try {
    text = major === 3 ? utf8Decode(bytes.subarray(start, start + headerLen)) : latin1(bytes.subarray(start, start + headerLen));
  } catch {
    throw new FileFormatError(source, ".npy header is not valid UTF-8");
  }
  const header = parsePyLiteral(text, source, ".npy header");
  check(typeof header === "object" && header !== null && !Array.isArray(header), source, `.npy header is not a dict: ${text.trim().slice(0, 100)}`);
  const h = header as Record<string, unknown>;
  const descr = h.descr;
  check(typeof descr === "string", source, () => `.npy header: 'descr' must be a simple type string (structured arrays are not supported), got ${JSON.stringify(descr)}`);
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const dtype = m ? KIND[m[2]] : undefined;
  check(m && dtype, source, `.npy dtype '${descr}' is not supported (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool)`);
  const littleEndian = m[1] !== ">";
  check(typeof h.fortran_order === "boolean", source, `.npy header: 'fortran_order' must be True or False`);
  check(Array.isArray(h.shape), source, `.npy header: 'shape' must be a tuple of integers`);
  const shape = h.shape as number[];
  const count = checkedSize(shape, source, ".npy shape");
  const dataStart = start + headerLen;
  const need = count * RAW_ITEM_SIZE[dtype];
  const have = bytes.length - dataStart;
  check(have >= need, source, `truncated .npy file: shape ${JSON.stringify(shape)} of ${dtype} needs ${need} data bytes, ${have} remain`);
  check(have === need, source, `.npy file has ${have - need} unexpected bytes after the data of shape ${JSON.stringify(shape)}`);
  let data = readRaw(bytes, dataStart, count, dtype, littleEndian);
  if (h.fortran_order && shape.length > 1) data = fortranToC(data, shape);
  return { dtype, shape: [...shape], data };
}

/** Reorders column-major values of `shape` to row-major. */
function fortranToC(src: RawArray, shape: number[]): RawArray {
  const out = new (src.constructor as new (n: number) => RawArray)(src.length);
  const rank = shape.length;
  const fStride: number[] = [];
  let s = 1;
  for (let d = 0; d < rank; d++) {
    fStride.push(s);
    s *= shape[d];
  }
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < src.length; i++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += idx[d] * fStride[d];
    (out as { [k: number]: number | bigint })[i] = src[off];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/**
 * A tensor from the bytes of a .npy file: float16 loads as float32; int8/16, uint8/16 and (when in range)
 * int64/uint32/uint64 as int32.
 *
 * @example
 * const x = decodeNpy(readFileSync("x.npy"), "x.npy");
 */
export function decodeNpy(bytes: Uint8Array, source = "<npy bytes>"): Tensor {
  const a = parseNpy(bytes, source);
  return rawToTensor(a.data, a.dtype, a.shape, source, "array");
}

/** Options of `encodeNpy` / `saveNpy`. */
export interface NpyWriteOptions {
  /** Element kind to write: the tensor's own dtype by default; "uint8" writes an int32 / bool tensor as bytes (values 0..255). */
  dtype?: "float32" | "float64" | "int32" | "uint8" | "bool";
}

const DESCR: Record<string, string> = { float32: "<f4", float64: "<f8", int32: "<i4", uint8: "|u1", bool: "|b1" };

/** The bytes of a .npy file (format 1.0, C order) holding `t`. */
export function encodeNpy(t: Tensor, opts: NpyWriteOptions = {}): Uint8Array {
  const kind = opts.dtype ?? t.dtype;
  let payload: Uint8Array;
  if (kind === t.dtype) payload = bytesOf(t.values);
  else if (kind === "uint8") {
    if (t.dtype !== "int32" && t.dtype !== "bool") throw new Error(`encodeNpy: uint8 output takes an int32 or bool tensor, got ${t.dtype}`);
    payload = new Uint8Array(t.size);
    for (let i = 0; i < t.size; i++) {
      const v = t.values[i];
      if (v < 0 || v > 255) throw new RangeError(`encodeNpy: value ${v} at index ${i} does not fit uint8`);
      payload[i] = v;
    }
  } else throw new Error(`encodeNpy: cannot write a ${t.dtype} tensor as ${kind}; cast it first`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(", ")})`;
  let header = `{'descr': '${DESCR[kind]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // NumPy pads the header with spaces so that the data starts on a 64-byte boundary.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  if (header.length > 65535) throw new Error(`encodeNpy: shape ${JSON.stringify(t.shape)} makes a header too long for .npy 1.0`);
  const head = utf8Encode(header);
  const out = new Uint8Array(10 + head.length + payload.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, head.length, true);
  out.set(head, 10);
  out.set(payload, 10 + head.length);
  return out;
}

/**
 * Reads a .npy file into a tensor.
 *
 * @example
 * const x = loadNpy("x.npy");
 */
export function loadNpy(path: string): Tensor {
  return decodeNpy(readFileSync(path), path);
}

/**
 * Writes `t` to a .npy file (atomically: a temporary file renamed into place).
 *
 * @example
 * saveNpy("y.npy", model.predict(x) as Tensor);
 */
export function saveNpy(path: string, t: Tensor, opts: NpyWriteOptions = {}): void {
  writeFileAtomic(path, encodeNpy(t, opts));
}
