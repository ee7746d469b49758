package dev.annonet.samples.bench;

/** The course's MLP in one engine, trained and timed a command at a time. */
interface Engine extends AutoCloseable {
    String name();

    /** Trains one epoch (batch 128, a new order); its seconds. */
    double trainEpoch();

    /** Held-out accuracy; the model is then warmed up for prediction. */
    double accuracy();

    /** Samples/s predicting one batch of 128 held-out digits over and over for {@code seconds}. */
    double inferenceRate(double seconds);

    /** {@code count} single-sample predictions of the next held-out digits, each timed in µs. */
    double[] latencies(int count);

    @Override
    void close();
}
