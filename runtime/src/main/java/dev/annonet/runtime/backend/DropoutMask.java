package dev.annonet.runtime.backend;

/**
 * The dropout mask as a pure function of (seed, step, index): forward and backward recompute it
 * instead of storing it, every backend draws the same mask, and runs reproduce for a seed.
 *
 * <p>One {@link Philox4x32} block, keyed by the seed with the counter (index / 8, step), gives
 * eight 16-bit uniforms, one per element of a group of eight, so the mask costs an eighth of a
 * block per element. An element is kept when its uniform is at least {@link #threshold(double)}:
 * the drop probability is {@code threshold / 65536}, within 2^-17 of the declared rate, and kept
 * values are scaled by {@link #scale(double)}, the inverse of the exact keep probability, so the
 * layer's expected output equals its input.
 */
public final class DropoutMask {
    /** Elements that share one block. */
    public static final int GROUP = 8;

    private DropoutMask() {
    }

    /**
     * Whether element {@code index} is kept at training step {@code step}: the mask's definition.
     * The kernels draw a block per group instead ({@link #block}, {@link #lane}), allocating nothing.
     */
    public static boolean keep(long seed, long step, int index, double rate) {
        int[] block = new int[Philox4x32.WORDS];
        block(seed, step, index / GROUP, block);
        return lane(block, index % GROUP) >= threshold(rate);
    }

    /** Writes the block of elements {@code 8·group .. 8·group + 7} at (seed, step) into {@code block}. */
    public static void block(long seed, long step, long group, int[] block) {
        Philox4x32.block((int) group, (int) (group >>> 32), (int) step, (int) (step >>> 32),
                (int) seed, (int) (seed >>> 32), block);
    }

    /** The 16-bit uniform of lane {@code lane} (0 to 7) of a block. */
    public static int lane(int[] block, int lane) {
        return (block[lane >> 1] >>> (16 * (lane & 1))) & 0xFFFF;
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
