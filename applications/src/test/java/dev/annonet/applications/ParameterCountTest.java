package dev.annonet.applications;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Each application has Keras's parameter counts, split as Keras's {@code summary()} splits them:
 * the non-trainable ones are the batch normalizations' moving means and variances. Read from the
 * generated constants, so no network is allocated.
 */
class ParameterCountTest {

    @Test
    void vgg16() {
        assertCounts(138_357_544, 0, VGG16Model.PARAMETER_COUNT, VGG16Model.TRAINABLE_PARAMETER_COUNT,
                VGG16Model.NON_TRAINABLE_PARAMETER_COUNT);
    }

    @Test
    void vgg19() {
        assertCounts(143_667_240, 0, VGG19Model.PARAMETER_COUNT, VGG19Model.TRAINABLE_PARAMETER_COUNT,
                VGG19Model.NON_TRAINABLE_PARAMETER_COUNT);
    }

    @Test
    void resNet50() {
        assertCounts(25_636_712, 53_120, ResNet50Model.PARAMETER_COUNT, ResNet50Model.TRAINABLE_PARAMETER_COUNT,
                ResNet50Model.NON_TRAINABLE_PARAMETER_COUNT);
    }

    private static void assertCounts(long total, long nonTrainable, long actualTotal, long actualTrainable,
            long actualNonTrainable) {
        assertEquals(total, actualTotal, "total");
        assertEquals(total - nonTrainable, actualTrainable, "trainable");
        assertEquals(nonTrainable, actualNonTrainable, "non-trainable");
    }
}
