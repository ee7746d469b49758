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
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/**
 * {@code @LSTM(units, returnSequences)} on (time, features): Keras's LSTM, gates i, f, c̃, o; kernel
 * Glorot-uniform, recurrent kernel orthogonal, bias with the forget gate's at 1, contiguous as the
 * kernel reads them.
 */
final class LstmKind implements LayerKind {

    private record Resolved(Shape shape, int steps, int inputs, int units, boolean returnSequences) implements ResolvedLayer {

        @Override
        public List<Weight> weights() {
            int width = RecurrentCell.LSTM.gates() * units;
            return List.of(
                    new Weight("kernel", Shape.of(inputs, width), WeightValues.trained(Initializer.glorotUniform(inputs, width))),
                    new Weight("recurrent_kernel", Shape.of(units, width),
                            WeightValues.trained(Initializer.orthogonal(units, width))),
                    new Weight("bias", Shape.of(RecurrentCell.LSTM.biasCount(units)),
                            WeightValues.trained(Initializer.unitForgetBias(units))));
        }

        @Override
        public Optional<Scratch> scratch() {
            return Optional.of(new Scratch("workspace", RecurrentCell.LSTM.workspaceSize(steps, units)));
        }

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(lstm(ops));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return List.of(new Op.LstmBackward(lstm(ops), ops.dy(), ops.gradient("kernel"), ops.dScratch(), ops.dx()));
        }

        /** The weights start at the kernel: kernel, recurrent kernel and bias are contiguous. */
        private Op.Lstm lstm(LayerOps ops) {
            return new Op.Lstm(Extent.perSample(1), steps, inputs, units, returnSequences, ops.x(), ops.parameter("kernel"),
                    ops.scratch(), ops.y());
        }
    }

    @Override
    public String kerasType() {
        return "LSTM";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Activations.requirePositive(layer, layer.spec().attribute("units"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        int units = spec.<Integer>attribute("units").value();
        if (input.shape().rank() != 2) {
            layer.error(diagnostics, spec.from(), "@LSTM takes a sequence, (time, features) per sample, but its input '"
                    + input.name() + "' has shape " + input.shape() + "; give it a rank-2 shape, e.g. with @Reshape");
            return Optional.empty();
        }
        if (units <= 0) {
            return Optional.empty();
        }
        boolean returnSequences = spec.<Boolean>attribute("returnSequences").value();
        int steps = input.shape().dims().get(0);
        return Optional.of(new Resolved(returnSequences ? Shape.of(steps, units) : Shape.of(units), steps,
                input.shape().last(), units, returnSequences));
    }
}
