"""Convolution layers, the Python side of bench/workloads/conv2d.ts (TF NHWC, PyTorch NCHW)."""


def _out(size, k, s, padding):
    return -(-size // s) if padding == "same" else (size - k) // s + 1


def _out_nhwc(s):
    ch = s["c"] * s["filters"] if s["depthwise"] else s["filters"]
    return (s["n"], _out(s["h"], s["kh"], s["stride"], s["padding"]), _out(s["w"], s["kw"], s["stride"], s["padding"]), ch)


def tf(s):
    import tensorflow as tf

    x = tf.random.normal((s["n"], s["h"], s["w"], s["c"]))
    f = tf.random.normal((s["kh"], s["kw"], s["c"], s["filters"]), stddev=0.1)
    strides = [1, s["stride"], s["stride"], 1]
    pad = s["padding"].upper()

    def conv(a, b):
        if s["depthwise"]:
            return tf.nn.depthwise_conv2d(a, b, strides, pad)
        return tf.nn.conv2d(a, b, strides, pad)

    if s["mode"] == "forward":
        return lambda: conv(x, f)
    dy = tf.random.normal(_out_nhwc(s))

    def step():
        with tf.GradientTape() as tape:
            tape.watch([x, f])
            y = conv(x, f)
        return tape.gradient(y, [x, f], output_gradients=dy)

    return step


def torch(s):
    import torch as t

    groups = s["c"] if s["depthwise"] else 1
    out_ch = s["c"] * s["filters"] if s["depthwise"] else s["filters"]
    x = t.randn(s["n"], s["c"], s["h"], s["w"])
    w = t.randn(out_ch, s["c"] // groups, s["kh"], s["kw"]) * 0.1
    if s["padding"] == "same" and s["stride"] != 1:
        raise NotAvailable("torch conv2d has no padding='same' with stride > 1")  # noqa: F821 (set by worker.py)

    def conv(a, b):
        return t.nn.functional.conv2d(a, b, stride=s["stride"], padding=s["padding"], groups=groups)

    if s["mode"] == "forward":

        def fwd():
            with t.no_grad():
                return conv(x, w)

        return fwd
    n, oh, ow, ch = _out_nhwc(s)
    dy = t.randn(n, ch, oh, ow)
    x.requires_grad_(True)
    w.requires_grad_(True)

    def step():
        x.grad = None
        w.grad = None
        conv(x, w).backward(dy)
        return x.grad, w.grad

    return step
