// HDF5 through h5wasm (the HDF5 C library in WebAssembly). Reading runs in a worker thread with a time
// limit and bounded sizes (hdf5-worker.ts); writing builds the file in h5wasm's in-memory file system and
// hands back its bytes (the caller writes them atomically).
// Types only: the library (140 ms to import, 70 ms to initialize) loads on the first write, not with deepts.
import type h5wasm from "h5wasm";
import { type RawArray, type RawDType, RAW_ITEM_SIZE, readRaw } from "./binary.js";
import { FileFormatError, check, checkedSize } from "./errors.js";
import type { SnapNode, SnapReply, SnapRequest } from "./hdf5-worker.js";
import { Worker } from "node:worker_threads";

type H5Module = Awaited<typeof h5wasm.ready>;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

type H5Lib = typeof h5wasm;
let modulePromise: Promise<{ lib: H5Lib; m: H5Module }> | null = null;
let fileCounter = 0;

/** The h5wasm library and module of this thread (for writing), loaded and initialized once, HDF5 errors thrown. */
async function h5(): Promise<{ lib: H5Lib; m: H5Module }> {
  modulePromise ??= import("h5wasm").then(async ({ default: lib }) => {
    const m = await lib.ready;
    m.activate_throwing_error_handler();
    return { lib, m };
  });
  return modulePromise;
}

/** A numeric dataset read from a file: element kind, shape and values. */
export interface H5Array {
  dtype: RawDType;
  shape: number[];
  data: RawArray;
}

/**
 * An HDF5 file read for its contents: a worker thread parses it (so a corrupt file that sends the HDF5
 * library into a loop is stopped after a time limit) and returns a snapshot of its groups, attributes
 * and numeric datasets. Every method's errors name the file.
 */
export class H5Reader {
  private constructor(
    private readonly root: SnapNode,
    readonly source: string,
  ) {}

  /** Reads HDF5 bytes (a whole file); `source` names it in errors. */
  static async open(bytes: Uint8Array, source: string, opts: { timeoutMs?: number } = {}): Promise<H5Reader> {
    check(hasSignature(bytes), source, "not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...)");
    const reply = await snapshotInWorker(bytes, opts.timeoutMs ?? defaultTimeout(bytes.length));
    if (reply.kind === "timeout")
      throw new FileFormatError(source, `reading the HDF5 structure did not finish within ${reply.ms} ms: the file is corrupt (a larger limit: DEEPTS_H5_TIMEOUT_MS)`);
    if (!reply.ok) throw new FileFormatError(source, reply.path === "/" ? `cannot read as HDF5: ${reply.error}` : `"${reply.path}": ${reply.error}`);
    return new H5Reader(reply.root, source);
  }

  private node(path: string): SnapNode | undefined {
    let n: SnapNode | undefined = this.root;
    for (const part of path.split("/").filter(Boolean)) {
      if (!n || n.kind !== "group" || !Object.prototype.hasOwnProperty.call(n.children, part)) return undefined;
      n = n.children[part];
    }
    return n;
  }

  /** True when `path` ("/" for the root) is a group. */
  group(path: string): boolean {
    return this.node(path)?.kind === "group";
  }

  /** Names of the members of the group at `path` (in the file's order). */
  keys(path: string): string[] {
    const n = this.node(path);
    check(n?.kind === "group", this.source, `group "${path}" does not exist`);
    return [...n.keys];
  }

  /** True when `path` names a dataset. */
  isDataset(path: string): boolean {
    return this.node(path)?.kind === "dataset";
  }

  /** The names of the attributes of the object at `path`. */
  attrNames(path: string): string[] {
    return Object.keys(this.attrs(path));
  }

  private attrs(path: string): Record<string, unknown> {
    const n = this.node(path);
    check(n && n.kind !== "other", this.source, `"${path}" does not exist`);
    return n.attrs;
  }

  /** An attribute's value (strings, lists of strings, numbers, typed arrays); undefined when absent. */
  attr(path: string, name: string): unknown {
    const a = this.attrs(path);
    return Object.prototype.hasOwnProperty.call(a, name) ? a[name] : undefined;
  }

  /** A string attribute (fixed or variable length, scalar or a one-element array); undefined when absent. */
  stringAttr(path: string, name: string): string | undefined {
    const v = this.attr(path, name);
    if (v === undefined) return undefined;
    const s = Array.isArray(v) && v.length === 1 ? v[0] : v;
    check(typeof s === "string", this.source, `attribute "${name}" of "${path}" is not a string`);
    return s;
  }

