package dev.annonet.runtime.backend;

/**
 * The dropout mask as a pure function of (seed, step, index): forward and backward recompute it
 * instead of storing it, every backend draws the same mask, and runs reproduce for a seed.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** Whether element {@code index} is kept at training step {@code step}. */
    public static boolean keep(long seed, long step, int index, double rate) {
        return uniform(seed, step, index) >= rate;
    }

    /** A uniform double in [0, 1) from a SplitMix64-style mix of the three counters. */
    static double uniform(long seed, long step, int index) {
        long z = SplitMix64.mix(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL);
        return (z >>> 11) * 0x1.0p-53;
    }
}
