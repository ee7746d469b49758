// The merge layers for the CPU backend, with merge.cuh's per-value math (the CUDA kernels' own),
// in chunks of rows on the pool that annonet's kernels share.
#pragma once

#include <cstdint>
#include <cstring>

#include "../merge.cuh"
#include "activations.h"
#include "features.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// The values [0, count) in chunks of ELEMENT_CHUNK, each chunk as body(begin, end).
template <typename Body>
inline void in_value_chunks(long long count, Body body) {
    int chunks = (int)((count + ELEMENT_CHUNK - 1) / ELEMENT_CHUNK);
    in_row_chunks(chunks, ELEMENT_CHUNK, ELEMENT_CHUNK, [&](int c0, int c1) {
        long long end = (long long)c1 * ELEMENT_CHUNK < count ? (long long)c1 * ELEMENT_CHUNK : count;
        body((long long)c0 * ELEMENT_CHUNK, end);
    });
}

// Values [begin, end) of a sum's input: merge_value's math, with the branches on the kind, the
// input and the activation taken once for the range, so that the loop vectorizes (a call of
// merge_value per value did not: ResNet50's additions took a third of its convolutions' time).
template <typename F>
inline void merge_sum_values(bool first, float scale, const float* x, float* y, float* activated, long long begin,
                             long long end, F f) {
    for (long long i = begin; i < end; i++) {
        float value = first ? scale * x[i] : y[i] + scale * x[i];
        y[i] = value;
        if (activated) activated[i] = f(value);
    }
}

inline void merge_values(int kind, int input, float scale, const float* x, float* y, float* chosen, int activation,
                         float lower, float upper, float slope, float* activated, long long begin, long long end) {
    if (kind == MERGE_SUM && activation == RELU && plain_relu(lower, upper, slope)) {
        merge_sum_values(input == 0, scale, x, y, activated, begin, end, ReluFunction());
    } else if (kind == MERGE_SUM) {
        merge_sum_values(input == 0, scale, x, y, activated, begin, end,
                         [=](float v) { return activate(activation, lower, upper, slope, v); });
    } else {
        for (long long i = begin; i < end; i++) {
            merge_value(kind, input, scale, x[i], y + i, chosen ? chosen + i : nullptr, activation, lower, upper,
                        slope, activated ? activated + i : nullptr);
        }
    }
}

#if defined(__x86_64__)
// The same, compiled for AVX2: eight values a step.
ANNONET_AVX2 inline void merge_values_avx2(int kind, int input, float scale, const float* x, float* y, float* chosen,
                                           int activation, float lower, float upper, float slope, float* activated,
                                           long long begin, long long end) {
    merge_values(kind, input, scale, x, y, chosen, activation, lower, upper, slope, activated, begin, end);
}
#endif

inline void merge_at(int kind, int input, float scale, long long count, long long x_address, long long y_address,
                     long long chosen_address, int activation, float lower, float upper, float slope,
                     long long activated_address) {
    const float* x = (const float*)(intptr_t)x_address;
    float* y = (float*)(intptr_t)y_address;
    float* chosen = (float*)(intptr_t)chosen_address;
    float* activated = (float*)(intptr_t)activated_address;
    in_value_chunks(count, [&](long long begin, long long end) {
#if defined(__x86_64__)
        if (has_avx2()) {
            merge_values_avx2(kind, input, scale, x, y, chosen, activation, lower, upper, slope, activated, begin, end);
            return;
        }
#endif
        merge_values(kind, input, scale, x, y, chosen, activation, lower, upper, slope, activated, begin, end);
    });
}

inline void merge_chosen_backward_at(int input, long long count, long long chosen_address, long long dy_address,
                                     long long dx_address) {
    const float* chosen = (const float*)(intptr_t)chosen_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    float* dx = (float*)(intptr_t)dx_address;
    in_value_chunks(count, [&](long long begin, long long end) {
        for (long long i = begin; i < end; i++) dx[i] = merge_chosen_gradient(input, chosen[i], dy[i]);
    });
}

// A row's columns are contiguous on both sides: one memcpy a row.
inline void copy_columns_at(int rows, int cols, long long x_address, int x_width, int x_column, long long y_address,
                            int y_width, int y_column) {
    const float* x = (const float*)(intptr_t)x_address;
    float* y = (float*)(intptr_t)y_address;
    ColumnCopy copy{cols, x_width, x_column, y_width, y_column};
    in_row_chunks(rows, cols, ELEMENT_CHUNK, [&](int r0, int r1) {
        for (long long r = r0; r < r1; r++) {
            std::memcpy(y + copy.y_index(r * cols), x + copy.x_index(r * cols), sizeof(float) * cols);
        }
    });
}

}  // namespace cpu
}  // namespace annonet
