package dev.annonet.runtime.backend.cpu;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.cpu.CpuKernels;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.NativeCodes;
import dev.annonet.runtime.backend.SequenceCells;

/**
 * A recurrent cell's step arithmetic in float32 on the CPU memories: the cell's C++ body
 * (sequence_cells.cuh, the CUDA kernels' own) over the batch's rows, on the thread pool annonet's
 * CPU kernels share with OpenBLAS (the caller's thread alone where OpenBLAS cannot share it).
 */
final class CpuSequenceCells implements SequenceCells {
    private final RecurrentCell cell;
    private final int code;

    CpuSequenceCells(RecurrentCell cell) {
        this.cell = cell;
        this.code = NativeCodes.recurrentCell(cell);
    }

    @Override
    public void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int biasOffset,
                        Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        if (!CpuKernels.sequenceCellsForward(code, batch, steps, units, t, returnSequences, cpu(weights).address(biasOffset),
                cpu(workspace).address(workspaceOffset), cpu(y).address(yOffset))) {
            throw unknownCell();
        }
    }

    @Override
    public void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                         int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset) {
        if (!CpuKernels.sequenceCellsBackward(code, batch, steps, units, t, returnSequences,
                cpu(workspace).address(workspaceOffset), cpu(dy).address(dyOffset), cpu(dWorkspace).address(dWorkspaceOffset))) {
            throw unknownCell();
        }
    }

    private IllegalStateException unknownCell() {
        return new IllegalStateException("annonet's CPU kernels have no " + cell + " cell (native code " + code
                + "): the native library is older than this runtime");
    }

    private static CpuMemory cpu(Memory memory) {
        if (memory instanceof CpuMemory cpuMemory) {
            return cpuMemory;
        }
        throw new IllegalArgumentException("not a cpu-backend memory: " + memory);
    }
}
