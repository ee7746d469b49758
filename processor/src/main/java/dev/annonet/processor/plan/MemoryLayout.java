package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.check.ImageRules;
import dev.annonet.processor.check.WindowGeometry;
import dev.annonet.processor.read.ActivationSpec;
import dev.annonet.processor.read.BatchNormalizationSpec;
import dev.annonet.processor.read.Conv2DSpec;
import dev.annonet.processor.read.ImageLayerSpec;
import dev.annonet.processor.read.DenseSpec;
import dev.annonet.processor.read.DropoutSpec;
import dev.annonet.processor.read.EmbeddingSpec;
import dev.annonet.processor.read.InputSpec;
import dev.annonet.processor.read.LstmSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every tensor and parameter lives.
 *
 * <p>Arena: tensors in topological order, each at the next free per-sample offset. Training keeps
 * every activation alive until the backward pass reads it, so no memory is reused; the only
 * sharing is aliasing: Flatten, Reshape and a LINEAR activation name their input's memory, and a
 * Dense layer without activation writes its output where its pre-activation is. Dropout has its
 * own tensor because backward needs the layer before it intact.
 *
 * <p>Parameters: trainable ones first, contiguous, so that an optimizer step is one pass over
 * them; then state (moving statistics); fixed (declared) ones last; each group in declaration
 * order, kernel before bias. Conv2D, BatchNormalization and LSTM also get a scratch tensor.
 */
final class MemoryLayout {
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<CheckedLayer, Tensor> outputs = new HashMap<>();
    private final Map<CheckedLayer, Tensor> preActivations = new HashMap<>();
    private final Map<CheckedLayer, Tensor> scratch = new HashMap<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final Map<String, Parameter> parametersByName = new HashMap<>();
    private int arenaSize;
    private int parameterSize;

    MemoryLayout(List<CheckedLayer> topologicalOrder, List<CheckedLayer> declarationOrder) {
        topologicalOrder.forEach(this::placeTensors);
        placeParameters(declarationOrder, true);
        placeState(declarationOrder);
        placeParameters(declarationOrder, false);
    }

    List<Tensor> tensors() {
        return List.copyOf(tensors);
    }

    int arenaSize() {
        return arenaSize;
    }

    List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    Tensor output(CheckedLayer layer) {
        return outputs.get(layer);
    }

    /** The input of the layer's activation function: a Dense layer's {@code z}, an Activation layer's input. */
    Tensor preActivation(CheckedLayer layer) {
        return preActivations.get(layer);
    }

    /**
     * A layer's scratch tensor: Conv2D's im2col columns, BatchNormalization's batch statistics, an
     * LSTM's workspace (what its forward keeps for backward).
     */
    Tensor scratch(CheckedLayer layer) {
        return scratch.get(layer);
    }

    /** The layer's parameter {@code <layer>.<what>}, null when it has none. */
    Parameter parameter(CheckedLayer layer, String what) {
        return parametersByName.get(layer.name() + "." + what);
    }

    /** Whether any of the layer's parameters is trained. */
    boolean trains(CheckedLayer layer) {
        return parameters.stream().anyMatch(p -> p.trainable() && p.name().startsWith(layer.name() + "."));
    }

    Parameter kernel(CheckedLayer layer) {
        return parametersByName.get(layer.name() + ".kernel");
    }

    /** Null when the layer has no bias. */
    Parameter bias(CheckedLayer layer) {
        return parametersByName.get(layer.name() + ".bias");
    }

    private void placeTensors(CheckedLayer layer) {
        if (layer.spec() instanceof InputSpec || layer.spec() instanceof DropoutSpec || layer.spec() instanceof EmbeddingSpec) {
            outputs.put(layer, allocate(layer.name(), layer.shape()));
        } else if (layer.spec() instanceof LstmSpec) {
            int steps = layer.input().shape().dims().get(0);
            int units = layer.shape().last();
            // gates (steps × 4u), cells and states (steps × u each), one step's scratch (4u): see Backend.lstm
            scratch.put(layer, allocate(layer.name() + ".workspace", Shape.of(steps * 6 * units + 4 * units)));
            outputs.put(layer, allocate(layer.name(), layer.shape()));
        } else if (layer.spec() instanceof DenseSpec dense) {
            Tensor z = allocate(layer.name() + ".z", layer.shape());
            preActivations.put(layer, z);
            outputs.put(layer, activated(layer, dense.activation().value(), z));
        } else if (layer.spec() instanceof ActivationSpec activation) {
            Tensor x = outputs.get(layer.input());
            preActivations.put(layer, x);
            outputs.put(layer, activated(layer, activation.value().value(), x));
        } else if (layer.spec() instanceof Conv2DSpec conv) {
            WindowGeometry w = ImageRules.window(layer);
            scratch.put(layer, allocate(layer.name() + ".columns", Shape.of(w.outputHeight() * w.outputWidth(),
                    w.windowHeight() * w.windowWidth() * w.inputChannels())));
            Tensor z = allocate(layer.name() + ".z", layer.shape());
            preActivations.put(layer, z);
            outputs.put(layer, activated(layer, conv.activation().value(), z));
        } else if (layer.spec() instanceof BatchNormalizationSpec) {
            // the batch's mean and 1/sqrt(var + eps) per channel: the first 2·channels values of this tensor's batch region
            scratch.put(layer, allocate(layer.name() + ".statistics", Shape.of(2 * layer.shape().last())));
            outputs.put(layer, allocate(layer.name(), layer.shape()));
        } else if (layer.spec() instanceof ImageLayerSpec) { // pooling, zero padding
            outputs.put(layer, allocate(layer.name(), layer.shape()));
        } else { // Flatten, Reshape: the same values, seen with another shape
            outputs.put(layer, alias(layer.name(), outputs.get(layer.input())));
        }
    }

