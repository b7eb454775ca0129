// A strict parser for the small subset of Python literals that .npy headers use:
// dicts, tuples, lists, quoted strings, integers, True, False and None.
import { FileFormatError } from "./errors.js";

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

const MAX_DEPTH = 32;

/** Parses `text` as one Python literal; an error names `source` and `what` on any other input. */
export function parsePyLiteral(text: string, source: string, what: string): PyValue {
  let i = 0;
  const fail = (msg: string): never => {
    throw new FileFormatError(source, `${what}: ${msg} at character ${i} of ${JSON.stringify(text.slice(0, 120))}`);
  };
  const ws = (): void => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    ws();
    const c = text[i];
    if (c === "{") return dict(depth);
    if (c === "(" || c === "[") return seq(depth, c === "(" ? ")" : "]");
    if (c === "'" || c === '"') return str();
    const m = /^(-?\d{1,20})L?|^(True|False|None)\b/.exec(text.slice(i, i + 24));
    if (!m) return fail("expected a literal");
    i += m[0].length;
    if (m[2] !== undefined) return m[2] === "True" ? true : m[2] === "False" ? false : null;
    const n = Number(m[1]);
    if (!Number.isSafeInteger(n)) fail(`integer ${m[1]} is too large`);
    return n;
  };
  const str = (): string => {
    const q = text[i++];
    let s = "";
    while (i < text.length && text[i] !== q) {
      if (text[i] === "\\") fail("escape sequences are not supported in header strings");
      s += text[i++];
    }
    if (i >= text.length) fail("unterminated string");
    i++;
    return s;
  };
  const seq = (depth: number, close: string): PyValue[] => {
    i++;
    const out: PyValue[] = [];
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        return out;
      }
      out.push(value(depth + 1));
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== close) fail(`expected "," or "${close}"`);
    }
  };
  const dict = (depth: number): { [key: string]: PyValue } => {
    i++;
    const out: { [key: string]: PyValue } = Object.create(null) as { [key: string]: PyValue };
    for (;;) {
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      const k = value(depth + 1);
      if (typeof k !== "string") fail("dict keys must be strings");
      ws();
      if (text[i] !== ":") fail('expected ":"');
      i++;
      out[k as string] = value(depth + 1);
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") fail('expected "," or "}"');
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail("unexpected text after the literal");
  return v;
}
