"""HappyModel training step, the Python side of bench/workloads/happy.ts (Keras NHWC, PyTorch NCHW)."""


def tf(spec):
    import numpy as np
    import keras

    b, n = spec["batch"], spec["size"]
    model = keras.Sequential(
        [
            keras.Input((n, n, 3)),
            keras.layers.ZeroPadding2D(3),
            keras.layers.Conv2D(32, 7, strides=1),
            keras.layers.BatchNormalization(axis=3),
            keras.layers.ReLU(),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((b, n, n, 3), dtype=np.float32)
    y = (rng.random((b, 1)) > 0.5).astype(np.float32)
    return lambda: model.train_on_batch(x, y)


def torch(spec):
    import torch as t

    b, n = spec["batch"], spec["size"]
    pooled = (n + 6 - 7 + 1) // 2
    model = t.nn.Sequential(
        t.nn.ZeroPad2d(3),
        t.nn.Conv2d(3, 32, 7),
        t.nn.BatchNorm2d(32, eps=1e-3, momentum=0.01),  # Keras' defaults
        t.nn.ReLU(),
        t.nn.MaxPool2d(2),
        t.nn.Flatten(),
        t.nn.Linear(32 * pooled * pooled, 1),
        t.nn.Sigmoid(),
    )
    opt = t.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = t.nn.BCELoss()
    x = t.rand(b, 3, n, n)
    y = (t.rand(b, 1) > 0.5).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step
