package dev.annonet.runtime;

import dev.annonet.runtime.data.Dataset;
import java.io.IOException;

/**
 * Samples held in arrays, read through the Dataset interface: inputs and class indices of
 * {@code classes} classes, in {@code blobs.bin}; sample {@code failAt} cannot be read.
 */
final class ArrayDataset implements Dataset {
    private final float[] x;
    private final int[] labels;
    private final int width;
    private final int classes;
    private final long failAt;

    ArrayDataset(Tensor x, int[] labels, int classes, long failAt) {
        this.x = x.toArray();
        this.labels = labels;
        this.width = x.size(1);
        this.classes = classes;
        this.failAt = failAt;
    }

    @Override
    public long size() {
        return labels.length;
    }

    @Override
    public int inputWidth() {
        return width;
    }

    @Override
    public int targetWidth() {
        return 1;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public String source() {
        return "blobs.bin";
    }

    @Override
    public void read(long[] samples, int count, float[] inputs, float[] targets) throws IOException {
        for (int i = 0; i < count; i++) {
            int sample = (int) samples[i];
            if (sample == failAt) {
                throw new IOException("blobs.bin: sample " + sample + " is unreadable");
            }
            System.arraycopy(x, sample * width, inputs, i * width, width);
            targets[i] = labels[sample];
        }
    }
}
