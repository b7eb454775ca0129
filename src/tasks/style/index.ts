// Neural style transfer as the Coursera course defines it (C4W4): costs, backbones and the Adam loop.
export {
  CONTENT_LAYER, STYLE_LAYERS, type StyleLayer,
  activationGram, computeContentCost, computeLayerStyleCost, computeStyleCost, gramMatrix, totalCost, totalVariation,
} from "./costs.js";
export {
  type BackboneInput, type StyleBackbone, type Vgg19BackboneOptions, type VggPreprocess,
  MOBILENET_CONTENT_LAYER, MOBILENET_STYLE_LAYERS, defaultStyleBackbone, mobileNetV2Backbone, styleFeatureModel, styleBackbone, vgg19Backbone,
} from "./backbone.js";
export { NSFWJS_VERSION, foldMobileNetV2, nsfwjsMobileNetV2 } from "./mobilenet.js";
export { type CostRecord, type Costs, StyleTransfer, type StyleTransferOptions } from "./transfer.js";
export { fromUnitRgb, parseImageSize, toUnitRgb } from "./images.js";
