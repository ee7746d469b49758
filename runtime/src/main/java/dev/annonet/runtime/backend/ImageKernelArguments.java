package dev.annonet.runtime.backend;

import dev.annonet.contract.Window2D;


/** The convolution family's argument checks, once per call, as {@link KernelArguments} does for the others. */
public final class ImageKernelArguments {
    private ImageKernelArguments() {
    }

    public static void checkConv2d(Window2D w, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                   Memory columns, int columnsOffset, Memory z, int zOffset) {
        checkBatch("conv2d", batch);
        KernelArguments.check("conv2d", "x", x, xOffset, batch, w.inputSize());
        KernelArguments.check("conv2d", "kernel", kernel, kernelOffset, w.patchSize(), w.outputChannels());
        KernelArguments.check("conv2d", "columns", columns, columnsOffset, (long) batch * w.outputPositions() * w.patchSize());
        KernelArguments.check("conv2d", "z", z, zOffset, batch, w.outputSize());
    }

    /** Forward's operands (dz in z's place), then the gradients that are asked for. */
    public static void checkConv2dBackward(Window2D w, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                           Memory columns, int columnsOffset, Memory dz, int dzOffset,
                                           Memory dKernel, int dKernelOffset, Memory dColumns, int dColumnsOffset,
                                           Memory dx, int dxOffset) {
        checkConv2d(w, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset, dz, dzOffset);
        KernelArguments.check("conv2d backward", "dz", dz, dzOffset, batch, w.outputSize());
        if (dKernel != null) {
            KernelArguments.check("conv2d backward", "dKernel", dKernel, dKernelOffset, w.patchSize(), w.outputChannels());
        }
        if (dx != null) {
            KernelArguments.check("conv2d backward", "dColumns", dColumns, dColumnsOffset,
                    (long) batch * w.outputPositions() * w.patchSize());
            KernelArguments.check("conv2d backward", "dx", dx, dxOffset, batch, w.inputSize());
        }
    }

    /** {@code kernel} names the caller; x and y (or dy and dx) are the window's input and output. */
    public static void checkWindow(String kernel, Window2D w, int batch, Memory input, int inputOffset,
                                   Memory output, int outputOffset) {
        checkBatch(kernel, batch);
        KernelArguments.check(kernel, "input", input, inputOffset, batch, w.inputSize());
        KernelArguments.check(kernel, "output", output, outputOffset, batch, w.outputSize());
    }

    /** Pooling's backward: dx and dy as the window's input and output, and x as forward read it. */
    public static void checkPool2dBackward(Window2D w, int batch, Memory x, int xOffset, Memory dy, int dyOffset,
                                           Memory dx, int dxOffset) {
        checkWindow("pool2d backward", w, batch, dx, dxOffset, dy, dyOffset);
        KernelArguments.check("pool2d backward", "x", x, xOffset, batch, w.inputSize());
    }

    /** Every operand of {@link Backend#batchNorm}. */
    public static void checkBatchNormForward(boolean training, int rows, int cols, double momentum, double epsilon,
                                             Memory x, int xOffset, Memory gamma, int gammaOffset, Memory beta, int betaOffset,
                                             Memory movingMean, int movingMeanOffset, Memory movingVariance,
                                             int movingVarianceOffset, Memory statistics, int statisticsOffset,
                                             Memory y, int yOffset) {
        checkBatchNorm("batchNorm", rows, cols, momentum, epsilon, x, xOffset, y, yOffset,
                training ? statistics : null, statisticsOffset);
        KernelArguments.check("batchNorm", "gamma", gamma, gammaOffset, cols);
        KernelArguments.check("batchNorm", "beta", beta, betaOffset, cols);
        KernelArguments.check("batchNorm", "movingMean", movingMean, movingMeanOffset, cols);
        KernelArguments.check("batchNorm", "movingVariance", movingVariance, movingVarianceOffset, cols);
    }

    /** Every operand of {@link Backend#batchNormBackward}; dx may be null. */
    public static void checkBatchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                              Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                              Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset,
                                              Memory dx, int dxOffset) {
        checkBatchNorm("batchNorm backward", rows, cols, 0, 1, x, xOffset, dy, dyOffset, statistics, statisticsOffset);
        KernelArguments.check("batchNorm backward", "gamma", gamma, gammaOffset, cols);
        KernelArguments.check("batchNorm backward", "dGamma", dGamma, dGammaOffset, cols);
        KernelArguments.check("batchNorm backward", "dBeta", dBeta, dBetaOffset, cols);
        if (dx != null) {
            KernelArguments.check("batchNorm backward", "dx", dx, dxOffset, rows, cols);
        }
    }

    private static void checkBatchNorm(String kernel, int rows, int cols, double momentum, double epsilon,
                                      Memory x, int xOffset, Memory y, int yOffset, Memory statistics, int statisticsOffset) {
        if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException(kernel + ": momentum " + momentum + " outside [0, 1) or epsilon "
                    + epsilon + " not positive");
        }
        KernelArguments.check(kernel, "x", x, xOffset, rows, cols);
        KernelArguments.check(kernel, "y", y, yOffset, rows, cols);
        if (statistics != null) {
            KernelArguments.check(kernel, "statistics", statistics, statisticsOffset, 2L * cols);
        }
    }

    private static void checkBatch(String kernel, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException(kernel + ": negative batch " + batch);
        }
    }
}
