// Batch normalization for the CPU backend over the last axis of rows × cols, with batch_norm.cuh's
// per-value math (the CUDA kernels' own). The CUDA kernels give each channel a block that strides
// down its rows; on a CPU that walk misses the cache at every row, so here the rows are walked in
// order, each chunk of rows summing every channel into partial sums of its own, which are added up
// in chunk order: the chunks do not depend on the number of threads, nor then do the results.
#pragma once

#include <vector>

#include "../batch_norm.cuh"
#include "features.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// sums[t·cols + c] = Σ over rows of what add_row(r, partial) adds to partial[t·cols + c], for the
// `terms` sums of each channel; on the pool, a chunk of rows at a time.
template <typename AddRow>
inline void channel_sums(int rows, int cols, int terms, AddRow add_row, double* sums) {
    long long width = (long long)terms * cols;
    long long rows_per_chunk = cols >= ELEMENT_CHUNK ? 1 : ELEMENT_CHUNK / (cols > 0 ? cols : 1);
    int chunks = (int)((rows + rows_per_chunk - 1) / rows_per_chunk);
    // Kept: a step allocates nothing once the largest layer has been seen.
    static thread_local std::vector<double> partials;
    if ((long long)partials.size() < chunks * width) partials.resize(chunks * width);
    double* partial = partials.data();
    auto job = [&](int chunk, int) {
        double* own = partial + chunk * width;
        for (long long v = 0; v < width; v++) own[v] = 0.0;
        long long end = (chunk + 1) * rows_per_chunk < rows ? (chunk + 1) * rows_per_chunk : rows;
        for (long long r = chunk * rows_per_chunk; r < end; r++) add_row(r, own);
    };
    shared_workers().run(job, chunks);
    for (long long v = 0; v < width; v++) sums[v] = 0.0;
    for (int chunk = 0; chunk < chunks; chunk++) {
        for (long long v = 0; v < width; v++) sums[v] += partial[chunk * width + v];
    }
}

// y = x scaled and shifted per channel, rows [r0, r1); y may be x. The channels' scales and shifts
// come as two arrays, not as ScaleShift pairs, so that the loop vectorizes: at inference, one pair
// a value took about 2.6 ns a value (ResNet50's 56x56x256 normalization, 2 ms).
inline void normalize_rows(const double* scale, const double* shift, int r0, int r1, int cols, const float* x,
                           float* y) {
    for (long long r = r0; r < r1; r++) {
        for (int c = 0; c < cols; c++) y[r * cols + c] = batch_normalized(ScaleShift{scale[c], shift[c]}, x[r * cols + c]);
    }
}

#if defined(__x86_64__)
// The same, compiled for AVX2: four channels a step in double precision.
ANNONET_AVX2 inline void normalize_rows_avx2(const double* scale, const double* shift, int r0, int r1, int cols,
                                             const float* x, float* y) {
    normalize_rows(scale, shift, r0, r1, cols, x, y);
}
#endif

