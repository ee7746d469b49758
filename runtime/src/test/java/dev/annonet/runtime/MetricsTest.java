package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each metric's value on small examples worked out by hand (most are the examples of Keras's own
 * documentation), counted on the reference backend and summed over batches as fit sums them; AUC
 * also against the exact area and against Keras's thresholds applied one by one.
 */
class MetricsTest {
    private static final float[] KERAS_Y_PRED = {0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0};

    @Test
    void topKCategoricalAccuracyAsKerasDocumentsIt() {
        float[] oneHot = {0, 0, 1, 0, 1, 0};
        Loss loss = Losses.categoricalCrossentropy();
        assertEquals(0.5, value(Metrics.topKCategoricalAccuracy(1), loss, 3, KERAS_Y_PRED, oneHot));
        assertEquals(1.0, value(Metrics.topKCategoricalAccuracy(2), loss, 3, KERAS_Y_PRED, oneHot));
        assertEquals(1.0, value(Metrics.topKCategoricalAccuracy(), loss, 3, KERAS_Y_PRED, oneHot), "k = 5 > 3 classes");
        assertEquals("top_k_categorical_accuracy", Metrics.topKCategoricalAccuracy().name());
    }

    @Test
    void sparseTopKCategoricalAccuracyAsKerasDocumentsIt() {
        float[] labels = {2, 1};
        Loss loss = Losses.sparseCategoricalCrossentropy();
        assertEquals(0.5, value(Metrics.sparseTopKCategoricalAccuracy(1), loss, 3, KERAS_Y_PRED, labels));
        assertEquals(1.0, value(Metrics.sparseTopKCategoricalAccuracy(3), loss, 3, KERAS_Y_PRED, labels));
        assertEquals("sparse_top_k_categorical_accuracy", Metrics.sparseTopKCategoricalAccuracy().name());
    }

    @Test
    void aTieAtTheKthPlaceCountsForTheTarget() {
        // Class 1 ties with class 0 for the largest: in_top_k(k = 1) counts it in, while argmax would pick class 0.
        float[] y = {0.4f, 0.4f, 0.2f};
        assertEquals(1.0, value(Metrics.sparseTopKCategoricalAccuracy(1), Losses.sparseCategoricalCrossentropy(), 3,
                y, new float[] {1}));
        assertEquals(0.0, value(Metrics.accuracy(), Losses.sparseCategoricalCrossentropy(), 3, y, new float[] {1}));
    }

    @Test
    void precisionAndRecallAsKerasDocumentThem() {
        float[] yTrue = {0, 1, 1, 1};
        float[] yPred = {1, 0, 1, 1};
        Loss loss = Losses.binaryCrossentropy();
        // TP 2 (rows 2, 3), FP 1 (row 0), FN 1 (row 1)
        assertEquals(2.0 / 3, value(Metrics.precision(), loss, 1, yPred, yTrue), 1e-15);
        assertEquals(2.0 / 3, value(Metrics.recall(), loss, 1, yPred, yTrue), 1e-15);
        // top_k: of four equal outputs the first k are the positives
        float[] ones = {1, 1, 1, 1};
        float[] lastTwo = {0, 0, 1, 1};
        assertEquals(0.0, value(Metrics.precision().withTopK(2), loss, 4, ones, lastTwo));
        assertEquals(0.5, value(Metrics.precision().withTopK(4), loss, 4, ones, lastTwo));
    }

