// The face database as JSON: export everything, import after checking every field, in one transaction.
import { FACE_DB_SCHEMA_VERSION, checkBox, checkDescriptor, checkModelId, checkName, toBlob } from "./db-schema.js";
import type { FaceDatabase } from "./db.js";

/** The JSON form of a face database ("format": "deepts-faces"). */
export interface FaceDbJson {
  format: "deepts-faces";
  /** The schema version of the database it came from. */
  version: number;
  /** The embedding model of every descriptor (null when empty). */
  model: string | null;
  /** The descriptors' length (null when empty). */
  dim: number | null;
  /** Calibrated verification thresholds, by model. */
  thresholds: Record<string, number>;
  exportedAt: string;
  people: {
    name: string;
    createdAt: string;
    embeddings: { descriptor: number[]; source: string | null; box: [number, number, number, number] | null; createdAt: string }[];
  }[];
}

export interface ImportOptions {
  /**
   * A name already enrolled: "error" (default: nothing is imported), "append" (add the descriptors to the
   * person's) or "replace" (drop the person's descriptors first).
   */
  onConflict?: "error" | "append" | "replace";
}

export function exportFaceDb(db: FaceDatabase): FaceDbJson {
  const people = new Map<string, FaceDbJson["people"][number]>();
  for (const p of db.people()) people.set(p.name, { name: p.name, createdAt: p.createdAt, embeddings: [] });
  for (const e of db.embeddings())
    people.get(e.name)!.embeddings.push({ descriptor: Array.from(e.descriptor), source: e.source, box: e.box, createdAt: e.createdAt });
  return {
    format: "deepts-faces", version: FACE_DB_SCHEMA_VERSION, model: db.model(), dim: db.dim(), thresholds: db.thresholds(),
    exportedAt: new Date().toISOString(), people: [...people.values()],
  };
}

function fail(msg: string): never {
  throw new RangeError(`FaceDatabase.importJSON: ${msg}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function checkDate(x: unknown, where: string): string | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== "string" || Number.isNaN(Date.parse(x))) fail(`${where}: createdAt must be an ISO date string, got ${JSON.stringify(x)}`);
  return x;
}

interface CheckedPerson {
  name: string;
  createdAt?: string;
  rows: { v: Float32Array; source: string | null; box?: [number, number, number, number]; createdAt?: string }[];
}

/** Validates the whole document before anything is written; the first problem is the error. */
function validate(data: unknown): { model: string | null; dim: number | null; thresholds: Record<string, number>; people: CheckedPerson[] } {
  const op = "FaceDatabase.importJSON";
  if (!isObject(data)) fail("expected the JSON object written by exportJSON (deepts faces export)");
  if (data.format !== "deepts-faces") fail(`"format" must be "deepts-faces", got ${JSON.stringify(data.format)}; this is not an exported face database`);
  if (!Number.isInteger(data.version) || (data.version as number) < 1) fail(`"version" must be a positive integer, got ${JSON.stringify(data.version)}`);
  if ((data.version as number) > FACE_DB_SCHEMA_VERSION)
    fail(`written by a newer deepts (version ${data.version}); this one reads up to version ${FACE_DB_SCHEMA_VERSION}`);
  if (!Array.isArray(data.people)) fail(`"people" must be an array`);
  const people = data.people as unknown[];
  const model = data.model === null || data.model === undefined ? null : checkModelId(op, data.model);
  const dim = data.dim === null || data.dim === undefined ? null : (data.dim as number);
  if (dim !== null && !(Number.isInteger(dim) && dim > 0)) fail(`"dim" must be a positive integer, got ${JSON.stringify(data.dim)}`);
  const thresholds: Record<string, number> = {};
  if (data.thresholds !== undefined) {
    if (!isObject(data.thresholds)) fail(`"thresholds" must be an object (model -> threshold)`);
    for (const [m, t] of Object.entries(data.thresholds)) {
      checkModelId(op, m);
      if (typeof t !== "number" || !(t > 0) || !Number.isFinite(t)) fail(`threshold of ${m} must be a positive number, got ${JSON.stringify(t)}`);
      thresholds[m] = t;
    }
  }
  const total = people.reduce<number>((n, p) => n + (isObject(p) && Array.isArray(p.embeddings) ? p.embeddings.length : 0), 0);
  if (total > 0 && (model === null || dim === null)) fail(`"model" and "dim" are required when there are descriptors`);
  const seen = new Set<string>();
  const out: CheckedPerson[] = people.map((p, i) => {
    if (!isObject(p)) fail(`people[${i}] must be an object {name, embeddings}`);
    const name = checkName(op, p.name);
    if (seen.has(name)) fail(`people[${i}]: ${JSON.stringify(name)} appears twice`);
    seen.add(name);
    if (!Array.isArray(p.embeddings) || p.embeddings.length === 0) fail(`people[${i}] (${JSON.stringify(name)}): "embeddings" must be a non-empty array`);
    const rows = (p.embeddings as unknown[]).map((e, j) => {
      const where = `people[${i}] (${JSON.stringify(name)}) embedding ${j}`;
      if (!isObject(e)) fail(`${where} must be an object {descriptor, source, box, createdAt}`);
      if (e.source !== undefined && e.source !== null && typeof e.source !== "string") fail(`${where}: source must be a string or null`);
      return {
        v: checkDescriptor(op, e.descriptor, dim ?? undefined, where), source: (e.source as string | null | undefined) ?? null,
        box: checkBox(op, e.box, where), createdAt: checkDate(e.createdAt, where),
      };
    });
    return { name, createdAt: checkDate(p.createdAt, `people[${i}]`), rows };
  });
  return { model, dim, thresholds, people: out };
}

export function importFaceDb(db: FaceDatabase, data: unknown, opts: ImportOptions): { people: number; embeddings: number } {
  const op = "FaceDatabase.importJSON";
  const onConflict = opts.onConflict ?? "error";
  if (!["error", "append", "replace"].includes(onConflict)) fail(`onConflict must be "error", "append" or "replace", got ${JSON.stringify(onConflict)}`);
  const doc = validate(data);
  const sql = db.sql;
  return db.transaction(() => {
    if (doc.model !== null) db.checkModel(op, doc.model);
    const haveDim = db.dim();
    if (haveDim !== null && doc.dim !== null && haveDim !== doc.dim) fail(`the file holds ${doc.dim}-D descriptors; this database ${haveDim}-D`);
    const clash = doc.people.filter((p) => db.has(p.name)).map((p) => p.name);
    if (clash.length > 0 && onConflict === "error")
      fail(`already enrolled: ${clash.join(", ")}; nothing was imported (choose to append to or replace them)`);
    const now = new Date().toISOString();
    const ins = sql.prepare("INSERT INTO embeddings (person_id, model, dim, vector, source, box, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    let n = 0;
    for (const p of doc.people) {
      if (onConflict === "replace") sql.prepare("DELETE FROM people WHERE name = ?").run(p.name);
      sql.prepare("INSERT INTO people (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING").run(p.name, p.createdAt ?? now);
      const pid = (sql.prepare("SELECT id FROM people WHERE name = ?").get(p.name) as { id: number }).id;
      for (const r of p.rows) {
        ins.run(pid, doc.model, doc.dim, toBlob(r.v), r.source, r.box ? JSON.stringify(r.box) : null, r.createdAt ?? now);
        n++;
      }
    }
    for (const [m, t] of Object.entries(doc.thresholds)) db.setThreshold(m, t);
    return { people: doc.people.length, embeddings: n };
  });
}
