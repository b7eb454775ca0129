// The help texts: `deepts --help` lists the commands; `deepts <command> --help` shows one command.
import type { Command, OptionSpec } from "./command.js";

const WIDTH = 100;

function wrap(text: string, indent: number, width = WIDTH): string {
  const out: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && indent + line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join("\n" + " ".repeat(indent));
}

function table(rows: [string, string][], indent = 2): string {
  const w = Math.min(30, Math.max(...rows.map((r) => r[0].length)));
  return rows
    .map(([a, b]) => {
      const left = " ".repeat(indent) + a;
      const pad = a.length > w ? "\n" + " ".repeat(indent + w + 2) : " ".repeat(w - a.length + 2);
      return left + pad + wrap(b, indent + w + 2);
    })
    .join("\n");
}

function optionLabel(name: string, s: OptionSpec): string {
  const value = s.type === "boolean" ? "" : ` ${s.placeholder ?? s.type.toUpperCase()}`;
  return `${s.short ? `-${s.short}, ` : ""}--${name}${value}`;
}

function optionText(s: OptionSpec): string {
  const extra: string[] = [];
  if (s.choices) extra.push(`one of ${s.choices.join(", ")}`);
  if (s.default !== undefined && s.type !== "boolean") extra.push(`default ${s.default}`);
  if (s.multiple) extra.push("repeatable");
  if (s.required) extra.push("required");
  return extra.length ? `${s.description} (${extra.join("; ")})` : s.description;
}

/** The usage line of a command, e.g. "deepts style CONTENT STYLE -o OUT [options]". */
export function usageLine(path: string, cmd: Command<any>): string {
  if (cmd.subcommands?.length) return `${path} <${cmd.subcommands.map((c) => c.name).join("|")}> [arguments] [options]`;
  const args = (cmd.args ?? []).map((a) => {
    const n = a.variadic ? `${a.name}...` : a.name;
    return a.optional ? `[${n}]` : n;
  });
  const required = Object.entries((cmd.options ?? {}) as Record<string, OptionSpec>)
    .filter(([, s]) => s.required)
    .map(([n, s]) => `${s.short ? `-${s.short}` : `--${n}`} ${s.placeholder ?? s.type.toUpperCase()}`);
  return [path, ...args, ...required, "[options]"].join(" ");
}

/** `deepts <command> --help`. */
export function commandHelp(path: string, cmd: Command<any>): string {
  const parts = [`${path}: ${cmd.summary}`, `Usage: ${usageLine(path, cmd)}`];
  if (cmd.description) parts.push(wrap(cmd.description, 0));
  if (cmd.subcommands?.length)
    parts.push(`Commands:\n${table(cmd.subcommands.map((c) => [c.name, c.summary]))}\n\nRun '${path} <command> --help' for one command's arguments and options.`);
  if (cmd.args?.length) parts.push(`Arguments:\n${table(cmd.args.map((a) => [a.name, a.description]))}`);
  const opts = Object.entries((cmd.options ?? {}) as Record<string, OptionSpec>).map(([n, s]): [string, string] => [optionLabel(n, s), optionText(s)]);
  opts.push(["-h, --help", "show this help"]);
  parts.push(`Options:\n${table(opts)}`);
  if (cmd.examples?.length) parts.push(`Examples:\n${cmd.examples.map((e) => `  ${e}`).join("\n")}`);
  return parts.join("\n\n") + "\n";
}

/** `deepts --help`. */
export function mainHelp(commands: readonly Command<any>[], version: string): string {
  const list = commands.length ? table(commands.map((c) => [c.name, c.summary])) : "  (none installed)";
  return [
    `deepts ${version}: deep learning in TypeScript, from the command line.`,
    "Usage: deepts <command> [arguments] [options]",
    `Commands:\n${list}`,
    "Options:\n" + table([["-h, --help", "show this help (or a command's, after its name)"], ["-v, --version", "print the version"]]),
    "Run 'deepts <command> --help' for a command's arguments and options.",
  ].join("\n\n") + "\n";
}
