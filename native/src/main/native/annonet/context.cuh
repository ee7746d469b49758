// The native side of a CUDA backend: one Context per model holds the device, the stream all
// compute goes to, a second stream that copies streamed batches in while a step runs, the cuBLAS
// handle and its workspace, and the graph being recorded. Functions return 0 or a CUDA error code
// (negative for annonet's own errors) and leave a message in last_error().
//
// A Context made with ordinal -1 is the host executor: memory is ordinary host memory and every
// kernel body runs as a loop on the CPU. It is how the kernels' math and the Java backend's
// bookkeeping are tested on machines without a GPU, and it is all a build without nvcc contains.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

#ifdef __CUDACC__
#include <cuda_runtime.h>
#endif

#include "precision.cuh"

namespace annonet {

// cuBLAS is reached through dlopen, not linked: build machines have no cuBLAS (it is not part of
// nvcc's toolkit), and a library that loads everywhere can say which library is missing. These
// are the few entry points used, as cublas_v2.h declares them.
typedef int BlasStatus;
typedef void* BlasHandle;
typedef BlasStatus (*BlasCreate)(BlasHandle*);
typedef BlasStatus (*BlasDestroy)(BlasHandle);
typedef BlasStatus (*BlasSetStream)(BlasHandle, void*);
typedef BlasStatus (*BlasSetMathMode)(BlasHandle, int);
typedef BlasStatus (*BlasSetWorkspace)(BlasHandle, void*, size_t);
typedef BlasStatus (*BlasSgemm)(BlasHandle, int, int, int, int, int, const float*, const float*, int,
                                const float*, int, const float*, float*, int);
// cublasGemmEx, for the mixed-precision compute types (precision.cuh): float32 matrices, rounded to
// bfloat16 or half on the tensor cores.
typedef BlasStatus (*BlasGemmEx)(BlasHandle, int, int, int, int, int, const void*, const void*, int, int,
                                 const void*, int, int, const void*, void*, int, int, int, int);
constexpr int BLAS_OP_N = 0, BLAS_OP_T = 1;
constexpr int CUDA_R_32F = 0, BLAS_GEMM_DEFAULT = -1;
constexpr int BLAS_DEFAULT_MATH = 0, BLAS_TF32_TENSOR_OP_MATH = 3;
// cuBLAS needs a workspace it does not allocate itself while a graph is recorded; 32 MiB is what
// NVIDIA recommends for Hopper.
constexpr size_t BLAS_WORKSPACE_BYTES = 32u << 20;
// Partial sums of the reductions that split their rows over blocks (column_sums, column_products),
// in a buffer made with the context because nothing may be allocated while a graph records: 4 MiB
// of doubles, room for about 1,800 partial 9 × 32 kernel gradients (the CNN's first convolution).
constexpr long long REDUCTION_SCRATCH_DOUBLES = 1 << 19;

struct Blas {
    void* library = nullptr;
    BlasCreate create = nullptr;
    BlasDestroy destroy = nullptr;
    BlasSetStream set_stream = nullptr;
    BlasSetMathMode set_math_mode = nullptr;
    BlasSetWorkspace set_workspace = nullptr;
    BlasSgemm sgemm = nullptr;
    BlasGemmEx gemm_ex = nullptr;
};

struct LossScale;  // loss_scale.cuh

struct Context {
    int ordinal = -1;  // -1: the host executor
#ifdef __CUDACC__
    cudaStream_t stream = nullptr;
    cudaGraph_t recording = nullptr;
#endif
    Blas blas;
    BlasHandle blas_handle = nullptr;
    void* blas_workspace = nullptr;
    double* reduction_scratch = nullptr;
    bool recording_graph = false;
#ifdef __CUDACC__
    // Host-to-device copies of the next streamed batch, ordered against `stream` by events alone.
    cudaStream_t copy_stream = nullptr;
#endif
    // ---- precision (precision.cuh, loss_scale.cuh)
    // The GEMMs' cuBLAS compute type: BLAS_COMPUTE_32F, or _FAST_TF32, _FAST_16BF, _FAST_16F.
    int gemm_compute = BLAS_COMPUTE_32F;
    // Dynamic loss scaling's state on the device, or null: the optimizer updates skip a step whose
    // gradients it found not finite.
    LossScale* loss_scale = nullptr;
};

// Which of a context's streams a call enqueues on.
constexpr int COMPUTE_STREAM = 0, COPY_STREAM = 1;

// Room for a message and the dlopen/dlsym texts it quotes.
constexpr int ERROR_BYTES = 1024;

inline char* error_buffer() {
    static thread_local char message[ERROR_BYTES];
    return message;
}

// The message of the last failure on this thread.
inline const char* last_error() { return error_buffer(); }

inline int fail(int code, const char* what, const char* detail) {
    snprintf(error_buffer(), ERROR_BYTES, "%s: %s", what, detail);
    return code;
}

// cublasStatus_t's names (cublas_api.h; the values have not changed since CUDA 6), so a failure
// reads "CUBLAS_STATUS_EXECUTION_FAILED" even where cuBLAS could not be asked.
inline const char* blas_status_name(int status) {
    switch (status) {
        case 0: return "CUBLAS_STATUS_SUCCESS";
        case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
        case 7: return "CUBLAS_STATUS_INVALID_VALUE";
        case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
        case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
        case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
        case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
        case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
        default: return "an unknown cuBLAS status";
    }
}

// "cublasSgemm: CUBLAS_STATUS_EXECUTION_FAILED (cuBLAS status 13)", with code -1100 - status.
inline int fail_blas(int status, const char* what) {
    char detail[96];
    snprintf(detail, sizeof detail, "%s (cuBLAS status %d)", blas_status_name(status), status);
    return fail(-1100 - status, what, detail);
}

#ifdef __CUDACC__
inline int check(cudaError_t status, const char* what) {
    if (status == cudaSuccess) return 0;
    return fail((int)status, what, cudaGetErrorString(status));
}
#endif

// Makes GPU `ordinal` the calling thread's current device unless it already is. Every entry point
// that takes a context reaches it through context(), so a model used from any thread, or two
// models on two GPUs, allocate and launch on their own device: the current device is per thread.
inline void make_current(int ordinal) {
#ifdef __CUDACC__
    int current = -1;
    if (cudaGetDevice(&current) != cudaSuccess || current != ordinal) cudaSetDevice(ordinal);
#else
    (void)ordinal;
#endif
}

inline Context* context(long long handle) {
    Context* c = reinterpret_cast<Context*>(handle);
    if (c && c->ordinal >= 0) make_current(c->ordinal);
    return c;
}

// The device the calling thread has current after context() for this handle: the context's GPU, or
// -1 for the host executor (which has none). What the device guard promises, for tests.
inline int context_device(long long handle) {
    Context* c = context(handle);
    if (c->ordinal < 0) return -1;
#ifdef __CUDACC__
    int current = -1;
    if (check(cudaGetDevice(&current), "cudaGetDevice")) return -1;
    return current;
#else
    return -1;
#endif
}

// ---- devices ---------------------------------------------------------------------------------------

// True when this library was compiled by nvcc and can drive a GPU at all.
inline bool compiled_with_cuda() {
#ifdef __CUDACC__
    return true;
#else
    return false;
#endif
}

// The number of GPUs, or minus the CUDA error that prevents counting them (35, insufficient driver,
// on a machine with no driver), or -1000 when this library was built without nvcc.
inline int device_count() {
#ifdef __CUDACC__
    int count = 0;
    cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        fail((int)status, "cudaGetDeviceCount", cudaGetErrorString(status));
        return -(int)status;
    }
    return count;
#else
    fail(-1000, "device_count", "this build of annonet's native library was compiled without nvcc");
    return -1000;
#endif
}

