package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.BatchLanding;
import dev.annonet.runtime.backend.Memory;
import java.util.Arrays;

/**
 * A model's per-batch memory: the activation arena, its gradient twin, the targets, the loss's
 * weights (one per output row), the host staging buffers a shuffled batch is gathered into
 * before one upload, and the backend's landing area for streamed batches where it has one. Sized
 * for a batch capacity and reallocated only when a larger batch arrives, never during a step. A
 * predictor's arena ({@code training} false) holds the activations and the input staging alone.
 */
final class Arena {
    private final Backend backend;
    private final int activationsPerSample;
    /** Each input's per-sample offset and size; a streamed or resident batch has one input (index 0). */
    private final int[] inputOffsets;
    private final int[] inputSizes;
    private final int largestInput;
    private final int[] outputOffsets;
    private final int[] outputSizes;
    /** Values of every output per sample: no output's targets need more. */
    private final int outputsSize;
    /** Rows of the first output, whose loss alone sample and class weights weigh. */
    private final int outputRows;
    private final boolean training;

    private int capacity;
    private Memory activations;
    private Memory activationGradients;
    private Memory targets;
    private Memory weights;
    private float[] inputStaging;
    private float[] targetStaging;
    private float[] weightStaging;
    /** Where a streamed batch's inputs, targets and weights are copied in during the step before, or null. */
    private BatchLanding landing;

    Arena(Backend backend, NetworkLayout layout, int capacity, boolean training) {
        this.backend = backend;
        this.training = training;
        this.activationsPerSample = layout.activationSize();
        this.inputOffsets = layout.inputs().stream().mapToInt(NetworkLayout.Port::offset).toArray();
        this.inputSizes = layout.inputs().stream().mapToInt(NetworkLayout.Port::size).toArray();
        this.largestInput = Arrays.stream(inputSizes).max().orElseThrow();
        this.outputOffsets = layout.outputs().stream().mapToInt(NetworkLayout.Port::offset).toArray();
        this.outputSizes = layout.outputs().stream().mapToInt(NetworkLayout.Port::size).toArray();
        this.outputsSize = Arrays.stream(outputSizes).sum();
        int[] outputShape = layout.output().shape();
        this.outputRows = outputSizes[0] / outputShape[outputShape.length - 1];
        allocate(capacity);
    }

    /** Makes room for batches of {@code batch} samples, freeing the memory it outgrows. */
    void reserve(int batch) {
        if (batch > capacity) {
            backend.release(activations);
            if (training) {
                backend.release(activationGradients);
                backend.release(targets);
                backend.release(weights);
                if (landing != null) {
                    landing.release();
                }
            }
            allocate(batch);
        }
    }

    private void allocate(int batch) {
        capacity = batch;
        activations = backend.allocate(Math.multiplyExact(activationsPerSample, batch));
        inputStaging = new float[largestInput * batch];
        if (training) {
            activationGradients = backend.allocate(activationsPerSample * batch);
            // Targets per sample never exceed the outputs' size (sparse targets need fewer).
            targets = backend.allocate(outputsSize * batch);
            weights = backend.allocate(outputRows * batch);
            targetStaging = new float[outputsSize * batch];
            weightStaging = new float[outputRows * batch];
            landing = backend.batchLanding((inputSizes[0] + outputsSize + outputRows) * batch);
        }
    }

    Memory activations() {
        return activations;
    }

    Memory activationGradients() {
        return activationGradients;
    }

    Memory targets() {
        return targets;
    }

    /** The loss's weight of each output row of the batch. */
    Memory weights() {
        return weights;
    }

    /**
     * Puts samples {@code order[from .. from + batch)} of {@code x} (or samples {@code from ..
     * from + batch} when {@code order} is null) where the schedule reads input {@code input}.
     */
    void loadInputs(int input, float[] x, int[] order, int from, int batch) {
        load(x, inputSizes[input], order, from, batch, inputStaging, activations, inputOffsets[input] * batch);
    }

    /**
     * Puts the same samples' targets, {@code width} values each, in {@link #targets()} at
     * {@code offset} values per sample (0 for the first output's).
     */
    void loadTargets(float[] y, int width, int offset, int[] order, int from, int batch) {
        load(y, width, order, from, batch, targetStaging, targets, offset * batch);
    }

    /** Puts the same samples' weights, one per output row, at the start of {@link #weights()}. */
    void loadWeights(float[] w, int[] order, int from, int batch) {
        load(w, outputRows, order, from, batch, weightStaging, weights, 0);
    }

    /**
     * Puts a batch read by a stream (its samples in the order given: inputs {@code x}, targets
     * {@code y} of {@code width} values each, the weights {@code w} of their output rows unless
     * null) where the schedule reads them. Through the landing area where the backend has one: the
     * copy from the host then runs beside the step enqueued before, which the move into place waits for.
     */
    void loadStreamed(float[] x, float[] y, int width, float[] w, int batch) {
        if (landing == null) {
            loadInputs(0, x, null, 0, batch);
            loadTargets(y, width, 0, null, 0, batch);
            if (w != null) {
                loadWeights(w, null, 0, batch);
            }
            return;
        }
        int inputs = inputSizes[0] * batch;
        int targetValues = width * batch;
        landing.fill(0, x, 0, inputs);
        landing.fill(inputs, y, 0, targetValues);
        if (w != null) {
            landing.fill(inputs + targetValues, w, 0, outputRows * batch);
        }
        landing.landed();
        landing.take(0, activations, inputOffsets[0] * batch, inputs);
        landing.take(inputs, targets, 0, targetValues);
        if (w != null) {
            landing.take(inputs + targetValues, weights, 0, outputRows * batch);
        }
        landing.taken();
    }

    /**
     * Puts samples {@code order[from .. from + batch)} of a training set kept in the backend's
     * memory (inputs {@code x}, targets {@code y} of {@code width} values each, and the weights
     * {@code w} of their output rows unless null) where the schedule reads them, gathered there:
     * nothing crosses from the host.
     */
    void gather(Memory x, Memory y, int width, Memory w, Memory order, int from, int batch) {
        backend.gatherRows(batch, inputSizes[0], x, order, from, activations, inputOffsets[0] * batch);
        backend.gatherRows(batch, width, y, order, from, targets, 0);
        if (w != null) {
            backend.gatherRows(batch, outputRows, w, order, from, weights, 0);
        }
    }

    /** Copies output {@code output} of a batch that just ran forward into {@code into} at {@code intoOffset}. */
    void readOutputs(int output, int batch, float[] into, int intoOffset) {
        backend.download(activations, outputOffsets[output] * batch, into, intoOffset, batch * outputSizes[output]);
    }

    private void load(float[] source, int width, int[] order, int from, int batch,
                      float[] staging, Memory target, int targetOffset) {
        if (order == null) {
            backend.upload(source, from * width, target, targetOffset, batch * width);
            return;
        }
        for (int i = 0; i < batch; i++) {
            System.arraycopy(source, order[from + i] * width, staging, i * width, width);
        }
        backend.upload(staging, 0, target, targetOffset, batch * width);
    }
}
