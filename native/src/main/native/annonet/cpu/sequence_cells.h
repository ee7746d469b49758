// A recurrent layer's step of element-wise cells for the CPU backend: the cell bodies the CUDA
// kernels run (sequence_cells.cuh) over the batch's rows, shared out on the thread pool. With AVX2,
// an LSTM's cells take eight at a time the same arithmetic with vector_math.h's exp and tanh instead
// of five scalar expf and tanhf calls per cell, which would dominate an LSTM's training step; the
// scalar bodies take the rest of a row (units beyond a multiple of 8), other cells and machines
// without AVX2.
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
ANNONET_AVX2 inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }

// LstmCell::forward for cells [0, units & ~7) of rows [b0, b1), eight at a time.
ANNONET_AVX2 inline int lstm_forward_lanes(int b0, int b1, int batch, int steps, int units, int t, bool return_sequences,
                                           const float* bias, float* s, float* y) {
    SequenceLayout at = LstmCell::layout(batch, steps, units);
    int lanes = units & ~7;
    for (int b = b0; b < b1; b++) {
        float* gates = s + at.gates(b, t);
        const float* recurrent = t > 0 ? s + at.recurrent(t, b) : nullptr;
        float* cells = s + at.cell(t, b);
        float* states = s + at.state(t, b);
        float* out = return_sequences || t == steps - 1 ? y + at.output(return_sequences, t, b) : nullptr;
        for (int j = 0; j < lanes; j += 8) {
            __m256 pre[4];
            for (int g = 0; g < 4; g++) {
                int column = g * units + j;
                pre[g] = _mm256_add_ps(load8(gates + column), load8(bias + column));
                if (recurrent) pre[g] = _mm256_add_ps(pre[g], load8(recurrent + column));
            }
            __m256 i = sigmoid8(pre[0]), f = sigmoid8(pre[1]), g = tanh8(pre[2]), o = sigmoid8(pre[3]);
            __m256 c = _mm256_mul_ps(i, g);
            if (t > 0) c = _mm256_fmadd_ps(f, load8(s + at.cell(t - 1, b) + j), c);
            __m256 h = _mm256_mul_ps(o, tanh8(c));
            _mm256_storeu_ps(gates + j, i);
            _mm256_storeu_ps(gates + units + j, f);
            _mm256_storeu_ps(gates + 2 * units + j, g);
            _mm256_storeu_ps(gates + 3 * units + j, o);
            _mm256_storeu_ps(cells + j, c);
            _mm256_storeu_ps(states + j, h);
            if (out) _mm256_storeu_ps(out + j, h);
        }
    }
    return lanes;
}

// LstmCell::backward for cells [0, units & ~7) of rows [b0, b1), eight at a time.
ANNONET_AVX2 inline int lstm_backward_lanes(int b0, int b1, int batch, int steps, int units, int t, bool return_sequences,
                                            const float* s, const float* dy, float* ds) {
    SequenceLayout at = LstmCell::layout(batch, steps, units);
    int lanes = units & ~7;
    bool last = t == steps - 1;
    __m256 one = _mm256_set1_ps(1.0f);
    for (int b = b0; b < b1; b++) {
        const float* gates = s + at.gates(b, t);
        float* d_gates = ds + at.gates(b, t);
        float* d_recurrent = ds + at.recurrent(t, b);
        const float* cells = s + at.cell(t, b);
        float* d_cells = ds + at.cell(t, b);
        const float* d_states = ds + at.state(t, b);
        const float* d_out = return_sequences || last ? dy + at.output(return_sequences, t, b) : nullptr;
        for (int j = 0; j < lanes; j += 8) {
            __m256 i = load8(gates + j), f = load8(gates + units + j), g = load8(gates + 2 * units + j),
                   o = load8(gates + 3 * units + j);
            __m256 tanh_c = tanh8(load8(cells + j));
            __m256 dh = d_out ? load8(d_out + j) : _mm256_setzero_ps();
            if (!last) dh = _mm256_add_ps(dh, load8(d_states + j));
            __m256 dc = _mm256_mul_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(tanh_c, tanh_c, one));
            if (!last) dc = _mm256_add_ps(dc, load8(d_cells + j));
            __m256 previous_c = t > 0 ? load8(s + at.cell(t - 1, b) + j) : _mm256_setzero_ps();
            __m256 gradients[4] = {
                _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(dc, g), i), _mm256_sub_ps(one, i)),
                _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(dc, previous_c), f), _mm256_sub_ps(one, f)),
                _mm256_mul_ps(_mm256_mul_ps(dc, i), _mm256_fnmadd_ps(g, g, one)),
                _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(dh, tanh_c), o), _mm256_sub_ps(one, o))};
            for (int k = 0; k < 4; k++) {
                _mm256_storeu_ps(d_gates + k * units + j, gradients[k]);
                _mm256_storeu_ps(d_recurrent + k * units + j, gradients[k]);
            }
            if (t > 0) {
                _mm256_storeu_ps(ds + at.cell(t - 1, b) + j, _mm256_mul_ps(dc, f));
                _mm256_storeu_ps(ds + at.state(t - 1, b) + j, _mm256_setzero_ps());
            }
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
            if (cell == CELL_LSTM && has_avx2())
                return lstm_forward_lanes(b0, b1, batch, steps, units, t, return_sequences, bias, s, y);
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
            if (cell == CELL_LSTM && has_avx2())
                return lstm_backward_lanes(b0, b1, batch, steps, units, t, return_sequences, s, dy, ds);
#endif
            return 0;
        }, [=](int b, int j) { Cell::backward(at, t, return_sequences, s, dy, ds, b, j); });
    });
}

}  // namespace cpu
}  // namespace annonet
