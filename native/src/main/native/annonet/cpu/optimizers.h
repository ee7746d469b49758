// The optimizers' updates over a model's contiguous parameters, for the CPU backend: the same
// per-parameter math as the CUDA kernels (element_math.cuh), split over the thread pool that
// OpenBLAS shares (threads.h). An update streams every weight, gradient and state once (RMSprop over
// the MNIST MLP's 407,050 parameters: 8 MB a step), so one core's memory bandwidth is its limit and
// a second core nearly halves it.
#pragma once

#include "../element_math.cuh"
#include "features.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// Parameters per chunk: 128 KB of each array, enough to keep a thread streaming.
constexpr long long OPTIMIZER_CHUNK = 32768;

// update(i) for i in [begin, end), compiled twice: for any x86-64, and with AVX2 and FMA, eight
// parameters a step, where the processor has them (the per-parameter math is inlined into both).
template <typename Update>
inline void update_range(long long begin, long long end, Update& update) {
    for (long long i = begin; i < end; i++) update(i);
}

#if defined(__x86_64__)
template <typename Update>
ANNONET_AVX2 inline void update_range_avx2(long long begin, long long end, Update& update) {
    for (long long i = begin; i < end; i++) update(i);
}
#endif

template <typename Update>
inline void update_in_chunks(long long count, Update update) {
    int chunks = (int)((count + OPTIMIZER_CHUNK - 1) / OPTIMIZER_CHUNK);
    auto job = [&](int chunk, int) {
        long long begin = (long long)chunk * OPTIMIZER_CHUNK;
        long long end = begin + OPTIMIZER_CHUNK < count ? begin + OPTIMIZER_CHUNK : count;
#if defined(__x86_64__)
        if (has_avx2()) {
            update_range_avx2(begin, end, update);
            return;
        }
#endif
        update_range(begin, end, update);
    };
    shared_workers().run(job, chunks);
}

// velocity_address is 0 for plain SGD (momentum 0), which Keras keeps no velocity for.
inline void sgd_at(long long count, long long w_address, long long g_address, long long v_address, float learning_rate,
                   float momentum, bool nesterov) {
    float* w = (float*)(intptr_t)w_address;
    const float* g = (const float*)(intptr_t)g_address;
    float* v = (float*)(intptr_t)v_address;
    update_in_chunks(count, [=](long long i) { sgd_element(w + i, g + i, v ? v + i : nullptr, learning_rate, momentum, nesterov); });
}

inline void rmsprop_at(long long count, long long w_address, long long g_address, long long v_address, float learning_rate,
                       float rho, float epsilon) {
    float* w = (float*)(intptr_t)w_address;
    const float* g = (const float*)(intptr_t)g_address;
    float* v = (float*)(intptr_t)v_address;
    update_in_chunks(count, [=](long long i) { rmsprop_element(w + i, g + i, v + i, learning_rate, rho, epsilon); });
}

// step_size: the learning rate with the bias corrections of step t folded in (adam_element).
inline void adam_at(long long count, long long w_address, long long g_address, long long m_address, long long v_address,
                    float step_size, float beta1, float beta2, float epsilon) {
    float* w = (float*)(intptr_t)w_address;
    const float* g = (const float*)(intptr_t)g_address;
    float* m = (float*)(intptr_t)m_address;
    float* v = (float*)(intptr_t)v_address;
    update_in_chunks(count, [=](long long i) { adam_element(w + i, g + i, m + i, v + i, step_size, beta1, beta2, epsilon); });
}

}  // namespace cpu
}  // namespace annonet