// Training: the batch statistics (to statistics and the moving statistics) normalize; inference:
// the moving statistics. y may be x; gamma or beta 0 is 1 or 0.
inline void batch_norm_at(bool training, int rows, int cols, double momentum, double epsilon, long long x_address,
                          long long gamma_address, long long beta_address, long long moving_mean_address,
                          long long moving_variance_address, long long statistics_address, long long y_address) {
    const float* x = (const float*)(intptr_t)x_address;
    const float* gamma = (const float*)(intptr_t)gamma_address;
    const float* beta = (const float*)(intptr_t)beta_address;
    float* moving_mean = (float*)(intptr_t)moving_mean_address;
    float* moving_variance = (float*)(intptr_t)moving_variance_address;
    float* statistics = (float*)(intptr_t)statistics_address;
    float* y = (float*)(intptr_t)y_address;
    static thread_local std::vector<double> mean;
    static thread_local std::vector<double> variance;
    static thread_local std::vector<double> scales;
    static thread_local std::vector<double> shifts;
    if ((int)mean.size() < cols) {
        mean.resize(cols);
        variance.resize(cols);
        scales.resize(cols);
        shifts.resize(cols);
    }
    double* m = mean.data();
    double* s = variance.data();
    if (training) {
        channel_sums(rows, cols, 1, [&](long long r, double* own) {
            const float* row = x + r * cols;
            for (int c = 0; c < cols; c++) own[c] += row[c];
        }, m);
        for (int c = 0; c < cols; c++) m[c] /= rows;
        channel_sums(rows, cols, 1, [&](long long r, double* own) {
            const float* row = x + r * cols;
            for (int c = 0; c < cols; c++) {
                double d = row[c] - m[c];
                own[c] += d * d;
            }
        }, s);
        for (int c = 0; c < cols; c++) {
            s[c] /= rows;
            statistics[c] = (float)m[c];
            statistics[cols + c] = inverse_deviation(s[c], epsilon);
            moving_mean[c] = moving_statistic(moving_mean[c], m[c], momentum);
            moving_variance[c] = moving_statistic(moving_variance[c], s[c], momentum);
            ScaleShift channel = batch_norm_scale_shift(gamma, beta, c, m[c], s[c], epsilon);
            scales[c] = channel.scale;
            shifts[c] = channel.shift;
        }
    } else {
        for (int c = 0; c < cols; c++) {
            ScaleShift channel = batch_norm_scale_shift(gamma, beta, c, moving_mean[c], moving_variance[c], epsilon);
            scales[c] = channel.scale;
            shifts[c] = channel.shift;
        }
    }
    const double* scale = scales.data();
    const double* shift = shifts.data();
    in_row_chunks(rows, cols, ELEMENT_CHUNK, [&](int r0, int r1) {
#if defined(__x86_64__)
        if (has_avx2()) {
            normalize_rows_avx2(scale, shift, r0, r1, cols, x, y);
            return;
        }
#endif
        normalize_rows(scale, shift, r0, r1, cols, x, y);
    });
}

// dBeta = Σ dy, dGamma = Σ dy·x̂ per channel, and dx, each unless its address is 0 (dx may be dy); gamma
// 0 is 1.
inline void batch_norm_backward_at(int rows, int cols, long long x_address, long long gamma_address,
                                   long long statistics_address, long long dy_address, long long d_gamma_address,
                                   long long d_beta_address, long long dx_address) {
    const float* x = (const float*)(intptr_t)x_address;
    const float* gamma = (const float*)(intptr_t)gamma_address;
    const float* statistics = (const float*)(intptr_t)statistics_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    float* d_gamma = (float*)(intptr_t)d_gamma_address;
    float* d_beta = (float*)(intptr_t)d_beta_address;
    float* dx = (float*)(intptr_t)dx_address;
    const float* mean = statistics;
    const float* deviation = statistics + cols;
    static thread_local std::vector<double> sums;
    if ((int)sums.size() < 2 * cols) sums.resize(2 * cols);
    double* sum = sums.data();
    channel_sums(rows, cols, 2, [&](long long r, double* own) {
        const float* x_row = x + r * cols;
        const float* dy_row = dy + r * cols;
        for (int c = 0; c < cols; c++) {
            own[c] += dy_row[c];
            own[cols + c] += dy_row[c] * batch_normalized_input(x_row[c], mean[c], deviation[c]);
        }
    }, sum);
    for (int c = 0; c < cols; c++) {
        if (d_beta) d_beta[c] = (float)sum[c];
        if (d_gamma) d_gamma[c] = (float)sum[cols + c];
    }
    if (!dx) return;
    in_row_chunks(rows, cols, ELEMENT_CHUNK, [&](int r0, int r1) {
        for (long long r = r0; r < r1; r++) {
            for (int c = 0; c < cols; c++) {
                long long i = r * cols + c;
                dx[i] = batch_norm_input_gradient(gamma, c, deviation[c], rows, dy[i],
                                                  batch_normalized_input(x[i], mean[c], deviation[c]), sum[c],
                                                  sum[cols + c]);
            }
        }
    });
}

}  // namespace cpu
}  // namespace annonet
