package dev.annonet.runtime.callbacks;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Keras's {@code TerminateOnNaN}: a loss that becomes NaN or infinite ends training quietly. Without
 * it, {@code fit} throws {@code LossNotFiniteException}; with it, {@code fit} returns its History
 * instead, the last epoch's losses not finite. Either way the model goes back to the weights it had
 * when that epoch began, and the optimizer's state starts afresh (the updates after the failed
 * batch spoiled them).
 *
 * <p>{@code fit} itself watches each step's loss and stops; this callback then says so. (Batch
 * logs alone cannot tell: on a GPU they lag a step, and hold NaN for want of any value after the
 * first batch.)
 */
public final class TerminateOnNaN implements Callback {
    private final PrintStream output;

    /** Says which batch failed on standard output, as Keras prints it. */
    public TerminateOnNaN() {
        this(System.out);
    }

    /** Says which batch failed on {@code output}. */
    public TerminateOnNaN(PrintStream output) {
        this.output = Objects.requireNonNull(output, "output");
    }

    @Override
    public void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
        if (training.stopping() && !Double.isFinite(logs.get("loss"))) {
            output.println("Batch " + batch + ": Invalid loss, terminating training");
        }
    }
}
