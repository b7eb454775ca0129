// Errors of the file readers and writers: each names the file (or "<bytes>") and what was wrong.

/** An error reading or writing a model or weights file; `source` is the file's path (or a description). */
export class FileFormatError extends Error {
  readonly source: string;

  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = "FileFormatError";
    this.source = source;
  }
}

/** Throws a FileFormatError when `cond` is false. */
export function check(cond: unknown, source: string, message: string | (() => string)): asserts cond {
  if (!cond) throw new FileFormatError(source, typeof message === "function" ? message() : message);
}

/** Re-throws `e` as a FileFormatError of `source` (a FileFormatError passes through unchanged). */
export function rethrowFor(source: string, e: unknown, what: string): never {
  if (e instanceof FileFormatError) throw e;
  const msg = e instanceof Error ? e.message : String(e);
  throw new FileFormatError(source, `${what}: ${msg}`);
}

/** Largest element count a reader accepts for one array (what a typed array can hold safely). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** The element count of `shape`, checked: non-negative integer dimensions and at most MAX_ELEMENTS in all. */
export function checkedSize(shape: readonly unknown[], source: string, what: string): number {
  let n = 1;
  for (const d of shape) {
    check(typeof d === "number" && Number.isSafeInteger(d) && d >= 0, source, () => `${what}: invalid dimension ${JSON.stringify(d)} in shape ${JSON.stringify(shape)}`);
    n *= d;
    check(n <= MAX_ELEMENTS, source, () => `${what}: shape ${JSON.stringify(shape)} has more than ${MAX_ELEMENTS} elements`);
  }
  return n;
}
