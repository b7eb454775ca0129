import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseArgs, suggest } from "../../cli/lib/args.js";
import { defineCommand } from "../../cli/lib/command.js";

const cmd = defineCommand({
  name: "demo",
  summary: "a command for the parser's tests",
  args: [{ name: "A", description: "first" }, { name: "REST", description: "others", variadic: true, optional: true }],
  options: {
    output: { type: "string", short: "o", required: true, description: "out" },
    steps: { type: "integer", default: 3, description: "steps" },
    lr: { type: "number", description: "rate" },
    mode: { type: "string", choices: ["a", "b"], default: "a", description: "mode" },
    quiet: { type: "boolean", short: "q", description: "quiet" },
    tag: { type: "string", multiple: true, description: "tags" },
  },
  run() {},
});

describe("cli argument parser", () => {
  it("reads --name value, --name=value, -x value, -xVALUE, switches, repeats, defaults and positionals", () => {
    const p = parseArgs(cmd, ["x", "-o", "out.png", "--steps=7", "--lr", "-0.5", "-q", "--tag", "t1", "--tag=t2", "y", "z"]);
    assert.deepEqual(p.args, { A: "x", REST: ["y", "z"] });
    assert.deepEqual(p.options, { output: "out.png", steps: 7, lr: -0.5, mode: "a", quiet: true, tag: ["t1", "t2"] });
    assert.equal(p.help, false);
    const q = parseArgs(cmd, ["-oout.png", "x", "--no-quiet", "--", "--not-an-option"]);
    assert.deepEqual(q.args, { A: "x", REST: ["--not-an-option"] });
    assert.equal(q.options.output, "out.png");
    assert.equal(q.options.quiet, false);
    assert.equal(q.options.lr, undefined);
    assert.deepEqual(q.options.tag, []);
  });

  it("--help wins over missing arguments", () => {
    assert.equal(parseArgs(cmd, ["--help"]).help, true);
    assert.equal(parseArgs(cmd, ["-h", "--steps", "2"]).help, true);
  });

  it("says what is wrong", () => {
    const bad: [string[], RegExp][] = [
      [["x"], /^missing -o\/--output$/],
      [["-o", "a"], /^missing A$/],
      [["x", "-o", "a", "--stesp", "3"], /^unknown option --stesp \(did you mean --steps\?\)$/],
      [["x", "-o", "a", "-z"], /^unknown option -z$/],
      [["x", "-o", "a", "--steps", "ten"], /^--steps expects an integer, got "ten"$/],
      [["x", "-o", "a", "--steps", "1.5"], /^--steps expects an integer, got "1.5"$/],
      [["x", "-o", "a", "--lr", "fast"], /^--lr expects a number, got "fast"$/],
      [["x", "-o", "a", "--mode", "c"], /^--mode must be one of a, b; got "c"$/],
      [["x", "-o", "a", "--lr"], /^--lr needs a value$/],
      [["x", "-o", "a", "-o", "b"], /^--output is given twice$/],
      [["x", "-o", "a", "--quiet=yes"], /^--quiet is a switch/],
    ];
    for (const [argv, re] of bad) assert.throws(() => parseArgs(cmd, argv), (e: Error) => e.name === "UsageError" && re.test(e.message), argv.join(" "));
    const none = defineCommand({ name: "none", summary: "no args", run() {} });
    assert.throws(() => parseArgs(none, ["extra"]), /unexpected argument "extra" \(this command takes no arguments\)/);
  });

  it("suggests close names only", () => {
    assert.equal(suggest("styl", ["style", "summary"]), "style");
    assert.equal(suggest("stpes", ["steps", "seed"]), "steps");
    assert.equal(suggest("fcaes", ["faces", "finetune"]), "faces");
    assert.equal(suggest("xyz", ["style", "summary"]), undefined);
  });
});
