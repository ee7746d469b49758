// Pooling for the CPU backend: a sample per chunk on the thread pool, each window's positions
// walked with the channels innermost (contiguous in NHWC), the geometry window.cuh's (the CUDA
// kernels' own). The CUDA kernels' one-value-a-thread form, run on a CPU, spends its time in index
// divisions, so the CPU walks whole windows instead, on the samples in place.
// Semantics are ImageKernels': windows skip padding, average divides by the positions inside the
// input, and the max gradient goes to the first position holding the maximum.
//
// DepthwiseConv2D with depthwise.cuh's per-value math: forward and dx a sample per chunk, the
// kernel's gradient summed over rows of output positions in chunks of a fixed size (channel_sums).
//
// Also a convolution's lowering to one GEMM (im2col: each output position's window as a row of
// (kh, kw, cin) values) and its way back (col2im: those rows summed onto the input's gradient),
// a sample per chunk.
#pragma once

#include <cstring>
#include <vector>

#include "../depthwise.cuh"
#include "../window.cuh"
#include "batch_norm.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// Sample b's output of a pooling (x and y at the batch's start).
inline void pool_sample(const Window& w, int kind, const float* x, float* y, int b) {
    int channels = w.in_c;
    for (int oy = 0; oy < w.out_h; oy++) {
        for (int ox = 0; ox < w.out_w; ox++) {
            float* out = y + (((long long)b * w.out_h + oy) * w.out_w + ox) * channels;
            for (int c = 0; c < channels; c++) out[c] = kind == POOL_MAX ? -INFINITY : 0.0f;
            int count = 0;
            for (int i = 0; i < w.win_h; i++) {
                for (int j = 0; j < w.win_w; j++) {
                    long long in = w.input_index(b, oy, ox, i, j);
                    if (in < 0) continue;
                    count++;
                    const float* values = x + in;
                    if (kind == POOL_MAX) {
                        for (int c = 0; c < channels; c++) out[c] = values[c] > out[c] ? values[c] : out[c];
                    } else {
                        for (int c = 0; c < channels; c++) out[c] += values[c];
                    }
                }
            }
            if (kind == POOL_AVERAGE) {
                float inverse = 1.0f / count;
                for (int c = 0; c < channels; c++) out[c] *= inverse;
            }
        }
    }
}

// Sample b's dx: each window's gradient to its first maximum (max) or spread over its positions
// inside the input (average); best and pending are scratch of a value per channel. The max path
// finds each channel's maximum, then hands the gradient to the first position equal to it with
// selects that vectorize (with native/pom.xml's -fno-trapping-math), not a branch per value, whose
// outcome depends on the data and so cannot be vectorized or predicted.
inline void pool_sample_backward(const Window& w, int kind, const float* x, const float* dy, float* dx, int b,
                                 float* best, float* pending) {
    int channels = w.in_c;
    long long sample = (long long)w.in_h * w.in_w * channels;
    float* gradient = dx + b * sample;
    for (long long v = 0; v < sample; v++) gradient[v] = 0.0f;
    for (int oy = 0; oy < w.out_h; oy++) {
        for (int ox = 0; ox < w.out_w; ox++) {
            const float* g = dy + (((long long)b * w.out_h + oy) * w.out_w + ox) * channels;
            int count = 0;
            for (int i = 0; i < w.win_h; i++) {
                for (int j = 0; j < w.win_w; j++) {
                    long long in = w.input_index(b, oy, ox, i, j);
                    if (in < 0) continue;
                    if (kind == POOL_MAX) {
                        const float* values = x + in;
                        if (count == 0) {
                            for (int c = 0; c < channels; c++) best[c] = values[c];
                        } else {
                            for (int c = 0; c < channels; c++) best[c] = values[c] > best[c] ? values[c] : best[c];
                        }
                    }
                    count++;
                }
            }
            if (kind == POOL_MAX) {
                for (int c = 0; c < channels; c++) pending[c] = g[c];
            }
            float share = 1.0f / count;
            for (int i = 0; i < w.win_h; i++) {
                for (int j = 0; j < w.win_w; j++) {
                    long long in = w.input_index(b, oy, ox, i, j);
                    if (in < 0) continue;
                    if (kind == POOL_MAX) {
                        for (int c = 0; c < channels; c++) {
                            bool first_maximum = x[in + c] == best[c];
                            dx[in + c] += first_maximum ? pending[c] : 0.0f;
                            pending[c] = first_maximum ? 0.0f : pending[c];
                        }
                    } else {
                        for (int c = 0; c < channels; c++) dx[in + c] += g[c] * share;
                    }
                }
            }
        }
    }
}

