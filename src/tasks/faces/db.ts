// A face database that lasts: people and their face descriptors in one SQLite file (better-sqlite3), in WAL
// mode with synchronous commits, every write one transaction (all or nothing, even if the process is
// killed), and the embedding model recorded with every descriptor so that descriptors of different models
// are never compared.
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import {
  FACE_DB_APPLICATION_ID, FACE_DB_SCHEMA_VERSION, SCHEMA_SQL, checkBox, checkDescriptor, checkModelId, checkName,
  fromBlob, toBlob,
} from "./db-schema.js";
import { type FaceDbJson, type ImportOptions, exportFaceDb, importFaceDb } from "./db-json.js";

export { FACE_DB_SCHEMA_VERSION, UNKNOWN_NAME } from "./db-schema.js";

/** Checks a person's name as enroll does (1..100 characters, no control characters, not "unknown"); returns it. */
export function checkPersonName(name: string): string {
  return checkName("checkPersonName", name);
}
export type { FaceDbJson, ImportOptions } from "./db-json.js";

type Db = BetterSqlite3.Database;

export interface FaceDatabaseOptions {
  /** Open for reading only; the file must exist. Default false. */
  readonly?: boolean;
  /** Create the file when it does not exist. Default true (false when readonly). */
  create?: boolean;
}

/** A face to enroll: its descriptor, and optionally where it came from. */
export interface EnrollFace {
  descriptor: ArrayLike<number>;
  /** The photo it was found in (a path or any label). */
  source?: string;
  /** Its box in that photo: {x, y, width, height} or [x, y, width, height]. */
  box?: { x: number; y: number; width: number; height: number } | readonly number[];
}

/** An enrolled descriptor as stored. */
export interface StoredEmbedding {
  id: number;
  name: string;
  model: string;
  descriptor: Float32Array;
  source: string | null;
  box: [number, number, number, number] | null;
  createdAt: string;
}

/** One enrolled person. */
export interface PersonSummary {
  name: string;
  embeddings: number;
  /** The embedding model of the person's descriptors. */
  model: string;
  createdAt: string;
}

/** Raised for input the database refuses (unknown name, another model, a bad file): nothing was changed. */
export class FaceDatabaseError extends Error {
  override readonly name = "FaceDatabaseError";
}

let driver: typeof BetterSqlite3 | undefined;

function loadDriver(op: string): typeof BetterSqlite3 {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
  } catch (e) {
    throw new Error(
      `${op}: the SQLite driver (npm package "better-sqlite3") could not be loaded: ${(e as Error).message}. ` +
        "Run npm ci; without a prebuilt binary it builds from source, which needs python3, make and a C++ compiler.",
    );
  }
  return driver;
}

/**
 * People and their face descriptors in a SQLite file.
 *
 * @example
 * const db = FaceDatabase.open("faces.db");
 * db.enroll("ada", modelId, [{ descriptor, source: "ada.jpg" }]);
 * db.gallery(modelId); // Map { "ada" => [Float32Array(128)] }
 * db.close();
 */
export class FaceDatabase {
  private constructor(
    /** The database file. */
    readonly path: string,
    /** @internal */ readonly sql: Db,
    readonly readonly: boolean,
  ) {}

