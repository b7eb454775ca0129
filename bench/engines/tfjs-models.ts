// Keras applications rebuilt with TF.js layers (TF.js ships none): ResNet50 v1 and MobileNetV2, random weights.
import type { Tfjs } from "./tfjs.js";

type Sym = unknown;

export function tfjsResNet50(tf: Tfjs, size: number, classes: number): Tfjs {
  const L = tf.layers;
  const bn = (x: Sym) => L.batchNormalization({ axis: 3, epsilon: 1.001e-5 }).apply(x);
  const relu = (x: Sym) => L.activation({ activation: "relu" }).apply(x);
  const conv = (x: Sym, filters: number, k: number, strides = 1) =>
    L.conv2d({ filters, kernelSize: k, strides, padding: k === 1 ? "valid" : "same" }).apply(x);
  const block = (x: Sym, f: number, strides: number, project: boolean): Sym => {
    const shortcut = project ? bn(conv(x, 4 * f, 1, strides)) : x;
    let y = relu(bn(conv(x, f, 1, strides)));
    y = relu(bn(conv(y, f, 3)));
    y = bn(conv(y, 4 * f, 1));
    return relu(L.add().apply([shortcut, y]));
  };
  const input = tf.input({ shape: [size, size, 3] });
  let x = L.zeroPadding2d({ padding: 3 }).apply(input);
  x = relu(bn(L.conv2d({ filters: 64, kernelSize: 7, strides: 2 }).apply(x)));
  x = L.maxPooling2d({ poolSize: 3, strides: 2 }).apply(L.zeroPadding2d({ padding: 1 }).apply(x));
  for (const [f, blocks, s] of [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]]) {
    for (let i = 0; i < blocks; i++) x = block(x, f, i === 0 ? s : 1, i === 0);
  }
  x = L.globalAveragePooling2d({}).apply(x);
  return tf.model({ inputs: input, outputs: L.dense({ units: classes, activation: "softmax" }).apply(x) });
}

export function tfjsMobileNetV2(tf: Tfjs, size: number, classes: number): Tfjs {
  const L = tf.layers;
  const bn = (x: Sym) => L.batchNormalization({ axis: 3, epsilon: 1e-3, momentum: 0.999 }).apply(x);
  const relu6 = (x: Sym) => L.reLU({ maxValue: 6 }).apply(x);
  const conv = (x: Sym, filters: number, k: number, strides = 1) =>
    L.conv2d({ filters, kernelSize: k, strides, padding: "same", useBias: false }).apply(x);
  const dw = (x: Sym, strides: number) =>
    L.depthwiseConv2d({ kernelSize: 3, strides, padding: "same", useBias: false }).apply(x);
  const input = tf.input({ shape: [size, size, 3] });
  let x = relu6(bn(conv(input, 32, 3, 2)));
  let cin = 32;
  for (const [t, c, n, s] of [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]) {
    for (let i = 0; i < n; i++) {
      const strides = i === 0 ? s : 1;
      let y = t === 1 ? x : relu6(bn(conv(x, cin * t, 1)));
      y = relu6(bn(dw(y, strides)));
      y = bn(conv(y, c, 1));
      x = strides === 1 && cin === c ? L.add().apply([x, y]) : y;
      cin = c;
    }
  }
  x = L.globalAveragePooling2d({}).apply(relu6(bn(conv(x, 1280, 1))));
  return tf.model({ inputs: input, outputs: L.dense({ units: classes, activation: "softmax" }).apply(x) });
}
