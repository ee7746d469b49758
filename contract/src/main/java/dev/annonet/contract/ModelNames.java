package dev.annonet.contract;

import java.util.Set;

/**
 * Names a generated model class already uses, so a layer must not take them: the methods of
 * {@code dev.annonet.runtime.Model} (a runtime test checks this list against the class), those the
 * processor adds, and Object's.
 */
public final class ModelNames {

    /** Methods of a generated model: a layer accessor of the same name would clash with them. */
    public static final Set<String> METHODS = Set.of(
            // the processor's
            "create", "twin", "forward", "backward", "infer", "predict", "predictOutputs",
            // dev.annonet.runtime.Model's
            "name", "device", "summary", "summaryText", "lossScale", "parameterCount", "trainableParameterCount",
            "nonTrainableParameterCount", "weights", "compile", "fit", "evaluate", "predictor", "close",
            "parameters", "gradients", "gradientsFinal", "activations", "activationGradients", "step", "dropoutSeed", "denseLayer",
            "weightedLayer", "layer", "predictSample", "save", "load", "loadKerasWeights", "saveCheckpoint", "loadCheckpoint",
            "copyWeights", "restoreWeights", "fitPorts", "evaluatePorts", "predictPorts",
            // Object's
            "equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");

    private ModelNames() {
    }
}
