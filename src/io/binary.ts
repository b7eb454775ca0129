// Byte-level helpers shared by the readers: typed views of little-endian data, half floats, UTF-8.

/** Element kinds found in weight files, with their byte sizes. */
export type RawDType =
  | "float16" | "bfloat16" | "float32" | "float64"
  | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool";

export const RAW_ITEM_SIZE: Record<RawDType, number> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};

/** A raw array read from a file: numbers of `dtype` (64-bit integers as BigInt64Array / BigUint64Array). */
export type RawArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array
  | BigInt64Array | BigUint64Array;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Copies `count` elements of `dtype` starting at `bytes[offset]` into a fresh typed array
 * (byte-swapped when the data is big-endian). float16 / bfloat16 come back as their raw Uint16Array bits.
 */
export function readRaw(bytes: Uint8Array, offset: number, count: number, dtype: RawDType, littleEndian = true): RawArray {
  const size = RAW_ITEM_SIZE[dtype];
  // A fresh, aligned copy (Buffer.slice would return a view of the shared pool).
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(offset, offset + count * size));
  if (littleEndian !== LITTLE_ENDIAN_HOST && size > 1)
    for (let i = 0; i < copy.length; i += size)
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = copy[a];
        copy[a] = copy[b];
        copy[b] = t;
      }
  const buf = copy.buffer;
  switch (dtype) {
    case "float32": return new Float32Array(buf);
    case "float64": return new Float64Array(buf);
    case "int8": return new Int8Array(buf);
    case "int16": return new Int16Array(buf);
    case "int32": return new Int32Array(buf);
    case "int64": return new BigInt64Array(buf);
    case "uint64": return new BigUint64Array(buf);
    case "uint8": case "bool": return new Uint8Array(buf);
    case "uint16": case "float16": case "bfloat16": return new Uint16Array(buf);
    case "uint32": return new Uint32Array(buf);
  }
}

/** The float value of IEEE half-precision bits `h`. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Half-precision bits to float32 values. */
export function halfBitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  // A 64K-entry table is cheaper than the arithmetic once arrays pass a few thousand elements.
  if (bits.length > 65536) {
    const table = halfTable();
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  } else for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]);
  return out;
}

let HALF_TABLE: Float32Array | null = null;
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) HALF_TABLE[i] = halfToFloat(i);
  }
  return HALF_TABLE;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The IEEE half-precision bits nearest to `x` (round to nearest even; overflow to infinity). */
export function floatToHalf(x: number): number {
  F32[0] = x;
  const u = U32[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  return sign | half;
}

/** bfloat16 bits to float32 values. */
export function bfloat16BitsToFloat32(bits: Uint16Array): Float32Array {
  const u = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
  return new Float32Array(u.buffer);
}

/** float32 values to bfloat16 bits (round to nearest even). */
export function float32ToBfloat16Bits(values: ArrayLike<number>): Uint16Array {
  const f = Float32Array.from(values);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = u[i];
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) out[i] = (x >>> 16) | 0x40;
    else out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}

const DECODER = new TextDecoder("utf-8", { fatal: true });
const ENCODER = new TextEncoder();

/** Strict UTF-8 decoding (invalid bytes throw). */
export function utf8Decode(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

export function utf8Encode(s: string): Uint8Array {
  return ENCODER.encode(s);
}

/** Bytes of a typed array (a view, no copy), as written to files on a little-endian host. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
