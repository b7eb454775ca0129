import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FaceDatabase, type FaceDbJson } from "../../../src/tasks/faces/db.js";

const dir = mkdtempSync(join(tmpdir(), "deepts-facedb-json-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): FaceDatabase => FaceDatabase.open(join(dir, `t${n++}.db`));
const M = "test-model/v1";
const v = (...xs: number[]): Float32Array => new Float32Array(xs);
const strip = (j: FaceDbJson): Omit<FaceDbJson, "exportedAt"> => {
  const { exportedAt: _, ...rest } = j;
  return rest;
};

function sample(): FaceDatabase {
  const db = fresh();
  db.enroll("ada", M, [{ descriptor: v(0.1, 1e-30, 1 / 3, -2.5), source: "ada 1.jpg", box: [1.5, 2, 30, 40] }, { descriptor: v(3.4028234663852886e38, 2 ** -149, 7, 8) }]);
  db.enroll("alan", M, [{ descriptor: v(-1, 0, 1, 0.125) }]);
  db.setThreshold(M, 0.55);
  return db;
}

describe("faces: database JSON export and import", () => {
  it("round-trips people, float32 descriptors bit for bit, sources, boxes, dates and thresholds", () => {
    const a = sample();
    const json = a.exportJSON();
    assert.equal(json.format, "deepts-faces");
    assert.deepEqual([json.model, json.dim, json.thresholds], [M, 4, { [M]: 0.55 }]);
    // Through text, as a file would carry it.
    const b = fresh();
    assert.deepEqual(b.importJSON(JSON.parse(JSON.stringify(json))), { people: 2, embeddings: 3 });
    assert.deepEqual(strip(b.exportJSON()), strip(json));
    const bitsA = a.embeddings().map((e) => Array.from(new Uint32Array(e.descriptor.buffer)));
    const bitsB = b.embeddings().map((e) => Array.from(new Uint32Array(e.descriptor.buffer)));
    assert.deepEqual(bitsB, bitsA);
    assert.equal(b.threshold(M), 0.55);
    a.close();
    b.close();
  });

  it("refuses a conflicting name unless told to append or replace, and then writes all of it", () => {
    const a = sample();
    const json = a.exportJSON();
    assert.throws(() => a.importJSON(json), /already enrolled: ada, alan; nothing was imported/);
    assert.deepEqual(a.people().map((p) => p.embeddings), [2, 1]);
    a.importJSON(json, { onConflict: "append" });
    assert.deepEqual(a.people().map((p) => p.embeddings), [4, 2]);
    a.importJSON(json, { onConflict: "replace" });
    assert.deepEqual(a.people().map((p) => p.embeddings), [2, 1]);
    assert.throws(() => a.importJSON(json, { onConflict: "merge" as "append" }), /onConflict must be/);
    a.close();
  });

  it("validates every field before writing anything", () => {
    const good = sample().exportJSON();
    const bad = (edit: (j: any) => void, re: RegExp): void => {
      const j = JSON.parse(JSON.stringify(good));
      edit(j);
      const db = fresh();
      db.enroll("zed", M, [{ descriptor: v(9, 9, 9, 9) }]);
      assert.throws(() => db.importJSON(j), re);
      assert.deepEqual(db.people().map((p) => p.name), ["zed"], "nothing imported");
      db.close();
    };
    bad((j) => (j.format = "other"), /"format" must be "deepts-faces"/);
    bad((j) => (j.version = 99), /written by a newer deepts \(version 99\)/);
    bad((j) => (j.people = {}), /"people" must be an array/);
    bad((j) => (j.dim = 0), /"dim" must be a positive integer/);
    bad((j) => (j.model = null), /"model" and "dim" are required/);
    bad((j) => j.people.push({ ...j.people[0] }), /"ada" appears twice/);
    bad((j) => (j.people[1].name = "unknown"), /what identification answers/);
    bad((j) => (j.people[1].embeddings = []), /"alan"\): "embeddings" must be a non-empty array/);
    bad((j) => (j.people[1].embeddings[0].descriptor = [1, 2, 3]), /embedding 0: descriptor of length 3; this database holds 4-D/);
    bad((j) => (j.people[1].embeddings[0].descriptor[2] = null), /descriptor value 2 is null/);
    bad((j) => (j.people[1].embeddings[0].descriptor[2] = "1"), /descriptor value 2 is "1"/);
    bad((j) => (j.people[0].embeddings[0].box = [1, 2]), /a box must be/);
    bad((j) => (j.people[0].embeddings[0].createdAt = "yesterday"), /createdAt must be an ISO date/);
    bad((j) => (j.people[0].embeddings[0].source = 5), /source must be a string or null/);
    bad((j) => (j.thresholds[M] = -1), /must be a positive number/);
    // A valid file of another model is refused by a database that has descriptors.
    bad((j) => (j.model = "other/v2"), /holds descriptors of the embedding model "test-model\/v1", but these come from "other\/v2"/);
    assert.throws(() => fresh().importJSON("text"), /expected the JSON object written by exportJSON/);
  });

  it("exports and imports an empty database", () => {
    const j = fresh().exportJSON();
    assert.deepEqual([j.model, j.dim, j.people], [null, null, []]);
    const b = fresh();
    assert.deepEqual(b.importJSON(j), { people: 0, embeddings: 0 });
  });
});
