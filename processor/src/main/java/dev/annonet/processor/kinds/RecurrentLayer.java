package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.RecurrentCell;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.WeightValues;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/**
 * A recurrent layer of {@code cell} (LSTM, GRU) on (time, features), Keras's weights: kernel
 * (inputs, g·u) Glorot-uniform, recurrent kernel (u, g·u) orthogonal, the bias rows from {@code bias};
 * contiguous, as the runtime's recurrent op reads them, with the workspace the cell needs.
 */
record RecurrentLayer(RecurrentCell cell, Shape shape, int steps, int inputs, int units, boolean returnSequences,
                      Initializer bias) implements ResolvedLayer {

    /** The layer over {@code input}, or empty when the input is not a sequence (reported) or the units are not positive. */
    static Optional<ResolvedLayer> over(RecurrentCell cell, Initializer bias, LayerNode layer, LayerInput input,
                                        Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        int units = spec.<Integer>attribute("units").value();
        if (input.shape().rank() != 2) {
            layer.error(diagnostics, spec.from(), "@" + spec.annotationName() + " takes a sequence, (time, features) per"
                    + " sample, but its input '" + input.name() + "' has shape " + input.shape()
                    + "; give it a rank-2 shape, e.g. with @Reshape");
            return Optional.empty();
        }
        if (units <= 0) {
            return Optional.empty();
        }
        boolean returnSequences = spec.<Boolean>attribute("returnSequences").value();
        int steps = input.shape().dims().get(0);
        return Optional.of(new RecurrentLayer(cell, returnSequences ? Shape.of(steps, units) : Shape.of(units), steps,
                input.shape().last(), units, returnSequences, bias));
    }

    @Override
    public List<Weight> weights() {
        int width = cell.gates() * units;
        Shape biasShape = cell.biasRows() == 1 ? Shape.of(width) : Shape.of(cell.biasRows(), width);
        return List.of(
                new Weight("kernel", Shape.of(inputs, width), WeightValues.trained(Initializer.glorotUniform(inputs, width))),
                new Weight("recurrent_kernel", Shape.of(units, width),
                        WeightValues.trained(Initializer.orthogonal(units, width))),
                new Weight("bias", biasShape, WeightValues.trained(bias)));
    }

    @Override
    public long weightUses() {
        return steps;
    }

    @Override
    public Optional<Scratch> scratch() {
        return Optional.of(new Scratch("workspace", cell.workspaceSize(steps, units)));
    }

    @Override
    public List<Op> forward(LayerOps ops) {
        return List.of(recurrent(ops));
    }

    @Override
    public List<Op> backward(LayerOps ops) {
        return List.of(new Op.RecurrentBackward(recurrent(ops), ops.dy(), ops.gradient("kernel"), ops.dScratch(), ops.dx()));
    }

    /** The weights start at the kernel: kernel, recurrent kernel and bias are contiguous. */
    private Op.Recurrent recurrent(LayerOps ops) {
        return new Op.Recurrent(cell, Extent.perSample(1), steps, inputs, units, returnSequences, ops.x(),
                ops.parameter("kernel"), ops.scratch(), ops.y());
    }
}
