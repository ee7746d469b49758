// Dropout for the CPU backend: element_math.cuh's mask (the CUDA kernels' own: one Philox block per
// group of eight values), groups shared out over the pool. With AVX2, eight
// Philox blocks run side by side, one per 32-bit lane: the scalar blocks made dropout 40% slower
// than the SplitMix64 hash they replaced.
#pragma once

#include <cstdint>

#include "../element_math.cuh"
#include "features.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// y = x · (kept ? scale : 0) for the values of groups g0 .. g1 - 1 below count, a block at a time; group g
// draws the mask of group first_group + g.
inline void dropout_groups(int threshold, float scale, uint64_t seed, uint64_t step, int first_group, long long count,
                           const float* x, float* y, int g0, int g1) {
    for (int g = g0; g < g1; g++) {
        PhiloxBlock block = dropout_block(seed, step, (uint64_t)(first_group + g));
        long long first = (long long)DROPOUT_GROUP * g;
        for (int lane = 0; lane < DROPOUT_GROUP && first + lane < count; lane++) {
            y[first + lane] = x[first + lane] * (dropout_lane(block, lane) >= threshold ? scale : 0.0f);
        }
    }
}

#if defined(__x86_64__)

// The high and low halves of each 32-bit lane of a times the 32-bit constant m (broadcast).
ANNONET_AVX2 inline void multiply_high_low8(__m256i a, __m256i m, __m256i& high, __m256i& low) {
    __m256i even = _mm256_mul_epu32(a, m);                         // lanes 0, 2, 4, 6 as 64-bit products
    __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);   // lanes 1, 3, 5, 7
    low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

// philox4x32_10 of eight counters (c0 differing by lane) under one key: word w of lane k is word w
// of the scalar function's block for counter (c0[k], c1, c2, c3).
ANNONET_AVX2 inline void philox8(__m256i c[4], uint32_t k0, uint32_t k1) {
    const __m256i m0 = _mm256_set1_epi32((int)0xD2511F53u), m1 = _mm256_set1_epi32((int)0xCD9E8D57u);
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        __m256i high0, low0, high1, low1;
        multiply_high_low8(c[0], m0, high0, low0);
        multiply_high_low8(c[2], m1, high1, low1);
        __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(high1, c[1]), _mm256_set1_epi32((int)k0));
        __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(high0, c[3]), _mm256_set1_epi32((int)k1));
        c[1] = low1;
        c[3] = low0;
        c[0] = n0;
        c[2] = n2;
    }
}

// Rows r[0..7] become columns: r[k][l] takes the old r[l][k].
ANNONET_AVX2 inline void transpose8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        s[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        s[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        s[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        s[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
    }
}

// dropout_groups over eight groups at a time while whole, then the scalar rest. Groups are ints, so
// the counter's second word is 0 as in dropout_block.
ANNONET_AVX2 inline void dropout_groups_avx2(int threshold, float scale, uint64_t seed, uint64_t step, int first_group,
                                             long long count, const float* x, float* y, int g0, int g1) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i low16 = _mm256_set1_epi32(0xFFFF), last_dropped = _mm256_set1_epi32(threshold - 1);
    const __m256 kept = _mm256_set1_ps(scale);
    int g = g0;
    for (; g + 8 <= g1 && (long long)DROPOUT_GROUP * (g + 8) <= count; g += 8) {
        __m256i c[4] = {_mm256_add_epi32(_mm256_set1_epi32(first_group + g), lanes), _mm256_setzero_si256(),
                        _mm256_set1_epi32((int)(uint32_t)step), _mm256_set1_epi32((int)(uint32_t)(step >> 32))};
        philox8(c, (uint32_t)seed, (uint32_t)(seed >> 32));
        __m256 factor[8];  // factor[l][k]: lane l of group g + k (dropout_lane's order: low half first)
        for (int w = 0; w < 4; w++) {
            __m256i halves[2] = {_mm256_and_si256(c[w], low16), _mm256_srli_epi32(c[w], 16)};
            for (int h = 0; h < 2; h++) {
                __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(halves[h], last_dropped));
                factor[2 * w + h] = _mm256_and_ps(keep, kept);
            }
        }
        transpose8(factor);  // factor[k]: the eight lanes of group g + k
        for (int k = 0; k < 8; k++) {
            long long first = (long long)DROPOUT_GROUP * (g + k);
            _mm256_storeu_ps(y + first, _mm256_mul_ps(_mm256_loadu_ps(x + first), factor[k]));
        }
    }
    dropout_groups(threshold, scale, seed, step, first_group, count, x, y, g, g1);
}

#endif

// y = x · (kept ? scale : 0) for count values with the mask of (seed, step) from group first_group on (a
// data-parallel rank's slice of a global batch; 0 otherwise); y may be x. The same call with dy and dx is
// the backward pass.
inline void dropout_at(int threshold, float scale, long long seed, long long step, int first_group, long long count,
                       long long x_address, long long y_address) {
    const float* x = (const float*)(intptr_t)x_address;
    float* y = (float*)(intptr_t)y_address;
    int groups = (int)((count + DROPOUT_GROUP - 1) / DROPOUT_GROUP);
    in_row_chunks(groups, DROPOUT_GROUP, ELEMENT_CHUNK, [&](int g0, int g1) {
#if defined(__x86_64__)
        if (has_avx2()) {
            return dropout_groups_avx2(threshold, scale, (uint64_t)seed, (uint64_t)step, first_group, count, x, y, g0, g1);
        }
#endif
        dropout_groups(threshold, scale, (uint64_t)seed, (uint64_t)step, first_group, count, x, y, g0, g1);
    });
}

}  // namespace cpu
}  // namespace annonet
