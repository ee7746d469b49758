// The merge layers' per-value math, written once as __host__ __device__ functions for the CUDA
// kernels and the host executor (merge_kernels.cuh) and the CPU backend (cpu/merge.h). The Java
// reference is MergeKernels. An element-wise merge runs once per input: input 0 starts the output,
// each later one combines into it (Keras folds its inputs left to right the same way).
#pragma once

#include "element_math.cuh"

namespace annonet {

enum MergeKindCode { MERGE_SUM = 0, MERGE_PRODUCT, MERGE_MAXIMUM, MERGE_MINIMUM };  // NativeCodes.merge's codes

// Whether a later input's value x replaces the running maximum (minimum) y: only a strictly larger
// (smaller) one, so the first of equal inputs keeps it, or a NaN, which then stays.
ANNONET_HD bool merge_replaces(int kind, float x, float y) {
    return x != x || (kind == MERGE_MAXIMUM ? x > y : x < y);
}

// Input `input`'s part of one output value y (and, for MAXIMUM and MINIMUM, of chosen: the input y came from).
// With activated (not null, the last input's pass), also activated = f(y) with element_math's
// activation, the one the dense kernels use: an Add's ReLU costs no pass of its own, and y keeps
// the pre-activation value that the activation's backward reads.
ANNONET_HD void merge_value(int kind, int input, float scale, float x, float* y, float* chosen, int activation,
                            float lower, float upper, float slope, float* activated) {
    if (kind == MERGE_SUM) {
        *y = input == 0 ? scale * x : *y + scale * x;
    } else if (kind == MERGE_PRODUCT) {
        *y = input == 0 ? x : *y * x;
    } else if (input == 0 || merge_replaces(kind, x, *y)) {
        *y = x;
        *chosen = (float)input;
    }
    if (activated) *activated = activate(activation, lower, upper, slope, *y);
}

// The gradient of input `input` of a MAXIMUM or MINIMUM merge: dy where the output came from it.
ANNONET_HD float merge_chosen_gradient(int input, float chosen, float dy) {
    return chosen == (float)input ? dy : 0.0f;
}

// Where value `index` of a rows × cols copy goes between rows of two widths: x's column x_column
// onwards to y's column y_column onwards (a concatenation and its gradient).
struct ColumnCopy {
    int cols;
    int x_width;
    int x_column;
    int y_width;
    int y_column;

    ANNONET_HD long long x_index(long long index) const {
        return index / cols * x_width + x_column + index % cols;
    }

    ANNONET_HD long long y_index(long long index) const {
        return index / cols * y_width + y_column + index % cols;
    }
};

}  // namespace annonet
