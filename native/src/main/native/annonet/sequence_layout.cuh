// Where a recurrent layer's values lie in its workspace: the regions of the contract's RecurrentCell
// (and of the Java side's SequenceLayout), from the workspace's start. The cell bodies
// (lstm_cell.cuh, gru_cell.cuh) read and write through it; sequence_cells.cuh picks one by its code.
#pragma once

#include "element_math.cuh"

namespace annonet {

// NativeCodes.recurrentCell's codes.
enum RecurrentCellKind { CELL_LSTM = 0, CELL_GRU = 1 };

ANNONET_HD float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

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

}  // namespace annonet
