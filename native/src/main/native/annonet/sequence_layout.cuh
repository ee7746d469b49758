// Where a recurrent layer's values lie in its workspace: the regions of the contract's RecurrentCell
// (and of the Java side's SequenceLayout), from the workspace's start. The cell bodies
// (lstm_cell.cuh, gru_cell.cuh) read and write through it; sequence_cells.cuh picks one by its code.
// A body computes units [j, j + L::WIDTH) of row b, L being its lanes: ScalarLanes on the GPU.
#pragma once

#include "element_math.cuh"

namespace annonet {

// NativeCodes.recurrentCell's codes.
enum RecurrentCellKind { CELL_LSTM = 0, CELL_GRU = 1 };

ANNONET_HD float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

// What a cell body computes with, one unit at a time: a float. The bodies take it as a template
// argument, so that the CPU kernels run the same bodies on eight units at a time (cpu/vector_math.h's
// Avx2Lanes, with the same operations).
struct ScalarLanes {
    using V = float;
    ANNONET_HD static V load(const float* p) { return *p; }
    ANNONET_HD static void store(float* p, V v) { *p = v; }
    ANNONET_HD static V splat(float v) { return v; }
    ANNONET_HD static V sigmoid(V v) { return sigmoidf(v); }
    ANNONET_HD static V tanh(V v) { return tanhf(v); }
};

struct SequenceLayout {
    long long batch, steps, units;
    int gate_count;           // gates per unit
    int cell_states;          // values per unit carried besides h (an LSTM's c)
    bool every_recurrent;     // every step's recurrent product kept, else one step's

    ANNONET_HD long long width() const { return gate_count * units; }
    // The gates of row b at step t, width() values (in dWorkspace: the input projection's gradients).
    ANNONET_HD long long gates(long long b, int t) const { return (b * steps + t) * width(); }
    // The carried cell state of row b at step t, cell_states · units values (in dWorkspace: its gradient).
    ANNONET_HD long long cell(int t, long long b) const {
        return batch * steps * width() + (t * batch + b) * cell_states * units;
    }
    // The state h, units values (in dWorkspace: the gradient carried to step t).
    ANNONET_HD long long state(int t, long long b) const {
        return batch * steps * (width() + cell_states * units) + (t * batch + b) * units;
    }
    // Step t's recurrent product, width() values (in dWorkspace: its gradient).
    ANNONET_HD long long recurrent(int t, long long b) const {
        return batch * steps * (width() + (cell_states + 1) * units) + ((every_recurrent ? t * batch : 0) + b) * width();
    }
    // h in y, where an output is taken at step t.
    ANNONET_HD long long output(bool return_sequences, int t, long long b) const {
        return return_sequences ? (b * steps + t) * units : b * units;
    }
};

// What every cell does with h, on units [j, j + L::WIDTH) of row b: h into the states and, where
// an output is taken at step t (every step with return_sequences, else the last), into y.
template <typename L>
ANNONET_HD void store_state(const SequenceLayout& at, int t, bool return_sequences, float* s, float* y, long long b,
                            int j, const typename L::V& h) {
    L::store(s + at.state(t, b) + j, h);
    if (return_sequences || t == at.steps - 1) L::store(y + at.output(return_sequences, t, b) + j, h);
}

// h's gradient at step t: dy's there, where an output is taken, plus below the last step what step
// t + 1 carried (its direct part and the recurrent GEMM's).
template <typename L>
ANNONET_HD typename L::V state_gradient(const SequenceLayout& at, int t, bool return_sequences, const float* dy,
                                        const float* ds, long long b, int j) {
    bool last = t == at.steps - 1;
    typename L::V dh = return_sequences || last ? L::load(dy + at.output(return_sequences, t, b) + j) : L::splat(0.0f);
    if (!last) dh = dh + L::load(ds + at.state(t, b) + j);
    return dh;
}

}  // namespace annonet
