package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.read.ActivationSpec;
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
 * them; fixed (declared) ones after; each group in declaration order, kernel before bias.
 */
final class MemoryLayout {
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<CheckedLayer, Tensor> outputs = new HashMap<>();
    private final Map<CheckedLayer, Tensor> preActivations = new HashMap<>();
    private final Map<CheckedLayer, Tensor> workspaces = new HashMap<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final Map<String, Parameter> parametersByName = new HashMap<>();
    private int arenaSize;
    private int parameterSize;

    MemoryLayout(List<CheckedLayer> topologicalOrder, List<CheckedLayer> declarationOrder) {
        topologicalOrder.forEach(this::placeTensors);
        placeParameters(declarationOrder, true);
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

    Parameter kernel(CheckedLayer layer) {
        return parametersByName.get(layer.name() + ".kernel");
    }

    /** An LSTM's workspace: what its forward keeps for backward. */
    Tensor workspace(CheckedLayer layer) {
        return workspaces.get(layer);
    }

    /** The layer's parameter {@code <layer>.<what>}, or null. */
    Parameter parameter(CheckedLayer layer, String what) {
        return parametersByName.get(layer.name() + "." + what);
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
            workspaces.put(layer, allocate(layer.name() + ".workspace", Shape.of(steps * 6 * units + 4 * units)));
            outputs.put(layer, allocate(layer.name(), layer.shape()));
        } else if (layer.spec() instanceof DenseSpec dense) {
            Tensor z = allocate(layer.name() + ".z", layer.shape());
            preActivations.put(layer, z);
            outputs.put(layer, activated(layer, dense.activation().value(), z));
        } else if (layer.spec() instanceof ActivationSpec activation) {
            Tensor x = outputs.get(layer.input());
            preActivations.put(layer, x);
            outputs.put(layer, activated(layer, activation.value().value(), x));
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
            }
            placeSequenceParameters(layer, trainable);
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
        Parameter parameter = new Parameter(name, parameterSize, shape, values);
        parameterSize += shape.size();
        parameters.add(parameter);
        parametersByName.put(name, parameter);
    }
}
