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

    @Test
    void inceptionV3() {
        assertCounts(23_851_784, 34_432, InceptionV3Model.PARAMETER_COUNT, InceptionV3Model.TRAINABLE_PARAMETER_COUNT,
                InceptionV3Model.NON_TRAINABLE_PARAMETER_COUNT);
    }

    @Test
    void inceptionResNetV2() {
        assertCounts(55_873_736, 60_544, InceptionResNetV2Model.PARAMETER_COUNT,
                InceptionResNetV2Model.TRAINABLE_PARAMETER_COUNT, InceptionResNetV2Model.NON_TRAINABLE_PARAMETER_COUNT);
    }

    @Test
    void mobileNet() {
        assertCounts(4_253_864, 21_888, MobileNetModel.PARAMETER_COUNT, MobileNetModel.TRAINABLE_PARAMETER_COUNT,
                MobileNetModel.NON_TRAINABLE_PARAMETER_COUNT);
    }

    @Test
    void xception() {
        assertCounts(22_910_480, 54_528, XceptionModel.PARAMETER_COUNT, XceptionModel.TRAINABLE_PARAMETER_COUNT,
                XceptionModel.NON_TRAINABLE_PARAMETER_COUNT);
    }

    private static void assertCounts(long total, long nonTrainable, long actualTotal, long actualTrainable,
            long actualNonTrainable) {
        assertEquals(total, actualTotal, "total");
        assertEquals(total - nonTrainable, actualTrainable, "trainable");
        assertEquals(nonTrainable, actualNonTrainable, "non-trainable");
    }
}
