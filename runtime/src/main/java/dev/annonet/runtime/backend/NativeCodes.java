package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.dsl.Activation;

/**
 * The integer codes the native kernels (CPU and CUDA alike) take for a kind of activation,
 * pooling, loss, accuracy, metric counter, recurrent cell or merge: the one table between Java's enums and
 * the C++ enums of {@code element_math.cuh}, {@code window.cuh}, {@code metric_kernels.cuh},
 * {@code sequence_layout.cuh} and {@code merge.cuh}, which {@code NativeCodesTest} reads. Written out rather than an
 * {@code ordinal()}, so reordering a Java enum cannot silently run another kernel.
 */
public final class NativeCodes {
    private NativeCodes() {
    }

    /** element_math.cuh's ActivationKind. */
    public static int activation(Activation.Kind kind) {
        return switch (kind) {
            case LINEAR -> 0;
            case RELU -> 1;
            case SIGMOID -> 2;
            case TANH -> 3;
            case SOFTMAX -> 4;
            case HEAVISIDE -> 5;
            case THRESHOLDED_LINEAR -> 6;
        };
    }

    /** window.cuh's POOL_MAX and POOL_AVERAGE. */
    public static int pooling(PoolingKind kind) {
        return switch (kind) {
            case MAX -> 0;
            case AVERAGE -> 1;
        };
    }

    /** element_math.cuh's LossKind. */
    public static int loss(LossKind kind) {
        return switch (kind) {
            case CATEGORICAL_CROSSENTROPY -> 0;
            case SPARSE_CATEGORICAL_CROSSENTROPY -> 1;
            case BINARY_CROSSENTROPY -> 2;
            case MEAN_SQUARED_ERROR -> 3;
        };
    }

    /** element_math.cuh's AccuracyKind. */
    public static int accuracy(AccuracyKind kind) {
        return switch (kind) {
            case CATEGORICAL -> 0;
            case SPARSE_CATEGORICAL -> 1;
            case BINARY -> 2;
        };
    }

    /** metric_kernels.cuh's MetricCounterKind. */
    public static int metricCounter(MetricCounter.Kind kind) {
        return switch (kind) {
            case TOP_K -> 0;
            case CONFUSION -> 1;
            case THRESHOLD_BUCKETS -> 2;
        };
    }

    /** sequence_layout.cuh's RecurrentCellKind. */
    public static int recurrentCell(RecurrentCell cell) {
        return switch (cell) {
            case LSTM -> 0;
            case GRU -> 1;
        };
    }

    /** merge.cuh's MergeKindCode. */
    public static int merge(MergeKind kind) {
        return switch (kind) {
            case SUM -> 0;
            case PRODUCT -> 1;
            case MAXIMUM -> 2;
            case MINIMUM -> 3;
        };
    }
}
