// Dropout for the CPU backend: element_math.cuh's mask (the CUDA kernels' own: one Philox block per
// group of eight values), a group at a time, groups shared out over the pool. The Java loop it
// replaces copied the values through heap tiles: about an eighth of the MNIST MLP's training step.
#pragma once

#include <cstdint>

#include "../element_math.cuh"
#include "threads.h"

namespace annonet {
namespace cpu {

// y = x · (kept ? scale : 0) for count values with the mask of (seed, step); y may be x. The same
// call with dy and dx is the backward pass.
inline void dropout_at(int threshold, float scale, long long seed, long long step, long long count, long long x_address,
                       long long y_address) {
    const float* x = (const float*)(intptr_t)x_address;
    float* y = (float*)(intptr_t)y_address;
    int groups = (int)((count + DROPOUT_GROUP - 1) / DROPOUT_GROUP);
    in_row_chunks(groups, DROPOUT_GROUP, ELEMENT_CHUNK, [&](int g0, int g1) {
        for (int g = g0; g < g1; g++) {
            PhiloxBlock block = dropout_block((uint64_t)seed, (uint64_t)step, (uint64_t)g);
            long long first = (long long)DROPOUT_GROUP * g;
            for (int lane = 0; lane < DROPOUT_GROUP && first + lane < count; lane++) {
                y[first + lane] = x[first + lane] * (dropout_lane(block, lane) >= threshold ? scale : 0.0f);
            }
        }
    });
}

}  // namespace cpu
}  // namespace annonet
