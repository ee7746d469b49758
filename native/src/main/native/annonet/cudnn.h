// cuDNN 9, opened with dlopen at run time as cuBLAS and NCCL are: no build machine needs cuDNN or its
// headers, and a machine without it is told which library is missing and where it was looked for.
// The few entry points used are declared here as cudnn.h declares them (handles are opaque
// pointers, statuses ints), so this is plain C++ built by the host compiler on every machine.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

#include "dynamic_library.h"

namespace annonet {
namespace cudnn {

// cudnnGetVersion's number since cuDNN 9: major * 10000 + minor * 100 + patch.
constexpr size_t FIRST_SUPPORTED_VERSION = 90000, FIRST_UNSUPPORTED_VERSION = 100000;

typedef size_t (*GetVersion)();
typedef size_t (*GetCudartVersion)();

struct Library {
    void* handle = nullptr;
    GetVersion get_version = nullptr;
    GetCudartVersion get_cudart_version = nullptr;
    size_t version = 0;
    std::string problem = "cuDNN was not loaded: call load first";
};

inline Library& library() {
    static Library instance;
    return instance;
}

inline std::mutex& load_lock() {
    static std::mutex lock;
    return lock;
}

// Opens cuDNN from the first of `candidates` (paths or names, separated by '\n') that dlopen accepts:
// "" when it is cuDNN 9 with every entry point used here, else why not. Once loaded it stays loaded
// and later calls return ""; a failure is not kept, so a later call may name other candidates.
inline const char* load(const char* candidates) {
    std::lock_guard<std::mutex> guard(load_lock());
    Library& lib = library();
    if (lib.handle) return "";
    std::string tried;
    void* handle = open_first(candidates, tried);
    if (!handle) {
        lib.problem = "cuDNN (libcudnn.so.9) was not found: install cuDNN 9 for CUDA 13 (NVIDIA's libcudnn9 package, "
                      "or pip's nvidia-cudnn-cu13 wheel, which PyTorch also uses) and put the folder holding "
                      "libcudnn.so.9 on LD_LIBRARY_PATH, or name the file with -Dannonet.cudnn.library=PATH (dlopen: " +
                      (tried.empty() ? std::string("no candidates") : tried) + ")";
        return lib.problem.c_str();
    }
    std::string missing;
    bool complete = resolve(handle, (void**)&lib.get_version, "cudnnGetVersion", missing) &&
                    resolve(handle, (void**)&lib.get_cudart_version, "cudnnGetCudartVersion", missing);
    if (!complete) {
        lib.problem = "the library opened as cuDNN lacks an entry point annonet needs: " + missing;
        dlclose(handle);
        return lib.problem.c_str();
    }
    size_t version = lib.get_version();
    if (version < FIRST_SUPPORTED_VERSION || version >= FIRST_UNSUPPORTED_VERSION) {
        lib.problem = "cuDNN " + std::to_string(version) + " was found, but annonet needs cuDNN 9 (cudnnGetVersion " +
                      std::to_string(FIRST_SUPPORTED_VERSION) + " to " + std::to_string(FIRST_UNSUPPORTED_VERSION - 1) + ")";
        dlclose(handle);
        return lib.problem.c_str();
    }
    lib.version = version;
    lib.handle = handle;
    lib.problem.clear();
    return "";
}

// cuDNN's version (90100 for 9.1.0), or 0 when it is not loaded.
inline int version() {
    return library().handle ? (int)library().version : 0;
}

// The CUDA runtime version cuDNN was built for (13000 for 13.0), or 0 when it is not loaded.
inline int cudart_version() {
    return library().handle ? (int)library().get_cudart_version() : 0;
}

}  // namespace cudnn
}  // namespace annonet
