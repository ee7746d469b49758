package dev.annonet.runtime.backend;

/**
 * SplitMix64's finalizer, the one bit mixer behind every derived seed and every dropout mask, so
 * the derivations are written once (and mirrored once, by the PyTorch fixture script).
 */
public final class SplitMix64 {
    private SplitMix64() {
    }

    /** Every input bit affects every output bit. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
