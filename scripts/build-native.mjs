// Builds the native addon (native/*.cc -> build/Release/deepts.node) with node-gyp against the headers
// of the running Node. Usage: node scripts/build-native.mjs [--install]
// With --install (the package's install script) a failure prints why and exits 0: deepts then runs on
// its js backend. DEEPTS_SKIP_NATIVE=1 skips the build.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const install = process.argv.includes("--install");

function finish(ok, why) {
  if (ok) process.exit(0);
  const msg = `deepts: native addon not built (${why}); deepts will use its js backend`;
  if (install) {
    console.warn(msg);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}

if (process.env.DEEPTS_SKIP_NATIVE === "1") finish(false, "DEEPTS_SKIP_NATIVE=1");

// node-gyp: the one npm passes to lifecycle scripts, else the one bundled with npm, else PATH.
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  for (const c of candidates) if (c && existsSync(c)) return [process.execPath, c];
  return ["node-gyp"];
}

// Headers: npm's nodedir setting, else the headers installed beside this node (no download needed).
function findNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = resolve(dirname(process.execPath), "..");
  if (existsSync(join(prefix, "include", "node", "node_api.h"))) return prefix;
  return null;
}

const [cmd, ...pre] = findNodeGyp();
const nodedir = findNodeDir();
const args = [...pre, "rebuild", "--jobs", "max", ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const t0 = Date.now();
const r = spawnSync(cmd, args, { cwd: root, stdio: install ? ["ignore", "ignore", "pipe"] : "inherit", encoding: "utf8" });
if (r.error) finish(false, `cannot run node-gyp: ${r.error.message}`);
if (r.status !== 0) {
  if (install && r.stderr) {
    const lines = r.stderr.split("\n").filter((l) => /error/i.test(l) && !l.startsWith("gyp info"));
    console.warn(lines.slice(0, 8).join("\n"));
  }
  finish(false, `node-gyp exited with status ${r.status}`);
}
if (!existsSync(join(root, "build", "Release", "deepts.node"))) finish(false, "build/Release/deepts.node is missing after the build");
if (!install) console.log(`deepts: native addon built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
finish(true);
