// An LSTM step's element-wise cells for the CPU backend: lstm_cell.cuh's functions (the CUDA
// kernels' own) over the batch's rows, shared out on the thread pool. The Java loop they replace
// called Math.exp five times per cell in double precision; these call expf and tanhf.
#pragma once

#include "../lstm_cell.cuh"
#include "threads.h"

namespace annonet {
namespace cpu {

// Cells per chunk handed to a thread: a few rows of the MNIST LSTM's 128 units.
constexpr long long LSTM_CHUNK = 2048;

// cell(b, j) for every cell of rows [0, batch), rows shared out over the pool in chunks.
template <typename Cell>
inline void each_cell(int batch, int units, Cell cell) {
    in_row_chunks(batch, units, LSTM_CHUNK, [&](int b0, int b1) {
        for (int b = b0; b < b1; b++) {
            for (int j = 0; j < units; j++) cell(b, j);
        }
    });
}

// Step t forward (LstmCells.forward); addresses are those of the bias, the workspace and y.
inline void lstm_cells_forward_at(int batch, int steps, int units, int t, bool return_sequences, long long bias_address,
                                  long long workspace_address, long long y_address) {
    const float* bias = (const float*)(intptr_t)bias_address;
    float* s = (float*)(intptr_t)workspace_address;
    float* y = (float*)(intptr_t)y_address;
    each_cell(batch, units, [=](int b, int j) { lstm_cell_forward(batch, steps, units, t, return_sequences, bias, s, y, b, j); });
}

// Step t backward (LstmCells.backward); addresses are those of the workspace, dy and dWorkspace.
inline void lstm_cells_backward_at(int batch, int steps, int units, int t, bool return_sequences,
                                   long long workspace_address, long long dy_address, long long d_workspace_address) {
    const float* s = (const float*)(intptr_t)workspace_address;
    const float* dy = (const float*)(intptr_t)dy_address;
    float* ds = (float*)(intptr_t)d_workspace_address;
    each_cell(batch, units, [=](int b, int j) { lstm_cell_backward(batch, steps, units, t, return_sequences, s, dy, ds, b, j); });
}

}  // namespace cpu
}  // namespace annonet
