package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Random and literal inputs for backend tests. */
public final class TestData {
    private TestData() {
    }

    /** Every activation kind, with thresholds for the kinds that have them. */
    public static Stream<ActivationFunction> activations() {
        return Stream.of(
                ActivationFunction.of(Activation.Kind.LINEAR),
                ActivationFunction.of(Activation.Kind.RELU),
                ActivationFunction.of(Activation.Kind.SIGMOID),
                ActivationFunction.of(Activation.Kind.TANH),
                ActivationFunction.of(Activation.Kind.SOFTMAX),
                ActivationFunction.heaviside(0.1),
                ActivationFunction.thresholdedLinear(-0.5, 0.5),
                ActivationFunction.relu(0.5, 0, 0),
                ActivationFunction.relu(0.5, 0.2, 0.1));
    }

    /** Every loss, as (kind, fused): fused with the activation it can follow, and not. */
    public static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of(LossKind.CATEGORICAL_CROSSENTROPY, false),
                Arguments.of(LossKind.CATEGORICAL_CROSSENTROPY, true),
                Arguments.of(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, false),
                Arguments.of(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, true),
                Arguments.of(LossKind.BINARY_CROSSENTROPY, false),
                Arguments.of(LossKind.BINARY_CROSSENTROPY, true),
                Arguments.of(LossKind.MEAN_SQUARED_ERROR, false));
    }

    /** Every recurrent cell, as (cell, returnSequences): returning its sequence and not. */
    public static Stream<Arguments> recurrentCells() {
        return Arrays.stream(RecurrentCell.values())
                .flatMap(cell -> Stream.of(Arguments.of(cell, false), Arguments.of(cell, true)));
    }

    /** A memory of {@code backend}, the reference backend (checked or not), holding {@code values}. */
    public static Memory memory(Backend backend, double... values) {
        Memory memory = backend.allocate(values.length);
        System.arraycopy(values, 0, ReferenceBackend.values(memory), 0, values.length);
        return memory;
    }

    public static double[] uniform(Random random, int count, double low, double high) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = low + (high - low) * random.nextDouble();
        }
        return values;
    }

    /** Rows of {@code cols} positive values summing to 1. */
    public static double[] probabilities(Random random, int rows, int cols) {
        double[] values = uniform(random, rows * cols, 0.05, 1);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += values[r * cols + c];
            }
            for (int c = 0; c < cols; c++) {
                values[r * cols + c] /= sum;
            }
        }
        return values;
    }

    /** One class index per row, as floats the way sparse targets are stored. */
    public static double[] classIndices(Random random, int rows, int classes) {
        double[] values = new double[rows];
        for (int r = 0; r < rows; r++) {
            values[r] = random.nextInt(classes);
        }
        return values;
    }

    public static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
