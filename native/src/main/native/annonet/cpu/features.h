// What the processor can run: the CPU kernels are compiled for any x86-64 and, function by
// function, for AVX2 with FMA or for AVX-512, chosen at run time.
#pragma once

#if defined(__x86_64__)
#include <immintrin.h>
#define ANNONET_AVX2 __attribute__((target("avx2,fma")))
#define ANNONET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#endif

namespace annonet {
namespace cpu {

inline bool has_avx2() {
#if defined(__x86_64__)
    // __builtin_cpu_init first: in a library loaded at run time nothing guarantees it ran yet.
    static const bool supported = (__builtin_cpu_init(), __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
    return supported;
#else
    return false;
#endif
}

}  // namespace cpu
}  // namespace annonet
