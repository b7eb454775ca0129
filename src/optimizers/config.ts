// Config helpers shared by initializers, regularizers, constraints, optimizers, losses and metrics.

/** A serialized object, as Keras writes it (`class_name` is accepted as a spelling of `className`). */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

/** "learning_rate" -> "learningRate"; camelCase keys pass through unchanged. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** "learningRate" -> "learning_rate". */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A config with its keys in camelCase, so that Keras (snake_case) configs feed our constructors. */
export function camelConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[snakeToCamel(k)] = v;
  return out;
}

/** Reads `{className, config}` or Keras' `{class_name, config}`; null when `x` is neither. */
export function readSerialized(x: unknown): SerializedObject | null {
  if (typeof x !== "object" || x === null) return null;
  const o = x as Record<string, unknown>;
  const name = o.className ?? o.class_name;
  if (typeof name !== "string") return null;
  const config = (o.config ?? {}) as Record<string, unknown>;
  return { className: name, config: camelConfig(config) };
}

/** Normalizes a name for lookup: "GlorotUniform", "glorot_uniform" and "glorotUniform" all match. */
export function lookupKey(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}
