// Installs the peers (bench/package.json) into bench/node_modules when any is missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ENGINES } from "./engines.js";
import { benchDir, repoRoot } from "./runner.js";

export function missingPeers(): string[] {
  const peers = ENGINES.flatMap((e) => (e.peer ? [e.peer] : []));
  return peers.filter((p) => !existsSync(join(benchDir, "node_modules", p, "package.json")));
}

/** Runs `npm install --prefix bench` if a peer is missing; returns false when that fails (their engines then show n/a). */
export function ensurePeers(log: (s: string) => void): boolean {
  const missing = missingPeers();
  if (missing.length === 0) return true;
  log(`bench: installing peers into bench/node_modules (missing: ${missing.join(", ")})`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--prefix", "bench", "--no-audit", "--no-fund"], {
    cwd: repoRoot,
    // onnxruntime-node's postinstall would download GPU binaries from a host we cannot reach; the CPU build ships in the package.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) {
    log("bench: npm install --prefix bench failed; engines without their package are reported n/a");
    return false;
  }
  return true;
}
