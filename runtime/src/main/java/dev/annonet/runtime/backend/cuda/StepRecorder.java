package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.backend.StepReplay;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The CUDA backend's step recorder: whole training steps captured once as CUDA graphs and
 * replayed, with what a recorded step reads each replay (the step and update counters and the
 * learning rate, on the device) and where it leaves its results (losses and metric counts: result
 * slots on the device, copied to a ring of pinned copies a replay ahead of their collection).
 * Eager kernel calls use result slot 0. One per backend, on its context and stream.
 */
final class StepRecorder implements StepReplay {
    /** Result slots of one recorded step: its loss and its metrics' counts. */
    private static final int RESULT_SLOTS = StepReplay.MAX_RESULTS;
    /** Replayed steps whose results may wait to be collected: one running while the next is prepared. */
    private static final int RESULT_COPIES = 2;
    /** Where the update count and the learning rate lie among the counters a recorded step reads, and their size. */
    private static final int UPDATE_OFFSET = Long.BYTES;
    private static final int LEARNING_RATE_OFFSET = 2 * Long.BYTES;
    private static final int COUNTER_BYTES = 3 * Long.BYTES;
    /** Failed captures after which a backend runs its steps kernel by kernel for good. */
    private static final int CAPTURE_ATTEMPTS = 3;
    /** Distinct batch sizes whose recorded steps are kept: a fit uses one, plus its last partial batch. */
    private static final int RECORDED_STEPS = 4;
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");

    private final CudaBackend backend;
    private final long context;
    // Results of loss, countCorrect and countMetric (doubles): on the device, and pinned on the host as
    // the slots of eager calls, then RESULT_COPIES copies of a replayed step's, each marked by an event.
    private final long results;
    private final long resultsHost;
    private final DoubleBuffer resultsView;
    private final long[] resultsCopied = new long[RESULT_COPIES];
    private final int[] resultCounts = new int[RESULT_COPIES];
    private long replayed;
    private long collected;
    private int collectedCopy = -1;
    // What a recorded step reads each replay, on the device and pinned: the step and update
    // counters (two longs), then the learning rate (a float in an 8-byte slot).
    private final long counters;
    private final long countersHost;
    private final LongBuffer countersView;
    private final FloatBuffer learningRateView;
    private final long countersCopied;
    // Recorded steps by batch size; a key of 0 marks a free entry.
    private final int[] recordedKeys = new int[RECORDED_STEPS];
    private final long[] recordedGraphs = new long[RECORDED_STEPS];
    private int nextRecording;
    private boolean recording;
    private boolean capturing;
    private int resultCursor;
    private int recordedResults;
    private int captureFailures;

    StepRecorder(CudaBackend backend) {
        this.backend = backend;
        this.context = backend.context();
        this.results = backend.checked(CudaLibrary.memoryAllocate(context, RESULT_SLOTS * Double.BYTES),
                "allocating result slots");
        long resultsBytes = (1 + RESULT_COPIES) * RESULT_SLOTS * Double.BYTES;
        this.resultsHost = backend.checked(CudaLibrary.pinnedAllocate(context, resultsBytes), "allocating result slots");
        this.resultsView = PinnedStaging.bytes(resultsHost, resultsBytes).asDoubleBuffer();
        for (int copy = 0; copy < RESULT_COPIES; copy++) {
            resultsCopied[copy] = backend.checked(CudaLibrary.eventCreate(context), "creating an event");
        }
        this.counters = backend.checked(CudaLibrary.memoryAllocate(context, COUNTER_BYTES), "allocating step counters");
        this.countersHost = backend.checked(CudaLibrary.pinnedAllocate(context, COUNTER_BYTES), "allocating step counters");
        this.countersView = PinnedStaging.bytes(countersHost, 2 * Long.BYTES).asLongBuffer();
        this.learningRateView = PinnedStaging.bytes(countersHost, COUNTER_BYTES).position(LEARNING_RATE_OFFSET).slice()
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.countersCopied = backend.checked(CudaLibrary.eventCreate(context), "creating an event");
    }

    /** Whether the kernels being called are a step's, recorded (or, on the host executor, run in recording mode). */
    boolean recording() {
        return recording;
    }

    /** Whether the kernels being called are captured into a graph (on a GPU), not run. */
    boolean capturing() {
        return capturing;
    }

    /** Where a recording reads the step (dropout's masks), which each replay sets; else 0. */
    long stepAddress() {
        return recording ? counters : 0;
    }

