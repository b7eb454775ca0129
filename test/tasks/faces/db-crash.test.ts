// Crash safety: a child process is killed (SIGKILL, no cleanup) in the middle of writing; reopening the
// file finds every committed write and nothing of the interrupted one.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FaceDatabase } from "../../../src/tasks/faces/db.js";

const dir = mkdtempSync(join(tmpdir(), "deepts-facedb-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const dbModule = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "src", "tasks", "faces", "db.ts")).href;

// The child: enrolls "before" (committed), then in "tx" mode opens a transaction, enrolls two people, says
// "mid" and waits inside it; in "loop" mode enrolls person-0, person-1, ... (ROWS descriptors each) until killed.
const child = join(dir, "child.mts");
writeFileSync(child, `
import { FaceDatabase } from ${JSON.stringify(dbModule)};
const [path, mode] = process.argv.slice(2);
const db = FaceDatabase.open(path);
const vec = (s) => Float32Array.from({ length: 128 }, (_, i) => Math.sin(s + i));
db.enroll("before", "m/1", [{ descriptor: vec(0) }]);
if (mode === "tx") {
  db.transaction(() => {
    db.enroll("alice", "m/1", [{ descriptor: vec(1) }, { descriptor: vec(2) }]);
    db.enroll("bob", "m/1", [{ descriptor: vec(3) }]);
    db.remove("before");
    process.stdout.write("mid\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
  });
} else {
  const faces = Array.from({ length: ${4000} }, (_, i) => ({ descriptor: vec(i), source: "photo-" + i + ".jpg" }));
  process.stdout.write("mid\\n");
  for (let k = 0; ; k++) db.enroll("person-" + k, "m/1", faces);
}
`);

/** Runs the child, kills it `delayMs` after it says "mid", and resolves once it is dead. */
function runAndKill(path: string, mode: string, delayMs: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, path, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.stdout.on("data", (d) => {
      if (String(d).includes("mid")) setTimeout(() => p.kill("SIGKILL"), delayMs);
    });
    p.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve(signal) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

function integrity(db: FaceDatabase): string {
  return db.sql.pragma("integrity_check", { simple: true }) as string;
}

describe("faces: database crash safety", () => {
  it("a process killed inside a transaction leaves nothing of it; the earlier commit survives", async () => {
    const path = join(dir, "tx.db");
    assert.equal(await runAndKill(path, "tx", 50), "SIGKILL");
    const db = FaceDatabase.open(path);
    assert.equal(integrity(db), "ok");
    assert.deepEqual(db.people().map((p) => [p.name, p.embeddings]), [["before", 1]]);
    // And the file takes writes again.
    db.enroll("carol", "m/1", [{ descriptor: new Float32Array(128).fill(0.5) }]);
    db.close();
  });

  it("a process killed at a random moment among large enrolls keeps every person whole or not at all", async (t) => {
    const path = join(dir, "loop.db");
    await runAndKill(path, "loop", 400 + Math.floor(Math.random() * 400));
    const db = FaceDatabase.open(path, { readonly: true });
    assert.equal(integrity(db), "ok");
    const people = db.people().filter((p) => p.name !== "before");
    t.diagnostic(`${people.length} people of 4000 descriptors committed before the kill`);
    assert.ok(people.length >= 1, "the child committed at least one person before the kill");
    for (const p of people) assert.equal(p.embeddings, 4000, `${p.name} is complete`);
    // Committed people are numbered without gaps: the last one is the last commit.
    assert.deepEqual(people.map((p) => p.name).sort(), people.map((_, k) => `person-${k}`).sort());
    db.close();
  });
});