    @Test
    void thresholdAndClassIdPickThePositives() {
        float[] y = {
            0.2f, 0.7f, 0.1f,
            0.6f, 0.3f, 0.1f,
            0.1f, 0.8f, 0.1f,
            0.3f, 0.3f, 0.4f};
        float[] labels = {1, 0, 2, 1};
        Loss loss = Losses.sparseCategoricalCrossentropy(); // class indices count as their one-hot rows
        // Above 0.5: (0, 1) TP, (1, 0) TP, (2, 1) FP; the rest negative: (2, 2) and (3, 1) FN
        assertEquals(2.0 / 3, value(Metrics.precision(), loss, 3, y, labels), 1e-15);
        assertEquals(2.0 / 4, value(Metrics.recall(), loss, 3, y, labels), 1e-15);
        // Class 1 alone: rows 0 and 2 predicted, row 0 right; rows 0 and 3 true, row 3 missed
        assertEquals(0.5, value(Metrics.precision().withClassId(1), loss, 3, y, labels));
        assertEquals(0.5, value(Metrics.recall().withClassId(1), loss, 3, y, labels));
        // Above 0.35: adds (3, 2) FP, so 2 of 4; the top 1 alone: argmax rows, ties to the lower class, 2 of 4
        assertEquals(0.5, value(Metrics.precision().withThreshold(0.35), loss, 3, y, labels));
        assertEquals(0.5, value(Metrics.precision().withTopK(1), loss, 3, y, labels));
        // The top 1 above 0.65: (0, 1) TP and (2, 1) FP; of the 4 true classes 1 is found
        assertEquals(0.25, value(Metrics.recall().withTopK(1).withThreshold(0.65), loss, 3, y, labels));
    }

    @Test
    void precisionIsOverEverySampleSoFarNotAMeanOfBatches() {
        float[] yTrue = {1, 0, 0, 1, 0, 0};
        float[] yPred = {0.9f, 0.2f, 0.7f, 0.8f, 0.6f, 0.9f};
        // batch 1 (rows 0-1): TP 1, FP 0, precision 1; batch 2 (rows 2-5): TP 1, FP 3, precision 1/4
        double precision = value(Metrics.precision(), Losses.binaryCrossentropy(), 1, yPred, yTrue, 2, 4);
        assertEquals(2.0 / 5, precision, 1e-15);
    }

    @Test
    void nothingPredictedOrTrueGivesZeroAsKerasDivideNoNan() {
        float[] zeros = {0, 0};
        assertEquals(0.0, value(Metrics.precision(), Losses.binaryCrossentropy(), 1, zeros, zeros));
        assertEquals(0.0, value(Metrics.recall(), Losses.binaryCrossentropy(), 1, zeros, zeros));
    }

    @Test
    void aucWithThreeThresholdsAsKerasDocumentsIt() {
        // thresholds {-1e-7, 0.5, 1 + 1e-7}: TP {2, 1, 0}, FP {2, 0, 0}; recall {1, 0.5, 0}, FP rate {1, 0, 0}
        double auc = value(Metrics.auc().withNumThresholds(3), Losses.binaryCrossentropy(), 1,
                new float[] {0, 0.5f, 0.3f, 0.9f}, new float[] {0, 0, 1, 1});
        assertEquals(0.75, auc, 1e-15);
        // With Keras's 200 thresholds the four scores fall in buckets 0, 99, 59 and 179, all apart, so
        // the area is exact: of the 4 (positive, negative) pairs, 3 are ordered right.
        double fine = value(Metrics.auc(), Losses.binaryCrossentropy(), 1,
                new float[] {0, 0.5f, 0.3f, 0.9f}, new float[] {0, 0, 1, 1});
        assertEquals(0.75, fine, 1e-15);
        // 0.3 and 0.301 share bucket 59: the pair gets half credit, 3.5 / 4 where the exact area is 3 / 4.
        double shared = value(Metrics.auc(), Losses.binaryCrossentropy(), 1,
                new float[] {0, 0.301f, 0.3f, 0.9f}, new float[] {0, 0, 1, 1});
        assertEquals(0.875, shared, 1e-15);
    }

    /**
     * 300 scores: the 200-threshold ROC AUC is within the discretization error of the exact area
     * (a pair of a positive and a negative in the same bucket gets half credit where the exact
     * area gives it 0, 1/2 or 1), and equals Keras's thresholds applied one by one.
     */
    @Test
    void aucWithTwoHundredThresholds() {
        int samples = 300;
        float[] scores = new float[samples];
        float[] labels = new float[samples];
        Random random = new Random(11);
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(3) == 0 ? 1 : 0;
            double logit = random.nextGaussian() + (labels[i] == 1 ? 1.2 : 0);
            scores[i] = (float) (1 / (1 + Math.exp(-logit)));
        }
        double auc = value(Metrics.auc(), Losses.binaryCrossentropy(), 1, scores, labels, 128, 128, 44);