// sample(w, b) for every sample b of the batch, shared out over the pool; the window as window_at reads it.
template <typename Sample>
inline void each_sample(long long window_address, int batch, Sample sample) {
    Window w = window_at(window_address);
    auto job = [&](int b, int) { sample(w, b); };
    shared_workers().run(job, batch);
}

// kind: POOL_MAX or POOL_AVERAGE (NativeCodes.pooling); the window as window_at reads it.
inline void pool2d_at(int kind, long long window_address, int batch, long long x_address, long long y_address) {
    const float* x = (const float*)(intptr_t)x_address;
    float* y = (float*)(intptr_t)y_address;
    each_sample(window_address, batch, [&](const Window& w, int b) { pool_sample(w, kind, x, y, b); });
}

inline void pool2d_backward_at(int kind, long long window_address, int batch, long long x_address, long long dy_address,
                               long long dx_address) {
    const float* x = (const float*)(intptr_t)x_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    float* dx = (float*)(intptr_t)dx_address;
    // Scratch per participant, kept: a step allocates nothing once the largest window has been seen.
    static thread_local std::vector<float> best;
    static thread_local std::vector<float> pending;
    each_sample(window_address, batch, [&](const Window& w, int b) {
        if ((int)best.size() < w.in_c) {
            best.resize(w.in_c);
            pending.resize(w.in_c);
        }
        pool_sample_backward(w, kind, x, dy, dx, b, best.data(), pending.data());
    });
}

// y from x and the depthwise kernel; the window as window_at reads it.
inline void depthwise_conv2d_at(long long window_address, int batch, long long x_address, long long kernel_address,
                                long long y_address) {
    const float* x = (const float*)(intptr_t)x_address;
    const float* kernel = (const float*)(intptr_t)kernel_address;
    float* y = (float*)(intptr_t)y_address;
    each_sample(window_address, batch, [&](const Window& w, int b) {
        int multiplier = w.out_c / w.in_c;
        float* out = y + (long long)b * w.positions() * w.out_c;
        for (int oy = 0; oy < w.out_h; oy++) {
            for (int ox = 0; ox < w.out_w; ox++, out += w.out_c) {
                for (int co = 0; co < w.out_c; co++) out[co] = depthwise_value(w, x, kernel, b, oy, ox, co, multiplier);
            }
        }
    });
}

// dKernel (address 0: skipped) and dx (address 0: skipped), both overwritten.
inline void depthwise_conv2d_backward_at(long long window_address, int batch, long long x_address, long long kernel_address,
                                         long long dy_address, long long d_kernel_address, long long dx_address) {
    const float* x = (const float*)(intptr_t)x_address;
    const float* kernel = (const float*)(intptr_t)kernel_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    if (d_kernel_address) {
        Window w = window_at(window_address);
        int multiplier = w.out_c / w.in_c;
        int places = w.win_h * w.win_w;
        // Kept: a step allocates nothing once the largest kernel has been seen.
        static thread_local std::vector<double> sums;
        if ((long long)sums.size() < (long long)places * w.out_c) sums.resize((long long)places * w.out_c);
        channel_sums(batch * w.out_h, places * w.out_c, 1, [&](long long row, double* own) {
            long long b = row / w.out_h;
            int oy = (int)(row % w.out_h);
            for (int ox = 0; ox < w.out_w; ox++) {
                for (int place = 0; place < places; place++) {
                    double* term = own + (long long)place * w.out_c;
                    for (int co = 0; co < w.out_c; co++) {
                        term[co] += depthwise_kernel_term(w, x, dy, b, oy, ox, place / w.win_w, place % w.win_w, co,
                                                          multiplier);
                    }
                }
            }
        }, sums.data());
        float* d_kernel = (float*)(intptr_t)d_kernel_address;
        for (long long v = 0; v < (long long)places * w.out_c; v++) d_kernel[v] = (float)sums[v];
    }
    if (!dx_address) return;
    float* dx = (float*)(intptr_t)dx_address;
    each_sample(window_address, batch, [&](const Window& w, int b) {
        int multiplier = w.out_c / w.in_c;
        long long sample = (long long)w.in_h * w.in_w * w.in_c;
        for (long long v = b * sample; v < (b + 1) * sample; v++) {
            dx[v] = depthwise_input_gradient(w, kernel, dy, w.input_pixel(v), multiplier);
        }
    });
}

