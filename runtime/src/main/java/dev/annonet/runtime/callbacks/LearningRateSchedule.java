package dev.annonet.runtime.callbacks;

/**
 * A learning rate as a function of a 0-based count of epochs or of batches (which, is up to the
 * {@link LearningRateScheduler} that applies it), as Keras's {@code LearningRateSchedule}s. Any
 * lambda is one: {@code epoch -> epoch < 10 ? 1e-3f : 1e-4f}.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The rate at {@code step} (0-based). */
    float rate(long step);

    /** {@code initial} multiplied by {@code factor} every {@code dropEvery} steps (step decay). */
    static LearningRateSchedule stepDecay(float initial, float factor, long dropEvery) {
        return exponentialDecay(initial, dropEvery, factor, true);
    }

    /**
     * Keras's {@code ExponentialDecay}: {@code initial · decayRate^(step / decaySteps)}, the exponent
     * rounded down when {@code staircase}.
     */
    static LearningRateSchedule exponentialDecay(float initial, long decaySteps, float decayRate, boolean staircase) {
        requireRate("initial", initial);
        requireSteps("decaySteps", decaySteps);
        if (!(decayRate > 0 && Float.isFinite(decayRate))) {
            throw new IllegalArgumentException("decay rate must be positive and finite, was " + decayRate);
        }
        return step -> {
            double exponent = (double) step / decaySteps;
            return (float) (initial * Math.pow(decayRate, staircase ? Math.floor(exponent) : exponent));
        };
    }

    /**
     * Keras's {@code CosineDecay} without warm-up: from {@code initial} down half a cosine over
     * {@code decaySteps} to {@code alpha · initial}, then flat.
     */
    static LearningRateSchedule cosineDecay(float initial, long decaySteps, float alpha) {
        requireRate("initial", initial);
        requireSteps("decaySteps", decaySteps);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
        return step -> {
            double done = Math.min(step, decaySteps) / (double) decaySteps;
            double cosine = 0.5 * (1 + Math.cos(Math.PI * done));
            return (float) (initial * ((1 - alpha) * cosine + alpha));
        };
    }

    /**
     * A linear warm-up from {@code from} to where {@code then} starts, over {@code warmupSteps},
     * then {@code then} from its step 0 (Keras's {@code CosineDecay} with {@code warmup_steps} is
     * {@code warmup(steps, 0f, cosineDecay(target, ...))} with its initial rate as {@code from}).
     */
    static LearningRateSchedule warmup(long warmupSteps, float from, LearningRateSchedule then) {
        requireSteps("warmupSteps", warmupSteps);
        if (!(from >= 0 && Float.isFinite(from))) {
            throw new IllegalArgumentException("warm-up start must be 0 or more and finite, was " + from);
        }
        float target = then.rate(0);
        return step -> step < warmupSteps ? from + (target - from) * ((float) step / warmupSteps) : then.rate(step - warmupSteps);
    }

    private static void requireRate(String name, float rate) {
        if (!(rate > 0 && Float.isFinite(rate))) {
            throw new IllegalArgumentException(name + " learning rate must be positive and finite, was " + rate);
        }
    }

    private static void requireSteps(String name, long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + steps);
        }
    }
}
