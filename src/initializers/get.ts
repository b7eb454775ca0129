import { lookupKey, readSerialized, type SerializedObject } from "../optimizers/config.js";
import { Constant, Identity, Ones, Zeros } from "./constant.js";
import { Initializer } from "./initializer.js";
import {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform,
  TruncatedNormal, VarianceScaling,
} from "./random.js";

const CLASSES = {
  Constant, Zeros, Ones, Identity, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling, GlorotUniform, GlorotNormal,
  HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal,
};
type InitializerClass = new (o?: never) => Initializer;
const BY_KEY = new Map<string, InitializerClass>(Object.entries(CLASSES).map(([k, v]) => [lookupKey(k), v as InitializerClass]));
// Keras' extra aliases.
for (const [alias, cls] of [["normal", RandomNormal], ["uniform", RandomUniform], ["one", Ones], ["zero", Zeros],
  ["IdentityInitializer", Identity], ["OrthogonalInitializer", Orthogonal]] as const)
  BY_KEY.set(lookupKey(alias), cls as InitializerClass);

/** `{className, config}` for an initializer. */
export function serializeInitializer(i: Initializer): SerializedObject {
  return { className: i.className, config: i.getConfig() };
}

/**
 * An initializer from a Keras name ("glorot_uniform", "he_normal", "zeros", ...), an initializer
 * (returned as is), or `{className, config}` (Keras' `{class_name, config}` with snake_case keys works too).
 */
export function getInitializer(id: string | Initializer | { className?: string; class_name?: string; config?: object }): Initializer {
  if (id instanceof Initializer) return id;
  const s = typeof id === "string" ? { className: id, config: {} } : readSerialized(id);
  const cls = s && BY_KEY.get(lookupKey(s.className));
  if (!s || !cls)
    throw new Error(
      `getInitializer: unknown initializer ${JSON.stringify(id)}; expected a name such as "glorot_uniform", an Initializer, or {className, config} with one of ${Object.keys(CLASSES).join(", ")}`,
    );
  return new cls(s.config as never);
}
