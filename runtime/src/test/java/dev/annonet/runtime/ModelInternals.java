package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;

/**
 * What tests of generated models in other modules (the samples' networks against PyTorch, a
 * training step's allocations) read and drive inside a model through the runtime's package
 * access: gradients and activations after a step, dropout seeds, the backend, and the trainer's
 * step without fit's progress and history. It ships in the runtime's test jar (only this class),
 * so those tests live in their own packages rather than in the runtime's.
 */
public final class ModelInternals {
    private ModelInternals() {
    }

    /** One training step on the samples {@code order[from, from + batch)}, as fit runs it. */
    @FunctionalInterface
    public interface BatchStep {
        void train(int from, int batch);
    }

    public static Backend backend(Model model) {
        return model.backend;
    }

    /** The gradient of trainable weight {@code name} (as {@link Model#weights()} names it) from the last step. */
    public static float[] gradient(Model model, String name) {
        NetworkLayout.Parameter p = model.layout().parameters().stream()
                .filter(parameter -> parameter.name().equals(name) && parameter.trainable())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(model.name() + " has no trainable weight '" + name + "'"));
        float[] values = new float[p.size()];
        model.backend.download(model.gradients(), p.offset(), values, 0, values.length);
        return values;
    }

    /** The network's output for each sample of the last batch of {@code batch} samples. */
    public static float[] output(Model model, int batch) {
        NetworkLayout.Port output = model.layout().output();
        return activations(model, batch, output.offset(), output.size());
    }

    /** The {@code perSample} values at per-sample offset {@code perSampleOffset} of each sample of the last batch. */
    public static float[] activations(Model model, int batch, int perSampleOffset, int perSample) {
        float[] values = new float[batch * perSample];
        model.backend.download(model.activations(), batch * perSampleOffset, values, 0, values.length);
        return values;
    }

    /**
     * Values of the backend's memory the model holds: its parameters and their gradients, and its
     * batch memory (activations, their gradients, targets and weights); not the optimizer's state.
     */
    public static long allocatedValues(Model model) {
        return model.parameters().size() + model.gradients().size() + model.arena().heldValues(Arena.Use.TRAIN);
    }

    /**
     * Fills the activations' gradients the model holds (allocated by a training step or
     * {@link #trainingStep}) with {@code value}: what a gradient arena whose memory another
     * gradient used before holds.
     */
    public static void fillActivationGradients(Model model, float value) {
        model.backend.fill(model.activationGradients(), 0, model.activationGradients().size(), value);
    }

    /** Values per sample of the activation arena of training, which forward and backward read. */
    public static int trainingActivationValues(Model model) {
        return model.layout().activationSize();
    }

    /** The dropout seed of the layer at {@code layerIndex}, declaration order. */
    public static long dropoutSeed(Model model, int layerIndex) {
        return model.dropoutSeed(layerIndex);
    }

    /**
     * The compiled model's training step over the rows {@code order} picks from {@code x} and
     * {@code y}, one tally reused across steps: what a step allocates is the step's alone.
     */
    public static BatchStep trainingStep(Model model, Tensor x, Tensor y, int[] order) {
        Trainer trainer = model.trainer();
        if (trainer == null) {
            throw new IllegalStateException(model.name() + " is not compiled");
        }
        Tally tally = trainer.newTally();
        model.arena().reserve(x.samples(), Arena.Use.TRAIN); // as fit does before its first step; no batch is larger
        return (from, batch) -> trainer.trainBatch(x, y, order, from, batch, tally);
    }
}
