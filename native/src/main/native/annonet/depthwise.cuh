// Keras's DepthwiseConv2D per value, written once as __host__ __device__ functions for the CUDA
// kernels (image_kernels.cuh) and the CPU backend (cpu/images.h), which walk the values each in
// their own order. The Java reference is ImageKernels.depthwiseConv2d. Output channel co = c·m + k
// reads input channel c = co / m alone (m, the depth multiplier, is out_c / in_c); the kernel
// (kh, kw, cin, m) is kh·kw rows of out_c values.
#pragma once

#include "window.cuh"

namespace annonet {

// y[b, oy, ox, co]: its channel's window weighted, padding counting zero.
ANNONET_HD float depthwise_value(const Window& w, const float* x, const float* kernel, long long b, int oy, int ox, int co,
                                 int multiplier) {
    int c = co / multiplier;
    float sum = 0.0f;
    for (int i = 0; i < w.win_h; i++) {
        for (int j = 0; j < w.win_w; j++) {
            long long in = w.input_index(b, oy, ox, i, j);
            if (in >= 0) sum += x[in + c] * kernel[(long long)(i * w.win_w + j) * w.out_c + co];
        }
    }
    return sum;
}

// dx of input value `in`: the gradients of its m output channels at every window that read it, weighted.
ANNONET_HD float depthwise_input_gradient(const Window& w, const float* kernel, const float* dy, const Pixel& in,
                                          int multiplier) {
    float sum = 0.0f;
    windows_reading(w, in, [&](int oy, int ox, int i, int j) {
        const float* g = dy + ((in.b * w.out_h + oy) * w.out_w + ox) * w.out_c + (long long)in.c * multiplier;
        const float* k = kernel + (long long)(i * w.win_w + j) * w.out_c + (long long)in.c * multiplier;
        for (int m = 0; m < multiplier; m++) sum += g[m] * k[m];
    });
    return sum;
}

// The term of dKernel[i, j, co] from output position (b, oy, ox): what the kernel value multiplied
// there times that output's gradient, 0 in the padding.
ANNONET_HD double depthwise_kernel_term(const Window& w, const float* x, const float* dy, long long b, int oy, int ox,
                                        int i, int j, int co, int multiplier) {
    long long in = w.input_index(b, oy, ox, i, j);
    if (in < 0) return 0.0;
    return (double)x[in + co / multiplier] * dy[((b * w.out_h + oy) * w.out_w + ox) * w.out_c + co];
}

}  // namespace annonet