    /** Where a recording reads the update count (Adam's t), which each replay sets; else 0. */
    long updateAddress() {
        return recording ? counters + UPDATE_OFFSET : 0;
    }

    /** Where a recording reads the learning rate, which each replay sets, so a new rate needs no new recording; else 0. */
    long learningRateAddress() {
        return recording ? counters + LEARNING_RATE_OFFSET : 0;
    }


    /** A recording gives each result its own slot, in call order; an eager call uses slot 0. */
    int resultSlot() {
        return resultSlots(1);
    }

    /** {@code count} consecutive slots: a recording's next ones, or from slot 0 for an eager call. */
    int resultSlots(int count) {
        if (!recording) {
            return 0;
        }
        if (resultCursor + count > RESULT_SLOTS) {
            throw new IllegalStateException("a recorded step may compute at most " + RESULT_SLOTS
                    + " results (losses and metric counts)");
        }
        int first = resultCursor;
        resultCursor += count;
        return first;
    }

    /**
     * While recording: the slots after the results computed so far, up to {@code count}, set to 0
     * (a data-parallel rank whose slice is empty computes none, but sums as many as its peers).
     */
    void zeroResultsUpTo(int count) {
        int first = resultCursor;
        if (count > first) {
            resultSlots(count - first);
            // a double's zero is two float zeros
            check(CudaLibrary.fill(context, 2L * (count - first), resultAddress(first), 0f), "zeroing results");
        }
    }

    /** Eagerly, the result in {@code slot}, waiting for it. */
    double readResult(int slot) {
        check(CudaLibrary.copyAsync(context, resultsHost, results + (long) slot * Double.BYTES, Double.BYTES,
                CudaLibrary.DEVICE_TO_HOST), "reading a result");
        check(CudaLibrary.synchronize(context), "reading a result");
        return resultsView.get(0);
    }

    /** Eagerly, slots 0 .. count into {@code into} from {@code offset}, waiting for them. */
    void readResults(int count, long[] into, int offset) {
        check(CudaLibrary.copyAsync(context, resultsHost, results, (long) count * Double.BYTES,
                CudaLibrary.DEVICE_TO_HOST), "reading results");
        check(CudaLibrary.synchronize(context), "reading results");
        for (int i = 0; i < count; i++) {
            into[offset + i] = (long) resultsView.get(i);
        }
    }

    /** Where the kernels write result {@code slot}. */
    long resultAddress(int slot) {
        return results + (long) slot * Double.BYTES;
    }

    @Override
    public void replay(int key, long step, long update, float learningRate, Runnable record) {
        backend.checkOpen();
        if (replayed - collected == RESULT_COPIES) {
            throw new IllegalStateException("collect the results of the oldest replayed step before replaying another");
        }
        check(CudaLibrary.eventWait(context, countersCopied), "setting the step counters");
        countersView.put(0, step).put(1, update);
        learningRateView.put(0, learningRate);
        check(CudaLibrary.copyAsync(context, counters, countersHost, COUNTER_BYTES, CudaLibrary.HOST_TO_DEVICE),
                "setting the step counters");
        check(CudaLibrary.eventRecord(context, countersCopied), "setting the step counters");
        long graph = recordedGraph(key);
        if (graph == 0) {
            graph = record(key, record);
        }
        if (graph != 0) {
            check(CudaLibrary.graphLaunch(context, graph), "replaying a recorded step");
        }
        int copy = (int) (replayed % RESULT_COPIES);
        check(CudaLibrary.copyAsync(context, resultsHost + copyOffset(copy), results,
                (long) recordedResults * Double.BYTES, CudaLibrary.DEVICE_TO_HOST), "reading a step's results");
        check(CudaLibrary.eventRecord(context, resultsCopied[copy]), "reading a step's results");
        resultCounts[copy] = recordedResults;
        replayed++;
    }

    @Override
    public void collect() {
        backend.checkOpen();
        if (collected == replayed) {
            throw new IllegalStateException("no replayed step is waiting to be collected");
        }
        int copy = (int) (collected % RESULT_COPIES);
        check(CudaLibrary.eventWait(context, resultsCopied[copy]), "waiting for a step's results");
        collectedCopy = copy;
        collected++;
    }

    /** Bytes from the start of the pinned results to copy {@code copy} of a replayed step's (after the eager slot). */
    private static long copyOffset(int copy) {
        return (long) (1 + copy) * RESULT_SLOTS * Double.BYTES;
    }

