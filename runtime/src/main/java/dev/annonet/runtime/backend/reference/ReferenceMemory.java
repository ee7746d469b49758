package dev.annonet.runtime.backend.reference;

import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.Memory;

/** A reference-backend memory: plain doubles on the Java heap. */
final class ReferenceMemory implements Memory, Elements {
    final double[] values;

    ReferenceMemory(int size) {
        this.values = new double[size];
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public double get(int index) {
        return values[index];
    }

    @Override
    public void set(int index, double value) {
        values[index] = value;
    }
}
