"""Writes small .h5 weight files in Keras's exact HDF5 layout, for the tests of Model.loadKerasWeights.

Keras (tf.keras 2.x, legacy HDF5 format) writes, for model.save_weights('x.h5') and for the files
keras.applications downloads (*_weights_tf_dim_ordering_tf_kernels.h5):
  - root attribute 'layer_names': every layer's name, fixed-length byte strings, in model order
    (layers without weights included); 'backend' and 'keras_version' beside it;
  - one group per layer, its attribute 'weight_names' listing the layer's weights in
    layer.weights order (trainable first) as "<layer>/<weight>:0", each a dataset at that path
    inside the group (the '/' makes a subgroup); an empty float64 array for a layer without weights;
  - an attribute longer than HDF5's 64 KiB object header limit is split into 'layer_names0',
    'layer_names1', ... (save_attributes_to_hdf5_group).
model.save('x.h5') writes the same under the group 'model_weights', beside the attributes
'model_config' and 'training_config' and the group 'optimizer_weights'.

The weight values follow value(layer, weight, i) = (i % 13 - 6) / 8 + layer / 2 + weight / 4 (exact
in float32; layer and weight are indices in the file's lists), which the Java tests compute again. Needs Debian's python3-h5py:
    /usr/bin/python3 scripts/keras/write_h5_fixtures.py
"""
import json
import os

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIME = os.path.join(ROOT, "runtime/src/test/resources/dev/annonet/runtime/keras")
SAMPLES = os.path.join(ROOT, "samples/src/test/resources/fixtures/keras")
APPLICATIONS = os.path.join(ROOT, "applications/src/test/resources/fixtures/keras")

# The runtime's HandScheduledMlp(in 4, hidden 6, classes 3): image -> hidden (Dense) -> dropout -> output (Dense).
MLP = [("image", []), ("hidden", [("kernel", (4, 6)), ("bias", (6,))]), ("dropout", []),
       ("output", [("kernel", (6, 3)), ("bias", (3,))])]
# The samples' SmallCnn: image (8, 8, 2) -> conv 3x3, 4 filters -> norm -> relu -> pool -> flat -> output (Dense 3).
SMALL_CNN = [("image", []), ("conv", [("kernel", (3, 3, 2, 4)), ("bias", (4,))]),
             ("norm", [("gamma", (4,)), ("beta", (4,)), ("moving_mean", (4,)), ("moving_variance", (4,))]),
             ("relu", []), ("pool", []), ("flat", []), ("output", [("kernel", (16, 3)), ("bias", (3,))])]
# The samples' SmallSeparable: image (8, 8, 3) -> dw (depthwise 3x3, multiplier 2, no bias) -> dw_bn (scale=False)
# -> sep (separable 3x3, 4 filters) -> pool -> output (Dense 3).
SMALL_SEPARABLE = [("image", []), ("dw", [("depthwise_kernel", (3, 3, 3, 2))]),
                   ("dw_bn", [("beta", (6,)), ("moving_mean", (6,)), ("moving_variance", (6,))]),
                   ("sep", [("depthwise_kernel", (3, 3, 6, 1)), ("pointwise_kernel", (1, 1, 6, 4)), ("bias", (4,))]),
                   ("pool", []), ("output", [("kernel", (4, 3)), ("bias", (3,))])]
# The samples' AutoNamedCnn, its layers named as a fresh Keras 3 session names them (conv2d, conv2d_1, ...), in the
# file as Keras 2.0-2.2 numbered them, from 1: image (6, 6, 2) -> conv2d (3x3, 3 filters) -> batch_normalization
# -> conv2d_1 (1x1, 4 filters, no bias) -> batch_normalization_1 (scale=False) -> flatten -> dense (5) -> predictions (3).
AUTO_NAMED_FROM_1 = [("input_1", []), ("conv2d_1", [("kernel", (3, 3, 2, 3)), ("bias", (3,))]),
                     ("batch_normalization_1", [("gamma", (3,)), ("beta", (3,)), ("moving_mean", (3,)),
                                                ("moving_variance", (3,))]),
                     ("conv2d_2", [("kernel", (1, 1, 3, 4))]),
                     ("batch_normalization_2", [("beta", (4,)), ("moving_mean", (4,)), ("moving_variance", (4,))]),
                     ("flatten_1", []), ("dense_1", [("kernel", (64, 5)), ("bias", (5,))]),
                     ("predictions", [("kernel", (5, 3)), ("bias", (3,))])]
# The applications' test network TinyImageNet: input_layer (4, 4, 3) -> flatten -> predictions (Dense 1000, softmax).
TINY_IMAGENET = [("input_layer", []), ("flatten", []), ("predictions", [("kernel", (48, 1000)), ("bias", (1000,))])]


