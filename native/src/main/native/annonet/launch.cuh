// How annonet's kernel bodies run: for_each (one index a thread, grid-stride), for_each_block (one
// block an index, its threads sharing the work through block_sum) and row_sum (one block summing a
// value per row). On a GPU context they launch kernels on the context's stream; on the host
// executor they are plain loops over the same bodies, with block_sum summing alone.
#pragma once

#include "context.cuh"
#include "element_math.cuh"

#ifdef __CUDACC__
#define ANNONET_LAMBDA __host__ __device__
#else
#define ANNONET_LAMBDA
#endif

namespace annonet {

template <typename T>
inline T* at(long long address) { return reinterpret_cast<T*>(address); }

// A size or kind known when the code is compiled: a network's generated kernels pass fixed<512>()
// where the generic kernels pass an int, and the compiler folds it into the kernel's body.
// (std::integral_constant would do, but its conversion is not a device function.)
template <long long N>
struct fixed {
    ANNONET_HD constexpr operator long long() const { return N; }
};

#ifdef __CUDACC__
template <typename Body>
__global__ void for_each_kernel(long long count, Body body) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride) body(i);
}
#endif

constexpr int THREADS_PER_BLOCK = 256;
// Enough blocks to fill an H100's 132 SMs several times over; larger counts loop (grid-stride).
constexpr long long MAX_BLOCKS = 4096;

// On the host executor, body(i) for every i in [0, count); on a GPU, the kernel `launch` enqueues on
// the context's stream. The one place that tells the two apart.
template <typename Body, typename Launch>
inline int run_indexed(long long handle, long long count, Body body, Launch launch, const char* what) {
    Context* c = context(handle);
    if (count <= 0) return 0;
    if (c->ordinal < 0) {
        for (long long i = 0; i < count; i++) body(i);
        return 0;
    }
#ifdef __CUDACC__
    launch(c->stream);
    return check(cudaGetLastError(), what);
#else
    (void)launch;
    return fail(-1000, what, "no CUDA in this build");
#endif
}

// body(i) for every i in [0, count), one thread an index (grid-stride).
template <typename Body>
inline int for_each(long long handle, long long count, Body body, const char* what) {
    return run_indexed(handle, count, body, [=](void* stream) {
#ifdef __CUDACC__
        long long blocks = (count + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK;
        for_each_kernel<<<(unsigned)(blocks < MAX_BLOCKS ? blocks : MAX_BLOCKS), THREADS_PER_BLOCK, 0,
                          (cudaStream_t)stream>>>(count, body);
#else
        (void)stream;
#endif
    }, what);
}

// One block per index: body(index) runs on all of a block's threads, which share loops through
// block_thread() / block_threads() and sums through block_sum. On the host executor a "block" is
// one thread.
#ifdef __CUDACC__
template <typename Body>
__global__ void for_each_block_kernel(long long count, Body body) {
    for (long long index = blockIdx.x; index < count; index += gridDim.x) body(index);
}
#endif

template <typename Body>
inline int for_each_block(long long handle, long long count, Body body, const char* what) {
    return run_indexed(handle, count, body, [=](void* stream) {
#ifdef __CUDACC__
        for_each_block_kernel<<<(unsigned)(count < MAX_BLOCKS ? count : MAX_BLOCKS), THREADS_PER_BLOCK, 0,
                                (cudaStream_t)stream>>>(count, body);
#else
        (void)stream;
#endif
    }, what);
}

// This thread's place in its block, and the block's size (0 and 1 on the host executor).
ANNONET_HD int block_thread() {
#ifdef __CUDA_ARCH__
    return threadIdx.x;
#else
    return 0;
#endif
}

ANNONET_HD int block_threads() {
#ifdef __CUDA_ARCH__
    return blockDim.x;
#else
    return 1;
#endif
}

// Σ term(i) for i in [0, count), shared by the block's threads and returned to each of them, in a
// fixed order (deterministic). Every thread of the block must call it.
template <typename Term>
ANNONET_HD double block_sum(long long count, Term term) {
#ifdef __CUDA_ARCH__
    __shared__ double partial[THREADS_PER_BLOCK];
    double sum = 0.0;
    for (long long i = threadIdx.x; i < count; i += blockDim.x) sum += term(i);
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = THREADS_PER_BLOCK / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    double total = partial[0];
    __syncthreads();  // every thread has read it before the next block_sum writes partial
    return total;
#else
    double sum = 0.0;
    for (long long i = 0; i < count; i++) sum += term(i);
    return sum;
#endif
}

#ifdef __CUDACC__
// *result = Σ body(r) over rows, by one block in a fixed order: deterministic, and no scratch memory
// (nothing may be allocated while a graph records). Rows are a batch's outputs: a few thousand at most.
template <typename Body>
__global__ void row_sum_kernel(long long rows, Body body, double* result) {
    __shared__ double partial[THREADS_PER_BLOCK];
    double sum = 0.0;
    for (long long r = threadIdx.x; r < rows; r += THREADS_PER_BLOCK) sum += body(r);
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = THREADS_PER_BLOCK / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) *result = partial[0];
}
#endif

// *result = Σ body(r) for r in [0, rows): one block on the GPU, a loop on the host executor.
template <typename Body>
inline int row_sum(long long handle, long long rows, Body body, long long result_address, const char* what) {
    Context* c = context(handle);
    double* result = at<double>(result_address);
    if (c->ordinal < 0) {
        double total = 0.0;
        for (long long r = 0; r < rows; r++) total += body(r);
        *result = total;
        return 0;
    }
#ifdef __CUDACC__
    row_sum_kernel<<<1, THREADS_PER_BLOCK, 0, c->stream>>>(rows, body, result);
    return check(cudaGetLastError(), what);
#else
    return fail(-1000, what, "no CUDA in this build");
#endif
}

}  // namespace annonet
