// One LSTM cell (b, j) of step t, forward and backward: the CUDA kernels' and the CPU backend's
// float arithmetic (sequence_cells.cuh dispatches to it). Gate order i, f, c̃, o; Keras's formulas,
// as the reference backend's ElementLstmCells writes them in double precision.
#pragma once

#include "sequence_layout.cuh"

namespace annonet {

struct LstmCell {
    ANNONET_HD static SequenceLayout layout(long long batch, long long steps, long long units) {
        return SequenceLayout{batch, steps, units, 4, 1, false};
    }

    // The gates' pre-activations (input projection in the gates region, bias, and from step 1 on the
    // recurrent product), activated in place, then c, h, and h into y (every step with
    // return_sequences, else the last one only).
    ANNONET_HD static void forward(const SequenceLayout& at, int t, bool return_sequences, const float* bias, float* s,
                                   float* y, long long b, int j) {
        long long units = at.units;
        float* gates = s + at.gates(b, t);
        const float* recurrent = t > 0 ? s + at.recurrent(t, b) : nullptr;
        float pre[4];
        for (int g = 0; g < 4; g++) {
            long long column = g * units + j;
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
        if (return_sequences || t == at.steps - 1) y[at.output(return_sequences, t, b) + j] = h;
    }

    // The gate gradients into the gates and recurrent rows of dWorkspace (ds), alike for an LSTM; the
    // cell gradient carried to step t - 1, and the direct part of its h gradient: none, the recurrent
    // product carries it all. dh is dy at step t (when an output is taken there) plus, below the
    // last step, the state gradient step t + 1 carried.
    ANNONET_HD static void backward(const SequenceLayout& at, int t, bool return_sequences, const float* s,
                                    const float* dy, float* ds, long long b, int j) {
        long long units = at.units;
        bool last = t == at.steps - 1;
        bool output_at_step = return_sequences || last;
        const float* gates = s + at.gates(b, t);
        float* d_gates = ds + at.gates(b, t);
        float* d_recurrent = ds + at.recurrent(t, b);
        long long cell = at.cell(t, b) + j;
        float i = gates[j], f = gates[units + j], g = gates[2 * units + j], o = gates[3 * units + j];
        float tanh_c = tanhf(s[cell]);
        float dh = (output_at_step ? dy[at.output(return_sequences, t, b) + j] : 0.0f)
                   + (last ? 0.0f : ds[at.state(t, b) + j]);
        float dc = dh * o * (1.0f - tanh_c * tanh_c) + (last ? 0.0f : ds[cell]);
        float previous_c = t > 0 ? s[at.cell(t - 1, b) + j] : 0.0f;
        float gradients[4] = {dc * g * i * (1.0f - i), dc * previous_c * f * (1.0f - f), dc * i * (1.0f - g * g),
                              dh * tanh_c * o * (1.0f - o)};
        for (int k = 0; k < 4; k++) {
            d_gates[k * units + j] = gradients[k];
            d_recurrent[k * units + j] = gradients[k];
        }
        if (t > 0) {
            ds[at.cell(t - 1, b) + j] = dc * f;
            ds[at.state(t - 1, b) + j] = 0.0f;
        }
    }
};

}  // namespace annonet
