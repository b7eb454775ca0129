// Convolution layers from the models deepts targets, forward and forward+backward (input and filter
// gradients for a fixed upstream gradient dy). deepts, TF and TF.js run NHWC; PyTorch, ONNX Runtime and
// jax-js run NCHW, their native layouts, on the same sizes.
import type { Deepts } from "../engines/deepts.js";
import type { Tfjs } from "../engines/tfjs.js";
import { randomFloats } from "../harness/random.js";
import { NotAvailable, type BenchCase, type Impl } from "../harness/types.js";
import { defineWorkload } from "../harness/workload.js";

export interface ConvSpec {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  /** Output channels (conv2d) or channel multiplier (depthwise). */
  filters: number;
  padding: "valid" | "same";
  stride: number;
  depthwise: boolean;
  /** "forward": y only; "backward": y, then dx and dw for a fixed dy. */
  mode: "forward" | "backward";
}

function outSize(size: number, k: number, s: number, padding: "valid" | "same"): number {
  return padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

function convCase(label: string, base: Omit<ConvSpec, "mode">, mode: ConvSpec["mode"], smoke = false): BenchCase<ConvSpec> {
  const { n, h, w, c, kh, kw, filters, padding, stride, depthwise } = base;
  const oh = outSize(h, kh, stride, padding);
  const ow = outSize(w, kw, stride, padding);
  // conv2d: c·filters products per output pixel and tap; depthwise: c·multiplier.
  const macs = n * oh * ow * kh * kw * c * filters;
  const kernel = depthwise ? `dw ${kh}×${kw}` : `${kh}×${kw}×${filters}`;
  const name = `${label} ${n}×${h}×${w}×${c} * ${kernel} ${padding}${stride > 1 ? ` /${stride}` : ""}, ${mode === "forward" ? "fwd" : "fwd+bwd"}`;
  // A smoke-test size runs in --quick runs only.
  return { name, spec: { ...base, mode }, flops: 2 * macs * (mode === "forward" ? 1 : 3), quick: smoke, full: !smoke };
}

const HAPPY = { n: 32, h: 70, w: 70, c: 3, kh: 7, kw: 7, filters: 32, padding: "valid", stride: 1, depthwise: false } as const;
const RESNET = { n: 32, h: 16, w: 16, c: 256, kh: 3, kw: 3, filters: 256, padding: "same", stride: 1, depthwise: false } as const;
const MOBILENET = { n: 32, h: 56, w: 56, c: 144, kh: 3, kw: 3, filters: 1, padding: "same", stride: 1, depthwise: true } as const;
const TINY = { n: 2, h: 12, w: 12, c: 8, kh: 3, kw: 3, filters: 8, padding: "same", stride: 1, depthwise: false } as const;

const filterShapeHWIO = (s: ConvSpec): number[] => [s.kh, s.kw, s.c, s.filters];
const outShapeNHWC = (s: ConvSpec): number[] => [
  s.n, outSize(s.h, s.kh, s.stride, s.padding), outSize(s.w, s.kw, s.stride, s.padding), s.depthwise ? s.c * s.filters : s.filters,
];
const nchw = ([n, h, w, c]: number[]): number[] => [n, c, h, w];

const deepts: Impl<Deepts, ConvSpec> = (dt, s) => {
  const x = dt.randomNormal([s.n, s.h, s.w, s.c]);
  const f = dt.randomNormal(filterShapeHWIO(s), { stddev: 0.1 });
  const opts = { strides: s.stride, padding: s.padding };
  const conv = (a: typeof x, b: typeof f) => (s.depthwise ? dt.depthwiseConv2d(a, b, opts) : dt.conv2d(a, b, opts));
  if (s.mode === "forward") return () => conv(x, f);
  const dy = dt.randomNormal(outShapeNHWC(s));
  return () => {
    const tape = new dt.GradientTape();
    tape.watch(x, f);
    const y = tape.run(() => conv(x, f));
    return tape.gradient(y, [x, f], { outputGradients: dy });
  };
};

const tfjs: Impl<Tfjs, ConvSpec> = (tf, s) => {
  if (s.mode === "backward") {
    const kernel = s.depthwise ? "DepthwiseConv2dNativeBackpropFilter" : "Conv2DBackpropFilter";
    if (!tf.getKernel(kernel, tf.getBackend())) throw new NotAvailable(`TF.js ${tf.getBackend()} has no ${kernel} kernel`);
  }
  const x = tf.randomNormal([s.n, s.h, s.w, s.c]);
  const f = tf.randomNormal(filterShapeHWIO(s), 0, 0.1);
  const conv = (a: unknown, b: unknown) =>
    s.depthwise ? tf.depthwiseConv2d(a, b, s.stride, s.padding) : tf.conv2d(a, b, s.stride, s.padding);
  if (s.mode === "forward") {
    return () => {
      const y = conv(x, f);
      y.dataSync();
      y.dispose();
    };
  }
  const dy = tf.randomNormal(outShapeNHWC(s));
  const g = tf.grads(conv);
  return () => {
    const [dx, dw] = g([x, f], dy);
    dx.dataSync();
    dw.dataSync();
    dx.dispose();
    dw.dispose();
  };
};

export default defineWorkload<ConvSpec>({
  name: "conv2d",
  description: "conv2d / depthwiseConv2d layers of HappyModel, ResNet50 and MobileNetV2",
  cases: [
    convCase("tiny", TINY, "forward", true),
    convCase("tiny", TINY, "backward", true),
    convCase("HappyModel", HAPPY, "forward"),
    convCase("HappyModel", HAPPY, "backward"),
    convCase("ResNet50", RESNET, "forward"),
    convCase("ResNet50", RESNET, "backward"),
    convCase("MobileNetV2", MOBILENET, "forward"),
    convCase("MobileNetV2", MOBILENET, "backward"),
  ],
  impls: {
    "deepts-native": deepts,
    "deepts-js": deepts,
    "tfjs-cpu": tfjs,
    "tfjs-wasm": tfjs,
    async ort({ ort, session }, s) {
      if (s.mode === "backward") throw new NotAvailable("ONNX Runtime runs inference only");
      const sess = await session("conv2d", s);
      const shape = nchw([s.n, s.h, s.w, s.c]);
      const feeds = { x: new ort.Tensor("float32", randomFloats(shape.reduce((a, b) => a * b)), shape) };
      return () => sess.run(feeds);
    },
    "jax-js"(jax, s) {
      const { numpy: np, lax } = jax;
      const xShape = nchw([s.n, s.h, s.w, s.c]);
      // lax filters are [out, in / groups, kh, kw].
      const wShape = s.depthwise ? [s.c * s.filters, 1, s.kh, s.kw] : [s.filters, s.c, s.kh, s.kw];
      const arr = (shape: number[], scale = 1) => np.array(randomFloats(shape.reduce((a, b) => a * b), scale)).reshape(shape);
      const x = arr(xShape);
      const w = arr(wShape, 0.1);
      const pad = s.padding.toUpperCase();
      const groups = s.depthwise ? s.c : 1;
      const conv = (a: unknown, b: unknown) => lax.convGeneralDilated(a, b, [s.stride, s.stride], pad, { featureGroupCount: groups });
      if (s.mode === "forward") {
        return async () => (await conv(x.ref, w.ref).blockUntilReady()).dispose();
      }
      const dy = arr(nchw(outShapeNHWC(s)));
      return async () => {
        const [y, back] = jax.vjp(conv, [x.ref, w.ref]);
        const [dx, dw] = back(dy.ref);
        await dx.blockUntilReady();
        await dw.blockUntilReady();
        dx.dispose();
        dw.dispose();
        y.dispose();
        back.dispose();
      };
    },
  },
});
