package dev.annonet.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GEMM operand rounding of precision.cuh, which the host executor applies to model a GPU's
 * tensor cores: round to nearest, ties to even, at exactly the values where the formats differ.
 */
class PrecisionRoundingTest {
    private static final float HALF_SUBNORMAL = 0x1p-24f;

    @BeforeAll
    static void load() {
        assertNull(CudaLibrary.load());
    }

    @Test
    void bfloat16KeepsSevenFractionBitsAndRoundsTiesToEven() {
        assertEquals(1f, CudaLibrary.roundToBfloat16(1 + 0x1p-8f), "a tie between 1 and 1 + 2^-7 goes to the even 1");
        assertEquals(1 + 0x1p-6f, CudaLibrary.roundToBfloat16(1 + 3 * 0x1p-8f), "a tie between 1 + 2^-7 and 1 + 2^-6 goes to the even 1 + 2^-6");
        assertEquals(1 + 0x1p-7f, CudaLibrary.roundToBfloat16(1 + 0x1p-8f + 0x1p-20f), "above the tie rounds up");
        assertEquals(-1 - 0x1p-7f, CudaLibrary.roundToBfloat16(-1 - 0x1p-7f), "representable values stay");
        assertEquals(0x1p-133f, CudaLibrary.roundToBfloat16(0x1p-133f), "float32's subnormal exponent range is bfloat16's");
        assertEquals(Float.POSITIVE_INFINITY, CudaLibrary.roundToBfloat16(Float.MAX_VALUE), "the largest float rounds past bfloat16's largest");
        assertEquals(Float.POSITIVE_INFINITY, CudaLibrary.roundToBfloat16(0x1.ffp127f), "a tie above bfloat16's largest (odd) goes to the even infinity");
        assertEquals(0x1.fcp127f, CudaLibrary.roundToBfloat16(0x1.fdp127f), "a tie below it goes to the even 0x1.fcp127");
        assertTrue(Float.isNaN(CudaLibrary.roundToBfloat16(Float.NaN)));
        assertTrue(Float.isNaN(CudaLibrary.roundToBfloat16(Float.intBitsToFloat(0x7f800001))), "a NaN whose payload rounds away stays NaN");
        assertEquals(Float.NEGATIVE_INFINITY, CudaLibrary.roundToBfloat16(Float.NEGATIVE_INFINITY));
    }

    @Test
    void halfKeepsTenFractionBitsOverflowsAt65520AndHasSubnormals() {
        assertEquals(1f, CudaLibrary.roundToFloat16(1 + 0x1p-11f), "a tie between 1 and 1 + 2^-10 goes to the even 1");
        assertEquals(1 + 0x1p-9f, CudaLibrary.roundToFloat16(1 + 3 * 0x1p-11f), "a tie between 1 + 2^-10 and 1 + 2^-9 goes to the even 1 + 2^-9");
        assertEquals(65504f, CudaLibrary.roundToFloat16(65519f), "below the tie: the largest half");
        assertEquals(Float.POSITIVE_INFINITY, CudaLibrary.roundToFloat16(65520f), "65520 ties between 65504 and 65536: even, beyond the largest half");
        assertEquals(Float.NEGATIVE_INFINITY, CudaLibrary.roundToFloat16(-1e6f));
        assertEquals(0x1p-14f, CudaLibrary.roundToFloat16(0x1p-14f), "the smallest normal half");
        assertEquals(HALF_SUBNORMAL, CudaLibrary.roundToFloat16(HALF_SUBNORMAL), "the smallest subnormal half");
        assertEquals(0f, CudaLibrary.roundToFloat16(0x1p-25f), "half the smallest subnormal ties to the even 0");
        assertEquals(HALF_SUBNORMAL, CudaLibrary.roundToFloat16(3 * 0x1p-26f), "three quarters of it rounds up");
        assertEquals(2 * HALF_SUBNORMAL, CudaLibrary.roundToFloat16(1.5f * HALF_SUBNORMAL), "1.5 quanta tie to the even 2");
        assertEquals(2 * HALF_SUBNORMAL, CudaLibrary.roundToFloat16(2.5f * HALF_SUBNORMAL), "2.5 quanta tie to the even 2");
        assertEquals(-0f, CudaLibrary.roundToFloat16(-1e-9f), "underflow keeps the sign");
        assertEquals(0x1p-14f - HALF_SUBNORMAL, CudaLibrary.roundToFloat16(0x1p-14f - HALF_SUBNORMAL), "the largest subnormal half");
        assertTrue(Float.isNaN(CudaLibrary.roundToFloat16(Float.NaN)));
    }

    @Test
    void everyBfloat16AndHalfValueIsAFixedPoint() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float bfloat16 = Float.intBitsToFloat(bits << 16);
            if (!Float.isNaN(bfloat16)) {
                assertEquals(bfloat16, CudaLibrary.roundToBfloat16(bfloat16), "bfloat16 0x" + Integer.toHexString(bits));
            }
            float half = halfValue(bits);
            if (!Float.isNaN(half)) {
                assertEquals(half, CudaLibrary.roundToFloat16(half), "half 0x" + Integer.toHexString(bits));
            }
        }
    }

    /** The value of the IEEE half with these 16 bits, decoded independently of the native code. */
    private static float halfValue(int bits) {
        int sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        if (exponent == 0x1f) {
            return fraction == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        return exponent == 0 ? sign * fraction * HALF_SUBNORMAL : sign * (1 + fraction / 1024f) * (float) Math.pow(2, exponent - 15);
    }
}
