package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.BatchLanding;
import dev.annonet.runtime.backend.Memory;

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
    private final int inputOffset;
    private final int inputSize;
    private final int outputOffset;
    private final int outputSize;
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
        this.inputOffset = layout.input().offset();
        this.inputSize = layout.input().size();
        this.outputOffset = layout.output().offset();
        this.outputSize = layout.output().size();
        int[] outputShape = layout.output().shape();
        this.outputRows = outputSize / outputShape[outputShape.length - 1];
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
        inputStaging = new float[inputSize * batch];
        if (training) {
            activationGradients = backend.allocate(activationsPerSample * batch);
            // Targets per sample never exceed the output's size (sparse targets need fewer).
            targets = backend.allocate(outputSize * batch);
            weights = backend.allocate(outputRows * batch);
            targetStaging = new float[outputSize * batch];
            weightStaging = new float[outputRows * batch];
            landing = backend.batchLanding((inputSize + outputSize + outputRows) * batch);
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
     * from + batch} when {@code order} is null) where the schedule reads its input.
     */
    void loadInputs(float[] x, int[] order, int from, int batch) {
        load(x, inputSize, order, from, batch, inputStaging, activations, inputOffset * batch);
    }

    /** Puts the same samples' targets, {@code width} values each, at the start of {@link #targets()}. */
    void loadTargets(float[] y, int width, int[] order, int from, int batch) {
        load(y, width, order, from, batch, targetStaging, targets, 0);
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
            loadInputs(x, null, 0, batch);
            loadTargets(y, width, null, 0, batch);
            if (w != null) {
                loadWeights(w, null, 0, batch);
            }
            return;
        }
        int inputs = inputSize * batch;
        int targetValues = width * batch;
        landing.fill(0, x, 0, inputs);
        landing.fill(inputs, y, 0, targetValues);
        if (w != null) {
            landing.fill(inputs + targetValues, w, 0, outputRows * batch);
        }
        landing.landed();
        landing.take(0, activations, inputOffset * batch, inputs);
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
        backend.gatherRows(batch, inputSize, x, order, from, activations, inputOffset * batch);
        backend.gatherRows(batch, width, y, order, from, targets, 0);
        if (w != null) {
            backend.gatherRows(batch, outputRows, w, order, from, weights, 0);
        }
    }

    /** Copies the output of a batch that just ran forward into {@code into} at {@code intoOffset}. */
    void readOutputs(int batch, float[] into, int intoOffset) {
        backend.download(activations, outputOffset * batch, into, intoOffset, batch * outputSize);
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
