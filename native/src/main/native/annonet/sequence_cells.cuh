// The recurrent cells by their code (NativeCodes.recurrentCell), for the CUDA kernels
// (sequence_kernels.cuh) and the CPU backend's (cpu/sequence_cells.h) alike: a new cell is its body
// and one case here.
#pragma once

#include "gru_cell.cuh"
#include "lstm_cell.cuh"

namespace annonet {

// visit(Cell{}) for the cell of that code; false, visiting none, for an unknown code. On the host
// and the GPU alike, as visit is: nvcc is not to check a host-only visit's instantiation for the GPU.
#ifdef __CUDACC__
#pragma nv_exec_check_disable
#endif
template <typename Visit>
ANNONET_HD bool with_cell(int cell, Visit visit) {
    switch (cell) {
        case CELL_LSTM: visit(LstmCell{}); return true;
        case CELL_GRU: visit(GruCell{}); return true;
        default: return false;
    }
}

}  // namespace annonet
