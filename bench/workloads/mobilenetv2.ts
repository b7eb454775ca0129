// MobileNetV2 (alpha 1, Keras applications, random weights): inference at 224×224.
import { tfjsMobileNetV2 } from "../engines/tfjs-models.js";
import { modelCase, modelWorkload } from "../harness/model-workload.js";

export default modelWorkload(
  "mobilenetv2",
  "MobileNetV2 inference",
  [modelCase("MobileNetV2", { mode: "inference", batch: 1, size: 224, classes: 1000 })],
  tfjsMobileNetV2,
  (dt, size, classes) => dt.mobileNetV2({ inputShape: [size, size, 3], classes }),
);
