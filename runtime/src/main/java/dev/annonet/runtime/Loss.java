package dev.annonet.runtime;

import dev.annonet.runtime.backend.LossKind;

/** A loss a model is compiled with; made by {@link Losses}. */
public final class Loss {
    private final String name;
    private final LossKind kind;

    Loss(String name, LossKind kind) {
        this.name = name;
        this.kind = kind;
    }

    /** Keras's name, e.g. {@code categorical_crossentropy}. */
    public String name() {
        return name;
    }

    LossKind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return name;
    }
}
