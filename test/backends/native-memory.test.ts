import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { nativeAddon, nativeError } from "../../src/backends/native/index.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
// glibc is the allocator with the knobs native/memory.cc turns; musl and others report false.
const glibc = Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })?.header?.glibcVersionRuntime);

function infoInChild(env: Record<string, string>): { mallocReuse: boolean } {
  const code = `import("${new URL("../../src/backends/native/index.ts", import.meta.url).href}").then((m) => console.log(JSON.stringify(m.nativeAddon().info())))`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { env: { ...process.env, ...env }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("native: tensor buffer reuse in the allocator", { skip }, () => {
  it("is on by default under glibc and switchable at run time", () => {
    const a = addon!;
    assert.equal(a.info().mallocReuse, glibc);
    assert.equal(a.setMallocReuse(false), false);
    assert.equal(a.info().mallocReuse, false);
    assert.equal(a.setMallocReuse(true), glibc);
    assert.equal(a.info().mallocReuse, glibc);
  });

  it("stays off when DEEPTS_MALLOC_TUNE=0", () => {
    assert.equal(infoInChild({ DEEPTS_MALLOC_TUNE: "0" }).mallocReuse, false);
    assert.equal(infoInChild({ DEEPTS_MALLOC_TUNE: "1" }).mallocReuse, glibc);
  });
});
