package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * Whole-model gradient checks on the reference backend in float64: the gradients a training step
 * computes (forward, the loss as the trainer calls it, fused or not, and backward) against central
 * differences of the loss that evaluate reports.
 */
class GradientCheckTest {
    private static final double H = 1e-5;

    @Test
    void mlpWithSoftmaxAndCategoricalCrossentropy() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 2, 3, 4, 3, 0)) {
            check(model, Losses.categoricalCrossentropy(), TestData.uniform(5, 3, 1), Labels.oneHot(TestData.labels(5, 3, 1), 3));
        }
    }

    @Test
    void mlpWithSoftmaxAndSparseCategoricalCrossentropy() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 3, 3, 4, 3, 0)) {
            check(model, Losses.sparseCategoricalCrossentropy(), TestData.uniform(5, 3, 2), Labels.sparse(TestData.labels(5, 3, 2)));
        }
    }

    @Test
    void mlpWithSoftmaxAndMeanSquaredErrorRunsTheSoftmaxBackward() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 4, 3, 4, 3, 0)) {
            check(model, Losses.meanSquaredError(), TestData.uniform(5, 3, 3), Labels.oneHot(TestData.labels(5, 3, 3), 3));
        }
    }

    @Test
    void sigmoidWithBinaryCrossentropy() {
        try (HandScheduledDense model = dense(Activation.Kind.SIGMOID)) {
            check(model, Losses.binaryCrossentropy(), TestData.uniform(6, 3, 4), Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0}, 6, 2));
        }
    }

    @Test
    void sigmoidWithMeanSquaredError() {
        try (HandScheduledDense model = dense(Activation.Kind.SIGMOID)) {
            check(model, Losses.meanSquaredError(), TestData.uniform(6, 3, 5), TestData.uniform(6, 2, 6));
        }
    }

    @Test
    void tanhAndLinearWithMeanSquaredError() {
        for (Activation.Kind kind : new Activation.Kind[] {Activation.Kind.TANH, Activation.Kind.LINEAR}) {
            try (HandScheduledDense model = dense(kind)) {
                check(model, Losses.meanSquaredError(), TestData.uniform(6, 3, 7), TestData.uniform(6, 2, 8));
            }
        }
    }

    private static HandScheduledDense dense(Activation.Kind kind) {
        return HandScheduledDense.create(Device.reference(), 5, 3, 2, ActivationFunction.of(kind), true);
    }

    private static void check(Model model, Loss loss, Tensor x, Tensor y) {
        model.compile(Optimizers.sgd(), loss);
        double[] parameters = ReferenceBackend.values(model.parameters());
        double[] initial = parameters.clone();
        model.arena().reserve(x.samples(), Arena.Use.TRAIN); // as fit does before its steps
        model.trainer().trainBatch(x, y, null, 0, x.samples(), model.trainer().newTally());
        double[] gradients = ReferenceBackend.values(model.gradients()).clone();
        System.arraycopy(initial, 0, parameters, 0, parameters.length);
        double largest = 0;
        for (int i = 0; i < gradients.length; i++) {
            parameters[i] = initial[i] + H;
            double plus = model.evaluate(x, y, x.samples()).loss();
            parameters[i] = initial[i] - H;
            double minus = model.evaluate(x, y, x.samples()).loss();
            parameters[i] = initial[i];
            double numeric = (plus - minus) / (2 * H);
            assertEquals(numeric, gradients[i], 1e-7 + 1e-6 * Math.abs(numeric), loss + ": parameter " + i);
            largest = Math.max(largest, Math.abs(numeric));
        }
        assertTrue(largest > 1e-3, "the check compared only vanishing gradients");
    }
}
