#!/usr/bin/env node
// The `deepts` executable (package.json "bin"). From the sources: `npm run deepts -- <command> ...` or
// `npx tsx cli/deepts.ts <command> ...`. Commands live in cli/commands/ (see cli/README.md).
import { main } from "./main.js";

// `npm run deepts -- ...` runs in the package's folder; relative paths mean the folder the user typed it in.
if (process.env.npm_lifecycle_event === "deepts" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const controller = new AbortController();
process.once("SIGINT", () => {
  // The first Ctrl-C asks the command to stop cleanly (a style run writes what it has); a second one kills.
  process.stderr.write("\ndeepts: interrupted; finishing the current step (Ctrl-C again to quit at once)\n");
  controller.abort();
  process.once("SIGINT", () => process.exit(130));
});

process.exitCode = await main(process.argv.slice(2), { signal: controller.signal });
