// A dense layer's bias + activation for the CPU backend, in one pass over its rows: z += bias, then
// y = f(z); and its backward, dz = dy ⊙ f'(z); with the CUDA kernels' own per-element math
// (element_math.cuh), on the rows in place.
#pragma once

#include "../element_math.cuh"
#include "features.h"
#include "threads.h"
#include "vector_math.h"

namespace annonet {
namespace cpu {

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

// A plain ReLU (plain_relu) as a function object, for loops that vectorize; NaN passes through, as relu does.
struct ReluFunction {
    float operator()(float x) const { return x > 0.0f || x != x ? x : 0.0f; }
};

// The rows of one chunk, for every kind (softmax normalizes each row after its bias).
inline void bias_activation_rows(int kind, float lower, float upper, float slope, int r0, int r1, int cols,
                                 float* z, const float* bias, float* y) {
    switch (kind) {
        case RELU:
            if (plain_relu(lower, upper, slope)) {
                bias_rows(r0, r1, cols, z, bias, y, ReluFunction());
            } else {
                bias_rows(r0, r1, cols, z, bias, y, [=](float x) { return relu(lower, upper, slope, x); });
            }
            break;
        case LINEAR: bias_rows(r0, r1, cols, z, bias, y, [](float x) { return x; }); break;
        case SOFTMAX:
            bias_rows(r0, r1, cols, z, bias, z, [](float x) { return x; });
            for (int r = r0; r < r1; r++) softmax_row(cols, z + (long long)r * cols, y + (long long)r * cols);
            break;
        default:
            bias_rows(r0, r1, cols, z, bias, y, [=](float x) { return activate(kind, lower, upper, slope, x); });
    }
}

#if defined(__x86_64__)
// As bias_activation_rows; sigmoid and tanh eight values at a time with vector_math.h's functions
// instead of a scalar expf or tanhf call per value.
ANNONET_AVX2 inline void bias_activation_rows_avx2(int kind, float lower, float upper, float slope, int r0,
                                                   int r1, int cols, float* z, const float* bias, float* y) {
    if (kind != SIGMOID && kind != TANH) {
        bias_activation_rows(kind, lower, upper, slope, r0, r1, cols, z, bias, y);
        return;
    }
    for (int r = r0; r < r1; r++) {
        float* z_row = z + (long long)r * cols;
        float* y_row = y + (long long)r * cols;
        int c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 value = _mm256_loadu_ps(z_row + c);
            if (bias) {
                value = _mm256_add_ps(value, _mm256_loadu_ps(bias + c));
                _mm256_storeu_ps(z_row + c, value);
            }
            _mm256_storeu_ps(y_row + c, kind == SIGMOID ? sigmoid8(value) : tanh8(value));
        }
        bias_rows(0, 1, cols - c, z_row + c, bias ? bias + c : nullptr, y_row + c,
                  [=](float x) { return activate(kind, lower, upper, slope, x); });
    }
}
#endif

// Rows [r0, r1) backward: dz = dy ⊙ f'(z) (softmax: the row's Jacobian product from y); dz may be dy.
// A plain ReLU selects instead of multiplying, so an infinite dy facing z <= 0 gives 0.
inline void activation_backward_rows(int kind, float lower, float upper, float slope, int r0, int r1, int cols,
                                     const float* z, const float* y, const float* dy, float* dz) {
    long long begin = (long long)r0 * cols, end = (long long)r1 * cols;
    switch (kind) {
        case RELU:
            if (plain_relu(lower, upper, slope)) {
                for (long long i = begin; i < end; i++) dz[i] = z[i] > 0.0f ? dy[i] : 0.0f;
            } else {
                for (long long i = begin; i < end; i++) dz[i] = dy[i] * relu_derivative(lower, upper, slope, z[i]);
            }
            break;
        case SOFTMAX:
            for (int r = r0; r < r1; r++) {
                long long row = (long long)r * cols;
                softmax_backward_row(cols, y + row, dy + row, dz + row);
            }
            break;
        default:
            for (long long i = begin; i < end; i++) {
                dz[i] = dy[i] * activation_derivative(kind, lower, upper, slope, z[i], y[i]);
            }
    }
}

#if defined(__x86_64__)
// The same loops, compiled for AVX2, so that they vectorize 8 wide (ReLU's does: vcmpltps on ymm).
ANNONET_AVX2 inline void activation_backward_rows_avx2(int kind, float lower, float upper, float slope, int r0,
                                                       int r1, int cols, const float* z, const float* y,
                                                       const float* dy, float* dz) {
    activation_backward_rows(kind, lower, upper, slope, r0, r1, cols, z, y, dy, dz);
}
#endif

// kind is an ActivationKind (Activation.Kind's ordinal); a zero bias address means no bias.
inline void bias_activation_at(int kind, float lower, float upper, float slope, int rows, int cols,
                               long long z_address, long long bias_address, long long y_address) {
    float* z = (float*)(intptr_t)z_address;
    const float* bias = (const float*)(intptr_t)bias_address;
    float* y = (float*)(intptr_t)y_address;
    in_row_chunks(rows, cols, ELEMENT_CHUNK, [&](int r0, int r1) {
#if defined(__x86_64__)
        if (has_avx2()) {
            bias_activation_rows_avx2(kind, lower, upper, slope, r0, r1, cols, z, bias, y);
            return;
        }
#endif
        bias_activation_rows(kind, lower, upper, slope, r0, r1, cols, z, bias, y);
    });
}

// dz = dy ⊙ f'(z) over rows × cols (ActivationKernels.backward); dz may be dy.
inline void activation_backward_at(int kind, float lower, float upper, float slope, int rows, int cols,
                                   long long z_address, long long y_address, long long dy_address,
                                   long long dz_address) {
    const float* z = (const float*)(intptr_t)z_address;
    const float* y = (const float*)(intptr_t)y_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    float* dz = (float*)(intptr_t)dz_address;
    in_row_chunks(rows, cols, ELEMENT_CHUNK, [&](int r0, int r1) {
#if defined(__x86_64__)
        if (has_avx2()) {
            activation_backward_rows_avx2(kind, lower, upper, slope, r0, r1, cols, z, y, dy, dz);
            return;
        }
#endif
        activation_backward_rows(kind, lower, upper, slope, r0, r1, cols, z, y, dy, dz);
    });
}

// sums[c] = Σ_r x[r][c]: a bias's gradient (Backend.columnSums), row by row on the calling thread,
// the loop over a row's columns vectorized: a convolution's rows are many and short (the CNN's
// first: 86,528 rows of 32).
inline void column_sums_at(int rows, int cols, long long x_address, long long sums_address) {
    const float* x = (const float*)(intptr_t)x_address;
    float* sums = (float*)(intptr_t)sums_address;
    for (int c = 0; c < cols; c++) sums[c] = 0.0f;
    for (int r = 0; r < rows; r++) {
        const float* row = x + (long long)r * cols;
        for (int c = 0; c < cols; c++) sums[c] += row[c];
    }
}

}  // namespace cpu
}  // namespace annonet
