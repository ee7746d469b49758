package dev.annonet.runtime.backend;

/**
 * Inverted dropout, written once over {@link Elements} for the reference backend: the mask is
 * recomputed from (seed, step, index) by {@link DropoutMask}. Forward and backward are the same
 * map ({@code out = keep ? in · scale : 0}).
 */
public final class DropoutKernels {
    private DropoutKernels() {
    }

    /** {@code block} holds a mask block's words between calls ({@link Philox4x32#WORDS} of them). */
    public static void apply(double rate, long seed, long step, int count,
                             Elements input, int inputOffset, Elements output, int outputOffset, int[] block) {
        double scale = DropoutMask.scale(rate);
        int threshold = DropoutMask.threshold(rate);
        for (int i = 0; i < count; i++) {
            if (i % DropoutMask.GROUP == 0) {
                DropoutMask.block(seed, step, i / DropoutMask.GROUP, block);
            }
            boolean keep = DropoutMask.lane(block, i % DropoutMask.GROUP) >= threshold;
            output.set(outputOffset + i, keep ? input.get(inputOffset + i) * scale : 0);
        }
    }
}
