package dev.annonet.runtime;

/**
 * Every weight of a model at one moment, on the host: made by {@link Model#copyWeights()}, put back
 * by {@link Model#restoreWeights(WeightSnapshot)}.
 */
public final class WeightSnapshot {
    private final String network;
    private final float[] values;

    WeightSnapshot(String network, float[] values) {
        this.network = network;
        this.values = values;
    }

    /** The network the weights were copied from. */
    public String network() {
        return network;
    }

    float[] values() {
        return values;
    }
}
