package dev.annonet.runtime.tensorboard;

/**
 * TensorBoard's {@code HistogramProto} of a set of values, with equal-width buckets between their
 * minimum and maximum, as {@code tf.summary.histogram} makes them (30 by default). Infinities and
 * NaNs are left out: they have no bucket, and a diverging loss shows them already.
 */
final class Histograms {
    /** {@code tf.summary.histogram}'s default bucket count. */
    static final int DEFAULT_BUCKETS = 30;

    // HistogramProto's field numbers (tensorboard/compat/proto/histogram.proto).
    private static final int MIN = 1;
    private static final int MAX = 2;
    private static final int NUM = 3;
    private static final int SUM = 4;
    private static final int SUM_SQUARES = 5;
    private static final int BUCKET_LIMIT = 6;
    private static final int BUCKET = 7;

    private Histograms() {
    }

    /**
     * The histogram of the finite {@code values} in {@code bucketCount} buckets. Bucket i counts
     * the values from limit i-1 (the minimum for the first) up to limit i, the last one the
     * maximum included; when all values are equal there is one bucket, whose limit is that value.
     */
    static ProtoEncoder encode(float[] values, int bucketCount) {
        if (bucketCount < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bucket, not " + bucketCount);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long count = 0;
        double sum = 0;
        double sumSquares = 0;
        for (float value : values) {
            if (Float.isFinite(value)) {
                min = Math.min(min, value);
                max = Math.max(max, value);
                count++;
                sum += value;
                sumSquares += (double) value * value;
            }
        }
        ProtoEncoder histogram = new ProtoEncoder();
        if (count == 0) {
            return histogram.doubleField(MIN, 0).doubleField(MAX, 0).doubleField(NUM, 0)
                    .doubleField(SUM, 0).doubleField(SUM_SQUARES, 0);
        }
        int buckets = min == max ? 1 : bucketCount;
        double width = (max - min) / buckets;
        double[] limits = new double[buckets];
        for (int i = 0; i < buckets - 1; i++) {
            limits[i] = min + (i + 1) * width;
        }
        limits[buckets - 1] = max;
        double[] counts = new double[buckets];
        for (float value : values) {
            if (Float.isFinite(value)) {
                int bucket = buckets == 1 ? 0 : (int) Math.min(buckets - 1, Math.floor((value - min) / width));
                counts[bucket]++;
            }
        }
        return histogram.doubleField(MIN, min).doubleField(MAX, max).doubleField(NUM, count)
                .doubleField(SUM, sum).doubleField(SUM_SQUARES, sumSquares)
                .packedDoublesField(BUCKET_LIMIT, limits).packedDoublesField(BUCKET, counts);
    }
}
