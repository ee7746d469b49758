package dev.annonet.runtime;

import java.util.SplittableRandom;

/** Small data sets the tests train on. */
final class TestData {
    private TestData() {
    }

    /** {@code perClass} points around each of {@code centers}, with labels 0, 1, ...: separable blobs. */
    static Tensor blobs(float[][] centers, int perClass, double spread, long seed, int[] labelsOut) {
        SplittableRandom random = new SplittableRandom(seed);
        int dims = centers[0].length;
        float[] values = new float[centers.length * perClass * dims];
        for (int c = 0; c < centers.length; c++) {
            for (int i = 0; i < perClass; i++) {
                int sample = c * perClass + i;
                labelsOut[sample] = c;
                for (int d = 0; d < dims; d++) {
                    values[sample * dims + d] = (float) (centers[c][d] + spread * (2 * random.nextDouble() - 1));
                }
            }
        }
        return Tensor.of(values, centers.length * perClass, dims);
    }

    static final float[][] THREE_CENTERS = {{-2, 0}, {2, 0}, {0, 2.5f}};

    /** 150 points in three well-separated blobs in the plane. */
    static Tensor threeBlobs(int[] labelsOut) {
        return blobs(THREE_CENTERS, 50, 0.8, 11, labelsOut);
    }

    /** The four XOR inputs. */
    static Tensor xorInputs() {
        return Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
    }

    static final int[] XOR_LABELS = {0, 1, 1, 0};

    /** Uniform values in [-1, 1), {@code samples} × {@code width}. */
    static Tensor uniform(int samples, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[samples * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        return Tensor.of(values, samples, width);
    }

    /** Random class labels in [0, classes). */
    static int[] labels(int samples, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(classes);
        }
        return labels;
    }
}