// "NVIDIA H100 80GB HBM3 (sm_90, 79 GiB)", or the reason there is none.
inline const char* device_description(int ordinal) {
#ifdef __CUDACC__
    cudaDeviceProp properties;
    cudaError_t status = cudaGetDeviceProperties(&properties, ordinal);
    if (status != cudaSuccess) {
        fail((int)status, "cudaGetDeviceProperties", cudaGetErrorString(status));
        return error_buffer();
    }
    snprintf(error_buffer(), ERROR_BYTES, "%s (sm_%d%d, %zu GiB)", properties.name, properties.major, properties.minor,
             properties.totalGlobalMem >> 30);
    return error_buffer();
#else
    (void)ordinal;
    return "no CUDA in this build";
#endif
}

// The device's compute capability as major * 10 + minor (75 for a T4, 90 for an H100), or minus
// the CUDA error that prevents reading it, or -1000 when this library was built without nvcc.
inline int device_compute_capability(int ordinal) {
#ifdef __CUDACC__
    int major = 0, minor = 0;
    cudaError_t status = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, ordinal);
    if (status == cudaSuccess) status = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, ordinal);
    if (status != cudaSuccess) {
        fail((int)status, "cudaDeviceGetAttribute", cudaGetErrorString(status));
        return -(int)status;
    }
    return major * 10 + minor;
