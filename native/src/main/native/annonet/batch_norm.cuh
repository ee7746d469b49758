// Batch normalization's per-value math over the last axis of rows × cols (any rank: the channels
// are the last axis), written once as __host__ __device__ functions for the CUDA kernels
// (batch_norm_kernels.cuh) and the CPU backend (cpu/batch_norm.h), which walk the values each in
// their own order. The Java reference is BatchNormKernels.
#pragma once

#include "element_math.cuh"

namespace annonet {

// y = x·scale + shift normalizes a channel by (mean, variance) and applies its gamma and beta.
struct ScaleShift {
    double scale;
    double shift;
};

// Channel c of gamma or beta, or `absent` (1 or 0) where the layer has none (its address is 0).
ANNONET_HD float channel_or(const float* values, int c, float absent) {
    return values ? values[c] : absent;
}

// gamma and beta may be null: 1 and 0.
ANNONET_HD ScaleShift batch_norm_scale_shift(const float* gamma, const float* beta, int c, double mean, double variance,
                                             double epsilon) {
    double scale = channel_or(gamma, c, 1.0f) / sqrt(variance + epsilon);
    return ScaleShift{scale, channel_or(beta, c, 0.0f) - mean * scale};
}

ANNONET_HD float batch_normalized(const ScaleShift& channel, float x) {
    return (float)(x * channel.scale + channel.shift);
}

// Keras's moving statistics: moving·momentum + batch·(1 - momentum).
ANNONET_HD float moving_statistic(float moving, double batch, double momentum) {
    return (float)(moving * momentum + batch * (1.0 - momentum));
}

// What a training forward keeps for the backward: the mean, and 1/sqrt(variance + ε).
ANNONET_HD float inverse_deviation(double variance, double epsilon) {
    return (float)(1.0 / sqrt(variance + epsilon));
}

// x̂ from the kept statistics.
ANNONET_HD double batch_normalized_input(float x, double mean, double inverse_deviation) {
    return (x - mean) * inverse_deviation;
}

// One value of dx from its channel's sums Σdy and Σdy·x̂, in double: the input gradient is a
// difference of near-equal terms whose sum over the batch is zero, and float rounding there would
// reach the gradient of a bias feeding this layer.
// gamma may be null: 1.
ANNONET_HD float batch_norm_input_gradient(const float* gamma, int c, double inverse_deviation, int rows, float dy,
                                           double x_hat, double sum_dy, double sum_dy_x_hat) {
    double factor = channel_or(gamma, c, 1.0f) * inverse_deviation / rows;
    return (float)(factor * (rows * (double)dy - sum_dy - x_hat * sum_dy_x_hat));
}

}  // namespace annonet
