// NCCL for GPU ranks, one process per GPU, reached through dlopen as cuBLAS is (context.cuh): no build
// machine needs NCCL, and a machine without it is told which library is missing and where it was
// looked for. Plain C++ over NCCL's C API (its handles are opaque pointers, its unique id 128 bytes),
// so it is built by the host compiler on every machine. The GPU is made current through the CUDA
// driver API (libcuda.so.1, which every NVIDIA driver installs): NCCL attaches a communicator to the
// current device, and the driver's primary context is the one the CUDA runtime's cudaSetDevice uses.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "dynamic_library.h"

namespace annonet {
namespace nccl {

constexpr int UNIQUE_ID_BYTES = 128;  // NCCL_UNIQUE_ID_BYTES
constexpr int NCCL_FLOAT32 = 7, NCCL_FLOAT64 = 8, NCCL_SUM = 0;
constexpr int NCCL_IN_PROGRESS = 7;      // ncclInProgress
constexpr int CUDA_ERROR_NOT_READY = 600;
// Returned by the calls below for failures that are not NCCL's own result codes.
constexpr int NOT_LOADED = -1, DRIVER_FAILED = -2, TIMED_OUT = -3;

struct UniqueId {
    char internal[UNIQUE_ID_BYTES];
};

typedef int (*GetVersion)(int*);
typedef int (*GetUniqueId)(UniqueId*);
typedef int (*CommInitRank)(void**, int, UniqueId, int);
typedef int (*AllReduce)(const void*, void*, size_t, int, int, void*, void*);
typedef int (*CommDestroy)(void*);
typedef int (*CommAbort)(void*);
typedef int (*CommGetAsyncError)(void*, int*);
typedef const char* (*GetErrorString)(int);

typedef int (*CuInit)(unsigned int);
typedef int (*CuDeviceGet)(int*, int);
typedef int (*CuPrimaryCtxRetain)(void**, int);
typedef int (*CuCtxSetCurrent)(void*);
typedef int (*CuMemAlloc)(unsigned long long*, size_t);
typedef int (*CuMemFree)(unsigned long long);
typedef int (*CuMemcpyHtoD)(unsigned long long, const void*, size_t);
typedef int (*CuMemcpyDtoH)(void*, unsigned long long, size_t);
typedef int (*CuStreamQuery)(void*);

struct Library {
    void* nccl = nullptr;
    void* cuda = nullptr;
    GetVersion get_version = nullptr;
    GetUniqueId get_unique_id = nullptr;
    CommInitRank comm_init_rank = nullptr;
    AllReduce all_reduce = nullptr;
    CommDestroy comm_destroy = nullptr;
    CommAbort comm_abort = nullptr;
    CommGetAsyncError comm_get_async_error = nullptr;
    GetErrorString get_error_string = nullptr;
    CuInit cu_init = nullptr;
    CuDeviceGet cu_device_get = nullptr;
    CuPrimaryCtxRetain cu_primary_ctx_retain = nullptr;
    CuCtxSetCurrent cu_ctx_set_current = nullptr;
    CuMemAlloc cu_mem_alloc = nullptr;
    CuMemFree cu_mem_free = nullptr;
    CuMemcpyHtoD cu_memcpy_htod = nullptr;
    CuMemcpyDtoH cu_memcpy_dtoh = nullptr;
    CuStreamQuery cu_stream_query = nullptr;
    std::string problem = "NCCL was not loaded: call load first";
    bool loaded = false;
};

inline Library& library() {
    static Library instance;
    return instance;
}

inline std::mutex& load_lock() {
    static std::mutex lock;
    return lock;
}

inline char* error_buffer() {
    static thread_local char message[1024];
    return message;
}

// Why the last call on this thread failed.
inline const char* last_error() {
    return error_buffer();
}

inline int fail(int status, const char* what) {
    snprintf(error_buffer(), 1024, "%s", what);
    return status;
}

// Opens NCCL from the first of `candidates` (paths or names, separated by '\n') that dlopen accepts,
// and the CUDA driver; "" when both load with every entry point used here, else why not, quoting
// dlopen's words for each candidate. Loads once: later calls return the first answer.
inline const char* load(const char* candidates) {
    std::lock_guard<std::mutex> guard(load_lock());
    Library& lib = library();
    if (lib.loaded) return "";
    std::string tried;
    lib.nccl = open_first(candidates, tried);
    if (!lib.nccl) {
        lib.problem = "NCCL (libnccl.so.2) was not found: install it (the CUDA toolkit's libnccl2 package, or pip's "
                      "nvidia-nccl-cu13 wheel, which PyTorch also uses) and put the folder holding libnccl.so.2 on "
                      "LD_LIBRARY_PATH, or name the file with -Dannonet.nccl.library=PATH (dlopen: " + tried + ")";
        return lib.problem.c_str();
    }
    std::string missing;
    bool complete = resolve(lib.nccl, (void**)&lib.get_version, "ncclGetVersion", missing) &&
                    resolve(lib.nccl, (void**)&lib.get_unique_id, "ncclGetUniqueId", missing) &&
                    resolve(lib.nccl, (void**)&lib.comm_init_rank, "ncclCommInitRank", missing) &&
                    resolve(lib.nccl, (void**)&lib.all_reduce, "ncclAllReduce", missing) &&
                    resolve(lib.nccl, (void**)&lib.comm_destroy, "ncclCommDestroy", missing) &&
                    resolve(lib.nccl, (void**)&lib.comm_abort, "ncclCommAbort", missing) &&
                    resolve(lib.nccl, (void**)&lib.comm_get_async_error, "ncclCommGetAsyncError", missing) &&
                    resolve(lib.nccl, (void**)&lib.get_error_string, "ncclGetErrorString", missing);
    if (!complete) {
        lib.problem = "NCCL was found but lacks an entry point annonet needs (NCCL 2.12 or newer): " + missing;
        dlclose(lib.nccl);
        lib.nccl = nullptr;
        return lib.problem.c_str();
    }
    lib.cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib.cuda) {
        const char* reason = dlerror();
        lib.problem = std::string("NCCL loaded, but the NVIDIA driver's libcuda.so.1 did not (") +
                      (reason ? reason : "dlopen") + "): NCCL needs a GPU and its driver";
        dlclose(lib.nccl);
        lib.nccl = nullptr;
        return lib.problem.c_str();
    }
    complete = resolve(lib.cuda, (void**)&lib.cu_init, "cuInit", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_device_get, "cuDeviceGet", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_primary_ctx_retain, "cuDevicePrimaryCtxRetain", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_ctx_set_current, "cuCtxSetCurrent", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_mem_alloc, "cuMemAlloc_v2", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_mem_free, "cuMemFree_v2", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_memcpy_htod, "cuMemcpyHtoD_v2", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_memcpy_dtoh, "cuMemcpyDtoH_v2", missing) &&
               resolve(lib.cuda, (void**)&lib.cu_stream_query, "cuStreamQuery", missing);
    if (!complete) {
        lib.problem = "the NVIDIA driver's libcuda.so.1 lacks an entry point annonet needs: " + missing;
        dlclose(lib.cuda);
        dlclose(lib.nccl);
        lib.cuda = lib.nccl = nullptr;
        return lib.problem.c_str();
    }
    lib.loaded = true;
    return "";
}

inline bool require_loaded() {
    if (library().loaded) return true;
    fail(NOT_LOADED, library().problem.c_str());
    return false;
}

inline int nccl_failed(int result, const char* during) {
    snprintf(error_buffer(), 1024, "%s: %s (NCCL error %d)", during, library().get_error_string(result), result);
    return result;
}

// NCCL's version as a number (22703 for 2.27.3), or 0 when it is not loaded.
inline int version() {
    int value = 0;
    return require_loaded() && library().get_version(&value) == 0 ? value : 0;
}

// The id that rank 0 makes and every rank passes to init_rank: 128 bytes into `id`.
inline int unique_id(signed char* id) {
    if (!require_loaded()) return NOT_LOADED;
    UniqueId made;
    int result = library().get_unique_id(&made);
    if (result != 0) return nccl_failed(result, "ncclGetUniqueId");
    memcpy(id, made.internal, UNIQUE_ID_BYTES);
    return 0;
}

// Makes GPU `device`'s primary context current on this thread (what cudaSetDevice does).
inline int use_device(int device) {
    Library& lib = library();
    int dev = 0;
    void* context = nullptr;
    int status = lib.cu_init(0);
    if (status == 0) status = lib.cu_device_get(&dev, device);
    if (status == 0) status = lib.cu_primary_ctx_retain(&context, dev);
    if (status == 0) status = lib.cu_ctx_set_current(context);
    if (status != 0) {
        snprintf(error_buffer(), 1024, "GPU %d could not be made current (CUDA driver error %d)", device, status);
        return DRIVER_FAILED;
    }
    return 0;
}

// Joins the communicator of `world` ranks named by `id` as `rank`, on GPU `device`: the communicator's
// handle, or 0 (see last_error()). Blocks until every rank has joined, as ncclCommInitRank does.
inline long long init_rank(int device, int world, const signed char* id, int rank) {
    if (!require_loaded() || use_device(device) != 0) return 0;
    UniqueId given;
    memcpy(given.internal, id, UNIQUE_ID_BYTES);
    void* comm = nullptr;
    int result = library().comm_init_rank(&comm, world, given, rank);
    if (result != 0) {
        nccl_failed(result, "ncclCommInitRank");
        return 0;
    }
    return (long long)(intptr_t)comm;
}

// Enqueues the in-place sum of `count` values at device address `buffer` on `stream` (0: the default
// stream); returns at once. Inside a stream capture, the call is recorded into the graph.
inline int all_reduce_sum(long long comm, long long buffer, long long count, bool doubles, long long stream) {
    if (!require_loaded()) return NOT_LOADED;
    void* data = (void*)(intptr_t)buffer;
    int result = library().all_reduce(data, data, (size_t)count, doubles ? NCCL_FLOAT64 : NCCL_FLOAT32, NCCL_SUM,
                                      (void*)(intptr_t)comm, (void*)(intptr_t)stream);
    return result == 0 ? 0 : nccl_failed(result, "ncclAllReduce");
}

// Waits for `stream` to finish, checking the communicator's asynchronous errors as it goes; after
// `timeout_ms` the communicator is aborted (a peer that never joined the collective) and TIMED_OUT
// returned: never an endless wait.
inline int wait(long long comm, long long stream, long long timeout_ms) {
    if (!require_loaded()) return NOT_LOADED;
    Library& lib = library();
    void* communicator = (void*)(intptr_t)comm;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        int state = lib.cu_stream_query((void*)(intptr_t)stream);
        if (state == 0) return 0;
        if (state != CUDA_ERROR_NOT_READY) {
            snprintf(error_buffer(), 1024, "the stream of the all-reduce failed (CUDA driver error %d)", state);
            return DRIVER_FAILED;
        }
        int async = 0;
        int result = lib.comm_get_async_error(communicator, &async);
        if (result == 0 && async != 0 && async != NCCL_IN_PROGRESS) {
            lib.comm_abort(communicator);
            return nccl_failed(async, "the all-reduce failed (a peer died or its network went away)");
        }
        if (std::chrono::steady_clock::now() > deadline) {
            lib.comm_abort(communicator);
            snprintf(error_buffer(), 1024,
                     "the all-reduce did not finish within %lld ms (a rank never joined it); the communicator was aborted",
                     timeout_ms);
            return TIMED_OUT;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
}

// Sums `count` host values at `values` over the ranks through a device buffer of the communicator's GPU:
// copied in, all-reduced on the default stream, waited for (see wait) and copied back.
inline int all_reduce_host(long long comm, int device, long long values, long long count, bool doubles,
                           long long timeout_ms) {
    if (!require_loaded() || use_device(device) != 0) return library().loaded ? DRIVER_FAILED : NOT_LOADED;
    Library& lib = library();
    size_t bytes = (size_t)count * (doubles ? 8 : 4);
    if (bytes == 0) return 0;
    unsigned long long buffer = 0;
    int status = lib.cu_mem_alloc(&buffer, bytes);
    if (status == 0) status = lib.cu_memcpy_htod(buffer, (const void*)(intptr_t)values, bytes);
    if (status != 0) {
        if (buffer) lib.cu_mem_free(buffer);
        snprintf(error_buffer(), 1024, "staging %zu bytes on GPU %d failed (CUDA driver error %d)", bytes, device, status);
        return DRIVER_FAILED;
    }
    int result = all_reduce_sum(comm, (long long)buffer, count, doubles, 0);
    if (result == 0) result = wait(comm, 0, timeout_ms);
    if (result == 0 && lib.cu_memcpy_dtoh((void*)(intptr_t)values, buffer, bytes) != 0) {
        result = fail(DRIVER_FAILED, "copying the all-reduced values back from the GPU failed");
    }
    lib.cu_mem_free(buffer);
    return result;
}

inline int destroy(long long comm) {
    if (!require_loaded()) return NOT_LOADED;
    int result = library().comm_destroy((void*)(intptr_t)comm);
    return result == 0 ? 0 : nccl_failed(result, "ncclCommDestroy");
}

}  // namespace nccl
}  // namespace annonet
