// Weight regularizers (Keras 3's keras.regularizers).
export * from "./regularizers.js";
