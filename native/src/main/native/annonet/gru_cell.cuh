// One GRU cell (b, j) of step t, forward and backward: Keras's GRU with reset_after = true, gates
// z, r, h̃ in Keras's order, as the reference backend's ElementGruCells writes it in double
// precision. The bias is two rows: the input bias, then the recurrent bias.
//   z = σ(x·W_z + b_z + h'·U_z + β_z),  r = σ(x·W_r + b_r + h'·U_r + β_r)
//   h̃ = tanh(x·W_h + b_h + r ⊙ (h'·U_h + β_h)),  h = z ⊙ h' + (1 - z) ⊙ h̃      (h' = h of step t - 1)
#pragma once

#include "sequence_layout.cuh"

namespace annonet {

struct GruCell {
    ANNONET_HD static SequenceLayout layout(long long batch, long long steps, long long units) {
        return SequenceLayout{batch, steps, units, 3, 0, true};
    }

    // z, r, h̃ activated in place of the input projection; the step's recurrent product (none at
    // step 0: h' is zero) plus the recurrent bias kept in its region for the backward; h, and h into y.
    ANNONET_HD static void forward(const SequenceLayout& at, int t, bool return_sequences, const float* bias, float* s,
                                   float* y, long long b, int j) {
        long long units = at.units;
        const float* recurrent_bias = bias + 3 * units;
        float* gates = s + at.gates(b, t);
        float* recurrent = s + at.recurrent(t, b);
        float kept[3];
        for (int g = 0; g < 3; g++) {
            long long column = g * units + j;
            kept[g] = (t > 0 ? recurrent[column] : 0.0f) + recurrent_bias[column];
            recurrent[column] = kept[g];
        }
        float z = sigmoidf(gates[j] + bias[j] + kept[0]);
        float r = sigmoidf(gates[units + j] + bias[units + j] + kept[1]);
        float candidate = tanhf(gates[2 * units + j] + bias[2 * units + j] + r * kept[2]);
        float previous = t > 0 ? s[at.state(t - 1, b) + j] : 0.0f;
        float h = z * previous + (1.0f - z) * candidate;
        gates[j] = z;
        gates[units + j] = r;
        gates[2 * units + j] = candidate;
        s[at.state(t, b) + j] = h;
        if (return_sequences || t == at.steps - 1) y[at.output(return_sequences, t, b) + j] = h;
    }

    // The pre-activations' gradients on the input side into the gates rows of dWorkspace (ds), on the
    // recurrent side (the h̃ part times r) into step t's recurrent rows, and the direct part of the h
    // gradient carried to step t - 1, dh ⊙ z (the recurrent product's part is added by a GEMM).
    ANNONET_HD static void backward(const SequenceLayout& at, int t, bool return_sequences, const float* s,
                                    const float* dy, float* ds, long long b, int j) {
        long long units = at.units;
        bool last = t == at.steps - 1;
        bool output_at_step = return_sequences || last;
        const float* gates = s + at.gates(b, t);
        const float* kept = s + at.recurrent(t, b);
        float* d_gates = ds + at.gates(b, t);
        float* d_recurrent = ds + at.recurrent(t, b);
        float z = gates[j], r = gates[units + j], candidate = gates[2 * units + j];
        float previous = t > 0 ? s[at.state(t - 1, b) + j] : 0.0f;
        float dh = (output_at_step ? dy[at.output(return_sequences, t, b) + j] : 0.0f)
                   + (last ? 0.0f : ds[at.state(t, b) + j]);
        float dz = dh * (previous - candidate) * z * (1.0f - z);
        float d_candidate = dh * (1.0f - z) * (1.0f - candidate * candidate);
        float dr = d_candidate * kept[2 * units + j] * r * (1.0f - r);
        d_gates[j] = dz;
        d_gates[units + j] = dr;
        d_gates[2 * units + j] = d_candidate;
        d_recurrent[j] = dz;
        d_recurrent[units + j] = dr;
        d_recurrent[2 * units + j] = d_candidate * r;
        if (t > 0) ds[at.state(t - 1, b) + j] = dh * z;
    }
};

}  // namespace annonet
