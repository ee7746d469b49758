// A recurrent layer's step of element-wise cells for the CPU backend: the cell bodies the CUDA
// kernels run (sequence_cells.cuh) over the batch's rows, shared out on the thread pool. With AVX2,
// the same bodies take eight units at a time, with vector_math.h's exp and tanh instead of scalar
// expf and tanhf calls (five per LSTM cell), which would dominate a training step; on one float
// they take the rest of a row (units beyond a multiple of 8) and machines without AVX2.
#pragma once

#include "../sequence_cells.cuh"
#include "threads.h"
#include "vector_math.h"

namespace annonet {
namespace cpu {

// Cells per chunk handed to a thread: a few rows of the MNIST LSTM's 128 units.
constexpr long long SEQUENCE_CHUNK = 2048;

// For every chunk of rows [b0, b1) of [0, batch), shared out over the pool: lanes(b0, b1), which
// returns how many leading cells of each row it did, then cell(b, j) for the others.
template <typename Lanes, typename Cell>
inline void each_cell(int batch, int units, Lanes lanes, Cell cell) {
    in_row_chunks(batch, units, SEQUENCE_CHUNK, [&](int b0, int b1) {
        int done = lanes(b0, b1);
        for (int b = b0; b < b1; b++) {
            for (int j = done; j < units; j++) cell(b, j);
        }
    });
}

#if defined(__x86_64__)
// Eight floats, with the operations the cell bodies use: a cell body on Avx2Lanes is the body the
// GPU runs on ScalarLanes, eight units at a time, exp and tanh from vector_math.h.
struct Vec8 {
    __m256 v;
};

ANNONET_AVX2 inline Vec8 operator+(Vec8 a, Vec8 b) { return {_mm256_add_ps(a.v, b.v)}; }
ANNONET_AVX2 inline Vec8 operator-(Vec8 a, Vec8 b) { return {_mm256_sub_ps(a.v, b.v)}; }
ANNONET_AVX2 inline Vec8 operator*(Vec8 a, Vec8 b) { return {_mm256_mul_ps(a.v, b.v)}; }

struct Avx2Lanes {
    using V = Vec8;
    static constexpr int WIDTH = 8;
    ANNONET_AVX2 static V load(const float* p) { return {_mm256_loadu_ps(p)}; }
    ANNONET_AVX2 static void store(float* p, V v) { _mm256_storeu_ps(p, v.v); }
    ANNONET_AVX2 static V splat(float v) { return {_mm256_set1_ps(v)}; }
    ANNONET_AVX2 static V sigmoid(V v) { return {sigmoid8(v.v)}; }
    ANNONET_AVX2 static V tanh(V v) { return {tanh8(v.v)}; }
};

// Cell::forward on units [0, units & ~7) of rows [b0, b1), eight at a time; returns how many units
// of each row it did. Flattened: the body and its lanes' operations inline here, compiled for AVX2.
template <typename Cell>
ANNONET_AVX2 __attribute__((flatten)) inline int forward_lanes(const SequenceLayout& at, int b0, int b1, int t,
                                                               bool return_sequences, const float* bias, float* s,
                                                               float* y) {
    int lanes = (int)at.units & ~7;
    for (int b = b0; b < b1; b++) {
        for (int j = 0; j < lanes; j += Avx2Lanes::WIDTH) {
            Cell::template forward<Avx2Lanes>(at, t, return_sequences, bias, s, y, b, j);
        }
    }
    return lanes;
}

// Cell::backward as forward_lanes.
template <typename Cell>
ANNONET_AVX2 __attribute__((flatten)) inline int backward_lanes(const SequenceLayout& at, int b0, int b1, int t,
                                                                bool return_sequences, const float* s, const float* dy,
                                                                float* ds) {
    int lanes = (int)at.units & ~7;
    for (int b = b0; b < b1; b++) {
        for (int j = 0; j < lanes; j += Avx2Lanes::WIDTH) {
            Cell::template backward<Avx2Lanes>(at, t, return_sequences, s, dy, ds, b, j);
        }
    }
    return lanes;
}
#endif

// Step t forward (SequenceCells.forward) of the cell of code `cell`; addresses are those of the
// bias, the workspace and y. False, computing nothing, for an unknown code.
inline bool sequence_cells_forward_at(int cell, int batch, int steps, int units, int t, bool return_sequences,
                                      long long bias_address, long long workspace_address, long long y_address) {
    const float* bias = (const float*)(intptr_t)bias_address;
    float* s = (float*)(intptr_t)workspace_address;
    float* y = (float*)(intptr_t)y_address;
    return with_cell(cell, [=](auto kind) {
        using Cell = decltype(kind);
        SequenceLayout at = Cell::layout(batch, steps, units);
        each_cell(batch, units, [=](int b0, int b1) {
#if defined(__x86_64__)
            if (has_avx2()) return forward_lanes<Cell>(at, b0, b1, t, return_sequences, bias, s, y);
#endif
            return 0;
        }, [=](int b, int j) { Cell::forward(at, t, return_sequences, bias, s, y, b, j); });
    });
}

// Step t backward (SequenceCells.backward); addresses are those of the workspace, dy and dWorkspace.
inline bool sequence_cells_backward_at(int cell, int batch, int steps, int units, int t, bool return_sequences,
                                       long long workspace_address, long long dy_address, long long d_workspace_address) {
    const float* s = (const float*)(intptr_t)workspace_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    float* ds = (float*)(intptr_t)d_workspace_address;
    return with_cell(cell, [=](auto kind) {
        using Cell = decltype(kind);
        SequenceLayout at = Cell::layout(batch, steps, units);
        each_cell(batch, units, [=](int b0, int b1) {
#if defined(__x86_64__)
            if (has_avx2()) return backward_lanes<Cell>(at, b0, b1, t, return_sequences, s, dy, ds);
#endif
            return 0;
        }, [=](int b, int j) { Cell::backward(at, t, return_sequences, s, dy, ds, b, j); });
    });
}

}  // namespace cpu
}  // namespace annonet
