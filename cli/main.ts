// The `deepts` command line: finds the command, parses its arguments, runs it, and turns errors into
// messages and exit codes (0 done, 1 failed, 2 bad usage, 130 interrupted).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, suggest } from "./lib/args.js";
import { CliError, type Command, type OutStream, UsageError } from "./lib/command.js";
import { commandHelp, mainHelp, usageLine } from "./lib/help.js";
import { commandFiles, loadCommand, loadCommands } from "./lib/registry.js";

export interface MainIO {
  stdout?: OutStream;
  stderr?: OutStream;
  /** Aborted on Ctrl-C (the entry point wires SIGINT to it). */
  signal?: AbortSignal;
  /** The folder of command files (tests point it elsewhere). */
  commandsDir?: string;
}

/** deepts' version, from package.json (next to cli/ in the sources, two levels up when built). */
export function version(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, "..", "package.json"), join(here, "..", "..", "package.json")]) {
    try {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "deepts" && pkg.version) return pkg.version;
    } catch {
      // not this one
    }
  }
  return "unknown";
}

/** Runs `deepts` with `argv` (the words after "deepts") and returns the exit code. */
export async function main(argv: readonly string[], io: MainIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const signal = io.signal ?? new AbortController().signal;
  const first = argv[0];
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === "help" && argv[1] !== undefined) return main([...argv.slice(1), "--help"], io);
    stdout.write(mainHelp(await loadCommands(io.commandsDir), version()));
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v") {
    stdout.write(`deepts ${version()}\n`);
    return 0;
  }
  if (first.startsWith("-")) return usage(stderr, "deepts", `unknown option ${first}; options come after the command`, "deepts --help");
  const names = commandFiles(io.commandsDir);
  if (!names.includes(first)) {
    const hint = suggest(first, names);
    return usage(stderr, "deepts", `unknown command ${JSON.stringify(first)}${hint ? ` (did you mean "${hint}"?)` : ""}`, "deepts --help");
  }
  let cmd: Command<any> = await loadCommand(first, io.commandsDir);
  let path = `deepts ${first}`;
  let rest = argv.slice(1);
  while (cmd.subcommands?.length) {
    const sub = rest[0];
    if (sub === undefined || sub === "--help" || sub === "-h") {
      (sub === undefined ? stderr : stdout).write(commandHelp(path, cmd));
      return sub === undefined ? 2 : 0;
    }
    const found = cmd.subcommands.find((c) => c.name === sub);
    if (!found) {
      const hint = suggest(sub, cmd.subcommands.map((c) => c.name));
      return usage(stderr, path, `unknown command ${JSON.stringify(sub)}${hint ? ` (did you mean "${hint}"?)` : ""}`, `${path} --help`);
    }
    cmd = found;
    path = `${path} ${sub}`;
    rest = rest.slice(1);
  }
  let parsed;
  try {
    parsed = parseArgs(cmd, rest);
  } catch (e) {
    if (e instanceof UsageError) return usage(stderr, path, `${e.message}\nUsage: ${usageLine(path, cmd)}`, `${path} --help`);
    throw e;
  }
  if (parsed.help) {
    stdout.write(commandHelp(path, cmd));
    return 0;
  }
  try {
    const code = await cmd.run!({ args: parsed.args, options: parsed.options as never, stdout, stderr, path, signal });
    return typeof code === "number" ? code : 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(stderr, path, `${e.message}\nUsage: ${usageLine(path, cmd)}`, `${path} --help`);
    const err = e as Error;
    stderr.write(`${path}: error: ${err?.message ?? String(e)}\n`);
    if (!(e instanceof CliError) && process.env.DEEPTS_DEBUG) stderr.write(`${err?.stack ?? ""}\n`);
    return 1;
  }
}

function usage(stderr: OutStream, path: string, message: string, help: string): number {
  stderr.write(`${path}: ${message}\nRun '${help}' for help.\n`);
  return 2;
}