#else
    (void)ordinal;
    fail(-1000, "device_compute_capability", "this build of annonet's native library was compiled without nvcc");
    return -1000;
#endif
}

#define ANNONET_STRING(...) #__VA_ARGS__
#define ANNONET_EXPANDED_STRING(...) ANNONET_STRING(__VA_ARGS__)

// The architectures whose code the including library holds, as nvcc's __CUDA_ARCH_LIST__ gives them
// ("750,800,860,890,900": one per -gencode arch=compute_XY), so the list has one source, the
// -gencode options of the build; "" without nvcc. Each has SASS for its GPUs (sm_XY), and by the
// build's rule the newest has PTX too (code=compute_XY), which GPUs newer than it compile when they
// load it (CudaTargets reads the list so).
inline const char* cuda_architectures() {
#ifdef __CUDA_ARCH_LIST__
    return ANNONET_EXPANDED_STRING(__CUDA_ARCH_LIST__);
#else
    return "";
#endif
}

// ---- the context's layout, which a network's separately built kernel library reads ----------------

// Raised whenever Context or the meaning of a kernel's arguments changes. A network's library
// compiles these headers as they were when it was built, and reads the Context that annonet-native
// made: both libraries report context_layout() and the backend compares them before it runs a
// network's kernels.
constexpr int CONTEXT_ABI_VERSION = 4;

// "annonet context abi 3, cuda: 120 bytes, ordinal@0 stream@8 ..." for the Context this code was compiled with.
inline const char* context_layout() {
#ifdef __CUDACC__
    constexpr const char* build = "cuda";
    constexpr size_t stream_offset = offsetof(Context, stream);
    constexpr size_t copy_stream_offset = offsetof(Context, copy_stream);
#else
    constexpr const char* build = "host";
    constexpr size_t stream_offset = 0;  // no stream fields
    constexpr size_t copy_stream_offset = 0;
#endif
    static char layout[256];
    static const int written = snprintf(
        layout, sizeof layout,
        "annonet context abi %d, %s: %zu bytes, ordinal@%zu stream@%zu blas@%zu blas_handle@%zu reduction_scratch@%zu "
        "copy_stream@%zu gemm_compute@%zu loss_scale@%zu",
        CONTEXT_ABI_VERSION, build, sizeof(Context), offsetof(Context, ordinal), stream_offset, offsetof(Context, blas),
        offsetof(Context, blas_handle), offsetof(Context, reduction_scratch), copy_stream_offset,
        offsetof(Context, gemm_compute), offsetof(Context, loss_scale));
    (void)written;
    return layout;
}

// ---- contexts --------------------------------------------------------------------------------------

