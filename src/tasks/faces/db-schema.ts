// The face database's SQLite schema and the checks shared by the database and its JSON form: names,
// model ids, descriptors. Schema changes bump FACE_DB_SCHEMA_VERSION (kept in PRAGMA user_version).

/** The schema version this deepts writes (PRAGMA user_version of the file). */
export const FACE_DB_SCHEMA_VERSION = 1;

/** The SQLite application_id of a deepts face database ("dTfc"), so another program's file is refused. */
export const FACE_DB_APPLICATION_ID = 0x64546663;

export const SCHEMA_SQL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE people (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
) STRICT;
CREATE TABLE embeddings (
  id         INTEGER PRIMARY KEY,
  person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  model      TEXT NOT NULL,
  dim        INTEGER NOT NULL CHECK (dim > 0),
  vector     BLOB NOT NULL CHECK (length(vector) = 4 * dim),
  source     TEXT,
  box        TEXT,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX embeddings_person ON embeddings(person_id);
CREATE INDEX embeddings_model ON embeddings(model);
`;

/** The name identification answers when no enrolled person is close enough; nobody may be enrolled under it. */
export const UNKNOWN_NAME = "unknown";

/** Checks a person's name: 1..100 characters, no control characters, not blank, not "unknown". */
export function checkName(op: string, name: unknown): string {
  if (typeof name !== "string") throw new TypeError(`${op}: a person's name must be a string, got ${typeof name}`);
  if (name.trim() === "") throw new RangeError(`${op}: a person's name cannot be empty or blank`);
  if (name !== name.trim()) throw new RangeError(`${op}: name ${JSON.stringify(name)} starts or ends with spaces; remove them`);
  if (name.length > 100) throw new RangeError(`${op}: name is ${name.length} characters long; at most 100`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new RangeError(`${op}: name ${JSON.stringify(name)} contains control characters`);
  if (name.toLowerCase() === UNKNOWN_NAME)
    throw new RangeError(`${op}: "${name}" is what identification answers for a face it does not know; enroll the person under another name`);
  return name;
}

/** Checks an embedding model id: 1..200 printable characters. */
export function checkModelId(op: string, model: unknown): string {
  if (typeof model !== "string" || model.length === 0 || model.length > 200 || !/^[\x21-\x7e]+$/.test(model))
    throw new RangeError(`${op}: the embedding model id must be 1..200 printable characters without spaces, got ${JSON.stringify(model)}`);
  return model;
}

/** Checks a descriptor: a non-empty list of finite numbers, of length `dim` when given; returns it as float32. */
export function checkDescriptor(op: string, d: unknown, dim: number | undefined, where: string): Float32Array {
  const ok = d instanceof Float32Array || d instanceof Float64Array || Array.isArray(d);
  if (!ok) throw new TypeError(`${op}: ${where}: a descriptor must be a Float32Array or an array of numbers`);
  const arr = d as ArrayLike<unknown>;
  if (arr.length === 0) throw new RangeError(`${op}: ${where}: the descriptor is empty`);
  if (dim !== undefined && arr.length !== dim)
    throw new RangeError(`${op}: ${where}: descriptor of length ${arr.length}; this database holds ${dim}-D descriptors`);
  const out = new Float32Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${op}: ${where}: descriptor value ${i} is ${typeof v === "number" ? String(v) : JSON.stringify(v)}, not a finite number`);
    out[i] = v;
  }
  return out;
}

/** Checks an optional face box [x, y, width, height] (pixels). */
export function checkBox(op: string, box: unknown, where: string): [number, number, number, number] | undefined {
  if (box === undefined || box === null) return undefined;
  const b = box as { x?: unknown; y?: unknown; width?: unknown; height?: unknown } | unknown[];
  const v = Array.isArray(b) ? b : [b.x, b.y, b.width, b.height];
  if (v.length !== 4 || !v.every((x) => typeof x === "number" && Number.isFinite(x)) || (v[2] as number) < 0 || (v[3] as number) < 0)
    throw new RangeError(`${op}: ${where}: a box must be {x, y, width, height} or [x, y, width, height] of finite numbers, got ${JSON.stringify(box)}`);
  return v as [number, number, number, number];
}

/** Float32 values <-> the little-endian BLOB stored in SQLite. */
export function toBlob(v: Float32Array): Buffer {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i], i * 4);
  return b;
}

export function fromBlob(b: Uint8Array): Float32Array {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(b.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
