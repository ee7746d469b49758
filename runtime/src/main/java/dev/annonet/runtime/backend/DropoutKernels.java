package dev.annonet.runtime.backend;

/**
 * Inverted dropout, written once over {@link Elements}: the mask is recomputed from (seed, step,
 * index) and costs more than the multiply, so a float-specialized copy would gain nothing.
 * Forward and backward are the same map ({@code out = keep ? in / (1 - rate) : 0}).
 */
public final class DropoutKernels {
    private DropoutKernels() {
    }

    public static void apply(double rate, long seed, long step, int count,
                             Elements input, int inputOffset, Elements output, int outputOffset) {
        double scale = 1 / (1 - rate);
        for (int i = 0; i < count; i++) {
            boolean keep = DropoutMask.keep(seed, step, i, rate);
            output.set(outputOffset + i, keep ? input.get(inputOffset + i) * scale : 0);
        }
    }
}
