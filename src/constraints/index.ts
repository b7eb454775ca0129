// Weight constraints (Keras 3's keras.constraints).
export * from "./constraints.js";
