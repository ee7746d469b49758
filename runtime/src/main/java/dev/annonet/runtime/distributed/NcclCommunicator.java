package dev.annonet.runtime.distributed;

import dev.annonet.nativelib.WheelLibraries;
import dev.annonet.nccl.NcclLibrary;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * GPU ranks, one process per GPU, over NVIDIA's NCCL, opened at run time with dlopen as cuBLAS is:
 * nothing to build against, and a machine without NCCL gets a message naming the library and where
 * it was looked for ({@link #loadProblem()}). Rank 0 makes an id ({@link #uniqueId()}), the ranks
 * share it by some other means (a launcher, Spark's {@code allGather}), and each
 * {@link #join joins}. {@link #allReduceSumOnStream} enqueues a sum of device memory on a CUDA
 * stream (and is recorded into a CUDA graph when the stream is capturing); the host-array calls of
 * {@link Communicator} stage the values through the GPU and wait, at most the timeout.
 *
 * <p>NCCL is looked for as {@code -Dannonet.nccl.library=PATH} names it, then as
 * {@code libnccl.so.2} on the library path (the CUDA toolkit's {@code libnccl2}), then in the
 * {@code nvidia-nccl} wheel of a Python environment ({@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX},
 * {@code ~/.local}, {@code /usr/local}, {@code /usr}), where PyTorch's pip install puts it.
 */
public final class NcclCommunicator implements DeviceCommunicator {
    private final int rank;
    private final int worldSize;
    private final int device;
    private final long timeoutMillis;
    private long communicator;
    private String failure;

    private NcclCommunicator(int rank, int worldSize, int device, long timeoutMillis, long communicator) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.device = device;
        this.timeoutMillis = timeoutMillis;
        this.communicator = communicator;
    }

    /** "" when NCCL and the NVIDIA driver load with every entry point used, else why not. */
    public static synchronized String loadProblem() {
        String binding = NcclLibrary.bindingProblem();
        if (binding != null) {
            return binding;
        }
        return NcclLibrary.load(String.join("\n", candidates()));
    }

    /** Where NCCL is looked for, in order. */
    static List<String> candidates() {
        return WheelLibraries.candidates("annonet.nccl.library", "libnccl.so.2", "nvidia/nccl/lib/libnccl.so.2");
    }

    private static void requireLoaded() {
        String problem = loadProblem();
        if (!problem.isEmpty()) {
            throw new CommunicatorException(problem);
        }
    }

    /** A new communicator's id, made by rank 0 and given to every rank's {@link #join}. */
    public static byte[] uniqueId() {
        requireLoaded();
        byte[] id = new byte[NcclLibrary.UNIQUE_ID_BYTES];
        if (NcclLibrary.uniqueId(id) != 0) {
            throw new CommunicatorException(NcclLibrary.lastError());
        }
        return id;
    }

    /**
     * Joins the communicator {@code uniqueId} names as {@code rank} of {@code worldSize}, on GPU
     * {@code device}. NCCL waits for every rank to join; after {@code timeout} this throws (the
     * thread that waits in NCCL is left blocked, a daemon), and later all-reduces wait at most
     * {@code timeout} too.
     */
    public static NcclCommunicator join(byte[] uniqueId, int rank, int worldSize, int device, Duration timeout) {
        Objects.requireNonNull(uniqueId, "uniqueId");
        if (uniqueId.length != NcclLibrary.UNIQUE_ID_BYTES) {
            throw new IllegalArgumentException("an NCCL id has " + NcclLibrary.UNIQUE_ID_BYTES + " bytes, this one "
                    + uniqueId.length);
        }
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not a rank of a group of " + worldSize);
        }
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        requireLoaded();
        byte[] id = uniqueId.clone();
        CompletableFuture<Long> joined = new CompletableFuture<>();
        Thread init = new Thread(() -> {
            long handle = NcclLibrary.initRank(device, worldSize, id, rank);
            if (handle == 0) {
                joined.completeExceptionally(new CommunicatorException("rank " + rank + " of " + worldSize + " on GPU "
                        + device + ": " + NcclLibrary.lastError()));
            } else {
                joined.complete(handle);
            }
        }, "annonet-nccl-init-rank-" + rank);
        init.setDaemon(true);
        init.start();
        try {
            return new NcclCommunicator(rank, worldSize, device, timeout.toMillis(),
                    joined.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            throw new CommunicatorException("rank " + rank + " of " + worldSize + " on GPU " + device + ": the NCCL"
                    + " communicator did not form within " + timeout.toMillis() + " ms (a rank never joined)");
        } catch (ExecutionException e) {
            throw (CommunicatorException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommunicatorException("rank " + rank + ": interrupted while joining the NCCL communicator");
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    /** The GPU this rank's communicator runs on, whose memory {@link #allReduceSumOnStream} sums. */
    @Override
    public int device() {
        return device;
    }

    /**
     * Enqueues the in-place sum of {@code count} values at device address {@code address} of this
     * rank's GPU on CUDA stream {@code stream} and returns at once; while the stream is being
     * captured, the call is recorded into the graph and runs at each replay.
     */
    @Override
    public synchronized void allReduceSumOnStream(long address, long count, boolean doubles, long stream) {
        requireWorking();
        check(NcclLibrary.allReduceSum(communicator, address, count, doubles, stream));
    }

    @Override
    public synchronized void allReduceSum(float[] values, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, values.length);
        requireWorking();
        try (FloatPointer staged = new FloatPointer(length)) {
            staged.put(values, offset, length);
            check(NcclLibrary.allReduceHost(communicator, device, staged.address(), length, false, timeoutMillis));
            staged.get(values, offset, length);
        }
    }

    @Override
    public synchronized void allReduceSum(double[] values, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, values.length);
        requireWorking();
        try (DoublePointer staged = new DoublePointer(length)) {
            staged.put(values, offset, length);
            check(NcclLibrary.allReduceHost(communicator, device, staged.address(), length, true, timeoutMillis));
            staged.get(values, offset, length);
        }
    }

    private void check(int status) {
        if (status != 0) {
            failure = NcclLibrary.lastError();
            throw new CommunicatorException("rank " + rank + " of " + worldSize + " on GPU " + device + ": " + failure);
        }
    }

    private void requireWorking() {
        if (communicator == 0) {
            throw new CommunicatorException("rank " + rank + "'s NCCL communicator is closed");
        }
        if (failure != null) {
            throw new CommunicatorException("rank " + rank + "'s NCCL communicator is broken: " + failure);
        }
    }

    @Override
    public synchronized void close() {
        if (communicator != 0) {
            NcclLibrary.destroy(communicator);
            communicator = 0;
        }
    }

    @Override
    public String toString() {
        return "NCCL rank " + rank + " of " + worldSize + " on GPU " + device;
    }
}
