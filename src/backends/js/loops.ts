// Elementwise loops specialized per function. A single shared loop calling `f(v[i])` sees every op's
// function at one call site, which V8 then cannot inline (megamorphic: ~40 ns an element). Compiling
// one copy of the loop per function gives each its own call site, so `f` is inlined (~1-2 ns).
type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;
type Arr = { [i: number]: number; length: number };

export type UnaryLoop = (v: Arr, out: Arr, n: number) => void;
/** Applies f along one row: out[o + j] = f(a[ia + j*sa], b[ib + j*sb]) for j < n. */
export type BinaryRowLoop = (a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, out: Arr, o: number, n: number) => void;

const unaryCache = new Map<Unary, UnaryLoop>();
const binaryCache = new Map<Binary, BinaryRowLoop>();

export function unaryLoop(f: Unary): UnaryLoop {
  let loop = unaryCache.get(f);
  if (!loop) {
    loop = new Function("f", "return function (v, out, n) { for (let i = 0; i < n; i++) out[i] = f(v[i]); };")(f) as UnaryLoop;
    unaryCache.set(f, loop);
  }
  return loop;
}

export function binaryRowLoop(f: Binary): BinaryRowLoop {
  let loop = binaryCache.get(f);
  if (!loop) {
    loop = new Function(
      "f",
      `return function (a, ia, sa, b, ib, sb, out, o, n) {
        if (sa === 1 && sb === 1) { for (let j = 0; j < n; j++) out[o + j] = f(a[ia + j], b[ib + j]); return; }
        if (sa === 1 && sb === 0) { const s = b[ib]; for (let j = 0; j < n; j++) out[o + j] = f(a[ia + j], s); return; }
        if (sa === 0 && sb === 1) { const s = a[ia]; for (let j = 0; j < n; j++) out[o + j] = f(s, b[ib + j]); return; }
        for (let j = 0; j < n; j++) out[o + j] = f(a[ia + j * sa], b[ib + j * sb]);
      };`,
    )(f) as BinaryRowLoop;
    binaryCache.set(f, loop);
  }
  return loop;
}
