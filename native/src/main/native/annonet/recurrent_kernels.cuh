// The recurrent layers on the CUDA backend: an LSTM step's element-wise cells (the GEMMs between
// them are cuBLAS calls from the Java side, RecurrentKernels) and Embedding. The workspace layout
// is LstmCells': gates (batch, steps, 4u), then cells c and states h (steps, batch, u), then one
// step's (batch, 4u) scratch. Gate order i, f, c̃, o; Keras's formulas (ElementLstmCells).
#pragma once

#include "kernels.cuh"

namespace annonet {

ANNONET_HD float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

// Step t forward, one thread per (b, j): the gates' pre-activations (input projection in the gates
// region, bias, and from step 1 on the recurrent product in the scratch), activated in place, then c,
// h, and h into y (every step with return_sequences, else the last one only).
inline int lstm_cells_forward(long long handle, int batch, int steps, int units, int t, bool return_sequences,
                              long long bias_address, long long workspace_address, long long y_address) {
    const float* bias = at<const float>(bias_address);
    float* s = at<float>(workspace_address);
    float* y = at<float>(y_address);
    long long width = 4LL * units;
    long long cells = (long long)batch * steps * width;
    long long states = cells + (long long)steps * batch * units;
    long long scratch = states + (long long)steps * batch * units;
    return for_each(handle, (long long)batch * units, [=] ANNONET_LAMBDA(long long index) {
        long long b = index / units;
        int j = (int)(index % units);
        float* gates = s + (b * steps + t) * width;
        const float* recurrent = t > 0 ? s + scratch + b * width : nullptr;
        float pre[4];
        for (int g = 0; g < 4; g++) {
            int column = g * units + j;
            pre[g] = gates[column] + bias[column] + (recurrent ? recurrent[column] : 0.0f);
        }
        float i = sigmoidf(pre[0]), f = sigmoidf(pre[1]), g = tanhf(pre[2]), o = sigmoidf(pre[3]);
        long long cell = cells + ((long long)t * batch + b) * units + j;
        float c = i * g + (t > 0 ? f * s[cell - (long long)batch * units] : 0.0f);
        float h = o * tanhf(c);
        gates[j] = i;
        gates[units + j] = f;
        gates[2 * units + j] = g;
        gates[3 * units + j] = o;
        s[cell] = c;
        s[states + ((long long)t * batch + b) * units + j] = h;
        if (return_sequences) {
            y[(b * steps + t) * units + j] = h;
        } else if (t == steps - 1) {
            y[b * units + j] = h;
        }
    }, "lstm_cells_forward");
}

// Step t backward, one thread per (b, j): the gate gradients into the all-steps rows and this step's
// scratch of dWorkspace, the cell gradient carried to step t - 1. dh is dy at step t (when an output
// is taken there) plus, below the last step, the state gradient step t + 1 carried.
inline int lstm_cells_backward(long long handle, int batch, int steps, int units, int t, bool return_sequences,
                               long long workspace_address, long long dy_address, long long d_workspace_address) {
    const float* s = at<const float>(workspace_address);
    const float* dy = at<const float>(dy_address);
    float* ds = at<float>(d_workspace_address);
    long long width = 4LL * units;
    long long cells = (long long)batch * steps * width;
    long long states = cells + (long long)steps * batch * units;
    long long scratch = states + (long long)steps * batch * units;
    bool last = t == steps - 1;
    bool output_at_step = return_sequences || last;
    return for_each(handle, (long long)batch * units, [=] ANNONET_LAMBDA(long long index) {
        long long b = index / units;
        int j = (int)(index % units);
        const float* gates = s + (b * steps + t) * width;
        float* d_gates = ds + (b * steps + t) * width;
        float* d_step = ds + scratch + b * width;
        long long cell = cells + ((long long)t * batch + b) * units + j;
        float i = gates[j], f = gates[units + j], g = gates[2 * units + j], o = gates[3 * units + j];
        float tanh_c = tanhf(s[cell]);
        long long output = return_sequences ? (b * steps + t) * units + j : b * units + j;
        float dh = (output_at_step ? dy[output] : 0.0f) + (last ? 0.0f : ds[states + ((long long)t * batch + b) * units + j]);
        float dc = dh * o * (1.0f - tanh_c * tanh_c) + (last ? 0.0f : ds[cell]);
        float previous_c = t > 0 ? s[cell - (long long)batch * units] : 0.0f;
        float gradients[4] = {dc * g * i * (1.0f - i), dc * previous_c * f * (1.0f - f), dc * i * (1.0f - g * g),
                              dh * tanh_c * o * (1.0f - o)};
        for (int k = 0; k < 4; k++) {
            d_gates[k * units + j] = gradients[k];
            d_step[k * units + j] = gradients[k];
        }
        if (t > 0) ds[cell - (long long)batch * units] = dc * f;
    }, "lstm_cells_backward");
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
