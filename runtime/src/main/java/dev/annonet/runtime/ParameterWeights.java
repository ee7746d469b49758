package dev.annonet.runtime;

import java.util.Arrays;

/** The {@link Weights} view of one parameter of a model's parameter buffer. */
final class ParameterWeights implements Weights {
    private final Model model;
    private final NetworkLayout.Parameter parameter;

    ParameterWeights(Model model, NetworkLayout.Parameter parameter) {
        this.model = model;
        this.parameter = parameter;
    }

    @Override
    public String name() {
        return parameter.name();
    }

    @Override
    public int[] shape() {
        return parameter.shape().clone();
    }

    @Override
    public boolean trainable() {
        return parameter.trainable();
    }

    @Override
    public float[] toArray() {
        float[] values = new float[parameter.size()];
        model.readParameters(parameter.offset(), values, 0, values.length);
        return values;
    }

    @Override
    public float get(int... index) {
        float[] value = new float[1];
        model.readParameters(parameter.offset() + Tensor.flatIndex(index, parameter.shape()), value, 0, 1);
        return value[0];
    }

    @Override
    public void set(float[] values) {
        if (parameter.fixed()) {
            throw new IllegalStateException("'" + parameter.name() + "' is fixed in the declaration");
        }
        if (values.length != parameter.size()) {
            throw new IllegalArgumentException("'" + parameter.name() + "' of shape " + Arrays.toString(parameter.shape())
                    + " takes " + parameter.size() + " values, but " + values.length + " were given");
        }
        model.writeParameters(values, parameter.offset());
    }

    @Override
    public String toString() {
        return parameter.name() + Arrays.toString(parameter.shape()) + (parameter.fixed() ? " (fixed)" : parameter.state() ? " (state)" : "");
    }
}
