// Worker thread that parses HDF5 files with h5wasm and returns a plain snapshot of their contents
// (groups, attributes, numeric datasets). The HDF5 C library can loop forever on some corrupt files;
// running it here lets the main thread stop it after a time limit (see hdf5-read.ts).
import { parentPort } from "node:worker_threads";
import h5wasm from "h5wasm";

type H5Module = Awaited<typeof h5wasm.ready>;
type H5Group = InstanceType<typeof h5wasm.Group>;

/** One object of the file: a group with ordered members, or a dataset with its values. */
export type SnapNode =
  | { kind: "group"; attrs: Record<string, unknown>; keys: string[]; children: Record<string, SnapNode> }
  | { kind: "dataset"; attrs: Record<string, unknown>; shape: number[]; type: number; size: number; signed: boolean; littleEndian: boolean; data: Uint8Array | null; error?: string }
  | { kind: "other" };

export interface SnapRequest {
  id: number;
  bytes: Uint8Array;
}

export type SnapReply = { id: number; ok: true; root: SnapNode } | { id: number; ok: false; error: string; path: string };

const MAX_DEPTH = 64;
const MAX_OBJECTS = 1_000_000;
const MAX_TOTAL_BYTES = 1.5 * 2 ** 30; // h5wasm's heap is at most 2 GiB

let mod: Promise<H5Module> | null = null;
let counter = 0;

class SnapError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

function minorMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const minor = text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("minor:")).map((l) => l.slice(6).trim());
  return minor.length ? minor.slice(-2).join("; ") : text.split("\n")[0].slice(0, 200);
}

function init(): Promise<H5Module> {
  mod ??= h5wasm.ready.then((m) => {
    m.activate_throwing_error_handler();
    return m;
  });
  return mod;
}

async function snapshot(bytes: Uint8Array, transfer: ArrayBuffer[]): Promise<SnapNode> {
  const m = await init();
  const memPath = `/snap-${counter++}.h5`;
  m.FS.writeFile(memPath, bytes);
  let file: InstanceType<typeof h5wasm.File> | null = null;
  let objects = 0;
  let totalBytes = 0;
  const at = <T>(path: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SnapError) throw e;
      throw new SnapError(minorMessage(e), path);
    }
  };
  const attrsOf = (o: H5Group | InstanceType<typeof h5wasm.Dataset>, path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const all = at(path, () => o.attrs);
    for (const [name, a] of Object.entries(all)) {
      const md = at(`${path} attribute ${name}`, () => a.metadata);
      const n = md.total_size * md.size;
      if (n > bytes.length) throw new SnapError(`attribute "${name}" claims ${n} bytes, more than the file holds`, path);
      out[name] = at(`${path} attribute ${name}`, () => o.get_attribute(name, false));
    }
    return out;
  };
  const visit = (path: string, depth: number): SnapNode => {
    if (++objects > MAX_OBJECTS) throw new SnapError(`more than ${MAX_OBJECTS} objects`, path);
    if (depth > MAX_DEPTH) throw new SnapError(`groups nested deeper than ${MAX_DEPTH} (a link cycle?)`, path);
    const o = at(path, () => (path === "/" ? file : file!.get(path)));
    if (o instanceof h5wasm.Group) {
      const attrs = attrsOf(o, path);
      const keys = at(path, () => o.keys());
      const children: Record<string, SnapNode> = {};
      for (const k of keys) children[k] = visit(path === "/" ? `/${k}` : `${path}/${k}`, depth + 1);
      return { kind: "group", attrs, keys, children };
    }
    if (o instanceof h5wasm.Dataset) {
      const md = at(path, () => o.metadata);
      const shape = md.shape ?? [];
      const base = { kind: "dataset" as const, attrs: attrsOf(o, path), shape, type: md.type, size: md.size, signed: md.signed, littleEndian: md.littleEndian };
      if ((md.type !== 0 && md.type !== 1) || md.vlen) return { ...base, data: null, error: `HDF5 type class ${md.type} is not numeric` };
      let count = 1;
      for (const d of shape) {
        if (!Number.isSafeInteger(d) || d < 0) throw new SnapError(`invalid shape ${JSON.stringify(shape)}`, path);
        count *= d;
      }
      const nbytes = count * md.size;
      const filtered = at(path, () => o.filters.length > 0);
      if (!filtered && nbytes > bytes.length) throw new SnapError(`shape ${JSON.stringify(shape)} claims ${nbytes} bytes, more than the file holds (${bytes.length})`, path);
      totalBytes += nbytes;
      if (totalBytes > MAX_TOTAL_BYTES) throw new SnapError(`datasets exceed ${MAX_TOTAL_BYTES} bytes in all`, path);
      if (nbytes === 0) return { ...base, data: new Uint8Array(0) };
      const ptr = m._malloc(nbytes);
      if (!ptr) throw new SnapError(`cannot allocate ${nbytes} bytes`, path);
      try {
        at(path, () => m.get_dataset_data(file!.file_id, path, null, null, null, BigInt(ptr)));
        const data = m.HEAPU8.slice(ptr, ptr + nbytes);
        transfer.push(data.buffer);
        return { ...base, data };
      } finally {
        m._free(ptr);
      }
    }
    return { kind: "other" };
  };
  try {
    file = at("/", () => new h5wasm.File(memPath, "r"));
    return visit("/", 0);
  } finally {
    try {
      file?.close();
    } catch {
      // a corrupt file may fail to close; its memory copy is removed below
    }
    m.FS.unlink(memPath);
  }
}

// Tell the main thread when h5wasm is ready, so that its time limits count parsing only.
void init().then(
  () => parentPort?.postMessage({ ready: true }),
  (e: unknown) => parentPort?.postMessage({ ready: false, error: String(e) }),
);

parentPort?.on("message", (req: SnapRequest) => {
  const transfer: ArrayBuffer[] = [];
  snapshot(req.bytes, transfer).then(
    (root) => parentPort!.postMessage({ id: req.id, ok: true, root } satisfies SnapReply, transfer),
    (e: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e), path: e instanceof SnapError ? e.path : "/" } satisfies SnapReply),
  );
});
