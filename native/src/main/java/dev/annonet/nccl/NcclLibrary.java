package dev.annonet.nccl;

import dev.annonet.nativelib.Libraries;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP binding of {@code annonet/nccl.h}: NCCL opened with dlopen at run time, for GPU ranks
 * (one process per GPU). Built by the host C++ compiler on every machine; NCCL itself is needed
 * only where it runs. {@link #bindingProblem()} says why the binding did not load; {@link #load}
 * then finds NCCL itself. Addresses, communicators and streams travel as {@code long}s; calls
 * return 0 or a failure code, with {@link #lastError()} saying why.
 */
@Platform(include = "annonet/nccl.h", link = "dl")
@Namespace("annonet::nccl")
public final class NcclLibrary {
    private NcclLibrary() {
    }

    private static final String LOAD_PROBLEM = Libraries.load(NcclLibrary.class, "annonet's NCCL binding");

    /** The bytes of an NCCL unique id. */
    public static final int UNIQUE_ID_BYTES = 128;

    /** Null when this binding's library is loaded, else why not. */
    public static String bindingProblem() {
        return LOAD_PROBLEM;
    }

    /**
     * Opens NCCL from the first of {@code candidates} (file paths or library names, one per line)
     * that loads, and the NVIDIA driver: "" when both load with every entry point used, else why
     * not. Only the first call looks; later calls return its answer.
     */
    @Name("load")
    public static native String load(String candidates);

    /** NCCL's version (22703 for 2.27.3), 0 when it is not loaded. */
    @Name("version")
    public static native int version();

    /** Rank 0's id for a new communicator, written into {@code id} ({@link #UNIQUE_ID_BYTES} bytes). */
    @Name("unique_id")
    public static native int uniqueId(byte[] id);

    /** Joins a communicator on GPU {@code device}: its handle, or 0 (see {@link #lastError()}). Blocks until all ranks join. */
    @Name("init_rank")
    public static native long initRank(int device, int worldSize, byte[] id, int rank);

    /** Enqueues the in-place sum of {@code count} values at a device address on {@code stream}; capturable in a CUDA graph. */
    @Name("all_reduce_sum")
    public static native int allReduceSum(long communicator, long buffer, long count, boolean doubles, long stream);

    /** Waits for {@code stream}, aborting the communicator and returning a failure after {@code timeoutMillis}. */
    @Name("wait")
    public static native int await(long communicator, long stream, long timeoutMillis);

    /** Sums {@code count} values at a host address over the ranks, staged through GPU {@code device}. */
    @Name("all_reduce_host")
    public static native int allReduceHost(long communicator, int device, long values, long count, boolean doubles,
                                           long timeoutMillis);

    @Name("destroy")
    public static native int destroy(long communicator);

    /** Why the last failed call on this thread failed. */
    @Name("last_error")
    public static native String lastError();
}