inline int load_blas(Blas& blas) {
    // CUDA 13's cuBLAS first; 12's has the same entry points and is what a CUDA 12 PyTorch ships.
    const char* names[] = {"libcublas.so.13", "libcublas.so.12", "libcublas.so"};
    char reasons[384] = "";
    for (const char* name : names) {
        blas.library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (blas.library) break;
        const char* reason = dlerror();
        size_t used = strlen(reasons);
        snprintf(reasons + used, sizeof reasons - used, "%s%s", used ? "; " : "", reason ? reason : name);
    }
    if (!blas.library) {
        char detail[ERROR_BYTES - 64];
        snprintf(detail, sizeof detail,
                 "install CUDA 13's cuBLAS (the cuda-toolkit's libcublas, or pip's nvidia-cublas) and put the folder "
                 "holding libcublas.so.13 on LD_LIBRARY_PATH (dlopen: %s)", reasons);
        return fail(-1001, "cuBLAS (libcublas.so.13 or .12) was not found", detail);
    }
    struct Entry {
        void** slot;
        const char* name;
    } entries[] = {{(void**)&blas.create, "cublasCreate_v2"},       {(void**)&blas.destroy, "cublasDestroy_v2"},
                   {(void**)&blas.set_stream, "cublasSetStream_v2"}, {(void**)&blas.set_math_mode, "cublasSetMathMode"},
                   {(void**)&blas.set_workspace, "cublasSetWorkspace_v2"}, {(void**)&blas.sgemm, "cublasSgemm_v2"},
                   {(void**)&blas.gemm_ex, "cublasGemmEx"}};
    for (const Entry& entry : entries) {
        dlerror();
        *entry.slot = dlsym(blas.library, entry.name);
        if (!*entry.slot) {
            const char* reason = dlerror();
            return fail(-1002, "cuBLAS was found but lacks an entry point annonet needs", reason ? reason : entry.name);
        }
    }
    return 0;
}

// "" when cuBLAS loads with every entry point annonet uses, else why not (dlopen's and dlsym's own
// words included): what DeviceQuery reports, without a GPU.
inline const char* blas_load_problem() {
    Blas blas;
    int status = load_blas(blas);
    if (blas.library) dlclose(blas.library);
    return status ? last_error() : "";
}

inline void context_destroy(long long handle) {
    Context* c = context(handle);
    if (!c) return;
#ifdef __CUDACC__
    if (c->ordinal >= 0) {
        cudaStreamSynchronize(c->stream);
        if (c->copy_stream) cudaStreamSynchronize(c->copy_stream);
        if (c->blas_handle) c->blas.destroy(c->blas_handle);
        if (c->blas_workspace) cudaFree(c->blas_workspace);
        if (c->reduction_scratch) cudaFree(c->reduction_scratch);
        if (c->stream) cudaStreamDestroy(c->stream);
        if (c->copy_stream) cudaStreamDestroy(c->copy_stream);
    }
#endif
    if (c->blas.library) dlclose(c->blas.library);
    delete c;
}

// A context on GPU `ordinal`, or the host executor for -1; 0 on failure (see last_error()).
// tf32 opts the GEMMs into TF32 tensor cores; float32 otherwise.
inline long long context_create(int ordinal, bool tf32) {
    Context* c = new Context();
    c->ordinal = ordinal;
    c->gemm_compute = tf32 ? BLAS_COMPUTE_32F_FAST_TF32 : BLAS_COMPUTE_32F;
    if (ordinal < 0) return reinterpret_cast<long long>(c);
#ifdef __CUDACC__
    long long handle = reinterpret_cast<long long>(c);
    if (check(cudaSetDevice(ordinal), "cudaSetDevice")
        || check(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking), "cudaStreamCreate")
        || check(cudaStreamCreateWithFlags(&c->copy_stream, cudaStreamNonBlocking), "cudaStreamCreate (copy stream)")
        || check(cudaMalloc(&c->reduction_scratch, REDUCTION_SCRATCH_DOUBLES * sizeof(double)),
                 "cudaMalloc (reduction scratch)")
        || load_blas(c->blas)) {
        context_destroy(handle);
        return 0;
    }
    int status = c->blas.create(&c->blas_handle);
    if (status != 0) {
        c->blas_handle = nullptr;
        fail_blas(status, "cublasCreate (cuBLAS could not start on this device)");
        context_destroy(handle);
        return 0;
    }
    if (check(cudaMalloc(&c->blas_workspace, BLAS_WORKSPACE_BYTES), "cudaMalloc (cuBLAS workspace)")) {
        context_destroy(handle);
        return 0;
    }
    if ((status = c->blas.set_stream(c->blas_handle, c->stream)) != 0) {
        fail_blas(status, "cublasSetStream");
    } else if ((status = c->blas.set_workspace(c->blas_handle, c->blas_workspace, BLAS_WORKSPACE_BYTES)) != 0) {
        fail_blas(status, "cublasSetWorkspace");
    } else if ((status = c->blas.set_math_mode(c->blas_handle, tf32 ? BLAS_TF32_TENSOR_OP_MATH : BLAS_DEFAULT_MATH)) != 0) {
        fail_blas(status, "cublasSetMathMode");
    }
    if (status != 0) {
        context_destroy(handle);
        return 0;
    }
    return handle;
