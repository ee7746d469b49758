// Dynamic loss scaling for half-precision GEMMs (as PyTorch's GradScaler and Keras's
// LossScaleOptimizer): the loss gradient is multiplied by a scale so that small gradients survive
// the half-precision operands of the backward GEMMs; the gradients are divided by it again before
// the update; a step whose gradients overflowed is skipped entirely and the scale halved, and after
// `growth_interval` finite steps in a row the scale doubles. All of it lives on the device and
// every step runs the same kernels, so a recorded step graph replays it unchanged.
#pragma once

#include "launch.cuh"

namespace annonet {

struct LossScale {
    float scale;
    int good_steps;       // finite steps in a row since the scale last changed
    int growth_interval;
    int found_nonfinite;  // this step's gradients: set by loss_scale_unscale, read by the updates
    long long skipped;    // steps skipped since the optimizer's first update: Adam's t counts the others
};
static_assert(sizeof(LossScale) == 24, "CudaLibrary.LOSS_SCALE_BYTES");

inline LossScale* loss_scale_at(long long address) { return reinterpret_cast<LossScale*>(address); }

// A fresh state: `scale`, no steps counted.
inline int loss_scale_reset(long long handle, long long state_address, float scale, int growth_interval) {
    LossScale* state = loss_scale_at(state_address);
    return for_each(handle, 1, [=] ANNONET_LAMBDA(long long) {
        *state = LossScale{scale, 0, growth_interval, 0, 0};
    }, "loss_scale_reset");
}

// The loss gradient's `count` values times the scale: after the loss kernel wrote them.
inline int loss_scale_seed(long long handle, long long count, long long gradient_address, long long state_address) {
    float* gradient = at<float>(gradient_address);
    const LossScale* state = loss_scale_at(state_address);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) { gradient[i] *= state->scale; }, "loss_scale_seed");
}

// The gradients divided by the scale, and found_nonfinite set when any of them is an infinity or
// NaN (every thread that finds one stores the same 1: no atomics needed). Update t (read from
// t_address when it is not 0, as Adam reads it) is the optimizer's; its first update restarts the
// count of skipped steps.
inline int loss_scale_unscale(long long handle, long long count, long long gradients_address, long long state_address,
                              long long t, long long t_address) {
    float* gradients = at<float>(gradients_address);
    LossScale* state = loss_scale_at(state_address);
    const long long* t_slot = at<const long long>(t_address);
    int status = for_each(handle, 1, [=] ANNONET_LAMBDA(long long) {
        state->found_nonfinite = 0;
        if ((t_slot ? *t_slot : t) == 1) state->skipped = 0;
    }, "loss_scale_unscale");
    if (status) return status;
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        float value = gradients[i] * (1.0f / state->scale);
        gradients[i] = value;
        if (!finite_float(value)) state->found_nonfinite = 1;
    }, "loss_scale_unscale");
}

// After the update: halves the scale on a skipped step, doubles it after growth_interval finite
// ones in a row (while the double stays finite).
inline int loss_scale_update(long long handle, long long state_address) {
    LossScale* state = loss_scale_at(state_address);
    return for_each(handle, 1, [=] ANNONET_LAMBDA(long long) {
        if (state->found_nonfinite) {
            state->scale *= 0.5f;
            state->good_steps = 0;
            state->skipped++;
        } else if (++state->good_steps >= state->growth_interval) {
            float doubled = state->scale * 2.0f;
            if (finite_float(doubled)) state->scale = doubled;
            state->good_steps = 0;
        }
    }, "loss_scale_update");
}

// The loss scaling the context's optimizer updates obey (null: none); its fields are read in the
// update kernels, on the device.
inline const LossScale* skipping_state(long long handle) { return context(handle)->loss_scale; }

ANNONET_HD bool skips_update(const LossScale* state) { return state && state->found_nonfinite; }

ANNONET_HD long long updates_skipped(const LossScale* state) { return state ? state->skipped : 0; }

}  // namespace annonet
