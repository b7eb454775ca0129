// The seams between layers and the initializer / regularizer / constraint registries:
// resolution of user arguments (names, configs, objects) and serialization back to configs.
import { getInitializer, type Initializer } from "../initializers/index.js";
import { getRegularizer, type Regularizer } from "../regularizers/index.js";
import { getConstraint, type Constraint } from "../constraints/index.js";

/** A Keras-style serialized object: `{className: "GlorotUniform", config: {seed: null}}`. */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

export type InitializerId = string | Initializer | SerializedObject;
export type RegularizerId = string | Regularizer | SerializedObject;
export type ConstraintId = string | Constraint | SerializedObject;

export function resolveInitializer(id: InitializerId): Initializer {
  return getInitializer(id);
}

export function resolveRegularizer(id: RegularizerId | null | undefined): Regularizer | null {
  return id === null || id === undefined ? null : getRegularizer(id);
}

export function resolveConstraint(id: ConstraintId | null | undefined): Constraint | null {
  return id === null || id === undefined ? null : getConstraint(id);
}

/** `{className, config}` of an initializer, regularizer or constraint (null stays null). */
export function serializeObject(obj: { getConfig(): Record<string, unknown> } | null | undefined): SerializedObject | null {
  if (obj === null || obj === undefined) return null;
  const named = obj as { className?: string; constructor: { className?: string; name: string } };
  const className = named.className ?? named.constructor.className ?? named.constructor.name;
  return { className, config: obj.getConfig() };
}
