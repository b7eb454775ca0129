import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { nativeAddon, nativeError } from "../../src/backends/native/index.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
// glibc is the allocator with the knobs native/memory.cc turns; musl and others report false.
// DEEPTS_TEST_NO_SPAWN=1: an emulated run (scripts/aarch64-check.sh), which cannot start child processes.
const noSpawn = process.env.DEEPTS_TEST_NO_SPAWN === "1" && "no child processes (DEEPTS_TEST_NO_SPAWN=1)";
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

  it("stays off when DEEPTS_MALLOC_TUNE=0", { skip: noSpawn }, () => {
    assert.equal(infoInChild({ DEEPTS_MALLOC_TUNE: "0" }).mallocReuse, false);
    assert.equal(infoInChild({ DEEPTS_MALLOC_TUNE: "1" }).mallocReuse, glibc);
  });

  // A 64 MiB buffer is above glibc's largest mmap threshold: with the tuning it comes from the heap (M_MMAP_MAX
  // 0), so a second one after the first is collected reuses mapped memory instead of faulting in 16k pages.
  it("serves buffers above the mmap threshold from reused heap memory", { skip: !glibc || noSpawn }, () => {
    const code = `import("${new URL("../../src/backends/native/index.ts", import.meta.url).href}").then(async (m) => {
      m.nativeAddon();
      let t = new Float32Array(16 << 20).fill(1);
      t = null;
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
      globalThis.gc();
      const f0 = process.resourceUsage().minorPageFault;
      t = new Float32Array(16 << 20).fill(1);
      console.log(process.resourceUsage().minorPageFault - f0);
    })`;
    const faults = (env: Record<string, string>): number => {
      const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "-e", code], { env: { ...process.env, ...env }, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return Number(r.stdout.trim().split("\n").pop());
    };
    const tuned = faults({ DEEPTS_MALLOC_TUNE: "1" });
    assert.ok(tuned < 2048, `expected the second 64 MiB buffer to reuse memory, got ${tuned} page faults`);
    const plain = faults({ DEEPTS_MALLOC_TUNE: "0" });
    assert.ok(plain > 8192, `expected a fresh mapping without the tuning (16384 pages), got ${plain} page faults`);
  });
});
