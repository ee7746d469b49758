// Batch normalization on the CUDA backend, over the last axis of rows × cols, with batch_norm.cuh's
// math. Training: one block a channel computes its batch mean and biased variance (block_sum),
// writes statistics (cols means, then cols 1/sqrt(variance + ε)) and the moving statistics, then
// normalizes. Inference: the moving statistics normalize, element by element. y may be x. Gamma or beta
// 0 (a layer without scale or center) is 1 or 0.
#pragma once

#include "batch_norm.cuh"
#include "launch.cuh"

namespace annonet {

inline int batch_norm(long long handle, bool training, int rows, int cols, double momentum, double epsilon,
                      long long x_address, long long gamma_address, long long beta_address, long long moving_mean_address,
                      long long moving_variance_address, long long statistics_address, long long y_address) {
    const float* x = at<const float>(x_address);
    const float* gamma = at<const float>(gamma_address);
    const float* beta = at<const float>(beta_address);
    float* moving_mean = at<float>(moving_mean_address);
    float* moving_variance = at<float>(moving_variance_address);
    float* statistics = at<float>(statistics_address);
    float* y = at<float>(y_address);
    if (!training) {
        return for_each(handle, (long long)rows * cols, [=] ANNONET_LAMBDA(long long i) {
            int c = (int)(i % cols);
            y[i] = batch_normalized(batch_norm_scale_shift(gamma, beta, c, moving_mean[c], moving_variance[c], epsilon),
                                    x[i]);
        }, "batch_norm (inference)");
    }
    return for_each_block(handle, cols, [=] ANNONET_LAMBDA(long long channel) {
        int c = (int)channel;
        double mean = block_sum(rows, [=](long long r) { return (double)x[r * cols + c]; }) / rows;
        double variance = block_sum(rows, [=](long long r) {
            double d = x[r * cols + c] - mean;
            return d * d;
        }) / rows;
        if (block_thread() == 0) {
            statistics[c] = (float)mean;
            statistics[cols + c] = inverse_deviation(variance, epsilon);
            moving_mean[c] = moving_statistic(moving_mean[c], mean, momentum);
            moving_variance[c] = moving_statistic(moving_variance[c], variance, momentum);
        }
        ScaleShift normalize = batch_norm_scale_shift(gamma, beta, c, mean, variance, epsilon);
        for (long long r = block_thread(); r < rows; r += block_threads()) {
            y[r * cols + c] = batch_normalized(normalize, x[r * cols + c]);
        }
    }, "batch_norm");
}

// From the statistics: dBeta = Σ dy, dGamma = Σ dy·x̂, and dx, each skipped when its address is 0 (dx may
// be dy); gamma 0 is 1.
inline int batch_norm_backward(long long handle, int rows, int cols, long long x_address, long long gamma_address,
                               long long statistics_address, long long dy_address, long long d_gamma_address,
                               long long d_beta_address, long long dx_address) {
    const float* x = at<const float>(x_address);
    const float* gamma = at<const float>(gamma_address);
    const float* statistics = at<const float>(statistics_address);
    const float* dy = at<const float>(dy_address);
    float* d_gamma = at<float>(d_gamma_address);
    float* d_beta = at<float>(d_beta_address);
    float* dx = at<float>(dx_address);
    return for_each_block(handle, cols, [=] ANNONET_LAMBDA(long long channel) {
        int c = (int)channel;
        double mean = statistics[c];
        double s = statistics[cols + c];
        double sum_dy = block_sum(rows, [=](long long r) { return (double)dy[r * cols + c]; });
        double sum_dy_x_hat = block_sum(rows, [=](long long r) {
            return dy[r * cols + c] * batch_normalized_input(x[r * cols + c], mean, s);
        });
        if (block_thread() == 0) {
            if (d_beta) d_beta[c] = (float)sum_dy;
            if (d_gamma) d_gamma[c] = (float)sum_dy_x_hat;
        }
        if (!dx) return;
        for (long long r = block_thread(); r < rows; r += block_threads()) {
            long long i = r * cols + c;
            dx[i] = batch_norm_input_gradient(gamma, c, s, rows, dy[i], batch_normalized_input(x[i], mean, s), sum_dy,
                                              sum_dy_x_hat);
        }
    }, "batch_norm_backward");
}

}  // namespace annonet
