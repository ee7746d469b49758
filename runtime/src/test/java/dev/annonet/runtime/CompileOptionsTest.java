package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.LossKind;
import org.junit.jupiter.api.Test;

class CompileOptionsTest {

    @Test
    void defaultsAreKeras() {
        assertEquals("SGD(learning_rate=0.01, momentum=0.0, nesterov=false)", Optimizers.sgd().toString());
        assertEquals("RMSprop(learning_rate=0.001, rho=0.9, epsilon=1.0E-7)", Optimizers.rmsprop().toString());
        assertEquals("Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1.0E-7)", Optimizers.adam().toString());
        assertEquals("RMSprop(learning_rate=0.01, rho=0.9, epsilon=1.0E-7)", Optimizers.rmsprop(0.01f).toString());
        assertEquals("adam", Optimizers.adam(0.1f).name());
    }

    @Test
    void lossesAndMetricsHaveKerasNames() {
        assertEquals("categorical_crossentropy", Losses.categoricalCrossentropy().name());
        assertEquals("sparse_categorical_crossentropy", Losses.sparseCategoricalCrossentropy().name());
        assertEquals("binary_crossentropy", Losses.binaryCrossentropy().name());
        assertEquals("mean_squared_error", Losses.meanSquaredError().name());
        assertEquals("accuracy", Metrics.accuracy().name());
    }

    @Test
    void accuracyIsResolvedFromTheLossAsKerasDoes() {
        Metric accuracy = Metrics.accuracy();
        assertEquals(AccuracyKind.CATEGORICAL, accuracy.accuracyFor(LossKind.CATEGORICAL_CROSSENTROPY, 10));
        assertEquals(AccuracyKind.SPARSE_CATEGORICAL, accuracy.accuracyFor(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, 10));
        assertEquals(AccuracyKind.BINARY, accuracy.accuracyFor(LossKind.BINARY_CROSSENTROPY, 3));
        assertEquals(AccuracyKind.BINARY, accuracy.accuracyFor(LossKind.MEAN_SQUARED_ERROR, 1));
        assertEquals(AccuracyKind.CATEGORICAL, accuracy.accuracyFor(LossKind.MEAN_SQUARED_ERROR, 4));
    }
}
