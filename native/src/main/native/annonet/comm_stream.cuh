// A communication stream beside a context's compute stream: where a data-parallel step's all-reduces
// (NCCL's) run, ordered against the compute stream by events alone, so the host never waits. The
// fork (the compute stream's point so far, which the communication stream then waits for) and the
// join (the reverse) are what a stream capture needs to take the communication stream into the
// graph it records on the compute stream, and to bring it back before the capture ends. The stream
// lives outside Context, whose layout a network's separately built kernel library reads.
//
// The host executor has no streams (everything has run by the time a call returns): it answers 1 for
// a stream and has nothing to order.
#pragma once

#include "context.cuh"

namespace annonet {

// A new non-blocking stream on the context's GPU (1 on the host executor); 0 on failure (see last_error()).
inline long long comm_stream_create(long long handle) {
    Context* c = context(handle);
    if (c->ordinal < 0) return 1;
#ifdef __CUDACC__
    cudaStream_t stream = nullptr;
    if (check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate (communication stream)")) {
        return 0;
    }
    return reinterpret_cast<long long>(stream);
#else
    return 0;
#endif
}

// Waits for the stream's work, then destroys it.
inline void comm_stream_destroy(long long handle, long long stream) {
    Context* c = context(handle);
    if (c->ordinal < 0) return;
#ifdef __CUDACC__
    cudaStream_t s = reinterpret_cast<cudaStream_t>(stream);
    cudaStreamSynchronize(s);
    cudaStreamDestroy(s);
#else
    (void)stream;
#endif
}

#ifdef __CUDACC__
// `later`'s work from now on waits for what `earlier` has enqueued so far (`mark` records that point).
inline int order_streams(cudaStream_t earlier, cudaStream_t later, long long mark, const char* which) {
    cudaEvent_t event = reinterpret_cast<cudaEvent_t>(mark);
    char record[96], wait[96];
    snprintf(record, sizeof record, "cudaEventRecord (%s)", which);
    snprintf(wait, sizeof wait, "cudaStreamWaitEvent (%s)", which);
    return check(cudaEventRecord(event, earlier), record) || check(cudaStreamWaitEvent(later, event, 0), wait);
}
#endif

// The communication stream's later work waits for what the compute stream has enqueued so far
// (`event` marks that point).
inline int comm_stream_fork(long long handle, long long stream, long long event) {
    Context* c = context(handle);
    if (c->ordinal < 0) return 0;
#ifdef __CUDACC__
    return order_streams(c->stream, reinterpret_cast<cudaStream_t>(stream), event, "compute stream to communication stream");
#else
    (void)stream;
    (void)event;
    return -1000;
#endif
}

// The compute stream's later work waits for what the communication stream has enqueued so far.
inline int comm_stream_join(long long handle, long long stream, long long event) {
    Context* c = context(handle);
    if (c->ordinal < 0) return 0;
#ifdef __CUDACC__
    return order_streams(reinterpret_cast<cudaStream_t>(stream), c->stream, event, "communication stream to compute stream");
#else
    (void)stream;
    (void)event;
    return -1000;
#endif
}

}  // namespace annonet
