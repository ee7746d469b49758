// The merge layers on the CUDA backend and its host executor, one value a thread, with merge.cuh's math.
#pragma once

#include "launch.cuh"
#include "merge.cuh"

namespace annonet {

// Input `input`'s part of an element-wise merge of count values into y; chosen (address 0 for SUM
// and PRODUCT) records the input each MAXIMUM or MINIMUM value came from; activated (address 0 for
// none) receives the activation of the combined values.
inline int merge(long long handle, int kind, int input, float scale, long long count, long long x_address,
                 long long y_address, long long chosen_address, int activation, float lower, float upper,
                 float slope, long long activated_address) {
    const float* x = at<const float>(x_address);
    float* y = at<float>(y_address);
    float* chosen = at<float>(chosen_address);
    float* activated = at<float>(activated_address);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        merge_value(kind, input, scale, x[i], y + i, chosen ? chosen + i : nullptr, activation, lower, upper,
                    slope, activated ? activated + i : nullptr);
    }, "merge");
}

inline int merge_chosen_backward(long long handle, int input, long long count, long long chosen_address,
                                 long long dy_address, long long dx_address) {
    const float* chosen = at<const float>(chosen_address);
    const float* dy = at<const float>(dy_address);
    float* dx = at<float>(dx_address);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        dx[i] = merge_chosen_gradient(input, chosen[i], dy[i]);
    }, "merge_chosen_backward");
}

inline int copy_columns(long long handle, int rows, int cols, long long x_address, int x_width, int x_column,
                        long long y_address, int y_width, int y_column) {
    const float* x = at<const float>(x_address);
    float* y = at<float>(y_address);
    ColumnCopy copy{cols, x_width, x_column, y_width, y_column};
    return for_each(handle, (long long)rows * cols, [=] ANNONET_LAMBDA(long long i) {
        y[copy.y_index(i)] = x[copy.x_index(i)];
    }, "copy_columns");
}

}  // namespace annonet
