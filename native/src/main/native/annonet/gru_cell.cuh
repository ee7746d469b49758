// One GRU cell of step t, forward and backward, on units [j, j + L::WIDTH) of row b: Keras's GRU
// with reset_after = true, gates z, r, h̃ in Keras's order, as the reference backend's
// ElementGruCells writes it in double precision. The bias is two rows: the input bias b, then the
// recurrent bias β. With h' the h of step t - 1 (zero at step 0):
//   z = σ(x·W_z + b_z + h'·U_z + β_z),  r = σ(x·W_r + b_r + h'·U_r + β_r)
//   h̃ = tanh(x·W_h + b_h + r ⊙ (h'·U_h + β_h)),  h = z ⊙ h' + (1 - z) ⊙ h̃
#pragma once

#include "sequence_layout.cuh"

namespace annonet {

struct GruCell {
    ANNONET_HD static SequenceLayout layout(long long batch, long long steps, long long units) {
        return SequenceLayout{batch, steps, units, 3, 0, true};
    }

    // z, r, h̃ activated in place of the input projection; the step's recurrent product (none at
    // step 0: h' is zero) plus the recurrent bias kept in its region for the backward; h.
    template <typename L = ScalarLanes>
    ANNONET_HD static void forward(const SequenceLayout& at, int t, bool return_sequences, const float* bias, float* s,
                                   float* y, long long b, int j) {
        using V = typename L::V;
        long long units = at.units;
        const float* recurrent_bias = bias + 3 * units;
        float* gates = s + at.gates(b, t);
        float* recurrent = s + at.recurrent(t, b);
        V kept[3];
        for (int g = 0; g < 3; g++) {
            long long column = g * units + j;
            kept[g] = L::load(recurrent_bias + column);
            if (t > 0) kept[g] = L::load(recurrent + column) + kept[g];
            L::store(recurrent + column, kept[g]);
        }
        V z = L::sigmoid(L::load(gates + j) + L::load(bias + j) + kept[0]);
        V r = L::sigmoid(L::load(gates + units + j) + L::load(bias + units + j) + kept[1]);
        V candidate = L::tanh(L::load(gates + 2 * units + j) + L::load(bias + 2 * units + j) + r * kept[2]);
        V h = (L::splat(1.0f) - z) * candidate;
        if (t > 0) h = z * L::load(s + at.state(t - 1, b) + j) + h;
        L::store(gates + j, z);
        L::store(gates + units + j, r);
        L::store(gates + 2 * units + j, candidate);
        store_state<L>(at, t, return_sequences, s, y, b, j, h);
    }

    // The pre-activations' gradients on the input side into the gates rows of dWorkspace (ds), on the
    // recurrent side (the h̃ part times r) into step t's recurrent rows, and the direct part of the h
    // gradient carried to step t - 1, dh ⊙ z (the recurrent product's part is added by a GEMM).
    template <typename L = ScalarLanes>
    ANNONET_HD static void backward(const SequenceLayout& at, int t, bool return_sequences, const float* s,
                                    const float* dy, float* ds, long long b, int j) {
        using V = typename L::V;
        long long units = at.units;
        const float* gates = s + at.gates(b, t);
        const float* kept = s + at.recurrent(t, b);
        float* d_gates = ds + at.gates(b, t);
        float* d_recurrent = ds + at.recurrent(t, b);
        V one = L::splat(1.0f);
        V z = L::load(gates + j), r = L::load(gates + units + j), candidate = L::load(gates + 2 * units + j);
        V previous = t > 0 ? L::load(s + at.state(t - 1, b) + j) : L::splat(0.0f);
        V dh = state_gradient<L>(at, t, return_sequences, dy, ds, b, j);
        V dz = dh * (previous - candidate) * z * (one - z);
        V d_candidate = dh * (one - z) * (one - candidate * candidate);
        V dr = d_candidate * L::load(kept + 2 * units + j) * r * (one - r);
        L::store(d_gates + j, dz);
        L::store(d_gates + units + j, dr);
        L::store(d_gates + 2 * units + j, d_candidate);
        L::store(d_recurrent + j, dz);
        L::store(d_recurrent + units + j, dr);
        L::store(d_recurrent + 2 * units + j, d_candidate * r);
        if (t > 0) L::store(ds + at.state(t - 1, b) + j, dh * z);
    }
};

}  // namespace annonet
