// Opening a library of NVIDIA's with dlopen at run time (NCCL, cuDNN; cuBLAS in context.cuh): no
// build machine needs it, and a machine without it is told which file is missing and where it was
// looked for, in dlopen's own words.
#pragma once

#include <dlfcn.h>

#include <string>

namespace annonet {

// The first of `candidates` (paths or names, separated by '\n') that dlopen accepts, or null with
// dlopen's reason for each candidate in `tried` ("; " between them).
inline void* open_first(const char* candidates, std::string& tried) {
    std::string list = candidates ? candidates : "";
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find('\n', start);
        if (end == std::string::npos) end = list.size();
        std::string candidate = list.substr(start, end - start);
        start = end + 1;
        if (candidate.empty()) continue;
        void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle) return handle;
        const char* reason = dlerror();
        tried += (tried.empty() ? "" : "; ") + std::string(reason ? reason : candidate.c_str());
    }
    return nullptr;
}

// Points `slot` at `name` in `handle`; false with "NAME is missing (dlerror)" in `problem` when absent.
inline bool resolve(void* handle, void** slot, const char* name, std::string& problem) {
    dlerror();
    *slot = dlsym(handle, name);
    if (*slot) return true;
    const char* reason = dlerror();
    problem = std::string(name) + " is missing (" + (reason ? reason : "dlsym") + ")";
    return false;
}

}  // namespace annonet
