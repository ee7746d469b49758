package dev.annonet.runtime;

import dev.annonet.runtime.backend.SplitMix64;

/**
 * Derives independent seeds from a model's seed with the SplitMix64 finalizer, so each consumer
 * (a dropout layer, the epoch shuffle) gets its own stream and runs reproduce for a seed.
 */
final class Seeds {
    /** Stream of the per-epoch shuffle; dropout layers use their layer index (0 and up). */
    static final long SHUFFLE_STREAM = -1;

    private Seeds() {
    }

    /** A well-mixed 64-bit seed for {@code stream} of {@code seed}. */
    static long mix(long seed, long stream) {
        return SplitMix64.mix(seed + (stream + 1) * 0x9E3779B97F4A7C15L);
    }
}
