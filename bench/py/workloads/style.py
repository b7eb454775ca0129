"""Neural style transfer step, the Python side of bench/workloads/style.ts: Keras VGG19 (tf.function train
step, as in the course) and a PyTorch VGG19 twin (NCHW)."""

STYLE_LAYERS = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
CONTENT_LAYER = "block5_conv4"


def tf(spec):
    import tensorflow as tf

    h, w = spec["height"], spec["width"]
    vgg = tf.keras.applications.VGG19(include_top=False, input_shape=(h, w, 3), weights=None)
    vgg.trainable = False
    model = tf.keras.Model([vgg.input], [vgg.get_layer(n).output for n in STYLE_LAYERS + [CONTENT_LAYER]])

    def gram(a):
        m = tf.reshape(a, (-1, a.shape[-1]))
        return tf.matmul(m, m, transpose_a=True)

    targets = model(tf.random.uniform((1, h, w, 3)))
    style_targets = [gram(t) for t in targets[:-1]]
    content_target = targets[-1]
    image = tf.Variable(tf.random.uniform((1, h, w, 3)))
    opt = tf.keras.optimizers.Adam(learning_rate=0.01)

    def cost(outs):
        a_g = outs[-1]
        _, nh, nw, nc = a_g.shape
        j = 10.0 * tf.reduce_sum(tf.square(content_target - a_g)) / (4.0 * nh * nw * nc)
        style = 0.0
        for t, a in zip(style_targets, outs[:-1]):
            _, lh, lw, lc = a.shape
            style += 0.2 * tf.reduce_sum(tf.square(t - gram(a))) / (4.0 * lc * lc * (lh * lw) ** 2)
        return j + 40.0 * style

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            j = cost(model(image))
        g = tape.gradient(j, image)
        opt.apply_gradients([(g, image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return j

    return lambda: step().numpy()


def torch(spec):
    import torch as t
    from torch import nn

    h, w = spec["height"], spec["width"]
    # Keras VGG19 block by block: (convs, filters); outputs taken after the ReLU, as Keras' Conv2D(relu).
    layers, names, cin = [], [], 3
    for b, (convs, f) in enumerate([(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)], start=1):
        for i in range(1, convs + 1):
            layers += [nn.Conv2d(cin, f, 3, padding=1), nn.ReLU()]
            names += [None, f"block{b}_conv{i}"]
            cin = f
        layers.append(nn.MaxPool2d(2))
        names.append(None)
    wanted = STYLE_LAYERS + [CONTENT_LAYER]
    last = max(names.index(n) for n in wanted)
    vgg = nn.Sequential(*layers[: last + 1]).eval()
    for p in vgg.parameters():
        p.requires_grad_(False)

    def forward(x):
        outs = {}
        for layer, name in zip(vgg, names):
            x = layer(x)
            if name in wanted:
                outs[name] = x
        return [outs[n] for n in wanted]

    def gram(a):
        m = a.reshape(a.shape[1], -1)
        return m @ m.T

    with t.no_grad():
        targets = forward(t.rand(1, 3, h, w))
        style_targets = [gram(x) for x in targets[:-1]]
        content_target = targets[-1]
    image = t.rand(1, 3, h, w, requires_grad=True)
    opt = t.optim.Adam([image], lr=0.01, eps=1e-7)

    def step():
        opt.zero_grad(set_to_none=True)
        outs = forward(image)
        a_g = outs[-1]
        _, nc, nh, nw = a_g.shape
        j = 10.0 * ((content_target - a_g) ** 2).sum() / (4.0 * nh * nw * nc)
        style = 0.0
        for s_t, a in zip(style_targets, outs[:-1]):
            _, lc, lh, lw = a.shape
            style = style + 0.2 * ((s_t - gram(a)) ** 2).sum() / (4.0 * lc * lc * (lh * lw) ** 2)
        j = j + 40.0 * style
        j.backward()
        opt.step()
        with t.no_grad():
            image.clamp_(0.0, 1.0)
        return j

    return step
