package dev.annonet.runtime.backend;

/**
 * The dropout mask as a pure function of (seed, step, index): forward and backward recompute it
 * instead of storing it, every backend draws the same mask, and runs reproduce for a seed.
 *
 * <p>One 64-bit hash of (seed, step, index / 4) gives four 16-bit uniforms, one per element of a
 * group of four, so the mask costs a quarter of a hash per element. An element is kept when its
 * uniform is at least {@link #threshold(double)}: the drop probability is {@code threshold / 65536},
 * within 2^-17 of the declared rate, and kept values are scaled by {@link #scale(double)}, the
 * inverse of the exact keep probability, so the layer's expected output equals its input.
 */
public final class DropoutMask {
    /** Elements that share one hash. */
    public static final int GROUP = 4;

    private static final long SEED_WEIGHT = 0x9E3779B97F4A7C15L;
    private static final long STEP_WEIGHT = 0xBF58476D1CE4E5B9L;
    private static final long GROUP_WEIGHT = 0x94D049BB133111EBL;

    private DropoutMask() {
    }

    /** Whether element {@code index} is kept at training step {@code step}. */
    public static boolean keep(long seed, long step, int index, double rate) {
        long hash = groupHash(base(seed, step), index / GROUP);
        return lane(hash, index % GROUP) >= threshold(rate);
    }

    /** The part of every hash of one (seed, step), computed once per kernel call. */
    public static long base(long seed, long step) {
        return seed * SEED_WEIGHT + step * STEP_WEIGHT;
    }

    /** The hash whose four 16-bit lanes are the uniforms of elements {@code 4·group .. 4·group + 3}. */
    public static long groupHash(long base, int group) {
        return SplitMix64.mix(base + group * GROUP_WEIGHT);
    }

    /** The 16-bit uniform of lane {@code lane} (0 to 3) of a group hash. */
    public static int lane(long hash, int lane) {
        return (int) (hash >>> (16 * lane)) & 0xFFFF;
    }

    /** Uniforms below this are dropped: {@code round(rate · 65536)}. */
    public static int threshold(double rate) {
        return (int) Math.round(rate * 65536);
    }

    /** The factor kept values are multiplied by: 1 / P(keep). */
    public static double scale(double rate) {
        return 65536.0 / (65536 - threshold(rate));
    }
}
