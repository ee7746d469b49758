// One LSTM cell (b, j) of step t, forward and backward, written once as __host__ __device__
// functions: the CUDA kernels run one a thread (recurrent_kernels.cuh), the CPU backend's kernels
// row by row on its thread pool (cpu/lstm_cells.h). The workspace layout is LstmCells': gates
// (batch, steps, 4u), then cells c and states h (steps, batch, u), then one step's (batch, 4u)
// scratch. Gate order i, f, c̃, o; Keras's formulas (ElementLstmCells).
#pragma once

#include "element_math.cuh"

namespace annonet {

ANNONET_HD float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

// Where row b's values of step t lie in a workspace s (or its gradients in dWorkspace).
struct LstmLayout {
    long long batch, steps, units;

    ANNONET_HD long long width() const { return 4 * units; }
    // The gates, i f c̃ o, 4u values (in dWorkspace: their gradients).
    ANNONET_HD long long gates(long long b, int t) const { return (b * steps + t) * width(); }
    // The cell c, u values (in dWorkspace: the cell gradient carried to step t).
    ANNONET_HD long long cell(int t, long long b) const { return batch * steps * width() + (t * batch + b) * units; }
    // The state h, u values (in dWorkspace: the state gradient carried to step t).
    ANNONET_HD long long state(int t, long long b) const { return cell(t, b) + steps * batch * units; }
    // One step's 4u values: the recurrent product (in dWorkspace: this step's gate gradients).
    ANNONET_HD long long scratch(long long b) const { return batch * steps * width() + 2 * steps * batch * units + b * width(); }
    // h in y, where an output is taken at step t.
    ANNONET_HD long long output(bool return_sequences, int t, long long b) const {
        return return_sequences ? (b * steps + t) * units : b * units;
    }
};

// The gates' pre-activations (input projection in the gates region, bias, and from step 1 on the
// recurrent product in the scratch), activated in place, then c, h, and h into y (every step with
// return_sequences, else the last one only).
ANNONET_HD void lstm_cell_forward(int batch, int steps, int units, int t, bool return_sequences, const float* bias,
                                  float* s, float* y, long long b, int j) {
    LstmLayout at{batch, steps, units};
    float* gates = s + at.gates(b, t);
    const float* recurrent = t > 0 ? s + at.scratch(b) : nullptr;
    float pre[4];
    for (int g = 0; g < 4; g++) {
        int column = g * units + j;
        pre[g] = gates[column] + bias[column] + (recurrent ? recurrent[column] : 0.0f);
    }
    float i = sigmoidf(pre[0]), f = sigmoidf(pre[1]), g = tanhf(pre[2]), o = sigmoidf(pre[3]);
    float c = i * g + (t > 0 ? f * s[at.cell(t - 1, b) + j] : 0.0f);
    float h = o * tanhf(c);
    gates[j] = i;
    gates[units + j] = f;
    gates[2 * units + j] = g;
    gates[3 * units + j] = o;
    s[at.cell(t, b) + j] = c;
    s[at.state(t, b) + j] = h;
    if (return_sequences || t == steps - 1) y[at.output(return_sequences, t, b) + j] = h;
}

// The gate gradients into the all-steps rows and this step's scratch of dWorkspace (ds), the cell
// gradient carried to step t - 1. dh is dy at step t (when an output is taken there) plus, below
// the last step, the state gradient step t + 1 carried.
ANNONET_HD void lstm_cell_backward(int batch, int steps, int units, int t, bool return_sequences, const float* s,
                                   const float* dy, float* ds, long long b, int j) {
    LstmLayout at{batch, steps, units};
    bool last = t == steps - 1;
    bool output_at_step = return_sequences || last;
    const float* gates = s + at.gates(b, t);
    float* d_gates = ds + at.gates(b, t);
    float* d_step = ds + at.scratch(b);
    long long cell = at.cell(t, b) + j;
    float i = gates[j], f = gates[units + j], g = gates[2 * units + j], o = gates[3 * units + j];
    float tanh_c = tanhf(s[cell]);
    float dh = (output_at_step ? dy[at.output(return_sequences, t, b) + j] : 0.0f) + (last ? 0.0f : ds[at.state(t, b) + j]);
    float dc = dh * o * (1.0f - tanh_c * tanh_c) + (last ? 0.0f : ds[cell]);
    float previous_c = t > 0 ? s[at.cell(t - 1, b) + j] : 0.0f;
    float gradients[4] = {dc * g * i * (1.0f - i), dc * previous_c * f * (1.0f - f), dc * i * (1.0f - g * g),
                          dh * tanh_c * o * (1.0f - o)};
    for (int k = 0; k < 4; k++) {
        d_gates[k * units + j] = gradients[k];
        d_step[k * units + j] = gradients[k];
    }
    if (t > 0) ds[at.cell(t - 1, b) + j] = dc * f;
}

}  // namespace annonet
