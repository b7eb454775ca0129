"""The Python side of bench/workloads/resnet50.ts: Keras applications.ResNet50 and its PyTorch twin."""
import importlib.util
import os

_spec = importlib.util.spec_from_file_location("_keras_apps", os.path.join(os.path.dirname(os.path.abspath(__file__)), "_keras_apps.py"))
_apps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_apps)


def tf(spec):
    return _apps.tf_step("resnet50", spec)


def torch(spec):
    return _apps.torch_step("resnet50", spec)