    /**
     * Runs {@code record} in recording mode: on a GPU captured into a graph (returned, not yet run),
     * on the host executor run at once (0 returned, so every step records anew).
     *
     * <p>Should a capture fail (a kernel's first launch may have to load its module, which a
     * driver can refuse while a stream is captured), the step runs at once instead, as on the host
     * executor, and a later step tries again; after {@link #CAPTURE_ATTEMPTS} failures this backend
     * stops trying and says so once: training goes on kernel by kernel.
     *
     * <p>With cuDNN, the first step of a batch size runs at once, uncaptured: its convolutions'
     * plans (algorithms, workspace) are made then, which a capture cannot hold.
     *
     * <p>A fused dense GEMM whose cuBLASLt plan does not exist yet runs unfused while capturing
     * (plans are made outside captures, {@link FusedEpilogues}); after the capture its plan is
     * made and the step captured again, once per batch size.
     */
    private long record(int key, Runnable record) {
        if (captureFailures >= CAPTURE_ATTEMPTS) {
            runRecording(record);
            return 0;
        }
        if (backend.mustRunBeforeCapture(key)) {
            runRecording(record);
            return 0;
        }
        int begun = CudaLibrary.graphBegin(context);
        if (begun == 1) {
            runRecording(record);
            return 0;
        }
        check(begun, "starting to record a step");
        RuntimeException failure = null;
        long graph;
        try {
            capturing = true;
            runRecording(record);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            capturing = false;
            graph = CudaLibrary.graphEnd(context); // ends the capture even when record failed
        }
        if (failure != null || graph == 0) {
            captureFailures++;
            String why = failure != null ? failure.getMessage() : CudaLibrary.lastError();
            if (captureFailures == CAPTURE_ATTEMPTS) {
                LOG.log(System.Logger.Level.WARNING, backend.name() + ": a training step could not be recorded as a CUDA graph ("
                        + why + "); steps now run kernel by kernel");
            }
            runRecording(record);
            return 0;
        }
        if (backend.planPendingEpilogues()) {
            // Fused GEMMs first met in this capture ran unfused in it; their plans exist now, so record again with them.
            CudaLibrary.graphDestroy(graph);
            return record(key, record);
        }
        if (recordedKeys[nextRecording] != 0) {
            CudaLibrary.graphDestroy(recordedGraphs[nextRecording]);
        }
        recordedKeys[nextRecording] = key;
        recordedGraphs[nextRecording] = graph;
        nextRecording = (nextRecording + 1) % RECORDED_STEPS;
        return graph;
    }

    /** The step's kernels with results in slots and counters read from the device, whether captured or run. */
    private void runRecording(Runnable record) {
        recording = true;
        resultCursor = 0;
        try {
            record.run();
        } finally {
            recording = false;
            recordedResults = resultCursor;
        }
    }

    private long recordedGraph(int key) {
        for (int i = 0; i < RECORDED_STEPS; i++) {
            if (recordedKeys[i] == key) {
                return recordedGraphs[i];
            }
        }
        return 0;
    }

    @Override
    public void startOver() {
        backend.checkOpen();
        forgetRecordedSteps();
        // A dropped copy still on its way lands in its buffer before any later step's copy to it,
        // which the stream orders after it and whose event collect() waits for.
        collected = replayed;
        collectedCopy = -1;
    }

    /** Drops every recording: they hold addresses of memory that may be freed or replaced. */
    void forgetRecordedSteps() {
        for (int i = 0; i < RECORDED_STEPS; i++) {
            if (recordedKeys[i] != 0) {
                CudaLibrary.graphDestroy(recordedGraphs[i]);
                recordedKeys[i] = 0;
            }
        }
    }

    @Override
    public double result(int index) {
        if (collectedCopy < 0) {
            throw new IllegalStateException("no replayed step has been collected");
        }
        int count = resultCounts[collectedCopy];
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("the recorded step computed " + count + " results, not " + (index + 1));
        }
        return resultsView.get((1 + collectedCopy) * RESULT_SLOTS + index);
    }

    /** Frees the graphs, the result slots and the counters; the backend then destroys the context. */
    void close() {
        forgetRecordedSteps();
        CudaLibrary.memoryFree(context, results);
        CudaLibrary.pinnedFree(context, resultsHost);
        CudaLibrary.memoryFree(context, counters);
        CudaLibrary.pinnedFree(context, countersHost);
        CudaLibrary.eventDestroy(context, countersCopied);
        for (long event : resultsCopied) {
            CudaLibrary.eventDestroy(context, event);
        }
    }

    private void check(int status, String what) {
        backend.check(status, what);
    }
}
