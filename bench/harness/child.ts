// One engine on one case, in its own process (so its peak RSS is its own). Started by runner.ts as
//   node --import tsx bench/harness/child.ts '<json: {engine, workload, spec, warmup}>'
// It sets up, warms up, says "ready", then times one repetition per "rep" line read on stdin and, on
// "end", reports its peak RSS and exits. Protocol lines start with "@@bench " (libraries print too).
import { createInterface } from "node:readline";
import { loadEngine } from "./load-engine.js";
import { loadWorkload } from "./workloads.js";
import { NotAvailable, PREFIX, type NodeEngine, type Step } from "./types.js";

interface ChildArgs {
  engine: NodeEngine;
  workload: string;
  spec: unknown;
  warmup: number;
  threads: number;
}

function say(msg: object): void {
  process.stdout.write(PREFIX + JSON.stringify(msg) + "\n");
}

async function timed(step: Step): Promise<number> {
  const t0 = performance.now();
  await step();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
  let step: Step;
  let warmupMs = 0;
  try {
    const w = await loadWorkload(args.workload);
    const impl = w.impls[args.engine];
    if (!impl) throw new NotAvailable(w.missing?.[args.engine] ?? "not implemented");
    const ctx = await loadEngine(args.engine, args.threads);
    step = await (impl as (c: unknown, s: unknown) => Step | Promise<Step>)(ctx, args.spec);
    for (let i = 0; i < Math.max(1, args.warmup); i++) {
      const ms = await timed(step);
      if (i === 0) warmupMs = ms;
      if (args.warmup > 1 && i === 0 && ms > (Number(process.env.DEEPTS_BENCH_SLOW_MS) || 5000)) break;
    }
  } catch (e) {
    const err = e as Error;
    say(err instanceof NotAvailable ? { type: "na", reason: err.message } : { type: "error", message: String(err?.stack ?? err).split("\n").slice(0, 4).join(" | ") });
    process.exit(0);
  }
  say({ type: "ready", warmupMs });
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const cmd = line.trim();
    if (cmd === "rep") {
      try {
        say({ type: "rep", ms: await timed(step) });
      } catch (e) {
        say({ type: "error", message: String((e as Error)?.message ?? e) });
        process.exit(0);
      }
    } else if (cmd === "end") {
      say({ type: "end", maxRssBytes: process.resourceUsage().maxRSS * 1024 });
      process.exit(0);
    }
  }
}

void main();
