// The operand rounding of a mixed-precision GEMM: what a tensor core does to each float32 operand
// under cuBLAS's CUBLAS_COMPUTE_32F_FAST_16BF (bfloat16) and CUBLAS_COMPUTE_32F_FAST_16F (IEEE
// half), before it multiplies and adds in float32. The host executor rounds its GEMM operands with
// these to model the GPU; results stay float32 values (a rounded value is exactly representable).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "element_math.cuh"

namespace annonet {

// cublasComputeType_t's values (cublas_api.h): the context's GEMM compute type.
constexpr int BLAS_COMPUTE_32F = 68, BLAS_COMPUTE_32F_FAST_16F = 74, BLAS_COMPUTE_32F_FAST_16BF = 75,
              BLAS_COMPUTE_32F_FAST_TF32 = 77;

ANNONET_HD uint32_t float_bits(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits;
}

ANNONET_HD float bits_float(uint32_t bits) {
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

// Whether x is neither an infinity nor NaN (all ones in the exponent), with no library call.
ANNONET_HD bool finite_float(float x) { return (float_bits(x) & 0x7F800000u) != 0x7F800000u; }

// x with its significand rounded to the nearest value with `dropped` fewer low bits, ties to even.
// A carry out of the significand raises the exponent, up to infinity: both formats overflow so.
ANNONET_HD float round_low_bits(float x, int dropped) {
    uint32_t bits = float_bits(x);
    uint32_t half = (1u << (dropped - 1)) - 1 + ((bits >> dropped) & 1u);
    return bits_float((bits + half) & ~((1u << dropped) - 1));
}

// bfloat16: float32's 8 exponent bits and 7 of its 23 fraction bits, so only the fraction rounds
// (subnormals alike). NaN stays NaN (its fraction could round to 0 and read as infinity).
ANNONET_HD float round_to_bfloat16(float x) {
    if (x != x) return x;
    return round_low_bits(x, 16);
}

// IEEE half: 5 exponent bits, 10 fraction bits. Magnitudes from 65520 (65504, the largest half,
// plus half its spacing: a tie that rounds to the even 65536) become infinities; below 2^-14 the
// halves are subnormal, multiples of 2^-24, to which x rounds (ties to even), down to ±0.
ANNONET_HD float round_to_float16(float x) {
    if (x != x) return x;
    float magnitude = fabsf(x);
    if (magnitude >= 65520.0f) return copysignf(INFINITY, x);
    if (magnitude < 6.103515625e-05f) {  // 2^-14
        constexpr float quantum = 5.9604644775390625e-08f;  // 2^-24
        return copysignf(rintf(magnitude / quantum) * quantum, x);
    }
    return round_low_bits(x, 13);
}

// The rounding a compute type applies to GEMM operands: 0 none (float32, or TF32, which the host
// executor does not model), 1 bfloat16, 2 half.
constexpr int ROUND_NONE = 0, ROUND_BFLOAT16 = 1, ROUND_FLOAT16 = 2;

inline int operand_rounding(int compute) {
    return compute == BLAS_COMPUTE_32F_FAST_16BF ? ROUND_BFLOAT16
         : compute == BLAS_COMPUTE_32F_FAST_16F ? ROUND_FLOAT16 : ROUND_NONE;
}

ANNONET_HD float round_operand(int rounding, float x) {
    return rounding == ROUND_BFLOAT16 ? round_to_bfloat16(x) : rounding == ROUND_FLOAT16 ? round_to_float16(x) : x;
}

// Whether `compute` is one the context accepts.
inline bool known_compute(int compute) {
    return compute == BLAS_COMPUTE_32F || compute == BLAS_COMPUTE_32F_FAST_16F || compute == BLAS_COMPUTE_32F_FAST_16BF
        || compute == BLAS_COMPUTE_32F_FAST_TF32;
}

}  // namespace annonet
