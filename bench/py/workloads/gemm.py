"""fp32 GEMM C = A @ B, the Python side of bench/workloads/gemm.ts."""


def numpy(spec):
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((spec["m"], spec["k"]), dtype=np.float32)
    b = rng.standard_normal((spec["k"], spec["n"]), dtype=np.float32)
    return lambda: a @ b


def torch(spec):
    import torch as t

    a = t.randn(spec["m"], spec["k"])
    b = t.randn(spec["k"], spec["n"])

    def step():
        with t.no_grad():
            return t.mm(a, b)

    return step


def tf(spec):
    import tensorflow as tf

    a = tf.random.normal((spec["m"], spec["k"]))
    b = tf.random.normal((spec["k"], spec["n"]))
    # Eager CPU ops run synchronously, so the step ends when the product exists.
    return lambda: tf.linalg.matmul(a, b)
