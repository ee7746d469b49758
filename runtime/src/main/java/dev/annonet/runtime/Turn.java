package dev.annonet.runtime;

/** A lock a predictor's calls take turns on ({@link ServingLock}): lock and unlock, in pairs, on one thread. */
interface Turn {
    void lock();

    void unlock();
}