  /** Opens (and creates, unless told not to) a face database file. */
  static open(path: string, opts: FaceDatabaseOptions = {}): FaceDatabase {
    const op = "FaceDatabase.open";
    if (typeof path !== "string" || path === "") throw new TypeError(`${op}: expected the path of the database file`);
    const full = resolve(path);
    const readonly = opts.readonly ?? false;
    const create = opts.create ?? !readonly;
    const exists = existsSync(full);
    if (exists && !statSync(full).isFile()) throw new FaceDatabaseError(`${op}: ${JSON.stringify(path)} is not a file`);
    if (!exists && !create) throw new FaceDatabaseError(`${op}: no face database at ${JSON.stringify(path)}; enroll someone first (deepts faces enroll NAME IMAGES...)`);
    if (!exists && !existsSync(dirname(full))) throw new FaceDatabaseError(`${op}: cannot create ${JSON.stringify(path)}: the folder ${JSON.stringify(dirname(full))} does not exist`);
    const Driver = loadDriver(op);
    let sql: Db;
    try {
      sql = new Driver(full, { readonly, fileMustExist: !create });
    } catch (e) {
      throw new FaceDatabaseError(`${op}: cannot open ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
    try {
      prepare(sql, path, readonly);
    } catch (e) {
      sql.close();
      throw e;
    }
    return new FaceDatabase(full, sql, readonly);
  }

  /** Runs `fn` in one transaction: every write in it is kept, or (when it throws or the process dies) none. */
  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn)();
  }

  /** The embedding model of the stored descriptors, or null while the database is empty. */
  model(): string | null {
    const rows = this.sql.prepare("SELECT DISTINCT model FROM embeddings LIMIT 2").all() as { model: string }[];
    if (rows.length > 1) throw new FaceDatabaseError(`${this.path}: holds descriptors of several models (${rows.map((r) => r.model).join(", ")}); export it and split it`);
    return rows[0]?.model ?? null;
  }

  /** The length of the stored descriptors, or null while the database is empty. */
  dim(): number | null {
    const row = this.sql.prepare("SELECT dim FROM embeddings LIMIT 1").get() as { dim: number } | undefined;
    return row?.dim ?? null;
  }

  /** Throws a clear error unless descriptors of `model` may be compared with (or added to) this database. */
  checkModel(op: string, model: string): void {
    checkModelId(op, model);
    const have = this.model();
    if (have !== null && have !== model)
      throw new FaceDatabaseError(
        `${op}: the face database ${JSON.stringify(this.path)} holds descriptors of the embedding model "${have}", ` +
          `but these come from "${model}"; descriptors of different models cannot be compared. ` +
          "Use another database file, or remove everyone and enroll them again with this model.",
      );
  }

  /**
   * Adds descriptors of one person (created if new) in one transaction; returns the ids of the new rows.
   *
   * @example
   * db.enroll("ada", "face-api/faceRecognitionNet", [{ descriptor: faces[0].descriptor, source: "ada.jpg" }]);
   */
  enroll(name: string, model: string, faces: readonly EnrollFace[]): number[] {
    const op = "FaceDatabase.enroll";
    this.writable(op);
    checkName(op, name);
    if (!Array.isArray(faces) || faces.length === 0) throw new RangeError(`${op}: no descriptors to enroll for ${JSON.stringify(name)}`);
    return this.transaction(() => {
      this.checkModel(op, model);
      const dim = this.dim() ?? faces[0].descriptor.length;
      const rows = faces.map((f, i) => {
        const where = `face ${i} of ${JSON.stringify(name)}`;
        if (f.source !== undefined && typeof f.source !== "string") throw new TypeError(`${op}: ${where}: source must be a string`);
        return { v: checkDescriptor(op, f.descriptor, dim, where), box: checkBox(op, f.box, where), source: f.source ?? null };
      });
      const now = new Date().toISOString();
      this.sql.prepare("INSERT INTO people (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING").run(name, now);
      const pid = (this.sql.prepare("SELECT id FROM people WHERE name = ?").get(name) as { id: number }).id;
      const ins = this.sql.prepare("INSERT INTO embeddings (person_id, model, dim, vector, source, box, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
      return rows.map((r) => Number(ins.run(pid, model, dim, toBlob(r.v), r.source, r.box ? JSON.stringify(r.box) : null, now).lastInsertRowid));
    });
  }

  /** Whether `name` is enrolled. */
  has(name: string): boolean {
    return this.sql.prepare("SELECT 1 FROM people WHERE name = ?").get(name) !== undefined;
  }

  /** Every enrolled person with the number of their descriptors, by name. */
  people(): PersonSummary[] {
    const rows = this.sql
      .prepare(
        `SELECT p.name AS name, p.created_at AS createdAt, COUNT(e.id) AS embeddings, MIN(e.model) AS model
         FROM people p LEFT JOIN embeddings e ON e.person_id = p.id GROUP BY p.id ORDER BY p.name`,
      )
      .all() as PersonSummary[];
    return rows.map((r) => ({ name: r.name, embeddings: r.embeddings, model: r.model ?? "", createdAt: r.createdAt }));
  }

  /** The stored descriptors (of one person, or everyone), oldest first. */
  embeddings(name?: string): StoredEmbedding[] {
    if (name !== undefined) this.requirePerson("FaceDatabase.embeddings", name);
    const rows = this.sql
      .prepare(
        `SELECT e.id AS id, p.name AS name, e.model AS model, e.vector AS vector, e.source AS source, e.box AS box,
                e.created_at AS createdAt
         FROM embeddings e JOIN people p ON p.id = e.person_id ${name === undefined ? "" : "WHERE p.name = ?"} ORDER BY e.id`,
      )
      .all(...(name === undefined ? [] : [name])) as { id: number; name: string; model: string; vector: Buffer; source: string | null; box: string | null; createdAt: string }[];
    return rows.map((r) => ({
      id: r.id, name: r.name, model: r.model, descriptor: fromBlob(r.vector), source: r.source,
      box: r.box === null ? null : (JSON.parse(r.box) as [number, number, number, number]), createdAt: r.createdAt,
    }));
  }

  /** Name -> descriptors of everyone, for comparing descriptors of `model` (a clear error for another model). */
  gallery(model: string): Map<string, Float32Array[]> {
    this.checkModel("FaceDatabase.gallery", model);
    const out = new Map<string, Float32Array[]>();
    for (const e of this.embeddings()) {
      const list = out.get(e.name) ?? [];
      list.push(e.descriptor);
      out.set(e.name, list);
    }
    return out;
  }

  /** One person's descriptors, for comparing descriptors of `model`; an unknown name is an error. */
  descriptorsOf(name: string, model: string): Float32Array[] {
    this.requirePerson("FaceDatabase.descriptorsOf", name);
    this.checkModel("FaceDatabase.descriptorsOf", model);
    return this.embeddings(name).map((e) => e.descriptor);
  }

  /** Removes a person and their descriptors; returns how many descriptors went. An unknown name is an error. */
  remove(name: string): number {
    const op = "FaceDatabase.remove";
    this.writable(op);
    return this.transaction(() => {
      this.requirePerson(op, name);
      const n = (this.sql.prepare("SELECT COUNT(*) AS n FROM embeddings e JOIN people p ON p.id = e.person_id WHERE p.name = ?").get(name) as { n: number }).n;
      this.sql.prepare("DELETE FROM people WHERE name = ?").run(name);
      return n;
    });
  }

  /** The verification threshold calibrated for `model` and stored here, if any. */
  threshold(model: string): number | undefined {
    const row = this.sql.prepare("SELECT value FROM meta WHERE key = ?").get(`threshold:${model}`) as { value: string } | undefined;
    return row === undefined ? undefined : Number(row.value);
  }

  /** Stores the verification threshold calibrated for `model` (see calibrateThreshold). */
  setThreshold(model: string, threshold: number): void {
    const op = "FaceDatabase.setThreshold";
    this.writable(op);
    checkModelId(op, model);
    if (!(threshold > 0) || !Number.isFinite(threshold)) throw new RangeError(`${op}: threshold must be a positive number, got ${threshold}`);
    this.sql.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(`threshold:${model}`, String(threshold));
  }

  /** Every stored threshold, by model. */
  thresholds(): Record<string, number> {
    const rows = this.sql.prepare("SELECT key, value FROM meta WHERE key LIKE 'threshold:%' ORDER BY key").all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key.slice("threshold:".length), Number(r.value)]));
  }

  /** The whole database as JSON (see FaceDbJson); float32 descriptors survive the round trip exactly. */
  exportJSON(): FaceDbJson {
    return exportFaceDb(this);
  }

  /** Adds the people of an exported database, validated first, in one transaction; returns the counts added. */
  importJSON(data: unknown, opts: ImportOptions = {}): { people: number; embeddings: number } {
    this.writable("FaceDatabase.importJSON");
    return importFaceDb(this, data, opts);
  }

  /** Closes the file (the WAL is checkpointed into it). */
  close(): void {
    if (this.sql.open) this.sql.close();
  }

  private writable(op: string): void {
    if (this.readonly) throw new FaceDatabaseError(`${op}: ${JSON.stringify(this.path)} is open read-only`);
  }

  private requirePerson(op: string, name: string): void {
    if (typeof name !== "string" || !this.has(name)) {
      const names = this.people().map((p) => p.name);
      const list = names.length === 0 ? "nobody is enrolled" : `enrolled: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", ..." : ""}`;
      throw new FaceDatabaseError(`${op}: nobody named ${JSON.stringify(name)} in ${JSON.stringify(this.path)} (${list})`);
    }
  }
}

function prepare(sql: Db, path: string, readonly: boolean): void {
  const op = "FaceDatabase.open";
  let appId: number;
  let version: number;
  let tables: number;
  try {
    appId = sql.pragma("application_id", { simple: true }) as number;
    version = sql.pragma("user_version", { simple: true }) as number;
    tables = (sql.prepare("SELECT COUNT(*) AS n FROM sqlite_schema").get() as { n: number }).n;
  } catch (e) {
    throw new FaceDatabaseError(`${op}: ${JSON.stringify(path)} is not a SQLite database (${(e as Error).message})`);
  }
  if (appId === 0 && tables === 0) {
    if (readonly) throw new FaceDatabaseError(`${op}: ${JSON.stringify(path)} is empty, not a face database`);
    sql.pragma("journal_mode = WAL");
    sql.transaction(() => {
      sql.exec(SCHEMA_SQL);
      sql.prepare("INSERT INTO meta (key, value) VALUES ('created_at', ?)").run(new Date().toISOString());
      sql.pragma(`application_id = ${FACE_DB_APPLICATION_ID}`);
      sql.pragma(`user_version = ${FACE_DB_SCHEMA_VERSION}`);
    })();
  } else if (appId !== FACE_DB_APPLICATION_ID) {
    throw new FaceDatabaseError(`${op}: ${JSON.stringify(path)} is a SQLite database of another program, not a deepts face database`);
  } else if (version > FACE_DB_SCHEMA_VERSION) {
    throw new FaceDatabaseError(
      `${op}: ${JSON.stringify(path)} has schema version ${version}, written by a newer deepts; this one reads up to version ${FACE_DB_SCHEMA_VERSION}`,
    );
  } else if (version < 1) {
    throw new FaceDatabaseError(`${op}: ${JSON.stringify(path)} has no schema version; it is not a complete face database`);
  }
  if (!readonly) {
    // WAL: readers never block the writer; synchronous FULL: a commit is on disk when enroll returns, so
    // neither a killed process nor a power cut loses it.
    sql.pragma("journal_mode = WAL");
    sql.pragma("synchronous = FULL");
  }
  sql.pragma("foreign_keys = ON");
  sql.pragma("busy_timeout = 5000");
}
