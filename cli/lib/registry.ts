// The command registry: every file in cli/commands/ (one command each, default-exported with defineCommand)
// is a command, so adding one is adding a file. Files starting with "_" are helpers, not commands.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "./command.js";

/** Where the command files are (cli/commands/ from the sources, dist/cli/commands/ when built). */
export const commandsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "commands");

/** The command file names (without extension), sorted. */
export function commandFiles(dir = commandsDir): string[] {
  // Run from the sources (tsx) the files are .ts; built, they are .js beside .d.ts and .map files.
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext) && !f.endsWith(".d.ts") && !f.startsWith("_") && !f.startsWith("."))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

/** Imports one command file and checks its default export. */
export async function loadCommand(file: string, dir = commandsDir): Promise<Command<any>> {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const mod = (await import(pathToFileURL(join(dir, file + ext)).href)) as { default?: Command<any> };
  const cmd = mod.default;
  if (!cmd || typeof cmd.name !== "string" || typeof cmd.summary !== "string" || (!cmd.run && !cmd.subcommands?.length))
    throw new Error(`cli/commands/${file}${ext}: the default export must be defineCommand({ name, summary, run })`);
  if (cmd.name !== file) throw new Error(`cli/commands/${file}${ext}: the command is named "${cmd.name}"; name it "${file}" as its file`);
  return cmd;
}

/** Every command, by name order. */
export async function loadCommands(dir = commandsDir): Promise<Command<any>[]> {
  return Promise.all(commandFiles(dir).map((f) => loadCommand(f, dir)));
}
