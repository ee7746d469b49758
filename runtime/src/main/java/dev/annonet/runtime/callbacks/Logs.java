package dev.annonet.runtime.callbacks;

import java.util.List;
import java.util.Map;

/** The values a callback is given, by name: {@code loss}, the metrics, and {@code val_*} at an epoch's end. */
public interface Logs {

    /** The names, in History's order. */
    List<String> names();

    /** The value of {@code name}; an {@link IllegalArgumentException} names the ones there are when it is not one of them. */
    double get(String name);

    /** Whether {@code name} is one of {@link #names()}. */
    default boolean has(String name) {
        return names().contains(name);
    }

    /** A copy, name to value, that stays as it is. */
    Map<String, Double> toMap();
}
