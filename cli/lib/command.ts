// What a command of the `deepts` CLI is: a name, a one-line summary, its positional arguments and options,
// and `run` (or subcommands). One command a file under cli/commands/, default-exported with defineCommand.

/** An option's kind: how its text is checked and converted. */
export type OptionType = "string" | "number" | "integer" | "boolean";

export interface OptionSpec {
  type: OptionType;
  description: string;
  /** One-letter alias, e.g. "o" for -o. */
  short?: string;
  /** Shown in help after the name, e.g. "FILE" (default: the type, upper case). */
  placeholder?: string;
  /** The value when the option is absent (booleans default to false). */
  default?: string | number | boolean;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** May be given several times; the value is then an array. */
  multiple?: boolean;
  /** The command cannot run without it (shown in the usage line). */
  required?: boolean;
}

export interface ArgSpec {
  /** Upper case by convention, e.g. "CONTENT". */
  name: string;
  description: string;
  optional?: boolean;
  /** Takes every remaining positional argument (last only). */
  variadic?: boolean;
}

/** Where a command writes: process.stdout / stderr by default, buffers in tests. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["type"] extends "number" | "integer" ? number : string;
type Value<S extends OptionSpec> = S["multiple"] extends true ? ValueOf<S>[] : S extends { default: unknown } | { required: true } ? ValueOf<S> : S["type"] extends "boolean" ? boolean : ValueOf<S> | undefined;

/** The parsed options of a command: one typed property per option (by its long name). */
export type OptionValues<O extends Record<string, OptionSpec>> = { [K in keyof O]: Value<O[K]> };

export interface CommandContext<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** Positional arguments by ArgSpec name (a variadic one as an array). */
  args: Record<string, string | string[] | undefined>;
  options: OptionValues<O>;
  stdout: OutStream;
  stderr: OutStream;
  /** The command's path, e.g. "deepts faces enroll" (for messages). */
  path: string;
  /** Set when the user presses Ctrl-C: a long command stops cleanly at the next check. */
  signal: AbortSignal;
}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The word typed after `deepts`; equal to the file name under cli/commands/. */
  name: string;
  /** One line, shown in `deepts --help`. */
  summary: string;
  /** Paragraphs shown in `deepts <name> --help`. */
  description?: string;
  args?: readonly ArgSpec[];
  options?: O;
  /** Example command lines for the help. */
  examples?: readonly string[];
  /** Commands under this one (`deepts faces enroll ...`); then `run` is optional. */
  subcommands?: readonly Command<any>[];
  /** Does the work; returns the exit code (default 0). Throw UsageError for bad input. */
  run?(ctx: CommandContext<O>): Promise<number | void> | number | void;
}

/** Identity helper that type-checks a command and infers its option types. */
export function defineCommand<const O extends Record<string, OptionSpec> = {}>(c: Command<O>): Command<O> {
  return c;
}

/** Bad command-line input: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure the user can fix (missing file, bad image, ...): printed without a stack trace, exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
