// The tiny VGG-like net of scripts/fixtures/gen_style.py, built with deepts' layers: two blocks of two 3x3
// ReLU convolutions named as VGG19's (block1_conv1 ...), each closed by a 2x2 max pool.
import { Conv2D, Input, MaxPooling2D, Model, type SymbolicTensor, type Tensor } from "../../../src/index.js";

export function tinyVgg(weights?: Record<string, Tensor>, shape: (number | null)[] = [null, null, 3]): Model {
  const input = Input({ shape });
  let x: SymbolicTensor = input;
  [4, 6].forEach((filters, b) => {
    for (let i = 1; i <= 2; i++)
      x = new Conv2D({ filters, kernelSize: 3, padding: "same", activation: "relu", name: `block${b + 1}_conv${i}` }).apply(x) as SymbolicTensor;
    x = new MaxPooling2D({ poolSize: 2, name: `block${b + 1}_pool` }).apply(x) as SymbolicTensor;
  });
  const model = new Model({ inputs: input, outputs: x, name: "tiny_vgg" });
  if (weights)
    for (const layer of model.layers)
      if (layer.name.includes("conv")) layer.setWeights([weights[`${layer.name}/kernel`], weights[`${layer.name}/bias`]]);
  return model;
}
