package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.backend.DeviceReduction;
import dev.annonet.runtime.backend.KernelArguments;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.distributed.DeviceCommunicator;

/**
 * The CUDA backend's {@link DeviceReduction}: a stream of its own beside the compute stream
 * ({@code comm_stream.cuh}), on which the communicator's all-reduces (NCCL's) run. Each sum forks
 * from the compute stream (an event there, which this stream waits for) and {@link #join} joins
 * back, so inside a step's capture the all-reduces become nodes of its graph, and eagerly the host
 * waits for none of them. On the host executor every call has run when it returns, and the
 * communicator sums host memory.
 */
final class CommunicationStream implements DeviceReduction {
    private final CudaBackend backend;
    private final StepRecorder recorder;
    private final DeviceCommunicator communicator;
    private final long context;
    private final long stream;
    private final long forked;
    private final long joined;
    private boolean closed;

    CommunicationStream(CudaBackend backend, StepRecorder recorder, DeviceCommunicator communicator) {
        this.backend = backend;
        this.recorder = recorder;
        this.communicator = communicator;
        this.context = backend.context();
        this.stream = backend.checked(CudaLibrary.commStreamCreate(context), "creating the communication stream");
        this.forked = backend.checked(CudaLibrary.eventCreate(context), "creating an event");
        this.joined = backend.checked(CudaLibrary.eventCreate(context), "creating an event");
    }

    @Override
    public void sum(Memory memory, int offset, int count) {
        KernelArguments.check("sum over the ranks", "memory", memory, offset, count);
        long address = backend.address(memory, offset);
        fork();
        communicator.allReduceSumOnStream(address, count, false, stream);
    }

    @Override
    public void sumResults(int count) {
        if (!recorder.recording()) {
            throw new IllegalStateException("the results of a step are summed on the device only while it records;"
                    + " an eager step reads them on the host");
        }
        recorder.zeroResultsUpTo(count);
        fork();
        communicator.allReduceSumOnStream(recorder.resultAddress(0), count, true, stream);
    }

    private void fork() {
        requireOpen();
        backend.check(CudaLibrary.commStreamFork(context, stream, forked), "ordering the communication stream after the compute stream");
    }

    @Override
    public void join() {
        requireOpen();
        backend.check(CudaLibrary.commStreamJoin(context, stream, joined), "ordering the compute stream after the communication stream");
    }

    private void requireOpen() {
        backend.checkOpen();
        if (closed) {
            throw new IllegalStateException("the communication stream of " + backend.name() + " is closed");
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CudaLibrary.commStreamDestroy(context, stream);
        CudaLibrary.eventDestroy(context, forked);
        CudaLibrary.eventDestroy(context, joined);
    }
}
