// HDF5 through h5wasm (the HDF5 C library in WebAssembly): files are opened from bytes in h5wasm's
// in-memory file system, every read is bounded (shapes and sizes checked before allocating), and files
// are built in memory and handed back as bytes (the caller writes them atomically).
import h5wasm from "h5wasm";
import { type RawArray, type RawDType, RAW_ITEM_SIZE, readRaw } from "./binary.js";
import { FileFormatError, check, checkedSize } from "./errors.js";

type H5Module = Awaited<typeof h5wasm.ready>;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

let modulePromise: Promise<H5Module> | null = null;
let fileCounter = 0;

/** The h5wasm module, initialized once, with HDF5 errors thrown as exceptions (not printed). */
async function h5(): Promise<H5Module> {
  modulePromise ??= h5wasm.ready.then((m) => {
    m.activate_throwing_error_handler();
    return m;
  });
  return modulePromise;
}

/** The first lines of an HDF5 error stack, for messages. */
function h5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim());
  const minor = lines.filter((l) => l.startsWith("minor:")).map((l) => l.slice(6).trim());
  return minor.length ? minor.slice(-2).join("; ") : lines[0].slice(0, 200);
}

/** A numeric dataset read from a file: element kind, shape and values. */
export interface H5Array {
  dtype: RawDType;
  shape: number[];
  data: RawArray;
}

const MAX_READ_BYTES = 1.5 * 2 ** 30; // h5wasm's heap is at most 2 GiB

/** An HDF5 file opened for reading; every method's errors name the file. Call `close()` when done. */
export class H5Reader {
  private closed = false;

  private constructor(
    private readonly m: H5Module,
    private readonly file: InstanceType<typeof h5wasm.File>,
    private readonly memPath: string,
    readonly source: string,
    private readonly fileSize: number,
  ) {}

  /** Opens HDF5 bytes (a whole file); `source` names it in errors. */
  static async open(bytes: Uint8Array, source: string): Promise<H5Reader> {
    const m = await h5();
    check(hasSignature(bytes), source, "not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...)");
    const memPath = `/deepts-${process.pid}-${fileCounter++}.h5`;
    m.FS.writeFile(memPath, bytes);
    try {
      return new H5Reader(m, new h5wasm.File(memPath, "r"), memPath, source, bytes.length);
    } catch (e) {
      m.FS.unlink(memPath);
      throw new FileFormatError(source, `cannot open as HDF5: ${h5Message(e)}`);
    }
  }

  private wrap<T>(what: string, f: () => T): T {
    check(!this.closed, this.source, `${what}: the file is closed`);
    try {
      return f();
    } catch (e) {
      if (e instanceof FileFormatError) throw e;
      throw new FileFormatError(this.source, `${what}: ${h5Message(e)}`);
    }
  }

  /** The group at `path` ("/" for the root), or null when there is none (or it is not a group). */
  group(path: string): H5Group | null {
    return this.wrap(`group "${path}"`, () => {
      if (path === "/" || path === "") return this.file as H5Group;
      const g = this.file.get(path);
      return g instanceof h5wasm.Group ? g : null;
    });
  }

  /** Names of the members of the group at `path` (in the file's order). */
  keys(path: string): string[] {
    return this.wrap(`group "${path}"`, () => {
      const g = this.group(path);
      check(g, this.source, `group "${path}" does not exist`);
      return g.keys();
    });
  }

  /** True when `path` names a dataset. */
  isDataset(path: string): boolean {
    return this.wrap(`"${path}"`, () => this.file.get(path) instanceof h5wasm.Dataset);
  }

  /** The names of the attributes of the object at `path`. */
  attrNames(path: string): string[] {
    return this.wrap(`attributes of "${path}"`, () => Object.keys(this.object(path).attrs));
  }

  private object(path: string): H5Group | H5Dataset {
    const o = path === "/" || path === "" ? this.file : this.file.get(path);
    check(o instanceof h5wasm.Group || o instanceof h5wasm.Dataset, this.source, `"${path}" does not exist`);
    return o;
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

  /** An attribute's value as h5wasm decodes it; undefined when absent. */
  attr(path: string, name: string): unknown {
    return this.wrap(`attribute "${name}" of "${path}"`, () => {
      const o = this.object(path);
      const a = o.attrs[name];
      if (!a) return undefined;
      const md = a.metadata;
      const total = md.total_size * md.size;
      check(total <= this.fileSize, this.source, `attribute "${name}" of "${path}" claims ${total} bytes, more than the file holds`);
      return o.get_attribute(name, false);
    });
  }

  /** Reads a numeric dataset (float16/32/64 or integers), checking its declared size against the file first. */
  dataset(path: string): H5Array {
    return this.wrap(`dataset "${path}"`, () => {
      const d = this.file.get(path);
      check(d instanceof h5wasm.Dataset, this.source, `dataset "${path}" does not exist`);
      const md = d.metadata;
      const shape = md.shape ?? [];
      const count = checkedSize(shape, this.source, `dataset "${path}"`);
      const dtype = rawKind(md.type, md.size, md.signed);
      check(dtype, this.source, `dataset "${path}" has an unsupported element type (HDF5 class ${md.type}, ${md.size} bytes); weights must be numbers`);
      const nbytes = count * RAW_ITEM_SIZE[dtype];
      const compressed = d.filters.length > 0;
      check(compressed ? nbytes <= MAX_READ_BYTES : nbytes <= this.fileSize, this.source,
        `dataset "${path}" of shape ${JSON.stringify(shape)} claims ${nbytes} bytes, more than the file can hold (${this.fileSize} bytes)`);
      if (count === 0) return { dtype, shape: [...shape], data: readRaw(new Uint8Array(0), 0, 0, dtype) };
      const ptr = this.m._malloc(nbytes);
      check(ptr !== 0, this.source, `dataset "${path}": cannot allocate ${nbytes} bytes`);
      try {
        this.m.get_dataset_data(this.file.file_id, d.path, null, null, null, BigInt(ptr));
        const bytes = this.m.HEAPU8.subarray(ptr, ptr + nbytes);
        return { dtype, shape: [...shape], data: readRaw(bytes, 0, count, dtype, md.littleEndian) };
      } finally {
        this.m._free(ptr);
      }
    });
  }

  /** Closes the file and frees its memory copy. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.file.close();
    } finally {
      this.m.FS.unlink(this.memPath);
    }
  }
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
    private readonly m: H5Module,
    private readonly file: InstanceType<typeof h5wasm.File>,
    private readonly memPath: string,
  ) {}

  static async create(): Promise<H5Writer> {
    const m = await h5();
    const memPath = `/deepts-out-${process.pid}-${fileCounter++}.h5`;
    return new H5Writer(m, new h5wasm.File(memPath, "w"), memPath);
  }

  /** Creates the group at `path` and any missing parents. */
  group(path: string): void {
    const parts = path.split("/").filter(Boolean);
    let cur = "";
    for (const p of parts) {
      const next = `${cur}/${p}`;
      if (!(this.file.get(next) instanceof h5wasm.Group)) (cur ? (this.file.get(cur) as H5Group) : this.file).create_group(p);
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
