// Model.save / loadWeights / saveWeights: added to Model's prototype here, so that models/ does not depend
// on the file formats (module augmentation keeps the methods typed).
import { Model } from "../models/model.js";
import { type LoadOptions, loadWeights, saveModel, saveWeights } from "./model-io.js";

declare module "../models/model.js" {
  interface Model {
    /**
     * Saves architecture and weights by file name: `.keras`, `.h5` or TF.js `model.json` (atomic writes).
     *
     * @example
     * await model.save("model.keras");
     */
    save(path: string): Promise<void>;
    /**
     * Loads weights from `.weights.h5`, `.h5`, `.keras`, `.safetensors` or TF.js `model.json`.
     *
     * @example
     * await model.loadWeights("model.weights.h5");
     */
    loadWeights(path: string, opts?: LoadOptions): Promise<void>;
    /**
     * Saves the weights by file name: `.weights.h5` (Keras 3), `.h5` (legacy) or `.safetensors`.
     *
     * @example
     * await model.saveWeights("model.weights.h5");
     */
    saveWeights(path: string): Promise<void>;
  }
}

Model.prototype.save = function save(this: Model, path: string): Promise<void> {
  return saveModel(this, path);
};
Model.prototype.loadWeights = function (this: Model, path: string, opts?: LoadOptions): Promise<void> {
  return loadWeights(this, path, opts);
};
Model.prototype.saveWeights = function (this: Model, path: string): Promise<void> {
  return saveWeights(this, path);
};
