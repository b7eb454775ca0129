// Mutation fuzzing for the file readers: flipped bits, random bytes, truncations and insertions,
// from a seeded generator so that a failure reproduces.
import assert from "node:assert/strict";
import { FileFormatError } from "../../src/io/errors.js";

/** A seeded xorshift generator in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export interface Mutant {
  bytes: Uint8Array;
  how: string;
}

/** `n` mutated copies of `orig`; `focus` (a byte range) gets half of the point mutations. */
export function* mutants(original: Uint8Array, n: number, seed: number, focus?: [number, number]): Generator<Mutant> {
  const orig = new Uint8Array(original); // a plain copy: Buffer.slice would share memory with the original
  const r = rng(seed);
  const pick = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo));
  for (let k = 0; k < n; k++) {
    const kind = k % 5;
    const pos = (): number => (focus && r() < 0.5 ? pick(focus[0], Math.min(focus[1], orig.length)) : pick(0, orig.length));
    if (kind === 0) {
      const b = orig.slice();
      const p = pos();
      b[p] ^= 1 << pick(0, 8);
      yield { bytes: b, how: `bit flip at ${p}` };
    } else if (kind === 1) {
      const b = orig.slice();
      const count = pick(1, 9);
      const at: number[] = [];
      for (let i = 0; i < count; i++) {
        const p = pos();
        b[p] = pick(0, 256);
        at.push(p);
      }
      yield { bytes: b, how: `random bytes at ${at.join(",")}` };
    } else if (kind === 2) {
      const len = pick(0, orig.length);
      yield { bytes: orig.slice(0, len), how: `truncated to ${len}` };
    } else if (kind === 3) {
      const b = orig.slice();
      const p = pos();
      const v = [0x00, 0xff, 0x7f, 0x80][pick(0, 4)];
      for (let i = p; i < Math.min(b.length, p + 4); i++) b[i] = v;
      yield { bytes: b, how: `4 bytes of 0x${v.toString(16)} at ${p}` };
    } else {
      const p = pos();
      const ins = new Uint8Array(pick(1, 17)).map(() => pick(0, 256));
      const b = new Uint8Array(orig.length + ins.length);
      b.set(orig.subarray(0, p));
      b.set(ins, p);
      b.set(orig.subarray(p), p + ins.length);
      yield { bytes: b, how: `${ins.length} bytes inserted at ${p}` };
    }
  }
}

/**
 * Runs `read` on each mutant: it must return (a mutation may be harmless) or throw a FileFormatError naming
 * `source`; anything else (TypeError, RangeError, a hang past `maxMs`) fails. Returns how many were rejected.
 */
export async function fuzzReader(
  orig: Uint8Array, source: string, read: (b: Uint8Array) => unknown, opts: { n?: number; seed?: number; maxMs?: number; focus?: [number, number] } = {},
): Promise<{ rejected: number; accepted: number }> {
  let rejected = 0;
  let accepted = 0;
  for (const m of mutants(orig, opts.n ?? 300, opts.seed ?? 1, opts.focus)) {
    const t0 = performance.now();
    try {
      await read(m.bytes);
      accepted++;
    } catch (e) {
      if (!(e instanceof FileFormatError)) assert.fail(`${m.how}: expected a FileFormatError, got ${(e as Error)?.stack ?? String(e)}`);
      assert.ok(e.message.includes(source), `${m.how}: the error does not name the file: ${e.message}`);
      rejected++;
    }
    const ms = performance.now() - t0;
    assert.ok(ms < (opts.maxMs ?? 2000), `${m.how}: took ${ms.toFixed(0)} ms`);
  }
  return { rejected, accepted };
}
