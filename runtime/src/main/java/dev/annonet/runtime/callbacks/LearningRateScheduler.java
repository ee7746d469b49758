package dev.annonet.runtime.callbacks;

import java.util.Objects;

/**
 * Keras's {@code LearningRateScheduler}: sets the learning rate from a {@link LearningRateSchedule}
 * before each epoch (the schedule sees the 0-based epoch, Keras's numbering), or with
 * {@link #perBatch} before each batch (it sees the 0-based count of batches since training began,
 * for warm-ups shorter than an epoch). The optimizer's state is kept. Epochs count from the first
 * epoch of the whole training, so a resumed fit goes on where the schedule left off.
 */
public final class LearningRateScheduler implements Callback {
    private final LearningRateSchedule schedule;
    private final boolean perBatch;

    /** The schedule by epoch. */
    public LearningRateScheduler(LearningRateSchedule schedule) {
        this(schedule, false);
    }

    private LearningRateScheduler(LearningRateSchedule schedule, boolean perBatch) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.perBatch = perBatch;
    }

    /** The schedule by batch: step {@code n} is the {@code n}-th batch (0-based) of the whole training. */
    public static LearningRateScheduler perBatch(LearningRateSchedule schedule) {
        return new LearningRateScheduler(schedule, true);
    }

    @Override
    public void onEpochBegin(Training training, int epoch) {
        long first = epoch - 1L;
        set(training, perBatch ? first * training.stepsPerEpoch() : first);
    }

    @Override
    public void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
        if (perBatch && batch < training.stepsPerEpoch()) {
            set(training, (epoch - 1L) * training.stepsPerEpoch() + batch);
        }
    }

    private void set(Training training, long step) {
        float rate = schedule.rate(step);
        if (!(rate >= 0 && Float.isFinite(rate))) {
            throw new IllegalArgumentException("LearningRateScheduler: the schedule gave " + rate + " at step " + step
                    + "; a rate must be 0 or more and finite");
        }
        training.learningRate(rate);
    }
}
