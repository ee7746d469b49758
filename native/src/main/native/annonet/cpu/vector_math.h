// exp, sigmoid and tanh of 8 floats at once (AVX2 with FMA), for the CPU kernels' element loops:
// glibc's expf and tanhf are scalar calls, about 5 ns each, and an LSTM cell makes five of them.
// Both are the classic Cephes single-precision methods. Against double-precision exp, tanh and the
// logistic over [-87, 88] in steps of 0.0007 they erred by at most 1.2e-7, 1.1e-7 and 1.8e-7
// (relative) when written: about one float ulp.
#pragma once

#include "features.h"

#if defined(__x86_64__)

namespace annonet {
namespace cpu {

// e^x = 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln 2 / 2 (ln 2 split in two, so r is exact), e^r
// by its degree-7 Taylor-like polynomial. x is clamped to where e^x is a normal float; x is each
// min/max's second operand, which the instruction returns when either is NaN, so NaN stays NaN.
ANNONET_AVX2 inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(88.37f), _mm256_max_ps(_mm256_set1_ps(-87.33f), x));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

// 1 / (1 + e^-x), as sigmoidf.
ANNONET_AVX2 inline __m256 sigmoid8(__m256 x) {
    __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

// tanh x = sign(x) · (1 - 2 / (e^2|x| + 1)); below |x| = 0.625 that formula loses digits to
// cancellation, so there an odd polynomial, x + x³·P(x²).
ANNONET_AVX2 inline __m256 tanh8(__m256 x) {
    __m256 sign_bit = _mm256_set1_ps(-0.0f);
    __m256 magnitude = _mm256_andnot_ps(sign_bit, x);
    __m256 one = _mm256_set1_ps(1.0f);
    __m256 e = exp8(_mm256_add_ps(magnitude, magnitude));
    __m256 large = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
    large = _mm256_or_ps(large, _mm256_and_ps(x, sign_bit));
    __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    return _mm256_blendv_ps(large, small, _mm256_cmp_ps(magnitude, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

}  // namespace cpu
}  // namespace annonet

#endif
