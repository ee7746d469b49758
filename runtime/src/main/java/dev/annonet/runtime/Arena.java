package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.BatchLanding;
import dev.annonet.runtime.backend.FreeMemory;
import dev.annonet.runtime.backend.Memory;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A model's per-batch memory: the activation arena, the arena of their gradients, the targets, the loss's
 * weights (one per output row), the host staging buffers a shuffled batch is gathered into
 * before one upload, and the backend's landing area for streamed batches where it has one.
 * Nothing is allocated until a call needs it: a prediction holds the activations alone, laid
 * out as the layout's inference arena (tensors share memory once dead) without the part of the
 * convolution scratch the backend's convolutions do not use, an evaluation adds the
 * targets and weights in the same layout; training runs in the training arena's layout (every
 * activation kept for backward) and adds the gradients (laid out as the layout's gradient arena:
 * gradients share memory once dead). The
 * last {@link #reserve} says which layout the loads and reads that follow use. Each part is sized for a
 * batch capacity and reallocated only when a larger batch arrives, never during a step; before it
 * allocates, the arena checks that the memory is there ({@link ResourceExhaustedException} says
 * what would fit otherwise) and that no buffer passes the backend's {@link Backend#maxValues()}.
 */
final class Arena {
    /** What a call needs the arena for; each use holds the memory of those before it too. */
    enum Use {
        PREDICT("prediction"), EVALUATE("evaluation"), TRAIN("training");

        private final String noun;

        Use(String noun) {
            this.noun = noun;
        }
    }

    private final Backend backend;
    private final String network;
    private final int activationsPerSample;
    private final int gradientsPerSample;
    private final int inferencePerSample;
    /** Each input's per-sample offset and size; a streamed or resident batch has one input (index 0). */
    private final int[] trainingInputOffsets;
    private final int[] inferenceInputOffsets;
    private final int[] inputSizes;
    private final int largestInput;
    private final int[] trainingOutputOffsets;
    private final int[] inferenceOutputOffsets;
    private final int[] outputSizes;
    /** Values of every output per sample: no output's targets need more. */
    private final int outputsSize;
    /** Rows of the first output, whose loss alone sample and class weights weigh. */
    private final int outputRows;
    /** Values per sample of a streamed batch's landing area: the first input, the targets, the weights. */
    private final int landingPerSample;

    /** The offsets of the layout the last reserve asked for. */
    private int[] inputOffsets;
    private int[] outputOffsets;
    /** The batch each part holds room for: targets (with weights and landing), gradients; the activations hold values. */
    private int targetCapacity;
    private int gradientCapacity;
    private Memory activations;
    private Memory activationGradients;
    private Memory targets;
    private Memory weights;
    private float[] inputStaging = new float[0];
    private float[] targetStaging;
    private float[] weightStaging;
    /** Where a streamed batch's inputs, targets and weights are copied in during the step before, or null. */
    private BatchLanding landing;

    Arena(Backend backend, NetworkLayout layout) {
        this.backend = backend;
        this.network = layout.name();
        this.activationsPerSample = layout.activationSize();
        this.gradientsPerSample = layout.gradientSize();
        this.inferencePerSample = layout.inferenceActivationSize(backend::conv2dUsesColumns);
        this.trainingInputOffsets = layout.inputs().stream().mapToInt(NetworkLayout.Port::offset).toArray();
        this.inferenceInputOffsets = IntStream.range(0, layout.inputs().size()).map(layout::inferenceInputOffset).toArray();
        this.inputSizes = layout.inputs().stream().mapToInt(NetworkLayout.Port::size).toArray();
        this.largestInput = Arrays.stream(inputSizes).max().orElseThrow();
        this.trainingOutputOffsets = layout.outputs().stream().mapToInt(NetworkLayout.Port::offset).toArray();
        this.inferenceOutputOffsets = IntStream.range(0, layout.outputs().size()).map(layout::inferenceOutputOffset).toArray();
        this.inputOffsets = trainingInputOffsets;
        this.outputOffsets = trainingOutputOffsets;
        this.outputSizes = layout.outputs().stream().mapToInt(NetworkLayout.Port::size).toArray();
        this.outputsSize = Arrays.stream(outputSizes).sum();
        int[] outputShape = layout.output().shape();
        this.outputRows = outputSizes[0] / outputShape[outputShape.length - 1];
        this.landingPerSample = inputSizes[0] + outputsSize + outputRows;
    }

    /**
     * The batch a prediction or evaluation of {@code wanted} samples at a time runs at: {@code
     * wanted}, or the largest smaller batch that fits when {@code wanted} does not (the results
     * are the same, a batch at a time). Fails when not even one sample fits.
     */
    int fittingBatch(int wanted, Use use) {
        if (wanted <= capacity(use)) {
            return wanted;
        }
        int largest = largestBatch(use);
        if (largest < 1) {
            throw exhausted(wanted, use, largest);
        }
        return Math.min(wanted, largest);
    }

    /** Makes room for batches of {@code batch} samples for {@code use}, freeing the memory it outgrows. */
    void reserve(int batch, Use use) {
        inputOffsets = use == Use.TRAIN ? trainingInputOffsets : inferenceInputOffsets;
        outputOffsets = use == Use.TRAIN ? trainingOutputOffsets : inferenceOutputOffsets;
        if (batch <= capacity(use)) {
            return;
        }
        if (batch > largestBatch(use)) {
            throw exhausted(batch, use, largestBatch(use));
        }
        long activationValues = (long) activationsPer(use) * batch;
        if (size(activations) < activationValues) {
            release(activations);
            activations = backend.allocate((int) activationValues);
        }
        if (inputStaging.length < largestInput * batch) {
            inputStaging = new float[largestInput * batch];
        }
        if (use != Use.PREDICT && targetCapacity < batch) {
            release(targets);
            release(weights);
            if (landing != null) {
                landing.release();
            }
            // Targets per sample never exceed the outputs' size (sparse targets need fewer).
            targets = backend.allocate(outputsSize * batch);
            weights = backend.allocate(outputRows * batch);
            targetStaging = new float[outputsSize * batch];
            weightStaging = new float[outputRows * batch];
            landing = backend.batchLanding(landingPerSample * batch);
            targetCapacity = batch;
        }
        if (use == Use.TRAIN && gradientCapacity < batch) {
            release(activationGradients);
            activationGradients = backend.allocate(gradientsPerSample * batch);
            gradientCapacity = batch;
        }
    }

    /** The batch the parts of {@code use} all hold room for. */
    private int capacity(Use use) {
        int activationCapacity = (int) (size(activations) / activationsPer(use));
        return switch (use) {
            case PREDICT -> activationCapacity;
            case EVALUATE -> Math.min(activationCapacity, targetCapacity);
            case TRAIN -> Math.min(activationCapacity, Math.min(targetCapacity, gradientCapacity));
        };
    }

    /** Activation values per sample of the layout {@code use} runs in. */
    private int activationsPer(Use use) {
        return use == Use.TRAIN ? activationsPerSample : inferencePerSample;
    }

    /**
     * The largest batch whose parts for {@code use} fit: in the backend's free memory, counting
     * what those parts hold now (freed before they grow), and in buffers of at most
     * {@link Backend#maxValues()} values.
     */
    private int largestBatch(Use use) {
        long perSample = perSampleBytes(use);
        long free = backend.freeMemory().bytes() + heldBytes(use);
        int largestPerSample = Math.max(activationsPer(use), switch (use) {
            case PREDICT -> 1;
            case EVALUATE -> landingPerSample;
            case TRAIN -> Math.max(landingPerSample, gradientsPerSample);
        });
        long bySize = backend.maxValues() / largestPerSample;
        return (int) Math.min(Math.min(free / perSample, bySize), Integer.MAX_VALUE);
    }

    private long perSampleBytes(Use use) {
        return valuesPerSample(activationsPer(use), gradientsPerSample, outputsSize, outputRows, use) * backend.bytesPerValue();
    }

    /**
     * Values the arena allocates per sample of a batch for {@code use}, at most (a prediction on a
     * backend that convolves without im2col holds less): what the generated model's
     * {@code TRAINING_VALUES_PER_SAMPLE} and {@code PREDICTION_VALUES_PER_SAMPLE} count.
     */
    static long valuesPerSample(NetworkLayout layout, Use use) {
        int[] shape = layout.output().shape();
        return valuesPerSample(use == Use.TRAIN ? layout.activationSize() : layout.inferenceActivationSize(),
                layout.gradientSize(), layout.outputs().stream().mapToInt(NetworkLayout.Port::size).sum(),
                layout.output().size() / shape[shape.length - 1], use);
    }

    /** {@code activations}: of the layout {@code use} runs in; {@code gradients}: the gradient arena's. */
    private static long valuesPerSample(int activations, int gradients, int outputs, int rows, Use use) {
        long values = activations;
        if (use != Use.PREDICT) {
            values += outputs + rows;
        }
        if (use == Use.TRAIN) {
            values += gradients;
        }
        return values;
    }

    private long heldBytes(Use use) {
        return heldValues(use) * backend.bytesPerValue();
    }

    /** Values of the backend's memory the parts of {@code use} hold now. */
    long heldValues(Use use) {
        long values = size(activations);
        if (use != Use.PREDICT) {
            values += size(targets) + size(weights);
        }
        if (use == Use.TRAIN) {
            values += size(activationGradients);
        }
        return values;
    }

    private static long size(Memory memory) {
        return memory == null ? 0 : memory.size();
    }

    private ResourceExhaustedException exhausted(int batch, Use use, int largest) {
        long needed = perSampleBytes(use) * batch;
        FreeMemory free = backend.freeMemory();
        long bufferValues = (long) activationsPer(use) * batch;
        String why = bufferValues > backend.maxValues()
                ? String.format(Locale.ROOT, "its activations (%,d values) pass the %,d values one buffer of the %s backend holds",
                        bufferValues, backend.maxValues(), backend.name())
                : ResourceExhaustedException.bytes(free.bytes()) + " are free (" + free.bound()
                        + (heldBytes(use) == 0 ? "" : ", and " + ResourceExhaustedException.bytes(heldBytes(use))
                        + " this model's batch memory holds now") + ")";
        return new ResourceExhaustedException(String.format(Locale.ROOT, "%s at batch %,d needs %s of activations for %s; %s; %s",
                network, batch, ResourceExhaustedException.bytes(needed), use.noun, why,
                largest < 1 ? "not even one sample fits" : "batch " + largest + " fits"));
    }

    private void release(Memory memory) {
        if (memory != null) {
            backend.release(memory);
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
