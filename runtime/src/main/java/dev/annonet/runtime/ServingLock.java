package dev.annonet.runtime;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A model's lock. The model's own calls hold it exclusively ({@link #lock}, reentrant); each
 * predictor takes turns on a {@link Turn} of its own, which the exclusive holder holds as well. So
 * predictions on different predictors run together, each touching only its own lock's memory (a
 * read lock's count, shared by all the readers, is a cache line their cores would pass back and
 * forth on every call), and never while the model's own call is in flight.
 */
final class ServingLock implements Turn {
    /**
     * A predictor's own turn: fair, so that an exclusive holder queued on it goes first, and a
     * thread predicting in a loop cannot keep fit, load or close waiting indefinitely.
     */
    private static final class PredictorTurn extends ReentrantLock implements Turn {
        PredictorTurn() {
            super(true);
        }
    }

    private final ReentrantLock exclusive = new ReentrantLock();
    /** The predictors' turns: replaced when one comes or goes, never changed, so a holder keeps what it took. */
    private volatile PredictorTurn[] turns = new PredictorTurn[0];
    /** The turns each exclusive hold took, outermost first: read and written by the holder alone. */
    private PredictorTurn[][] held = new PredictorTurn[2][];
    private int holds;

    /** Waits for every predictor's call in flight and for the exclusive holder on another thread, then holds them off. */
    @Override
    public void lock() {
        exclusive.lock();
        PredictorTurn[] taken = turns;
        for (PredictorTurn turn : taken) {
            turn.lock();
        }
        if (holds == held.length) {
            held = Arrays.copyOf(held, 2 * holds);
        }
        held[holds++] = taken;
    }

    @Override
    public void unlock() {
        PredictorTurn[] taken = held[--holds];
        held[holds] = null;
        for (int i = taken.length - 1; i >= 0; i--) {
            taken[i].unlock();
        }
        exclusive.unlock();
    }

    /**
     * A new predictor's turn, taken by the caller, who holds this lock, as many times as it holds
     * this lock: a predictor handed to another thread meanwhile waits for the exclusive call to end.
     */
    Turn newTurn() {
        if (!exclusive.isHeldByCurrentThread()) {
            throw new IllegalStateException("a predictor's turn is made under the model's lock");
        }
        PredictorTurn turn = new PredictorTurn();
        for (int i = 0; i < holds; i++) {
            turn.lock();
            held[i] = with(held[i], turn);
        }
        synchronized (this) {
            turns = with(turns, turn);
        }
        return turn;
    }

    /** Stops holding a closed predictor's turn off (not a predictor's turn: nothing to forget); called by the turn's holder. */
    void forget(Turn turn) {
        synchronized (this) {
            turns = Arrays.stream(turns).filter(t -> t != turn).toArray(PredictorTurn[]::new);
        }
    }

    private static PredictorTurn[] with(PredictorTurn[] turns, PredictorTurn turn) {
        PredictorTurn[] more = Arrays.copyOf(turns, turns.length + 1);
        more[turns.length] = turn;
        return more;
    }
}
