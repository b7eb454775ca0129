// Keras' naming rules: snake_case of the class name, made unique per session by a counter.

const counters = new Map<string, number>();
const scopes: { name: string; owner: unknown }[] = [];

/** "BatchNormalization" -> "batch_normalization", "Conv2D" -> "conv2d", "LeakyReLU" -> "leaky_re_lu", as Keras. */
export function toSnakeCase(name: string): string {
  const a = name.replace(/(.)([A-Z][a-z]+)/g, "$1_$2");
  return a.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The next unique name for `prefix` in this session: "dense", then "dense_1", "dense_2", ... */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/**
 * Resets the automatic layer and model names ("dense", "dense_1", ...), as `keras.backend.clear_session()`.
 *
 * @example
 * clearSession();
 * new Dense({ units: 2 }).name; // "dense"
 */
export function clearSession(): void {
  counters.clear();
}

/**
 * Runs `f` inside a name scope: weights created meanwhile get paths "<scope>/<layer>/<weight>".
 * A scope is not repeated when its owner (a layer) already opened the innermost one.
 */
export function withNameScope<T>(name: string, owner: unknown, f: () => T): T {
  if (scopes.length > 0 && scopes[scopes.length - 1].owner === owner) return f();
  scopes.push({ name, owner });
  try {
    return f();
  } finally {
    scopes.pop();
  }
}

/** The current scope path joined with `name` ("sequential/dense/kernel"). */
export function scopedPath(name: string): string {
  return [...scopes.map((s) => s.name), name].join("/");
}