    /** The output of an activation applied to {@code z}: z itself when LINEAR. */
    private Tensor activated(CheckedLayer layer, Activation.Kind kind, Tensor z) {
        return kind == Activation.Kind.LINEAR ? alias(layer.name(), z) : allocate(layer.name(), layer.shape());
    }

    private Tensor allocate(String name, Shape shape) {
        Tensor tensor = new Tensor(name, arenaSize, shape.size(), null);
        arenaSize += shape.size();
        tensors.add(tensor);
        return tensor;
    }

    private Tensor alias(String name, Tensor of) {
        Tensor owner = of.aliasOf() == null ? of : of.aliasOf();
        Tensor tensor = new Tensor(name, owner.offset(), owner.size(), owner);
        tensors.add(tensor);
        return tensor;
    }

    private void placeParameters(List<CheckedLayer> layers, boolean trainable) {
        for (CheckedLayer layer : layers) {
            if (layer.spec() instanceof DenseSpec dense) {
                int in = layer.input().shape().last();
                int units = layer.shape().last();
                place(layer.name() + ".kernel", Shape.of(in, units), dense.kernel().value(),
                        new Parameter.GlorotUniform(in, units), trainable);
                if (dense.useBias().value()) {
                    place(layer.name() + ".bias", Shape.of(units), dense.bias().value(), new Parameter.Zeros(), trainable);
                }
            } else if (layer.spec() instanceof Conv2DSpec conv && trainable) {
                WindowGeometry w = ImageRules.window(layer);
                int patch = w.windowHeight() * w.windowWidth();
                place(layer.name() + ".kernel", Shape.of(w.windowHeight(), w.windowWidth(), w.inputChannels(), w.outputChannels()),
                        List.of(), new Parameter.GlorotUniform(patch * w.inputChannels(), patch * w.outputChannels()), true);
                if (conv.useBias().value()) {
                    place(layer.name() + ".bias", Shape.of(w.outputChannels()), List.of(), new Parameter.Zeros(), true);
                }
            } else if (layer.spec() instanceof BatchNormalizationSpec && trainable) {
                place(layer.name() + ".gamma", Shape.of(layer.shape().last()), List.of(), new Parameter.Ones(), true);
                place(layer.name() + ".beta", Shape.of(layer.shape().last()), List.of(), new Parameter.Zeros(), true);
            } else {
                placeSequenceParameters(layer, trainable);
            }
        }
    }

    /** BatchNormalization's moving statistics, between the trainable and the fixed parameters. */
    private void placeState(List<CheckedLayer> layers) {
        for (CheckedLayer layer : layers) {
            if (layer.spec() instanceof BatchNormalizationSpec) {
                Shape channels = Shape.of(layer.shape().last());
                add(new Parameter(layer.name() + ".moving_mean", parameterSize, channels, new Parameter.State(new Parameter.Zeros())));
                add(new Parameter(layer.name() + ".moving_variance", parameterSize, channels, new Parameter.State(new Parameter.Ones())));
            }
        }
    }

    /** An LSTM's kernel, recurrent kernel and bias, contiguous as its kernel reads them; an Embedding's table. */
    private void placeSequenceParameters(CheckedLayer layer, boolean trainable) {
        if (layer.spec() instanceof LstmSpec) {
            int in = layer.input().shape().last();
            int units = layer.shape().last();
            place(layer.name() + ".kernel", Shape.of(in, 4 * units), List.of(),
                    new Parameter.GlorotUniform(in, 4 * units), trainable);
            place(layer.name() + ".recurrent_kernel", Shape.of(units, 4 * units), List.of(),
                    new Parameter.Orthogonal(units, 4 * units), trainable);
            place(layer.name() + ".bias", Shape.of(4 * units), List.of(), new Parameter.UnitForgetBias(units), trainable);
        } else if (layer.spec() instanceof EmbeddingSpec embedding) {
            place(layer.name() + ".embeddings", Shape.of(embedding.inputDim().value(), embedding.outputDim().value()),
                    List.of(), new Parameter.Uniform(0.05), trainable);
        }
    }

    /** Places the parameter if it belongs to the group being placed: trained when no values were written. */
    private void place(String name, Shape shape, List<Float> written, Parameter.Values initial, boolean trainable) {
        if (written.isEmpty() != trainable) {
            return;
        }
        Parameter.Values values = trainable ? initial : new Parameter.Fixed(written);
        add(new Parameter(name, parameterSize, shape, values));
    }

    private void add(Parameter parameter) {
        parameterSize += parameter.shape().size();
        parameters.add(parameter);
        parametersByName.put(parameter.name(), parameter);
    }
}
