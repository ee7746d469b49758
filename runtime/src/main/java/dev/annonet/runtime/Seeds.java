package dev.annonet.runtime;

/**
 * Derives independent seeds from a model's seed with SplitMix64's finalizer, so each consumer
 * (a dropout layer, the epoch shuffle) gets its own stream and runs reproduce for a seed.
 */
final class Seeds {
    /** Stream of the per-epoch shuffle; dropout layers use their layer index (0 and up). */
    static final long SHUFFLE_STREAM = -1;

    private Seeds() {
    }

    /** A well-mixed 64-bit seed for {@code stream} of {@code seed}: every input bit affects every output bit. */
    static long mix(long seed, long stream) {
        long z = seed + (stream + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
