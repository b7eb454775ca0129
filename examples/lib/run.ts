// Small helpers shared by the examples: run `main` when a file is invoked directly, and the fast switch.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Options every example's `main` accepts. */
export interface ExampleOptions {
  /** A few seconds instead of the full run (default: env DEEPTS_FAST=1). */
  fast?: boolean;
  /** Where progress lines go (default console.log; tests pass a no-op). */
  log?: (line: string) => void;
}

/** True when env DEEPTS_FAST asks for the short run. */
export function fastFromEnv(): boolean {
  const v = process.env.DEEPTS_FAST;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** True when the module at `metaUrl` is the script node was started with (not imported by a test). */
export function isMain(metaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(fileURLToPath(metaUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}

/** Runs an example's `main` when its file is invoked directly; a thrown check exits with status 1. */
export function runIfMain(metaUrl: string, main: (opts: ExampleOptions) => unknown): void {
  if (!isMain(metaUrl)) return;
  const t0 = performance.now();
  try {
    main({});
    console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}
