// The CUDA kernels of example.MnistMlp, specialized to its constants.
// Written by the annonet processor from the declaration; rewritten on every build.
//
// Each launcher runs the calls of the layers named in it with their sizes and kinds fixed at
// compile time (annonet::fixed), and hands any other call to annonet's generic kernels,
// whose bodies these are (annonet/kernels.cuh). MnistMlpCudaKernels.java binds them; annonet's
// CUDA backend calls them through dev.annonet.cuda.NetworkKernels.
#pragma once

#include <atomic>

#include "annonet/kernels.cuh"

namespace annonet_example_MnistMlpCudaKernels {

using annonet::fixed;

// Calls that ran a specialized kernel (NetworkKernels.specializedLaunches).
inline std::atomic<long long> specialized_launches{0};

inline int specialized(int status) {
    specialized_launches.fetch_add(1, std::memory_order_relaxed);
    return status;
}

inline long long launches() { return specialized_launches.load(std::memory_order_relaxed); }

inline const char* last_error() { return annonet::last_error(); }

// What this library was built with, which the backend checks against annonet-native:
// the layout of the context it reads, and the GPUs it has code for.
inline const char* context_layout() { return annonet::context_layout(); }

inline const char* cuda_architectures() { return annonet::cuda_architectures(); }

inline int bias_activation(long long handle, int kind, float lower, float upper, float slope, int rows,
                           int cols, long long z, long long bias, long long y) {
    // hidden: @Dense(units = 512, activation = RELU), image (784) -> (512)
    if (kind == annonet::RELU && cols == 512) {
        return specialized(annonet::bias_activation_elements(handle, fixed<annonet::RELU>(), lower, upper,
                                                             slope, rows, fixed<512>(), z, bias, y));
    }
    // output: @Dense(units = 10, activation = SOFTMAX), dropout (512) -> (10)
    if (kind == annonet::SOFTMAX && cols == 10) {
        return specialized(annonet::bias_softmax_rows(handle, rows, fixed<10>(), z, bias, y));
    }
    return annonet::bias_activation(handle, kind, lower, upper, slope, rows, cols, z, bias, y);
}

inline int activation_backward(long long handle, int kind, float lower, float upper, float slope, int rows,
                               int cols, long long z, long long y, long long dy, long long dz) {
    // output: @Dense(units = 10, activation = SOFTMAX), dropout (512) -> (10)
    if (kind == annonet::SOFTMAX && cols == 10) {
        return specialized(annonet::softmax_backward_rows(handle, rows, fixed<10>(), y, dy, dz));
    }
    // hidden: @Dense(units = 512, activation = RELU), image (784) -> (512)
    if (kind == annonet::RELU && cols == 512) {
        return specialized(annonet::activation_backward_elements(handle, fixed<annonet::RELU>(), lower, upper,
                                                                 slope, rows, fixed<512>(), z, y, dy, dz));
    }
    return annonet::activation_backward(handle, kind, lower, upper, slope, rows, cols, z, y, dy, dz);
}

// The bias gradients.
inline int column_sums(long long handle, int rows, int cols, long long x, long long sums) {
    // output: @Dense(units = 10, activation = SOFTMAX), dropout (512) -> (10)
    if (cols == 10) {
        return specialized(annonet::column_sums(handle, rows, fixed<10>(), x, sums));
    }
    // hidden: @Dense(units = 512, activation = RELU), image (784) -> (512)
    if (cols == 512) {
        return specialized(annonet::column_sums(handle, rows, fixed<512>(), x, sums));
    }
    return annonet::column_sums(handle, rows, cols, x, sums);
}

// Forward and backward: the same mask, from (seed, step, index).
inline int dropout(long long handle, int threshold, float scale, long long seed, long long step,
                   long long step_address, long long count, long long x, long long y) {
    // dropout: @Dropout(rate = 0.2), hidden (512) -> (512)
    if (threshold == annonet::dropout_threshold(0.2)) {
        return specialized(annonet::dropout(handle, fixed<annonet::dropout_threshold(0.2)>(), scale, seed,
                                            step, step_address, count, x, y));
    }
    return annonet::dropout(handle, threshold, scale, seed, step, step_address, count, x, y);
}

inline int loss(long long handle, int kind, bool fused, int rows, int cols, long long output,
                long long targets, int target_width, long long weights, long long gradient, float scale,
                long long result) {
    // output: the network's output, 10 values a row
    if (cols == 10) {
        return specialized(annonet::loss(handle, kind, fused, rows, fixed<10>(), output, targets,
                                         target_width, weights, gradient, scale, result));
    }
    return annonet::loss(handle, kind, fused, rows, cols, output, targets, target_width, weights, gradient,
                         scale, result);
}

inline int count_correct(long long handle, int kind, int rows, int cols, long long y, long long targets,
                         int target_width, long long result) {
    // output: the network's output, 10 values a row
    if (cols == 10) {
        return specialized(annonet::count_correct(handle, kind, rows, fixed<10>(), y, targets, target_width,
                                                  result));
    }
    return annonet::count_correct(handle, kind, rows, cols, y, targets, target_width, result);
}

// The optimizers, each one pass over the parameter buffer.
inline int sgd(long long handle, long long count, long long w, long long g, long long v, float learning_rate,
               long long learning_rate_address, float momentum, bool nesterov) {
    // the 407050 trainable parameters, one contiguous buffer
    if (count == 407050LL) {
        return specialized(annonet::sgd(handle, fixed<407050LL>(), w, g, v, learning_rate,
                                        learning_rate_address, momentum, nesterov));
    }
    return annonet::sgd(handle, count, w, g, v, learning_rate, learning_rate_address, momentum, nesterov);
}

inline int rmsprop(long long handle, long long count, long long w, long long g, long long v,
                   float learning_rate, long long learning_rate_address, float rho, float epsilon) {
    // the 407050 trainable parameters, one contiguous buffer
    if (count == 407050LL) {
        return specialized(annonet::rmsprop(handle, fixed<407050LL>(), w, g, v, learning_rate,
                                            learning_rate_address, rho, epsilon));
    }
    return annonet::rmsprop(handle, count, w, g, v, learning_rate, learning_rate_address, rho, epsilon);
}

inline int adam(long long handle, long long count, long long w, long long g, long long m, long long v,
                float learning_rate, long long learning_rate_address, float beta1, float beta2, float epsilon,
                long long t, long long t_address) {
    // the 407050 trainable parameters, one contiguous buffer
    if (count == 407050LL) {
        return specialized(annonet::adam(handle, fixed<407050LL>(), w, g, m, v, learning_rate,
                                         learning_rate_address, beta1, beta2, epsilon, t, t_address));
    }
    return annonet::adam(handle, count, w, g, m, v, learning_rate, learning_rate_address, beta1, beta2,
                         epsilon, t, t_address);
}

}  // namespace annonet_example_MnistMlpCudaKernels
