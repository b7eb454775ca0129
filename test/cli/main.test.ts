import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { version } from "../../cli/main.js";
import { commandFiles } from "../../cli/lib/registry.js";
import { run } from "./capture.js";

const pkg = JSON.parse((await import("node:fs")).readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string; bin?: Record<string, string>; scripts?: Record<string, string> };

describe("deepts CLI", () => {
  it("--help lists every command file with its summary; no command prints it to and exits 2", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^deepts \S+: deep learning in TypeScript/);
    assert.match(r.out, /\n {2}style +Neural style transfer/);
    for (const name of commandFiles()) assert.match(r.out, new RegExp(`\\n  ${name} `), `${name} listed`);
    const bare = await run([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.out, r.out);
    assert.equal((await run(["help"])).code, 0);
  });

  it("--version prints package.json's version", async () => {
    assert.equal(version(), pkg.version);
    assert.deepEqual(await run(["--version"]), { code: 0, out: `deepts ${pkg.version}\n`, err: "" });
    assert.equal((await run(["-v"])).out, `deepts ${pkg.version}\n`);
  });

  it("package.json has the bin entry and an npm script to run from the sources", () => {
    assert.equal(pkg.bin?.deepts, "dist/cli/deepts.js");
    assert.match(pkg.scripts?.deepts ?? "", /cli\/deepts\.ts/);
  });

  it("unknown commands and options: a message, a suggestion, exit 2", async () => {
    const r = await run(["styel", "a"]);
    assert.equal(r.code, 2);
    assert.equal(r.out, "");
    assert.equal(r.err, `deepts: unknown command "styel" (did you mean "style"?)\nRun 'deepts --help' for help.\n`);
    const far = await run(["qwertyuiop"]);
    assert.equal(far.err, `deepts: unknown command "qwertyuiop"\nRun 'deepts --help' for help.\n`);
    const opt = await run(["--steps", "3"]);
    assert.equal(opt.code, 2);
    assert.match(opt.err, /^deepts: unknown option --steps; options come after the command/);
    const sub = await run(["style", "a.png", "b.png", "-o", "c.png", "--stpes", "3"]);
    assert.equal(sub.code, 2);
    assert.match(sub.err, /^deepts style: unknown option --stpes \(did you mean --steps\?\)\nUsage: deepts style CONTENT STYLE -o OUT.png \[options\]\nRun 'deepts style --help' for help.\n$/);
  });

  it("help of a command: usage, arguments, options with defaults, examples; `deepts help CMD` too", async () => {
    const r = await run(["style", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^deepts style: Neural style transfer/);
    assert.match(r.out, /Usage: deepts style CONTENT STYLE -o OUT.png \[options\]/);
    assert.match(r.out, /Arguments:\n {2}CONTENT +the photo/);
    assert.match(r.out, /--steps N +Adam steps \(default 100\)/);
    assert.match(r.out, /--backbone NAME +.*\(one of vgg19, mobilenetv2\)/s);
    assert.match(r.out, /-h, --help +show this help/);
    assert.match(r.out, /Examples:\n {2}deepts style /);
    assert.equal((await run(["help", "style"])).out, r.out);
  });

  describe("the registry: a command is a file in the commands folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepts-cli-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "hello.ts"), `export default {
  name: "hello", summary: "says hello",
  args: [{ name: "WHO", description: "who" }],
  options: { times: { type: "integer", default: 1, description: "how often" } },
  run({ args, options, stdout }) { for (let i = 0; i < options.times; i++) stdout.write("hello " + args.WHO + "\\n"); return 0; },
};\n`);
    writeFileSync(join(dir, "boom.ts"), `export default { name: "boom", summary: "fails", run() { throw new Error("it broke"); } };\n`);
    writeFileSync(join(dir, "faces.ts"), `const sub = (name) => ({ name, summary: name + " people", args: [{ name: "NAME", description: "who" }], run({ args, stdout }) { stdout.write(name + ":" + args.NAME + "\\n"); } });
export default { name: "faces", summary: "face recognition", subcommands: [sub("enroll"), sub("remove")] };\n`);
    writeFileSync(join(dir, "_helper.ts"), "export const x = 1;\n");
    writeFileSync(join(dir, "misnamed.ts"), `export default { name: "other", summary: "x", run() {} };\n`);

    it("discovers files (not _helpers), runs them, parses their options", async () => {
      assert.deepEqual(commandFiles(dir), ["boom", "faces", "hello", "misnamed"]);
      assert.deepEqual(await run(["hello", "you", "--times", "2"], { commandsDir: dir }), { code: 0, out: "hello you\nhello you\n", err: "" });
      const r = await run(["hello"], { commandsDir: dir });
      assert.equal(r.code, 2);
      assert.match(r.err, /^deepts hello: missing WHO\nUsage: deepts hello WHO \[options\]/);
    });

    it("errors from a command: message without a stack trace, exit 1", async () => {
      assert.deepEqual(await run(["boom"], { commandsDir: dir }), { code: 1, out: "", err: "deepts boom: error: it broke\n" });
    });

    it("subcommands: dispatch, their help, unknown ones", async () => {
      assert.deepEqual(await run(["faces", "enroll", "ada"], { commandsDir: dir }), { code: 0, out: "enroll:ada\n", err: "" });
      const help = await run(["faces", "--help"], { commandsDir: dir });
      assert.equal(help.code, 0);
      assert.match(help.out, /Usage: deepts faces <enroll\|remove> \[arguments\] \[options\]/);
      assert.match(help.out, /Commands:\n {2}enroll +enroll people\n {2}remove +remove people/);
      const bad = await run(["faces", "enrol", "x"], { commandsDir: dir });
      assert.equal(bad.code, 2);
      assert.match(bad.err, /^deepts faces: unknown command "enrol" \(did you mean "enroll"\?\)/);
      assert.equal((await run(["faces"], { commandsDir: dir })).code, 2);
      assert.match((await run(["faces", "remove", "--help"], { commandsDir: dir })).out, /^deepts faces remove: remove people\n\nUsage: deepts faces remove NAME \[options\]/);
    });

    it("a file whose command has another name is refused with the fix", async () => {
      await assert.rejects(run(["misnamed"], { commandsDir: dir }), /cli\/commands\/misnamed.ts: the command is named "other"; name it "misnamed" as its file/);
    });
  });
});
