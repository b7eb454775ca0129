import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { it } from "node:test";

// The README's tour must stay true: run its code block (one short epoch) against the sources.
it("README's tour runs", () => {
  const readme = readFileSync("README.md", "utf8");
  const m = /## A short tour\s+```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, "README.md has a ts code block under '## A short tour'");
  const dir = mkdtempSync(join(tmpdir(), "deepts-readme-"));
  try {
    const code = m[1]
      .replace(/from "deepts"/g, `from ${JSON.stringify(resolve("src/index.ts"))}`)
      .replace("epochs: 5", "epochs: 1, verbose: 0")
      .replaceAll('"digits.keras"', JSON.stringify(join(dir, "digits.keras")));
    const file = join(dir, "tour.mts");
    writeFileSync(file, `${code}\nconsole.log("layers", again.layers.length, JSON.stringify(dw.shape));\n`);
    const r = spawnSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /layers 5 \[2,1\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