  /**
   * A list-of-strings attribute such as Keras' layer_names / weight_names, joined from the chunks
   * `name0`, `name1`, ... that Keras writes when the list is too big for one attribute.
   */
  stringListAttr(path: string, name: string): string[] | undefined {
    const names = this.attrNames(path);
    const parts: unknown[] = [];
    if (names.includes(name)) parts.push(this.attr(path, name));
    else for (let i = 0; i < names.length && names.includes(`${name}${i}`); i++) parts.push(this.attr(path, `${name}${i}`));
    if (parts.length === 0) return undefined;
    const out: string[] = [];
    for (const p of parts) {
      if (typeof p === "string") out.push(p);
      else if (Array.isArray(p)) for (const s of p) out.push(typeof s === "string" ? s : this.fail(`attribute "${name}" of "${path}" holds a non-string`));
      else if (ArrayBuffer.isView(p) && (p as unknown as ArrayLike<number>).length === 0) continue; // h5py writes [] as an empty float array
      else this.fail(`attribute "${name}" of "${path}" is not a list of strings`);
    }
    return out;
  }

  private fail(msg: string): never {
    throw new FileFormatError(this.source, msg);
  }

  /** A numeric dataset (float16/32/64 or integers). */
  dataset(path: string): H5Array {
    const n = this.node(path);
    check(n?.kind === "dataset", this.source, `dataset "${path}" does not exist`);
    const dtype = rawKind(n.type, n.size, n.signed);
    check(dtype && n.data, this.source, `dataset "${path}" has an unsupported element type (${n.error ?? `HDF5 class ${n.type}, ${n.size} bytes`}); weights must be numbers`);
    const count = checkedSize(n.shape, this.source, `dataset "${path}"`);
    check(n.data.length === count * RAW_ITEM_SIZE[dtype], this.source, `dataset "${path}": ${n.data.length} bytes for shape ${JSON.stringify(n.shape)}`);
    return { dtype, shape: [...n.shape], data: readRaw(n.data, 0, count, dtype, n.littleEndian) };
  }

  /** Nothing to release (the worker already closed the file); kept so callers can use try/finally. */
  close(): void {}
}

/** The time a worker gets to parse a file: 20 s plus 1 s per 20 MB, or DEEPTS_H5_TIMEOUT_MS. */
function defaultTimeout(size: number): number {
  const env = Number(process.env.DEEPTS_H5_TIMEOUT_MS);
  return Number.isFinite(env) && env > 0 ? env : 20_000 + Math.ceil(size / 20e6) * 1000;
}

// ---- the worker: one, started on first use, reused, replaced when a read times out ----------------------

let worker: { w: Worker; ready: Promise<void> } | null = null;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();
const STARTUP_MS = 120_000;

/** The running worker, once it reports h5wasm ready (startup is not counted against a file's time limit). */
function readyWorker(): { w: Worker; ready: Promise<void> } {
  if (worker) return worker;
  const w = startWorker();
  w.unref();
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the HDF5 worker did not start within ${STARTUP_MS} ms`)), STARTUP_MS);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      w.off("message", onMessage);
      if (worker?.w === w) worker = null;
      void w.terminate();
      reject(e);
    };
    const onMessage = (m: { ready?: boolean; error?: string }): void => {
      if (m.ready === undefined) return;
      clearTimeout(timer);
      w.off("message", onMessage);
      w.off("error", fail);
      if (m.ready) resolve();
      else fail(new Error(`the HDF5 worker failed to start: ${m.error}`));
    };
    w.on("message", onMessage);
    w.once("error", fail);
  });
  worker = { w, ready };
  return worker;
}

/** The worker thread, from the compiled dist/ files, or from the TypeScript sources through tsx. */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./hdf5-worker.js", import.meta.url));
  // From sources: tsx's hooks do not reach a worker's entry point through execArgv (Node 20), so the
  // worker registers them itself before importing the TypeScript module. tsx is resolved from this file,
  // not from the working directory (an eval'd worker resolves bare names from there).
  const url = new URL("./hdf5-worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`, { eval: true });
}

type WorkerResult = SnapReply | { kind: "timeout"; ms: number };