#else
    (void)tf32;
    delete c;
    fail(-1000, "context_create", "this build of annonet's native library was compiled without nvcc");
    return 0;
#endif
}

// The GEMMs' compute type from now on (precision.cuh's BLAS_COMPUTE_*): float32 and TF32 run
// cublasSgemm in the matching math mode, bfloat16 and half cublasGemmEx.
inline int context_set_gemm_compute(long long handle, int compute) {
    Context* c = context(handle);
    if (!known_compute(compute)) return fail(-1006, "context_set_gemm_compute", "not a compute type annonet uses (68, 74, 75 or 77)");
    if (c->ordinal >= 0) {
        int status = c->blas.set_math_mode(c->blas_handle,
                                           compute == BLAS_COMPUTE_32F_FAST_TF32 ? BLAS_TF32_TENSOR_OP_MATH : BLAS_DEFAULT_MATH);
        if (status != 0) return fail_blas(status, "cublasSetMathMode");
    }
    c->gemm_compute = compute;
    return 0;
}

// Makes the optimizer updates skip the steps whose gradients the loss scaling at `state` found not
// finite (loss_scale.cuh); 0 turns that off.
inline void context_set_loss_scale(long long handle, long long state) {
    context(handle)->loss_scale = reinterpret_cast<LossScale*>(state);
}

