package dev.annonet.samples.perceptron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.Device;
import org.junit.jupiter.api.Test;

class PerceptronOrTest {
    @Test
    void fixedWeightsComputeOr() {
        try (PerceptronOrModel model = PerceptronOrModel.create(Device.cpu(), 0)) {
            assertArrayEquals(new float[] {0}, model.predict(new float[] {0, 0}));
            assertArrayEquals(new float[] {1}, model.predict(new float[] {0, 1}));
            assertArrayEquals(new float[] {1}, model.predict(new float[] {1, 0}));
            assertArrayEquals(new float[] {1}, model.predict(new float[] {1, 1}));
        }
    }

    @Test
    void declaredWeightsAreNonTrainableConstants() {
        try (PerceptronOrModel model = PerceptronOrModel.create(Device.cpu(), 0)) {
            assertEquals(0, model.trainableParameterCount());
            assertEquals(3, model.nonTrainableParameterCount());
            assertArrayEquals(new float[] {1, 1}, model.or().kernel().toArray());
            assertArrayEquals(new float[] {-0.5f}, model.or().bias().toArray());
            assertFalse(model.or().kernel().trainable());
            assertThrows(IllegalStateException.class, () -> model.or().kernel().set(new float[] {2, 2}));
        }
    }
}