        long positives = 0;
        long negatives = 0;
        double wins = 0;
        long sameBucket = 0;
        for (int p = 0; p < samples; p++) {
            for (int n = 0; n < samples; n++) {
                if (labels[p] == 1 && labels[n] == 0) {
                    wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0;
                    sameBucket += bucket(scores[p]) == bucket(scores[n]) ? 1 : 0;
                }
            }
        }
        for (float label : labels) {
            positives += label == 1 ? 1 : 0;
            negatives += label == 0 ? 1 : 0;
        }
        double exact = wins / (positives * negatives);
        double discretization = sameBucket / (2.0 * positives * negatives);
        assertTrue(Math.abs(auc - exact) <= discretization, auc + " against the exact " + exact + " ± " + discretization);
        assertTrue(discretization < 0.005, "the bound is tight enough to mean something: " + discretization);
        assertEquals(kerasRocAuc(scores, labels, 200), auc, 1e-12);
    }

    @Test
    void prAucAndTheBoundsAgreeWithTheThresholdsOneByOne() {
        float[] scores = {0.05f, 0.2f, 0.31f, 0.33f, 0.5f, 0.52f, 0.7f, 0.71f, 0.9f, 0.97f};
        float[] labels = {0, 0, 1, 0, 1, 0, 1, 1, 0, 1};
        Loss loss = Losses.binaryCrossentropy();
        Metric pr = Metrics.auc().withNumThresholds(11).withCurve(Metric.Curve.PR);
        double[][] counts = kerasConfusionCounts(scores, labels, 11);
        double interpolated = value(pr, loss, 1, scores, labels);
        assertEquals(kerasInterpolatedPrAuc(counts), interpolated, 1e-12);
        double lower = value(pr.withSummationMethod(Metric.SummationMethod.MINORING), loss, 1, scores, labels);
        double upper = value(pr.withSummationMethod(Metric.SummationMethod.MAJORING), loss, 1, scores, labels);
        assertTrue(lower <= interpolated && interpolated <= upper, lower + " <= " + interpolated + " <= " + upper);
        double rocLower = value(Metrics.auc().withNumThresholds(11).withSummationMethod(Metric.SummationMethod.MINORING),
                loss, 1, scores, labels);
        double roc = value(Metrics.auc().withNumThresholds(11), loss, 1, scores, labels);
        assertTrue(rocLower <= roc, rocLower + " <= " + roc);
    }

    @Test
    void misuseIsRefusedWithAReason() {
        IllegalArgumentException sparse = assertThrows(IllegalArgumentException.class,
                () -> Metrics.topKCategoricalAccuracy().bind(Losses.sparseCategoricalCrossentropy(), 10));
        assertTrue(sparse.getMessage().contains("sparseTopKCategoricalAccuracy"), sparse.getMessage());
        IllegalArgumentException oneHot = assertThrows(IllegalArgumentException.class,
                () -> Metrics.sparseTopKCategoricalAccuracy().bind(Losses.categoricalCrossentropy(), 10));
        assertTrue(oneHot.getMessage().contains("topKCategoricalAccuracy"), oneHot.getMessage());
        IllegalArgumentException classId = assertThrows(IllegalArgumentException.class,
                () -> Metrics.recall().withClassId(10).bind(Losses.categoricalCrossentropy(), 10));
        assertTrue(classId.getMessage().contains("class id 10"), classId.getMessage());
        IllegalStateException option = assertThrows(IllegalStateException.class, () -> Metrics.accuracy().withThreshold(0.5));
        assertEquals("accuracy takes no threshold (precision and recall do)", option.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.precision().withThreshold(1.5));
        assertThrows(IllegalArgumentException.class, () -> Metrics.auc().withNumThresholds(1));
        assertThrows(IllegalArgumentException.class, () -> Metrics.topKCategoricalAccuracy(0));
        assertEquals("precision_of_3", Metrics.precision().withClassId(3).named("precision_of_3").name());
    }

    /** The metric over rows of {@code cols} outputs, counted in batches of {@code batchRows} rows (default: one batch). */
    private static double value(Metric metric, Loss loss, int cols, float[] y, float[] targets, int... batchRows) {
        MetricCounts counts = metric.bind(loss, cols);
        int rows = y.length / cols;
        int targetWidth = targets.length / rows;
        Tally tally = new Tally(1, new MetricCounts[] {counts});
        long[] batchCounts = new long[counts.size()];
        try (Backend backend = new ReferenceBackend()) {
            Memory output = backend.allocate(y.length);
            Memory target = backend.allocate(targets.length);
            backend.upload(y, 0, output, 0, y.length);
            int from = 0;
            for (int batch : batchRows.length == 0 ? new int[] {rows} : batchRows) {
                backend.upload(targets, from * targetWidth, target, 0, batch * targetWidth);
                counts.count(backend, batch, cols, output, from * cols, target, 0, batchCounts, 0);
                tally.addCounts(batchCounts);
                from += batch;
            }
            assertEquals(rows, from, "the batches cover the rows");
        }
        return tally.value(1);
    }

    private static int bucket(float score) {
        return (int) Math.max(0, Math.ceil(score * 199f) - 1);
    }

    /**
     * Keras's confusion counts {TP, FP, TN, FN}[threshold] with its thresholds {-1e-7, 1/(n-1), ...,
     * (n-2)/(n-1), 1 + 1e-7}, a score positive when above the threshold (float32), one threshold at a time.
     */
    private static double[][] kerasConfusionCounts(float[] scores, float[] labels, int n) {
        double[][] counts = new double[4][n];
        for (int i = 0; i < n; i++) {
            float threshold = (float) (i == 0 ? -1e-7 : i == n - 1 ? 1 + 1e-7 : i * 1.0 / (n - 1));
            for (int s = 0; s < scores.length; s++) {
                boolean positive = scores[s] > threshold;
                boolean truth = labels[s] != 0;
                counts[truth ? (positive ? 0 : 3) : (positive ? 1 : 2)][i]++;
            }
        }
        return counts;
    }

    /** Keras's ROC AUC (interpolation) from the counts: trapezoids of recall over the false positive rate. */
    private static double kerasRocAuc(float[] scores, float[] labels, int n) {
        double[][] c = kerasConfusionCounts(scores, labels, n);
        double area = 0;
        for (int i = 0; i < n - 1; i++) {
            double fpr = c[1][i] / (c[1][i] + c[2][i]);
            double fprNext = c[1][i + 1] / (c[1][i + 1] + c[2][i + 1]);
            double recall = c[0][i] / (c[0][i] + c[3][i]);
            double recallNext = c[0][i + 1] / (c[0][i + 1] + c[3][i + 1]);
            area += (fpr - fprNext) * (recall + recallNext) / 2;
        }
        return area;
    }

    /** Keras's interpolate_pr_auc, term by term from its formula. */
    private static double kerasInterpolatedPrAuc(double[][] c) {
        int n = c[0].length;
        double area = 0;
        for (int i = 0; i < n - 1; i++) {
            double dtp = c[0][i] - c[0][i + 1];
            double p = c[0][i] + c[1][i];
            double pNext = c[0][i + 1] + c[1][i + 1];
            double dp = Math.max(p - pNext, 0);
            double slope = dp == 0 ? 0 : dtp / dp;
            double intercept = c[0][i + 1] - slope * pNext;
            double ratio = p > 0 && pNext > 0 ? p / pNext : 1;
            double positives = c[0][i + 1] + c[3][i + 1];
            area += positives == 0 ? 0 : slope * (dtp + intercept * Math.log(ratio)) / positives;
        }
        return area;
    }
}
