import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FACE_DB_SCHEMA_VERSION, FaceDatabase, FaceDatabaseError } from "../../../src/tasks/faces/db.js";

const dir = mkdtempSync(join(tmpdir(), "deepts-facedb-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `t${n++}.db`);

const M = "test-model/v1";
function vec(seed: number, dim = 8): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sin(seed * 12.9898 + i * 78.233) * 0.5;
  return v;
}
const bits = (v: Float32Array): number[] => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

describe("faces: database CRUD", () => {
  it("enrolls several descriptors per person, lists, reads back exactly, removes, and keeps it all after reopening", () => {
    const path = fresh();
    const db = FaceDatabase.open(path);
    assert.equal(db.model(), null);
    assert.equal(db.dim(), null);
    assert.deepEqual(db.people(), []);
    assert.equal((db.sql.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "wal");
    assert.equal(db.sql.pragma("synchronous", { simple: true }), 2); // FULL
    assert.equal(db.sql.pragma("user_version", { simple: true }), FACE_DB_SCHEMA_VERSION);
    const odd = new Float32Array([0.1, 1e-30, -3.4028234663852886e38, 1 / 3, 7, -0.5, 2 ** -149, 123.456]);
    const ids = db.enroll("ada", M, [{ descriptor: vec(1), source: "a1.jpg", box: { x: 1, y: 2, width: 30, height: 40 } }, { descriptor: odd }]);
    assert.equal(ids.length, 2);
    db.enroll("alan", M, [{ descriptor: vec(3), source: "t.png", box: [5, 6, 7, 8] }]);
    db.enroll("ada", M, [{ descriptor: Array.from(vec(2)) }]); // a third for ada, from a plain array
    db.close();

    const again = FaceDatabase.open(path, { readonly: true });
    assert.equal(again.model(), M);
    assert.equal(again.dim(), 8);
    assert.deepEqual(again.people().map((p) => [p.name, p.embeddings, p.model]), [["ada", 3, M], ["alan", 1, M]]);
    const ada = again.embeddings("ada");
    assert.deepEqual(bits(ada[0].descriptor), bits(vec(1)));
    assert.deepEqual(bits(ada[1].descriptor), bits(odd));
    assert.deepEqual(bits(ada[2].descriptor), bits(vec(2)));
    assert.deepEqual([ada[0].source, ada[0].box, ada[1].source, ada[1].box], ["a1.jpg", [1, 2, 30, 40], null, null]);
    assert.deepEqual(again.embeddings("alan")[0].box, [5, 6, 7, 8]);
    assert.deepEqual([...again.gallery(M).keys()], ["ada", "alan"]);
    assert.equal(again.descriptorsOf("alan", M).length, 1);
    assert.throws(() => again.remove("alan"), /open read-only/);
    again.close();

    const rw = FaceDatabase.open(path);
    assert.equal(rw.remove("ada"), 3);
    assert.throws(() => rw.remove("ada"), (e: Error) => e instanceof FaceDatabaseError && /nobody named "ada".*enrolled: alan/.test(e.message));
    assert.deepEqual(rw.people().map((p) => p.name), ["alan"]);
    assert.equal((rw.sql.prepare("SELECT COUNT(*) AS n FROM embeddings").get() as { n: number }).n, 1, "cascade removes the descriptors");
    rw.close();
  });

  it("refuses bad names and descriptors, changing nothing", () => {
    const db = FaceDatabase.open(fresh());
    db.enroll("ada", M, [{ descriptor: vec(1) }]);
    assert.throws(() => db.enroll("unknown", M, [{ descriptor: vec(2) }]), /what identification answers/);
    assert.throws(() => db.enroll("Unknown", M, [{ descriptor: vec(2) }]), /what identification answers/);
    assert.throws(() => db.enroll("  ", M, [{ descriptor: vec(2) }]), /empty or blank/);
    assert.throws(() => db.enroll(" bob", M, [{ descriptor: vec(2) }]), /starts or ends with spaces/);
    assert.throws(() => db.enroll("a\nb", M, [{ descriptor: vec(2) }]), /control characters/);
    assert.throws(() => db.enroll("bob", M, []), /no descriptors to enroll/);
    assert.throws(() => db.enroll("bob", M, [{ descriptor: vec(2, 5) }]), /face 0 of "bob": descriptor of length 5; this database holds 8-D/);
    assert.throws(() => db.enroll("bob", M, [{ descriptor: vec(2) }, { descriptor: [1, 2, 3, 4, 5, 6, 7, NaN] }]), /face 1 of "bob": descriptor value 7 is NaN, not a finite number/);
    assert.throws(() => db.enroll("bob", M, [{ descriptor: vec(2), box: [1, 2, -3, 4] }]), /a box must be/);
    assert.throws(() => db.enroll("bob", "has space", [{ descriptor: vec(2) }]), /model id must be/);
    assert.throws(() => db.setThreshold(M, -1), /positive number/);
    assert.throws(() => db.embeddings("nobody"), /nobody named "nobody"/);
    assert.deepEqual(db.people().map((p) => [p.name, p.embeddings]), [["ada", 1]]);
    db.close();
  });

  it("stores calibrated thresholds per model", () => {
    const db = FaceDatabase.open(fresh());
    assert.equal(db.threshold(M), undefined);
    db.setThreshold(M, 0.52);
    db.setThreshold(M, 0.55);
    db.setThreshold("other/v2", 0.4);
    assert.equal(db.threshold(M), 0.55);
    assert.deepEqual(db.thresholds(), { [M]: 0.55, "other/v2": 0.4 });
    db.close();
  });
});

describe("faces: database transactions and models", () => {
  it("a write is all or nothing: a failing face or a throw inside transaction() leaves no trace", () => {
    const db = FaceDatabase.open(fresh());
    db.enroll("ada", M, [{ descriptor: vec(1) }]);
    // The third face is bad: neither bob nor his first two faces are stored.
    assert.throws(() => db.enroll("bob", M, [{ descriptor: vec(2) }, { descriptor: vec(3) }, { descriptor: vec(4, 3) }]));
    assert.equal(db.has("bob"), false);
    assert.throws(() =>
      db.transaction(() => {
        db.enroll("carol", M, [{ descriptor: vec(5) }]);
        db.remove("ada");
        throw new Error("changed my mind");
      }), /changed my mind/);
    assert.deepEqual(db.people().map((p) => [p.name, p.embeddings]), [["ada", 1]]);
    // A transaction that completes keeps all of its writes.
    db.transaction(() => {
      db.enroll("carol", M, [{ descriptor: vec(5) }]);
      db.enroll("dave", M, [{ descriptor: vec(6) }]);
    });
    assert.deepEqual(db.people().map((p) => p.name), ["ada", "carol", "dave"]);
    db.close();
  });

  it("never mixes embedding models: enrolling or querying with another model is a clear error", () => {
    const db = FaceDatabase.open(fresh());
    db.enroll("ada", M, [{ descriptor: vec(1) }]);
    const other = /holds descriptors of the embedding model "test-model\/v1", but these come from "other\/v2"; descriptors of different models cannot be compared/;
    assert.throws(() => db.enroll("bob", "other/v2", [{ descriptor: vec(2) }]), other);
    assert.throws(() => db.gallery("other/v2"), other);
    assert.throws(() => db.descriptorsOf("ada", "other/v2"), other);
    assert.equal(db.has("bob"), false);
    // Each row records its model.
    assert.deepEqual(db.embeddings().map((e) => e.model), [M]);
    // Once the database is empty, another model may start it afresh.
    db.remove("ada");
    db.enroll("bob", "other/v2", [{ descriptor: vec(2, 4) }]);
    assert.equal(db.model(), "other/v2");
    assert.equal(db.dim(), 4);
    db.close();
  });
});

describe("faces: database files", () => {
  it("refuses files that are not face databases, and missing ones when reading", () => {
    const junk = join(dir, "junk.db");
    writeFileSync(junk, "this is not sqlite at all, just some text that is long enough to look like a header".repeat(20));
    assert.throws(() => FaceDatabase.open(junk), /is not a SQLite database/);
    const Driver = createRequire(import.meta.url)("better-sqlite3");
    const foreign = join(dir, "foreign.db");
    const f = new Driver(foreign);
    f.exec("CREATE TABLE t (x)");
    f.close();
    assert.throws(() => FaceDatabase.open(foreign), /a SQLite database of another program/);
    const newer = fresh();
    FaceDatabase.open(newer).close();
    const g = new Driver(newer);
    g.pragma(`user_version = ${FACE_DB_SCHEMA_VERSION + 1}`);
    g.close();
    assert.throws(() => FaceDatabase.open(newer), new RegExp(`schema version ${FACE_DB_SCHEMA_VERSION + 1}, written by a newer deepts`));
    assert.throws(() => FaceDatabase.open(join(dir, "missing.db"), { readonly: true }), /no face database at .*missing\.db.*enroll someone first/);
    assert.throws(() => FaceDatabase.open(join(dir, "no", "such", "folder.db")), /the folder .* does not exist/);
    assert.throws(() => FaceDatabase.open(dir), /is not a file/);
  });
});
