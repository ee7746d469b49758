package dev.annonet.runtime.backend.cpu;

import dev.annonet.cpu.CpuKernels;
import dev.annonet.runtime.backend.LstmCells;
import dev.annonet.runtime.backend.Memory;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An LSTM step's element-wise arithmetic in float32 on the CPU memories: annonet's native CPU
 * kernels where the backend runs them (lstm_cell.cuh on the shared pool), else Java loops that read
 * and write a row's gates (i, f, c̃, o) in one pass, tanh from the exp intrinsic ({@code Math.tanh}
 * is not one and dominated a step). What it computes is {@code ElementLstmCells}'s, to float precision.
 */
final class CpuLstmCells implements LstmCells {
    private final boolean nativeKernels;

    // Heap copies of one batch row's operands, so the loops run over arrays (bounds-check free and
    // vectorizable where the arithmetic allows); grown to the largest units seen, then reused.
    private float[] bias = new float[0];
    private float[] gates = new float[0];
    private float[] recurrent = new float[0];
    private float[] previousCells = new float[0];
    private float[] cellRow = new float[0];
    private float[] stateRow = new float[0];

    CpuLstmCells(boolean nativeKernels) {
        this.nativeKernels = nativeKernels;
    }

    @Override
    public void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int biasOffset,
                        Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        if (nativeKernels) {
            CpuKernels.lstmCellsForward(batch, steps, units, t, returnSequences, cpu(weights).address(biasOffset),
                    cpu(workspace).address(workspaceOffset), cpu(y).address(yOffset));
            return;
        }
        FloatBuffer s = buffer(workspace);
        int width = 4 * units;
        reserve(units);
        buffer(weights).get(biasOffset, bias, 0, width);
        int cells = LstmCells.cells(batch, steps, units, workspaceOffset);
        int states = LstmCells.states(batch, steps, units, workspaceOffset);
        int scratch = LstmCells.scratch(batch, steps, units, workspaceOffset);
        for (int b = 0; b < batch; b++) {
            int gateRow = workspaceOffset + (b * steps + t) * width;
            int cell = cells + (t * batch + b) * units;
            s.get(gateRow, gates, 0, width);
            if (t > 0) {
                s.get(scratch + b * width, recurrent, 0, width);
                s.get(cell - batch * units, previousCells, 0, units);
                for (int k = 0; k < width; k++) {
                    gates[k] += recurrent[k] + bias[k];
                }
            } else {
                Arrays.fill(previousCells, 0, units, 0f);
                for (int k = 0; k < width; k++) {
                    gates[k] += bias[k];
                }
            }
            for (int j = 0; j < units; j++) {
                float i = sigmoid(gates[j]);
                float f = sigmoid(gates[units + j]);
                float g = tanh(gates[2 * units + j]);
                float o = sigmoid(gates[3 * units + j]);
                float c = i * g + f * previousCells[j];
                gates[j] = i;
                gates[units + j] = f;
                gates[2 * units + j] = g;
                gates[3 * units + j] = o;
                cellRow[j] = c;
                stateRow[j] = o * tanh(c);
            }
            s.put(gateRow, gates, 0, width);
            s.put(cell, cellRow, 0, units);
            s.put(states + (t * batch + b) * units, stateRow, 0, units);
            if (returnSequences || t == steps - 1) {
                buffer(y).put(LstmCells.output(batch, steps, units, t, b, returnSequences, yOffset), stateRow, 0, units);
            }
        }
    }

    private void reserve(int units) {
        if (gates.length < 4 * units) {
            bias = new float[4 * units];
            gates = new float[4 * units];
            recurrent = new float[4 * units];
            previousCells = new float[units];
            cellRow = new float[units];
            stateRow = new float[units];
        }
    }

    @Override
    public void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                         int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset) {
        if (nativeKernels) {
            CpuKernels.lstmCellsBackward(batch, steps, units, t, returnSequences, cpu(workspace).address(workspaceOffset),
                    cpu(dy).address(dyOffset), cpu(dWorkspace).address(dWorkspaceOffset));
            return;
        }
        FloatBuffer s = buffer(workspace);
        FloatBuffer ds = buffer(dWorkspace);
        FloatBuffer up = buffer(dy);
        int width = 4 * units;
        int cells = LstmCells.cells(batch, steps, units, workspaceOffset);
        int dCells = LstmCells.cells(batch, steps, units, dWorkspaceOffset);
        int dStates = LstmCells.states(batch, steps, units, dWorkspaceOffset);
        int dStep = LstmCells.scratch(batch, steps, units, dWorkspaceOffset);
        boolean last = t == steps - 1;
        boolean outputAtStep = returnSequences || last;
        for (int b = 0; b < batch; b++) {
            int gateRow = workspaceOffset + (b * steps + t) * width;
            int dGateRow = dWorkspaceOffset + (b * steps + t) * width;
            int dStepRow = dStep + b * width;
            int cell = cells + (t * batch + b) * units;
            int dCell = dCells + (t * batch + b) * units;
            int dState = dStates + (t * batch + b) * units;
            int output = LstmCells.output(batch, steps, units, t, b, returnSequences, dyOffset);
            for (int j = 0; j < units; j++) {
                float i = s.get(gateRow + j);
                float f = s.get(gateRow + units + j);
                float g = s.get(gateRow + 2 * units + j);
                float o = s.get(gateRow + 3 * units + j);
                float tanhC = tanh(s.get(cell + j));
                float dh = (outputAtStep ? up.get(output + j) : 0f) + (last ? 0f : ds.get(dState + j));
                float dc = dh * o * (1 - tanhC * tanhC) + (last ? 0f : ds.get(dCell + j));
                float previousC = t > 0 ? s.get(cell - batch * units + j) : 0f;
                float di = dc * g * i * (1 - i);
                float df = dc * previousC * f * (1 - f);
                float dg = dc * i * (1 - g * g);
                float dO = dh * tanhC * o * (1 - o);
                ds.put(dGateRow + j, di);
                ds.put(dGateRow + units + j, df);
                ds.put(dGateRow + 2 * units + j, dg);
                ds.put(dGateRow + 3 * units + j, dO);
                ds.put(dStepRow + j, di);
                ds.put(dStepRow + units + j, df);
                ds.put(dStepRow + 2 * units + j, dg);
                ds.put(dStepRow + 3 * units + j, dO);
                if (t > 0) {
                    ds.put(dCell - batch * units + j, dc * f);
                }
            }
        }
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    /** {@code 1 - 2 / (e^2x + 1)}: ±1 in the limits, as e^2x overflows to infinity or underflows to 0. */
    private static float tanh(float v) {
        return (float) (1 - 2 / (Math.exp(2.0 * v) + 1));
    }

    private static FloatBuffer buffer(Memory memory) {
        return cpu(memory).buffer;
    }

    private static CpuMemory cpu(Memory memory) {
        if (memory instanceof CpuMemory cpuMemory) {
            return cpuMemory;
        }
        throw new IllegalArgumentException("not a cpu-backend memory: " + memory);
    }
}