def values(layer, weight, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return ((i % 13 - 6) / 8.0 + layer / 2.0 + weight / 4.0).astype(np.float32).reshape(shape)


def put_attribute(group, name, data, chunks=1):
    """Keras's save_attributes_to_hdf5_group: one attribute, or the same split into name0, name1, ..."""
    array = np.asarray(data)
    if chunks == 1:
        group.attrs[name] = array
        return
    for k, part in enumerate(np.array_split(array, chunks)):
        group.attrs["%s%d" % (name, k)] = part


def write_layers(group, layers, weight_name=lambda layer, weight: "%s/%s:0" % (layer, weight),
                 chunks=1, skip=(), override=None):
    """The layers' groups and the root's attributes, as Keras's save_weights_to_hdf5_group writes them."""
    put_attribute(group, "layer_names", [name.encode("utf8") for name, _ in layers if name not in skip], chunks)
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.13.1"
    for index, (name, weights) in enumerate(layers):
        if name in skip:
            continue
        g = group.create_group(name)
        names = [weight_name(name, w).encode("utf8") for w, _ in weights]
        put_attribute(g, "weight_names", names)
        for position, ((w, shape), full) in enumerate(zip(weights, names)):
            data = values(index, position, shape)
            if override and (name, w) in override:
                data = override[(name, w)]
            g.create_dataset(full.decode("utf8"), data=data, track_times=False)


def write(path, layers, full_model=False, **options):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as f:
        if full_model:
            f.attrs["keras_version"] = b"2.13.1"
            f.attrs["backend"] = b"tensorflow"
            f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"name": "mlp"}}).encode()
            f.attrs["training_config"] = json.dumps({"loss": "categorical_crossentropy"}).encode()
            write_layers(f.create_group("model_weights"), layers, **options)
            f.create_group("optimizer_weights").create_dataset("iteration:0", data=np.int64(3), track_times=False)
        else:
            write_layers(f, layers, **options)


def main():
    mlp = lambda name: os.path.join(RUNTIME, name)
    write(mlp("mlp_weights.h5"), MLP)
    write(mlp("mlp_model.h5"), MLP, full_model=True)
    # Keras 1's names (the VGG16 file of keras.applications still has them): matched by position.
    write(mlp("mlp_keras1_names.h5"), MLP,
          weight_name=lambda layer, w: "%s_%s_1:0" % (layer, {"kernel": "W", "bias": "b"}[w]))
    write(mlp("mlp_chunked_names.h5"), MLP, chunks=2)
    # A file of a larger network: its layers the model lacks are ignored, as Keras's by_name does.
    write(mlp("mlp_extra_layer.h5"), MLP + [("head", [("kernel", (3, 2)), ("bias", (2,))])])
    write(mlp("mlp_missing_layer.h5"), MLP, skip=("output",))
    write(mlp("mlp_wrong_shape.h5"), MLP, override={("output", "kernel"): values(3, 0, (5, 3))})
    write(mlp("mlp_wrong_count.h5"), MLP[:3] + [("output", [("kernel", (6, 3))])])
    write(mlp("mlp_swapped.h5"), MLP[:1] + [("hidden", [("bias", (6,)), ("kernel", (4, 6))])] + MLP[2:])
    with h5py.File(mlp("not_keras.h5"), "w") as f:
        f.create_dataset("data", data=np.zeros(3, np.float32), track_times=False)
    write(os.path.join(SAMPLES, "small_cnn_weights.h5"), SMALL_CNN)
    write(os.path.join(SAMPLES, "small_cnn_model.h5"), SMALL_CNN, full_model=True)
    write(os.path.join(SAMPLES, "small_separable_weights.h5"), SMALL_SEPARABLE)
    write(os.path.join(SAMPLES, "auto_named_from_1_weights.h5"), AUTO_NAMED_FROM_1)
    write(os.path.join(SAMPLES, "auto_named_wrong_shape_weights.h5"), AUTO_NAMED_FROM_1,
          override={("dense_1", "kernel"): values(6, 0, (60, 5))})
    # One convolution more than AutoNamedCnn has: Keras's automatic names cannot be matched in order.
    write(os.path.join(SAMPLES, "auto_named_extra_conv_weights.h5"),
          AUTO_NAMED_FROM_1[:5] + [("conv2d_3", [("kernel", (1, 1, 4, 4))])] + AUTO_NAMED_FROM_1[5:])
    # Random weights, so that no two classes tie; the test reads them back to compute what to expect.
    random = np.random.default_rng(20261207)
    write(os.path.join(APPLICATIONS, "tiny_imagenet_weights.h5"), TINY_IMAGENET, override={
        ("predictions", "kernel"): random.normal(0, 0.02, (48, 1000)).astype(np.float32),
        ("predictions", "bias"): random.normal(0, 0.5, 1000).astype(np.float32)})


if __name__ == "__main__":
    main()
