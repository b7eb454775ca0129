"""Shared by resnet50.py and mobilenetv2.py: Keras applications (random weights) and their PyTorch twins."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def keras_model(name, spec):
    import keras

    build = {"resnet50": keras.applications.ResNet50, "mobilenetv2": keras.applications.MobileNetV2}[name]
    n = spec["size"]
    return build(weights=None, input_shape=(n, n, 3), classes=spec.get("classes", 1000))


def tf_step(name, spec):
    import numpy as np

    model = keras_model(name, spec)
    rng = np.random.default_rng(0)
    x = rng.random((spec["batch"], spec["size"], spec["size"], 3), dtype=np.float32)
    if spec["mode"] == "inference":
        return lambda: model.predict_on_batch(x)
    classes = spec.get("classes", 1000)
    y = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, spec["batch"])]
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return lambda: model.train_on_batch(x, y)


def torch_step(name, spec):
    import torch

    from torch_models import MODELS

    model = MODELS[name](spec.get("classes", 1000))
    x = torch.rand(spec["batch"], 3, spec["size"], spec["size"])
    if spec["mode"] == "inference":
        model.eval()

        def infer():
            with torch.no_grad():
                return model(x)

        return infer
    classes = spec.get("classes", 1000)
    y = torch.randint(0, classes, (spec["batch"],))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step
