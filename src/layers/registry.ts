import type { Layer, LayerConfig } from "./layer.js";
import type { SerializedObject } from "./serialize.js";

/** A layer class as the registry needs it: a Keras class name and fromConfig. */
export interface LayerClass {
  className: string;
  fromConfig(config: LayerConfig): Layer;
}

const registry = new Map<string, LayerClass>();

/** Makes a layer class known to `deserializeLayer` (and to model loading) by its Keras class name. */
export function registerLayer(cls: LayerClass): void {
  registry.set(cls.className, cls);
}

/** A layer from `{className, config}` (Keras' `class_name` spelling is accepted too). */
export function deserializeLayer(spec: SerializedObject | { class_name: string; config: LayerConfig }): Layer {
  const name = "className" in spec ? spec.className : spec.class_name;
  const cls = registry.get(name);
  if (!cls) throw new Error(`deserializeLayer: unknown layer class "${name}"; known: ${[...registry.keys()].sort().join(", ")}`);
  return cls.fromConfig(spec.config);
}

/** `{className, config}` of a layer. */
export function serializeLayer(layer: Layer): SerializedObject {
  return { className: layer.className, config: layer.getConfig() };
}

/** The registered class names. */
export function registeredLayers(): string[] {
  return [...registry.keys()].sort();
}
