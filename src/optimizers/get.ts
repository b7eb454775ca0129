import { lookupKey, readSerialized } from "./config.js";
import { Adadelta } from "./adadelta.js";
import { Adagrad } from "./adagrad.js";
import { Adam, AdamW } from "./adam.js";
import { Adamax } from "./adamax.js";
import { Nadam } from "./nadam.js";
import { Optimizer } from "./optimizer.js";
import { RMSprop } from "./rmsprop.js";
import { SGD } from "./sgd.js";

const OPTIMIZERS = { SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam };
const BY_KEY = new Map<string, typeof SGD>(Object.entries(OPTIMIZERS).map(([k, v]) => [lookupKey(k), v as typeof SGD]));

/** Serializes an optimizer as `{className, config}`. */
export function serializeOptimizer(o: Optimizer): { className: string; config: Record<string, unknown> } {
  return { className: o.constructor.name, config: o.getConfig() };
}

/**
 * An optimizer from a Keras name ("adam", "sgd", "rmsprop", ...; defaults as in Keras), an
 * optimizer (returned as is), or `{className, config}` (Keras' snake_case config accepted).
 */
export function getOptimizer(id: string | Optimizer | { className?: string; class_name?: string; config?: object }): Optimizer {
  if (id instanceof Optimizer) return id;
  const names = Object.keys(OPTIMIZERS).join(", ");
  if (typeof id === "string") {
    const cls = BY_KEY.get(lookupKey(id));
    if (!cls) throw new Error(`getOptimizer: unknown optimizer "${id}"; expected one of ${names}`);
    return new cls();
  }
  const s = readSerialized(id);
  const cls = s && BY_KEY.get(lookupKey(s.className));
  if (!s || !cls) throw new Error(`getOptimizer: expected a name, an Optimizer or {className, config} naming one of ${names}, got ${JSON.stringify(id)}`);
  return cls.fromConfig(s.config);
}
