// safetensors files: an 8-byte little-endian header length, a JSON header {name: {dtype, shape,
// data_offsets}, __metadata__?}, then the tensors' bytes, back to back, in header-offset order.
import { readFileSync } from "node:fs";
import type { Tensor } from "../tensor/tensor.js";
import { type RawDType, RAW_ITEM_SIZE, bytesOf, readRaw, utf8Decode, utf8Encode } from "./binary.js";
import { FileFormatError, check, checkedSize } from "./errors.js";
import { rawToTensor } from "./raw-tensor.js";
import { writeFileAtomic } from "./fs.js";

/** The safetensors dtype names deepts reads, with their element kinds. */
const DTYPES: Record<string, RawDType> = {
  F16: "float16", BF16: "bfloat16", F32: "float32", F64: "float64", I8: "int8", I16: "int16", I32: "int32", I64: "int64",
  U8: "uint8", U16: "uint16", U32: "uint32", U64: "uint64", BOOL: "bool",
};
const NAME_OF: Record<string, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };
const MAX_HEADER = 100 * 1024 * 1024; // the limit of the reference (Rust) implementation

/** The contents of a safetensors file: tensors by name (header order) and the free-form string metadata. */
export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: RawDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and validates the header: known dtypes, sizes that match shapes, offsets that tile the data exactly. */
function readHeader(bytes: Uint8Array, source: string): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  check(bytes.length >= 8, source, `not a safetensors file: ${bytes.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  check(n64 <= BigInt(MAX_HEADER), source, `safetensors header length ${n64} exceeds ${MAX_HEADER} bytes (not a safetensors file?)`);
  const n = Number(n64);
  check(8 + n <= bytes.length, source, `truncated safetensors file: the header needs ${n} bytes, ${bytes.length - 8} remain`);
  let header: unknown;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new FileFormatError(source, `safetensors header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  check(typeof header === "object" && header !== null && !Array.isArray(header), source, "safetensors header is not a JSON object");
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, spec] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      check(typeof spec === "object" && spec !== null && !Array.isArray(spec), source, "safetensors __metadata__ must be an object of strings");
      for (const [k, v] of Object.entries(spec)) {
        check(typeof v === "string", source, `safetensors __metadata__["${k}"] must be a string, got ${JSON.stringify(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    const where = `tensor "${name}"`;
    check(typeof spec === "object" && spec !== null, source, `${where}: expected {dtype, shape, data_offsets}`);
    const s = spec as Record<string, unknown>;
    const dtype = typeof s.dtype === "string" ? DTYPES[s.dtype] : undefined;
    check(dtype, source, () => `${where}: dtype ${JSON.stringify(s.dtype)} is not supported (supported: ${Object.keys(DTYPES).join(", ")})`);
    check(Array.isArray(s.shape), source, `${where}: shape must be a list of integers`);
    const count = checkedSize(s.shape, source, where);
    const off = s.data_offsets;
    check(Array.isArray(off) && off.length === 2 && off.every((x) => Number.isSafeInteger(x) && x >= 0), source, `${where}: data_offsets must be [begin, end]`);
    const [begin, end] = off as [number, number];
    check(end >= begin, source, `${where}: data_offsets [${begin}, ${end}] end before they begin`);
    check(end - begin === count * RAW_ITEM_SIZE[dtype], source,
      () => `${where}: shape ${JSON.stringify(s.shape)} of ${s.dtype as string} needs ${count * RAW_ITEM_SIZE[dtype]} bytes, data_offsets span ${end - begin}`);
    entries.push({ name, dtype, shape: [...(s.shape as number[])], begin, end });
  }
  // The data section must be tiled exactly: no gaps, no overlaps, nothing left over (as the reference reader).
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of sorted) {
    check(e.begin === pos, source, `tensor "${e.name}": data starts at ${e.begin}, expected ${pos} (overlapping or missing data)`);
    pos = e.end;
  }
  const dataLen = bytes.length - 8 - n;
  check(pos === dataLen, source, pos > dataLen
    ? `truncated safetensors file: the tensors need ${pos} data bytes, ${dataLen} remain`
    : `safetensors file has ${dataLen - pos} bytes after the last tensor's data`);
  return { entries, metadata, dataStart: 8 + n };
}

/**
 * Reads the bytes of a safetensors file. Half floats (F16, BF16) load as float32; small and 64-bit
 * integers as int32 (64-bit values must fit).
 */
export function decodeSafetensors(bytes: Uint8Array, source = "<safetensors bytes>"): Safetensors {
  const { entries, metadata, dataStart } = readHeader(bytes, source);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const count = (e.end - e.begin) / RAW_ITEM_SIZE[e.dtype];
    tensors.set(e.name, rawToTensor(readRaw(bytes, dataStart + e.begin, count, e.dtype), e.dtype, e.shape, source, `tensor "${e.name}"`));
  }
  return { tensors, metadata };
}

/** The bytes of a safetensors file holding `tensors` (float32, float64, int32 or bool) and string `metadata`. */
export function encodeSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let pos = 0;
  for (const [name, t] of list) {
    if (name === "__metadata__") throw new Error(`encodeSafetensors: "__metadata__" is reserved and cannot name a tensor`);
    const dtype = NAME_OF[t.dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [pos, pos + t.values.byteLength] };
    pos += t.values.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (utf8Encode(json).length % 8)) % 8); // data 8-byte aligned, as the reference writer
  const head = utf8Encode(json);
  const out = new Uint8Array(8 + head.length + pos);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const [, t] of list) {
    out.set(bytesOf(t.values), at);
    at += t.values.byteLength;
  }
  return out;
}

/**
 * Reads a safetensors file.
 *
 * @example
 * const { tensors } = loadSafetensors("model.safetensors");
 * tensors.get("dense/kernel");
 */
export function loadSafetensors(path: string): Safetensors {
  return decodeSafetensors(readFileSync(path), path);
}

/**
 * Writes tensors to a safetensors file (atomically).
 *
 * @example
 * saveSafetensors("w.safetensors", { "dense/kernel": k, "dense/bias": b }, { format: "deepts" });
 */
export function saveSafetensors(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
