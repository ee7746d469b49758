package dev.annonet.runtime.backend;

/**
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011), the counter-based generator of cuRAND and of PyTorch's CUDA dropout: 128 random bits
 * that are a pure function of a 128-bit counter and a 64-bit key, so any element's bits can be
 * computed alone, in any order, on any device. element_math.cuh's {@code philox4x32_10} is the
 * native twin: this one is checked against Random123's published answers, the native kernels'
 * dropout against this one.
 */
public final class Philox4x32 {
    /** 32-bit words in a block. */
    public static final int WORDS = 4;

    private static final long MULTIPLIER_0 = 0xD2511F53L;
    private static final long MULTIPLIER_1 = 0xCD9E8D57L;
    private static final int KEY_BUMP_0 = 0x9E3779B9;
    private static final int KEY_BUMP_1 = 0xBB67AE85;
    private static final int ROUNDS = 10;
    private static final long UNSIGNED = 0xFFFFFFFFL;

    private Philox4x32() {
    }

    /**
     * Writes the block of counter {@code (c0, c1, c2, c3)} and key {@code (k0, k1)} into the first
     * four elements of {@code block} (words are unsigned 32-bit values held in ints).
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] block) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += KEY_BUMP_0;
                k1 += KEY_BUMP_1;
            }
            // Each product of two unsigned 32-bit values fits a long's 64 bits exactly.
            long product0 = MULTIPLIER_0 * (c0 & UNSIGNED);
            long product1 = MULTIPLIER_1 * (c2 & UNSIGNED);
            int next0 = (int) (product1 >>> 32) ^ c1 ^ k0;
            int next2 = (int) (product0 >>> 32) ^ c3 ^ k1;
            c1 = (int) product1;
            c3 = (int) product0;
            c0 = next0;
            c2 = next2;
        }
        block[0] = c0;
        block[1] = c1;
        block[2] = c2;
        block[3] = c3;
    }
}
