package dev.annonet.processor.plan;

/**
 * The windowed layers' kernel calls (convolutions, pooling, zero padding), each mirroring a {@code Backend} method; wrapped in
 * {@link Op.Image}. An operand that may be skipped is null. {@code batch} multiplies the window's
 * sizes at run time.
 */
public sealed interface ImageOp {

    record Conv2D(WindowPlan window, Operand x, Operand kernel, Operand columns, Operand z) implements ImageOp {
    }

    record Conv2DBackward(WindowPlan window, Operand x, Operand kernel, Operand columns, Operand dz,
                          Operand dKernel, Operand dColumns, Operand dx) implements ImageOp {
    }

    record DepthwiseConv2D(WindowPlan window, Operand x, Operand kernel, Operand y) implements ImageOp {
    }

    record DepthwiseConv2DBackward(WindowPlan window, Operand x, Operand kernel, Operand dy, Operand dKernel, Operand dx)
            implements ImageOp {
    }

    record Pool(boolean max, WindowPlan window, Operand x, Operand y) implements ImageOp {
    }

    record PoolBackward(boolean max, WindowPlan window, Operand x, Operand dy, Operand dx) implements ImageOp {
    }

    record ZeroPad(WindowPlan window, Operand x, Operand y) implements ImageOp {
    }

    record ZeroPadBackward(WindowPlan window, Operand dy, Operand dx) implements ImageOp {
    }
}
