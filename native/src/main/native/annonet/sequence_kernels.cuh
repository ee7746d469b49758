// The sequence layers on the CUDA backend: a recurrent layer's step of element-wise cells (each
// cell's math in its own .cuh, picked by sequence_cells.cuh; the GEMMs between steps are cuBLAS calls
// from the Java side, SequenceKernels) and Embedding.
#pragma once

#include "kernels.cuh"
#include "sequence_cells.cuh"

namespace annonet {

// Step t forward over all (b, j) cells of the cell of code `cell`, one thread per cell.
inline int sequence_cells_forward(long long handle, int cell, int batch, int steps, int units, int t,
                                  bool return_sequences, long long bias_address, long long workspace_address,
                                  long long y_address) {
    const float* bias = at<const float>(bias_address);
    float* s = at<float>(workspace_address);
    float* y = at<float>(y_address);
    if (!with_cell(cell, [](auto) {})) return fail(-1006, "sequence_cells_forward", "unknown recurrent cell code");
    return for_each(handle, (long long)batch * units, [=] ANNONET_LAMBDA(long long index) {
        with_cell(cell, [&](auto kind) {
            decltype(kind)::forward(decltype(kind)::layout(batch, steps, units), t, return_sequences, bias, s, y,
                                    index / units, (int)(index % units));
        });
    }, "sequence_cells_forward");
}

// Step t backward over all (b, j) cells, one thread per cell.
inline int sequence_cells_backward(long long handle, int cell, int batch, int steps, int units, int t,
                                   bool return_sequences, long long workspace_address, long long dy_address,
                                   long long d_workspace_address) {
    const float* s = at<const float>(workspace_address);
    const float* dy = at<const float>(dy_address);
    float* ds = at<float>(d_workspace_address);
    if (!with_cell(cell, [](auto) {})) return fail(-1006, "sequence_cells_backward", "unknown recurrent cell code");
    return for_each(handle, (long long)batch * units, [=] ANNONET_LAMBDA(long long index) {
        with_cell(cell, [&](auto kind) {
            decltype(kind)::backward(decltype(kind)::layout(batch, steps, units), t, return_sequences, s, dy, ds,
                                     index / units, (int)(index % units));
        });
    }, "sequence_cells_backward");
}

// ---- Embedding ----------------------------------------------------------------------------------

// The table row indices[r] names, or -1 when it names none (not a whole number in [0, input_dim)).
ANNONET_HD int table_row(const float* indices, long long r, int input_dim) {
    int row = (int)indices[r];
    return (float)row == indices[r] && row >= 0 && row < input_dim ? row : -1;
}

// Row r of y is row indices[r] of the table. An index outside [0, input_dim) gives NaNs: the Java
// side checks indices before training and prediction.
inline int embedding(long long handle, int rows, int input_dim, int output_dim, long long indices_address,
                     long long table_address, long long y_address) {
    const float* indices = at<const float>(indices_address);
    const float* table = at<const float>(table_address);
    float* y = at<float>(y_address);
    return for_each(handle, (long long)rows * output_dim, [=] ANNONET_LAMBDA(long long index) {
        long long r = index / output_dim;
        int j = (int)(index % output_dim);
        int row = table_row(indices, r, input_dim);
        y[index] = row >= 0 ? table[(long long)row * output_dim + j] : NAN;
    }, "embedding");
}

// dTable = 0, then dTable[indices[r]] += dy[r] for every row in order: one thread per column, so
// repeated indices add up in a fixed order without atomics.
inline int embedding_backward(long long handle, int rows, int input_dim, int output_dim, long long indices_address,
                              long long dy_address, long long d_table_address) {
    const float* indices = at<const float>(indices_address);
    const float* dy = at<const float>(dy_address);
    float* d_table = at<float>(d_table_address);
    int status = fill(handle, (long long)input_dim * output_dim, d_table_address, 0.0f);
    if (status) return status;
    return for_each(handle, output_dim, [=] ANNONET_LAMBDA(long long j) {
        for (long long r = 0; r < rows; r++) {
            int row = table_row(indices, r, input_dim);
            if (row >= 0) d_table[(long long)row * output_dim + j] += dy[r * output_dim + j];
        }
    }, "embedding_backward");
}

}  // namespace annonet
