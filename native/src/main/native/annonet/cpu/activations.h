// A dense layer's bias + activation for the CPU backend, in one pass over its rows: z += bias, then
// y = f(z), with the CUDA kernels' own per-element math (element_math.cuh). The Java loop it
// replaces took 68 µs for the MNIST MLP's 128 × 512 hidden layer, copying each row through heap
// tiles; a batch prediction there is about 600 µs in all.
#pragma once

#include "../element_math.cuh"
#include "features.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// Values per chunk of rows handed to a thread: smaller layers stay on the calling thread, where a
// hand-over would cost about as much as it saves.
constexpr long long ACTIVATION_CHUNK = 32768;

// Rows [r0, r1): z += bias (unless bias is null), y = f(z); y may be z. f is a function object,
// so that RELU's and LINEAR's loops vectorize instead of switching on the kind per value.
template <typename F>
inline void bias_rows(int r0, int r1, int cols, float* z, const float* bias, float* y, F f) {
    for (int r = r0; r < r1; r++) {
        float* z_row = z + (long long)r * cols;
        float* y_row = y + (long long)r * cols;
        for (int c = 0; c < cols; c++) {
            float value = bias ? z_row[c] + bias[c] : z_row[c];
            z_row[c] = value;
            y_row[c] = f(value);
        }
    }
}

// The rows of one chunk, for every kind (softmax normalizes each row after its bias).
inline void bias_activation_rows(int kind, float lower, float upper, int r0, int r1, int cols, float* z,
                                 const float* bias, float* y) {
    switch (kind) {
        case RELU: bias_rows(r0, r1, cols, z, bias, y, [](float x) { return x > 0.0f ? x : 0.0f; }); break;
        case LINEAR: bias_rows(r0, r1, cols, z, bias, y, [](float x) { return x; }); break;
        case SOFTMAX:
            bias_rows(r0, r1, cols, z, bias, z, [](float x) { return x; });
            for (int r = r0; r < r1; r++) softmax_row(cols, z + (long long)r * cols, y + (long long)r * cols);
            break;
        default:
            bias_rows(r0, r1, cols, z, bias, y, [=](float x) { return activate(kind, lower, upper, x); });
    }
}

#if defined(__x86_64__)
ANNONET_AVX2 inline void bias_activation_rows_avx2(int kind, float lower, float upper, int r0, int r1, int cols,
                                                   float* z, const float* bias, float* y) {
    bias_activation_rows(kind, lower, upper, r0, r1, cols, z, bias, y);
}
#endif

// kind is an ActivationKind (Activation.Kind's ordinal); a zero bias address means no bias.
inline void bias_activation_at(int kind, float lower, float upper, int rows, int cols, long long z_address,
                               long long bias_address, long long y_address) {
    float* z = (float*)(intptr_t)z_address;
    const float* bias = (const float*)(intptr_t)bias_address;
    float* y = (float*)(intptr_t)y_address;
    int rows_per_chunk = cols >= ACTIVATION_CHUNK ? 1 : (int)(ACTIVATION_CHUNK / (cols > 0 ? cols : 1));
    int chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
    auto job = [&](int chunk, int) {
        int r0 = chunk * rows_per_chunk;
        int r1 = r0 + rows_per_chunk < rows ? r0 + rows_per_chunk : rows;
#if defined(__x86_64__)
        if (has_avx2()) {
            bias_activation_rows_avx2(kind, lower, upper, r0, r1, cols, z, bias, y);
            return;
        }
#endif
        bias_activation_rows(kind, lower, upper, r0, r1, cols, z, bias, y);
    };
    if (chunks <= 1) {
        if (chunks == 1) job(0, 0);
    } else {
        shared_workers().run(job, chunks);
    }
}

}  // namespace cpu
}  // namespace annonet
