package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.WeightValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A convolution lowered as im2col and one GEMM over a 2D window: Conv2D, and Conv1D as a window of
 * height 1. Kernel in Keras's layout ({@code kernelShape}: (kh, kw, cin, cout), or (k, cin, cout)),
 * Glorot-uniform; bias zeros; bias and activation added by the planner on rows = batch · positions.
 */
record Convolution(Shape shape, Window2D window, List<Weight> weights, Optional<Activated> activation)
        implements ResolvedLayer {

    static Convolution over(Window2D window, Shape shape, Shape kernelShape, boolean useBias,
                            Optional<Activated> activation) {
        int patch = window.windowHeight() * window.windowWidth();
        List<Weight> weights = new ArrayList<>();
        weights.add(new Weight("kernel", kernelShape,
                WeightValues.trained(Initializer.glorotUniform(patch * window.inputChannels(), patch * window.outputChannels()))));
        if (useBias) {
            weights.add(new Weight("bias", Shape.of(window.outputChannels()), WeightValues.trained(Initializer.zeros())));
        }
        return new Convolution(shape, window, List.copyOf(weights), activation);
    }

    @Override
    public long weightUses() {
        return window.outputPositions();
    }

    /** The im2col columns: one window's values per output position; backward makes them again from x. */
    @Override
    public Optional<Scratch> scratch() {
        return Optional.of(new Scratch("columns", window.outputPositions() * window.patchSize(), false));
    }

    @Override
    public List<Op> forward(LayerOps ops) {
        return List.of(new Op.Image(new ImageOp.Conv2D(ops.window(window), ops.x(), ops.parameter("kernel"), ops.scratch(),
                ops.z())));
    }

    /** The columns' gradients take the columns' scratch, which the kernel's gradient is done with by then. */
    @Override
    public List<Op> backward(LayerOps ops) {
        List<Op> backward = new ArrayList<>();
        backward.add(new Op.Image(new ImageOp.Conv2DBackward(ops.window(window), ops.x(), ops.parameter("kernel"),
                ops.scratch(), ops.dz(), ops.gradient("kernel"), ops.scratch(), ops.dx())));
        if (ops.gradient("bias") != null) {
            backward.add(new Op.ColumnSums(ops.rows(), window.outputChannels(), ops.dz(), ops.gradient("bias")));
        }
        return backward;
    }
}
