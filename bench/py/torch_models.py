"""PyTorch twins of the Keras applications the benchmark runs (no torchvision here), laid out as Keras builds
them so both sides do the same arithmetic: ResNet50 v1 (stride on the first 1×1 of a block, biased convs)
and MobileNetV2 (alpha 1). Used by bench/py/workloads/*.py and by scripts/bench/export_onnx.py."""
import torch
from torch import nn

BN = dict(eps=1.001e-5, momentum=0.01)  # Keras ResNet50's BatchNormalization(epsilon=1.001e-5), momentum 0.99


class Bottleneck(nn.Module):
    def __init__(self, cin, filters, stride, project):
        super().__init__()
        out = 4 * filters
        self.body = nn.Sequential(
            nn.Conv2d(cin, filters, 1, stride), nn.BatchNorm2d(filters, **BN), nn.ReLU(),
            nn.Conv2d(filters, filters, 3, 1, padding=1), nn.BatchNorm2d(filters, **BN), nn.ReLU(),
            nn.Conv2d(filters, out, 1), nn.BatchNorm2d(out, **BN),
        )
        self.shortcut = nn.Sequential(nn.Conv2d(cin, out, 1, stride), nn.BatchNorm2d(out, **BN)) if project else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


def resnet50(classes=1000):
    layers = [
        nn.ZeroPad2d(3), nn.Conv2d(3, 64, 7, 2), nn.BatchNorm2d(64, **BN), nn.ReLU(),
        nn.ZeroPad2d(1), nn.MaxPool2d(3, 2),
    ]
    cin = 64
    for filters, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(blocks):
            layers.append(Bottleneck(cin, filters, stride if i == 0 else 1, project=i == 0))
            cin = 4 * filters
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)  # logits; the Keras model ends in softmax, which the loss absorbs here


MBN = dict(eps=1e-3, momentum=0.001)  # Keras MobileNetV2: epsilon 1e-3, momentum 0.999


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, **MBN)]
    if act:
        layers.append(nn.ReLU6())
    return layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = conv_bn(cin, hidden, 1) if expand != 1 else []
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden) + conv_bn(hidden, cout, 1, act=False)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def mobilenet_v2(classes=1000):
    layers = conv_bn(3, 32, 3, 2)
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
            cin = c
    layers += conv_bn(cin, 1280, 1) + [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)


MODELS = {"resnet50": resnet50, "mobilenetv2": mobilenet_v2}
