// Command-line parsing against a command's declared arguments and options: --name value, --name=value,
// -x value, --flag / --no-flag, `--` ends the options. Every mistake is a UsageError that says what to type.
import { type ArgSpec, type Command, type OptionSpec, UsageError } from "./command.js";

export interface Parsed {
  args: Record<string, string | string[] | undefined>;
  options: Record<string, unknown>;
  help: boolean;
}

/** The closest of `candidates` to `word` (edit distance at most 2, or a prefix), for "did you mean". */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 2 ? 0.5 : distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.min(2, Math.floor(word.length / 3))) ? best : undefined;
}

/** Edit distance with adjacent transpositions counted as one edit ("stpes" is one edit from "steps"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

function convert(name: string, spec: OptionSpec, text: string): unknown {
  const flag = `--${name}`;
  switch (spec.type) {
    case "number": {
      const v = Number(text);
      if (text.trim() === "" || !Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got ${JSON.stringify(text)}`);
      return v;
    }
    case "integer": {
      const v = Number(text);
      if (text.trim() === "" || !Number.isInteger(v)) throw new UsageError(`${flag} expects an integer, got ${JSON.stringify(text)}`);
      return v;
    }
    case "string":
      if (spec.choices && !spec.choices.includes(text))
        throw new UsageError(`${flag} must be one of ${spec.choices.join(", ")}; got ${JSON.stringify(text)}`);
      return text;
    default:
      throw new UsageError(`${flag} takes no value`);
  }
}

/** Parses `argv` (the words after the command's name) for `cmd`. */
export function parseArgs(cmd: Command<any>, argv: readonly string[]): Parsed {
  const specs: Record<string, OptionSpec> = cmd.options ?? {};
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(specs)) if (s.short) byShort.set(s.short, name);
  const options: Record<string, unknown> = {};
  const positionals: string[] = [];
  let help = false;
  const unknown = (token: string): never => {
    const names = [...Object.keys(specs), "help"];
    const hint = token.startsWith("--") ? suggest(token.slice(2).split("=")[0], names) : undefined;
    throw new UsageError(`unknown option ${token.split("=")[0]}${hint ? ` (did you mean --${hint}?)` : ""}`);
  };
  const set = (name: string, spec: OptionSpec, value: unknown): void => {
    if (spec.multiple) ((options[name] ??= []) as unknown[]).push(value);
    else if (name in options) throw new UsageError(`--${name} is given twice`);
    else options[name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === "--help" || token === "-h") {
      help = true;
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (token.startsWith("--") && token.length > 2) {
      const eq = token.indexOf("=");
      name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      inline = eq < 0 ? undefined : token.slice(eq + 1);
      if (!(name in specs) && name.startsWith("no-") && specs[name.slice(3)]?.type === "boolean" && inline === undefined) {
        set(name.slice(3), specs[name.slice(3)], false);
        continue;
      }
    } else if (/^-[A-Za-z]/.test(token)) {
      const short = token[1];
      name = byShort.get(short);
      if (!name) unknown(token);
      inline = token.length > 2 ? token.slice(token[2] === "=" ? 3 : 2) : undefined;
    } else {
      positionals.push(token);
      continue;
    }
    const spec = specs[name!];
    if (!spec) unknown(token);
    if (spec.type === "boolean") {
      if (inline !== undefined) {
        if (!["true", "false"].includes(inline)) throw new UsageError(`--${name} is a switch; give it alone (or --no-${name})`);
        set(name!, spec, inline === "true");
      } else set(name!, spec, true);
      continue;
    }
    let text = inline;
    if (text === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ""}`);
      text = argv[++i];
    }
    set(name!, spec, convert(name!, spec, text));
  }
  for (const [name, s] of Object.entries(specs))
    if (!help && s.required && !(name in options)) throw new UsageError(`missing ${s.short ? `-${s.short}/` : ""}--${name}${s.placeholder ? ` ${s.placeholder}` : ""}`);
  for (const [name, s] of Object.entries(specs))
    if (!(name in options)) options[name] = s.multiple ? [] : s.type === "boolean" ? (s.default ?? false) : s.default;
  return { args: help ? {} : bindPositionals(cmd.args ?? [], positionals), options, help };
}

function bindPositionals(specs: readonly ArgSpec[], values: string[]): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  let i = 0;
  for (const s of specs) {
    if (s.variadic) {
      out[s.name] = values.slice(i);
      if (!s.optional && values.length <= i) throw new UsageError(`missing ${s.name}`);
      i = values.length;
      continue;
    }
    if (i < values.length) out[s.name] = values[i++];
    else if (!s.optional) throw new UsageError(`missing ${s.name}`);
  }
  if (i < values.length) {
    const extra = values[i];
    throw new UsageError(
      extra.startsWith("-") ? `unknown option ${extra}` : `unexpected argument ${JSON.stringify(extra)}${specs.length === 0 ? " (this command takes no arguments)" : ""}`,
    );
  }
  return out;
}
