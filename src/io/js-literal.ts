// A strict reader for JavaScript object literals as minifiers write data (unquoted keys, single or double
// quotes, numbers like .5, !0 / !1 for true / false, void 0): enough to read a model.json embedded in a
// JavaScript module without executing it.
import { FileFormatError } from "./errors.js";

const MAX_DEPTH = 256;

/** Parses the literal that starts at `text[start]`; returns the value and the index after it. */
export function parseJsLiteral(text: string, start: number, source: string): { value: unknown; end: number } {
  let i = start;
  const fail = (msg: string): never => {
    throw new FileFormatError(source, `${msg} at character ${i} (${JSON.stringify(text.slice(i, i + 40))})`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    const q = text[i++];
    let out = "";
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text[i++];
      if (c === q) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[i++];
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0", "\\": "\\", "'": "'", '"': '"', "/": "/" };
      if (e in simple) out += simple[e];
      else if (e === "u" || e === "x") {
        const n = e === "u" ? 4 : 2;
        const hex = text.slice(i, i + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail("bad escape");
        out += String.fromCharCode(parseInt(hex, 16));
        i += n;
      } else fail("unsupported escape");
    }
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, unknown> = {};
      for (;;) {
        ws();
        if (text[i] === "}") {
          i++;
          return out;
        }
        let key: string;
        if (text[i] === '"' || text[i] === "'") key = str();
        else {
          const m = /^[A-Za-z_$][\w$]*|^\d+/.exec(text.slice(i, i + 256));
          if (!m) return fail("expected a key");
          key = m[0];
          i += key.length;
        }
        ws();
        if (text[i] !== ":") fail('expected ":"');
        i++;
        if (key === "__proto__") fail('the key "__proto__" is not allowed');
        out[key] = value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      i++;
      const out: unknown[] = [];
      for (;;) {
        ws();
        if (text[i] === "]") {
          i++;
          return out;
        }
        out.push(value(depth + 1));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "]") fail('expected "," or "]"');
      }
    }
    if (c === '"' || c === "'") return str();
    const rest = text.slice(i, i + 64);
    const word = /^(true|false|null|!0|!1|void 0)(?![\w$])/.exec(rest);
    if (word) {
      i += word[0].length;
      return { true: true, "!0": true, false: false, "!1": false, null: null, "void 0": undefined }[word[1]];
    }
    const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    return fail("expected a value");
  };
  const v = value(0);
  return { value: v, end: i };
}
