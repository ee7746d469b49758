package dev.annonet.runtime.backend;

/**
 * Inverted dropout, written once over {@link Elements} for the reference backend: the mask is
 * recomputed from (seed, step, index) by {@link DropoutMask}. Forward and backward are the same
 * map ({@code out = keep ? in · scale : 0}).
 */
public final class DropoutKernels {
    private DropoutKernels() {
    }

    public static void apply(double rate, long seed, long step, int count,
                             Elements input, int inputOffset, Elements output, int outputOffset) {
        double scale = DropoutMask.scale(rate);
        for (int i = 0; i < count; i++) {
            boolean keep = DropoutMask.keep(seed, step, i, rate);
            output.set(outputOffset + i, keep ? input.get(inputOffset + i) * scale : 0);
        }
    }
}