// Sample b's rows of columns (its positions' windows; zeros in the padding).
inline void im2col_sample(const Window& w, const float* x, float* columns, int b) {
    int channels = w.in_c;
    float* row = columns + (long long)b * w.positions() * w.patch();
    for (int oy = 0; oy < w.out_h; oy++) {
        for (int ox = 0; ox < w.out_w; ox++, row += w.patch()) {
            for (int i = 0; i < w.win_h; i++) {
                float* target = row + (long long)i * w.win_w * channels;
                long long first = w.input_index(b, oy, ox, i, 0);
                long long last = w.input_index(b, oy, ox, i, w.win_w - 1);
                if (w.dil_w == 1 && first >= 0 && last >= 0) {  // the window row lies inside the input, adjacent
                    std::memcpy(target, x + first, sizeof(float) * w.win_w * channels);
                    continue;
                }
                for (int j = 0; j < w.win_w; j++) {
                    long long in = w.input_index(b, oy, ox, i, j);
                    if (in < 0) {
                        std::memset(target + j * channels, 0, sizeof(float) * channels);
                    } else {
                        std::memcpy(target + j * channels, x + in, sizeof(float) * channels);
                    }
                }
            }
        }
    }
}

// Sample b's dx (overwritten): every value of its rows of columns added onto the input it came from.
inline void col2im_sample(const Window& w, const float* columns, float* dx, int b) {
    int channels = w.in_c;
    long long sample = (long long)w.in_h * w.in_w * channels;
    float* gradient = dx + b * sample;
    for (long long v = 0; v < sample; v++) gradient[v] = 0.0f;
    const float* row = columns + (long long)b * w.positions() * w.patch();
    for (int oy = 0; oy < w.out_h; oy++) {
        for (int ox = 0; ox < w.out_w; ox++, row += w.patch()) {
            for (int i = 0; i < w.win_h; i++) {
                for (int j = 0; j < w.win_w; j++) {
                    long long in = w.input_index(b, oy, ox, i, j);
                    if (in < 0) continue;
                    const float* values = row + ((long long)i * w.win_w + j) * channels;
                    for (int c = 0; c < channels; c++) dx[in + c] += values[c];
                }
            }
        }
    }
}

// columns (batch × positions rows of patch values) from x; the window as window_at reads it.
inline void im2col_at(long long window_address, int batch, long long x_address, long long columns_address) {
    const float* x = (const float*)(intptr_t)x_address;
    float* columns = (float*)(intptr_t)columns_address;
    each_sample(window_address, batch, [&](const Window& w, int b) { im2col_sample(w, x, columns, b); });
}

inline void col2im_at(long long window_address, int batch, long long columns_address, long long dx_address) {
    const float* columns = (const float*)(intptr_t)columns_address;
    float* dx = (float*)(intptr_t)dx_address;
    each_sample(window_address, batch, [&](const Window& w, int b) { col2im_sample(w, columns, dx, b); });
}

}  // namespace cpu
}  // namespace annonet