// Bytes of the context's GPU in use by anyone (cudaMemGetInfo), so a test can see that a step
// allocates nothing on the device, cuBLAS included; -1 on the host executor or on failure.
inline long long device_memory_used(long long handle) {
    Context* c = context(handle);
    if (c->ordinal < 0) return -1;
#ifdef __CUDACC__
    size_t free_bytes = 0, total_bytes = 0;
    if (check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo")) return -1;
    return (long long)(total_bytes - free_bytes);
#else
    return -1;
#endif
}

// Bytes free on the context's GPU (cudaMemGetInfo), which the runtime checks before it allocates a
// model's memory; -1 on the host executor or on failure.
inline long long device_memory_free(long long handle) {
    Context* c = context(handle);
    if (c->ordinal < 0) return -1;
#ifdef __CUDACC__
    size_t free_bytes = 0, total_bytes = 0;
    if (check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo")) return -1;
    return (long long)free_bytes;
#else
    return -1;
#endif
}

// ---- memory: device buffers and pinned host buffers -------------------------------------------------

// `bytes` of zeroed memory on the context's device (host memory for the host executor); 0 on failure.
inline long long memory_allocate(long long handle, long long bytes) {
    Context* c = context(handle);
    if (c->ordinal < 0) {
        void* p = calloc((size_t)bytes, 1);
        if (!p) fail(-2, "calloc", "out of host memory");
        return reinterpret_cast<long long>(p);
    }
#ifdef __CUDACC__
    void* p = nullptr;
    if (check(cudaMalloc(&p, (size_t)bytes), "cudaMalloc")) return 0;
    if (check(cudaMemsetAsync(p, 0, (size_t)bytes, c->stream), "cudaMemset")
        || check(cudaStreamSynchronize(c->stream), "cudaStreamSynchronize")) {
        cudaFree(p);
        return 0;
    }
    return reinterpret_cast<long long>(p);
#else
    return 0;
#endif
}

inline void memory_free(long long handle, long long address) {
    Context* c = context(handle);
    if (c->ordinal < 0) {
        free(reinterpret_cast<void*>(address));
        return;
    }
#ifdef __CUDACC__
    cudaFree(reinterpret_cast<void*>(address));
#endif
}

// Page-locked host memory, so copies to the device run asynchronously at full speed; plain host
// memory for the host executor. 0 on failure.
inline long long pinned_allocate(long long handle, long long bytes) {
    Context* c = context(handle);
    if (c->ordinal < 0) return reinterpret_cast<long long>(calloc((size_t)bytes, 1));
#ifdef __CUDACC__
    void* p = nullptr;
    if (check(cudaMallocHost(&p, (size_t)bytes), "cudaMallocHost")) return 0;
    memset(p, 0, (size_t)bytes);
    return reinterpret_cast<long long>(p);
#else
    return 0;
#endif
}

inline void pinned_free(long long handle, long long address) {
    Context* c = context(handle);
    if (c->ordinal < 0) {
        free(reinterpret_cast<void*>(address));
        return;
    }
#ifdef __CUDACC__
    cudaFreeHost(reinterpret_cast<void*>(address));
#endif
}

#ifdef __CUDACC__
// COMPUTE_STREAM or COPY_STREAM of a GPU context.
inline cudaStream_t stream_of(Context* c, int stream) { return stream == COPY_STREAM ? c->copy_stream : c->stream; }
#endif

inline int check_stream(int stream, const char* what) {
    return stream == COMPUTE_STREAM || stream == COPY_STREAM ? 0 : fail(-3, what, "no such stream (0: compute, 1: copy)");
}

// Enqueues a copy of `bytes` on the context's COMPUTE_STREAM or COPY_STREAM. kind: 1 host to
// device, 2 device to host, 3 device to device (cudaMemcpyKind's values). The host executor copies at once.
inline int copy_async_on(long long handle, int stream, long long target, long long source, long long bytes, int kind) {
    Context* c = context(handle);
    if (check_stream(stream, "copy_async_on")) return -3;
    if (c->ordinal < 0) {
        memmove(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(source), (size_t)bytes);
        return 0;
    }
#ifdef __CUDACC__
    return check(cudaMemcpyAsync(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(source),
                                 (size_t)bytes, (cudaMemcpyKind)kind, stream_of(c, stream)),
                 "cudaMemcpyAsync");
#else
    (void)kind;
    return -1000;
#endif
}

// A copy on the compute stream.
inline int copy_async(long long handle, long long target, long long source, long long bytes, int kind) {
    return copy_async_on(handle, COMPUTE_STREAM, target, source, bytes, kind);
}

// Waits until everything enqueued on the context's COMPUTE_STREAM or COPY_STREAM has run.
inline int stream_synchronize(long long handle, int stream) {
    Context* c = context(handle);
    if (check_stream(stream, "stream_synchronize")) return -3;
    if (c->ordinal < 0) return 0;
#ifdef __CUDACC__
    return check(cudaStreamSynchronize(stream_of(c, stream)), "cudaStreamSynchronize");
#else
    return -1000;
#endif
}

// Waits until everything enqueued on the compute stream has run.
inline int synchronize(long long handle) { return stream_synchronize(handle, COMPUTE_STREAM); }

// ---- events: when a pinned staging buffer may be written again, and how the two streams wait for each other

// An event without timing; the host executor, which runs everything at once, answers 1. 0 on failure.
inline long long event_create(long long handle) {
    Context* c = context(handle);
    if (c->ordinal < 0) return 1;
#ifdef __CUDACC__
    cudaEvent_t event = nullptr;
    if (check(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "cudaEventCreate")) return 0;
    return reinterpret_cast<long long>(event);
#else
    return 0;
#endif
}

// Marks the point COMPUTE_STREAM or COPY_STREAM has reached; event_wait blocks until the stream
// passes it, stream_wait_event makes a stream's later work wait for it.
inline int event_record_on(long long handle, int stream, long long event) {
    Context* c = context(handle);
    if (check_stream(stream, "event_record_on")) return -3;
    if (c->ordinal < 0) return 0;
#ifdef __CUDACC__
    return check(cudaEventRecord(reinterpret_cast<cudaEvent_t>(event), stream_of(c, stream)), "cudaEventRecord");
#else
    (void)event;
    return -1000;
#endif
}

inline int event_record(long long handle, long long event) { return event_record_on(handle, COMPUTE_STREAM, event); }

// The work enqueued on `stream` from now on starts only once the event's mark has passed; the host
// does not wait. The host executor, which has run everything already, has nothing to order.
inline int stream_wait_event(long long handle, int stream, long long event) {
    Context* c = context(handle);
    if (check_stream(stream, "stream_wait_event")) return -3;
    if (c->ordinal < 0) return 0;
#ifdef __CUDACC__
    return check(cudaStreamWaitEvent(stream_of(c, stream), reinterpret_cast<cudaEvent_t>(event), 0), "cudaStreamWaitEvent");
#else
    (void)event;
    return -1000;
#endif
}

inline int event_wait(long long handle, long long event) {
    Context* c = context(handle);
    if (c->ordinal < 0) return 0;
#ifdef __CUDACC__
    return check(cudaEventSynchronize(reinterpret_cast<cudaEvent_t>(event)), "cudaEventSynchronize");
#else
    (void)event;
    return -1000;
#endif
}

inline void event_destroy(long long handle, long long event) {
    Context* c = context(handle);
    if (c->ordinal < 0) return;
#ifdef __CUDACC__
    cudaEventDestroy(reinterpret_cast<cudaEvent_t>(event));
#else
    (void)event;
#endif
}

// ---- CUDA graphs: record a training step once, replay it every step ----------------------------------

// Starts recording the work enqueued on the stream instead of running it. The host executor cannot
// record: it answers 1 and the caller runs the step eagerly.
inline int graph_begin(long long handle) {
    Context* c = context(handle);
    if (c->ordinal < 0) return 1;
#ifdef __CUDACC__
    int status = check(cudaStreamBeginCapture(c->stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
    c->recording_graph = status == 0;
    return status;
#else
    return -1000;
#endif
}

// Ends the recording; the executable graph, or 0 on failure (see last_error()).
inline long long graph_end(long long handle) {
    Context* c = context(handle);
#ifdef __CUDACC__
    c->recording_graph = false;
    cudaGraph_t graph = nullptr;
    int status = check(cudaStreamEndCapture(c->stream, &graph), "cudaStreamEndCapture");
    cudaGraphExec_t executable = nullptr;
    if (!status) {
        status = check(cudaGraphInstantiate(&executable, graph, 0), "cudaGraphInstantiate");
        cudaGraphDestroy(graph);
    }
    if (status) {
        cudaGetLastError();  // the message is kept; reset the runtime's last error, or the next launch would report it
        return 0;
    }
    return reinterpret_cast<long long>(executable);
#else
    (void)c;
    return 0;
#endif
}

inline int graph_launch(long long handle, long long graph) {
    Context* c = context(handle);
#ifdef __CUDACC__
    return check(cudaGraphLaunch(reinterpret_cast<cudaGraphExec_t>(graph), c->stream), "cudaGraphLaunch");
#else
    (void)c;
    (void)graph;
    return -1000;
#endif
}

inline void graph_destroy(long long graph) {
#ifdef __CUDACC__
    if (graph) cudaGraphExecDestroy(reinterpret_cast<cudaGraphExec_t>(graph));
#else
    (void)graph;
#endif
}

}  // namespace annonet
