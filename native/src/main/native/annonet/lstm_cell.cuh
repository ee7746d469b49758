// One LSTM cell of step t, forward and backward: the CUDA kernels' and the CPU backend's float
// arithmetic (sequence_cells.cuh dispatches to it), on units [j, j + L::WIDTH) of row b. Gate order
// i, f, c̃, o; Keras's formulas, as the reference backend's ElementLstmCells writes them in double
// precision.
#pragma once

#include "sequence_layout.cuh"

namespace annonet {

struct LstmCell {
    ANNONET_HD static SequenceLayout layout(long long batch, long long steps, long long units) {
        return SequenceLayout{batch, steps, units, 4, 1, false};
    }

    // The gates' pre-activations (input projection in the gates region, bias, and from step 1 on the
    // recurrent product), activated in place, then c and h.
    template <typename L = ScalarLanes>
    ANNONET_HD static void forward(const SequenceLayout& at, int t, bool return_sequences, const float* bias, float* s,
                                   float* y, long long b, int j) {
        using V = typename L::V;
        long long units = at.units;
        float* gates = s + at.gates(b, t);
        const float* recurrent = t > 0 ? s + at.recurrent(t, b) : nullptr;
        V pre[4];
        for (int g = 0; g < 4; g++) {
            long long column = g * units + j;
            pre[g] = L::load(gates + column) + L::load(bias + column);
            if (recurrent) pre[g] = pre[g] + L::load(recurrent + column);
        }
        V i = L::sigmoid(pre[0]), f = L::sigmoid(pre[1]), g = L::tanh(pre[2]), o = L::sigmoid(pre[3]);
        V c = i * g;
        if (t > 0) c = c + f * L::load(s + at.cell(t - 1, b) + j);
        L::store(gates + j, i);
        L::store(gates + units + j, f);
        L::store(gates + 2 * units + j, g);
        L::store(gates + 3 * units + j, o);
        L::store(s + at.cell(t, b) + j, c);
        store_state<L>(at, t, return_sequences, s, y, b, j, o * L::tanh(c));
    }

    // The gate gradients into the gates and recurrent rows of dWorkspace (ds), alike for an LSTM; the
    // cell gradient carried to step t - 1, and the direct part of its h gradient: none, the recurrent
    // product carries it all.
    template <typename L = ScalarLanes>
    ANNONET_HD static void backward(const SequenceLayout& at, int t, bool return_sequences, const float* s,
                                    const float* dy, float* ds, long long b, int j) {
        using V = typename L::V;
        long long units = at.units;
        bool last = t == at.steps - 1;
        const float* gates = s + at.gates(b, t);
        float* d_gates = ds + at.gates(b, t);
        float* d_recurrent = ds + at.recurrent(t, b);
        V one = L::splat(1.0f);
        V i = L::load(gates + j), f = L::load(gates + units + j), g = L::load(gates + 2 * units + j),
          o = L::load(gates + 3 * units + j);
        V tanh_c = L::tanh(L::load(s + at.cell(t, b) + j));
        V dh = state_gradient<L>(at, t, return_sequences, dy, ds, b, j);
        V dc = dh * o * (one - tanh_c * tanh_c);
        if (!last) dc = dc + L::load(ds + at.cell(t, b) + j);
        V previous_c = t > 0 ? L::load(s + at.cell(t - 1, b) + j) : L::splat(0.0f);
        V gradients[4] = {dc * g * i * (one - i), dc * previous_c * f * (one - f), dc * i * (one - g * g),
                          dh * tanh_c * o * (one - o)};
        for (int k = 0; k < 4; k++) {
            L::store(d_gates + k * units + j, gradients[k]);
            L::store(d_recurrent + k * units + j, gradients[k]);
        }
        if (t > 0) {
            L::store(ds + at.cell(t - 1, b) + j, dc * f);
            L::store(ds + at.state(t - 1, b) + j, L::splat(0.0f));
        }
    }
};

}  // namespace annonet