/** Parses `bytes` in the worker; one request at a time, each with its own time limit. */
function snapshotInWorker(bytes: Uint8Array, timeoutMs: number): Promise<(SnapReply & { kind?: undefined }) | { kind: "timeout"; ms: number }> {
  const run = async (): Promise<WorkerResult> => {
    const current = readyWorker();
    await current.ready;
    const w = current.w;
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const copy = new Uint8Array(bytes); // a private buffer, transferred to the worker
      const done = (): void => {
        clearTimeout(timer);
        w.off("message", onMessage);
        w.off("error", onError);
        w.unref();
      };
      const onMessage = (msg: SnapReply): void => {
        if (msg.id !== id) return;
        done();
        resolve(msg);
      };
      const onError = (e: Error): void => {
        done();
        if (worker?.w === w) worker = null;
        reject(e);
      };
      const timer = setTimeout(() => {
        done();
        if (worker?.w === w) worker = null;
        void w.terminate();
        resolve({ kind: "timeout", ms: timeoutMs });
      }, timeoutMs);
      w.on("message", onMessage);
      w.on("error", onError);
      w.ref();
      w.postMessage({ id, bytes: copy } satisfies SnapRequest, [copy.buffer]);
    });
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p as Promise<(SnapReply & { kind?: undefined }) | { kind: "timeout"; ms: number }>;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5's signature sits at byte 0, or after a user block of 512, 1024, 2048, ... bytes. */
function hasSignature(b: Uint8Array): boolean {
  for (let off = 0; off + 8 <= b.length; off = off === 0 ? 512 : off * 2)
    if (SIGNATURE.every((x, i) => b[off + i] === x)) return true;
  return false;
}

/** The element kind of an HDF5 integer (class 0) or float (class 1) type. */
function rawKind(cls: number, size: number, signed: boolean): RawDType | undefined {
  if (cls === 1) return size === 2 ? "float16" : size === 4 ? "float32" : size === 8 ? "float64" : undefined;
  if (cls === 0) {
    const k: Record<number, RawDType> = signed ? { 1: "int8", 2: "int16", 4: "int32", 8: "int64" } : { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" };
    return k[size];
  }
  return undefined;
}

/** An HDF5 file built in memory; `finish()` returns its bytes. */
export class H5Writer {
  private constructor(
    private readonly lib: H5Lib,
    private readonly m: H5Module,
    private readonly file: InstanceType<typeof h5wasm.File>,
    private readonly memPath: string,
  ) {}

  static async create(): Promise<H5Writer> {
    const { lib, m } = await h5();
    const memPath = `/deepts-out-${process.pid}-${fileCounter++}.h5`;
    return new H5Writer(lib, m, new lib.File(memPath, "w"), memPath);
  }

  /** Creates the group at `path` and any missing parents. */
  group(path: string): void {
    const parts = path.split("/").filter(Boolean);
    let cur = "";
    for (const p of parts) {
      const next = `${cur}/${p}`;
      if (!(this.file.get(next) instanceof this.lib.Group)) (cur ? (this.file.get(cur) as H5Group) : this.file).create_group(p);
      cur = next;
    }
  }

  /** Sets a string (or list-of-strings) attribute on the group or dataset at `path`. */
  attr(path: string, name: string, value: string | string[]): void {
    const o = path === "/" || path === "" ? this.file : (this.file.get(path) as H5Group | H5Dataset);
    if (Array.isArray(value) && value.length === 0) o.create_attribute(name, new Float64Array(0), [0], "<d"); // as h5py writes []
    else o.create_attribute(name, value);
  }

  /** Writes a float32 / float64 / int32 dataset at `path` (parents created). */
  dataset(path: string, data: Float32Array | Float64Array | Int32Array | Uint8Array, shape: readonly number[]): void {
    const i = path.lastIndexOf("/");
    const parent = i > 0 ? path.slice(0, i) : "";
    if (parent) this.group(parent);
    const g = parent ? (this.file.get(parent) as H5Group) : this.file;
    const dtype = data instanceof Float32Array ? "<f" : data instanceof Float64Array ? "<d" : data instanceof Int32Array ? "<i" : "|b1";
    g.create_dataset({ name: path.slice(i + 1), data: data instanceof Uint8Array ? Int32Array.from(data) : data, shape: [...shape], dtype: dtype === "|b1" ? "<i" : dtype });
  }

  /** Closes the file and returns its bytes (the in-memory copy is removed). */
  finish(): Uint8Array {
    this.file.close();
    try {
      return this.m.FS.readFile(this.memPath) as Uint8Array;
    } finally {
      this.m.FS.unlink(this.memPath);
    }
  }

  /** Discards the file (after an error). */
  abort(): void {
    try {
      this.file.close();
    } catch {
      // already closed
    }
    try {
      this.m.FS.unlink(this.memPath);
    } catch {
      // never created
    }
  }
}
