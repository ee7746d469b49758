package dev.annonet.runtime.backend;

/**
 * A backend that records a whole training step once and replays it (CUDA graphs): one launch per
 * step instead of one per kernel. While a step records, the backend reads the values that change
 * from step to step (dropout's step, the optimizer's update count and learning rate) from its own memory, which each
 * replay sets, and the results of the step's loss and accuracy calls go to result slots, read
 * with {@link #result} after the replay.
 */
public interface StepReplay {
    /** The most results a recorded step may have: a loss and the counts of a compile's metrics. */
    int MAX_RESULTS = 4096;

    /**
     * Enqueues the step recorded under {@code key} (the batch size), first recording it by running
     * {@code record} when the key is new or when memory was allocated since it was recorded (a
     * recording holds addresses), and the copy of its results; returns without waiting for it, so
     * the host can prepare the next step while this one runs. {@code step} is the model's step
     * (dropout masks), {@code update} the optimizer's 1-based update count and {@code learningRate}
     * the optimizer's rate, so a schedule changes it without a new recording. At most two replayed
     * steps may wait to be {@link #collect collected}.
     */
    void replay(int key, long step, long update, float learningRate, Runnable record);

    /** Waits for the oldest replayed step not yet collected; its results are then what {@link #result} reads. */
    void collect();

    /**
     * Drops every recording and every replayed step's uncollected results: a new training
     * configuration (compile) records its own step and collects only its own results.
     */
    void startOver();

    /**
     * Result {@code index} of the step last collected: the results of the recorded step's
     * {@link Backend#loss}, {@link Backend#countCorrect} and {@link Backend#countMetric} calls, in
     * the order the step made them, one each, or {@code counter.counters()} for a countMetric.
     */
    double result(int index);
}
