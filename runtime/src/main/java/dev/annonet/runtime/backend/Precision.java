package dev.annonet.runtime.backend;

/**
 * A GPU's precision policy, as Keras's {@code mixed_precision} policies: which numbers the GEMMs
 * (Dense layers, convolutions, recurrent layers' matrix products) multiply. Weights, activations,
 * gradients and optimizer state stay float32 in memory in every policy (float32 master weights),
 * and sums stay float32; only the GEMMs' operands are rounded, on the tensor cores.
 */
public enum Precision {
    /** Float32 GEMMs (or TF32 where the device opts into it). The default. */
    FLOAT32,
    /** GEMM operands rounded to bfloat16: float32's exponent range, so no loss scaling is needed. */
    MIXED_BFLOAT16,
    /**
     * GEMM operands rounded to IEEE half, with dynamic loss scaling: the loss gradient is scaled up
     * so small gradients do not vanish in half precision, and a step whose gradients overflow is
     * skipped and the scale halved.
     */
    MIXED_FLOAT16;

    /** Keras's name: "float32", "mixed_bfloat16", "mixed_float16". */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
