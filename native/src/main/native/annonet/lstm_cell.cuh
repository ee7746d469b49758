// One LSTM cell (b, j) of step t, forward and backward, written once as __host__ __device__
// functions: the CUDA kernels run one a thread (recurrent_kernels.cuh), the CPU backend's kernels
// row by row on its thread pool (cpu/lstm_cells.h). The workspace layout is LstmCells': gates
// (batch, steps, 4u), then cells c and states h (steps, batch, u), then one step's (batch, 4u)
// scratch. Gate order i, f, c̃, o; Keras's formulas (ElementLstmCells).
#pragma once

#include "element_math.cuh"

namespace annonet {

ANNONET_HD float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

// The gates' pre-activations (input projection in the gates region, bias, and from step 1 on the
// recurrent product in the scratch), activated in place, then c, h, and h into y (every step with
// return_sequences, else the last one only).
ANNONET_HD void lstm_cell_forward(int batch, int steps, int units, int t, bool return_sequences, const float* bias,
                                  float* s, float* y, long long b, int j) {
    long long width = 4LL * units;
    long long cells = (long long)batch * steps * width;
    long long states = cells + (long long)steps * batch * units;
    long long scratch = states + (long long)steps * batch * units;
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
}

// The gate gradients into the all-steps rows and this step's scratch of dWorkspace (ds), the cell
// gradient carried to step t - 1. dh is dy at step t (when an output is taken there) plus, below
// the last step, the state gradient step t + 1 carried.
ANNONET_HD void lstm_cell_backward(int batch, int steps, int units, int t, bool return_sequences, const float* s,
                                   const float* dy, float* ds, long long b, int j) {
    long long width = 4LL * units;
    long long cells = (long long)batch * steps * width;
    long long states = cells + (long long)steps * batch * units;
    long long scratch = states + (long long)steps * batch * units;
    bool last = t == steps - 1;
    bool output_at_step = return_sequences || last;
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
}

}  // namespace annonet
