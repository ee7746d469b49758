package dev.annonet.processor.plan;

/** The model's four buffers. Offsets into the arena and the gradient arena scale with the batch; parameter offsets do not. */
public enum Space {
    PARAMETERS(false),
    GRADIENTS(false),
    ACTIVATIONS(true),
    ACTIVATION_GRADIENTS(true);

    private final boolean perSample;

    Space(boolean perSample) {
        this.perSample = perSample;
    }

    public boolean perSample() {
        return perSample;
    }
}
