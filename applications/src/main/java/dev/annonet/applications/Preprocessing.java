package dev.annonet.applications;

/**
 * Keras's {@code preprocess_input} for an application family, on RGB pixels 0-255, in float32 as
 * Keras computes it: {@link #CAFFE} for VGG16, VGG19 and ResNet50, {@link #TF} for Xception,
 * InceptionV3, InceptionResNetV2 and MobileNet.
 */
public enum Preprocessing {
    /** RGB to BGR, then each channel less ImageNet's mean (B 103.939, G 116.779, R 123.68); no scaling. */
    CAFFE {
        @Override
        void apply(int rgb, float[] into, int offset) {
            into[offset] = (rgb & 0xFF) - 103.939f;
            into[offset + 1] = ((rgb >> 8) & 0xFF) - 116.779f;
            into[offset + 2] = ((rgb >> 16) & 0xFF) - 123.68f;
        }
    },
    /** x / 127.5 − 1: RGB in [−1, 1]. */
    TF {
        @Override
        void apply(int rgb, float[] into, int offset) {
            into[offset] = ((rgb >> 16) & 0xFF) / 127.5f - 1f;
            into[offset + 1] = ((rgb >> 8) & 0xFF) / 127.5f - 1f;
            into[offset + 2] = (rgb & 0xFF) / 127.5f - 1f;
        }
    };

    /** Writes the three channels of pixel {@code rgb} (0xRRGGBB, alpha ignored) at {@code offset}. */
    abstract void apply(int rgb, float[] into, int offset);
}
