// A dense layer's GEMM with its bias and activation, or with its bias gradient, fused by cuBLASLt's
// epilogues: y = relu(x·w + b) (RELU_BIAS) or z = x·w + b (BIAS) in the forward GEMM, and the bias
// gradient Σ_rows dz (BGRADA) in the weight gradient's GEMM dw = xᵀ·dz. cuBLASLt is opened with
// dlopen, as cuBLAS is (context.cuh): the file next to the cuBLAS the context loaded, then the
// library path. Where it is missing, or has no algorithm for a shape, the caller runs the unfused
// GEMM and kernels instead.
//
// Each distinct call (epilogue, shape, operand alignments, bias address) gets a plan: the matmul
// descriptor, the layouts and the algorithm cuBLASLt's heuristic chose, made once and outside
// graph capture, so that a recorded step holds only cublasLtMatmul calls. A call met while a step
// is captured has no plan yet: it answers LT_UNPLANNED (the caller runs the unfused path) and is
// planned by lt_plan_pending once the capture has ended.
//
// On the host executor a plan is a record of the call alone and running it runs the unfused
// functions (gemm, with its operands rounded as the compute type rounds them, bias_activation,
// column_sums): the same values bit for bit, so the backend's bookkeeping around the plans is
// tested on any machine.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "context.cuh"
#include "dynamic_library.h"
#include "kernels.cuh"

namespace annonet {

// cuBLASLt's numbers, as cublasLt.h, cublas_api.h and library_types.h define them.
constexpr int LT_EPILOGUE_RELU = 2, LT_EPILOGUE_BIAS = 4, LT_EPILOGUE_RELU_BIAS = 6, LT_EPILOGUE_BGRADA = 256;
constexpr int LT_DESC_TRANSA = 3, LT_DESC_TRANSB = 4, LT_DESC_EPILOGUE = 7, LT_DESC_BIAS_POINTER = 8;
constexpr int LT_PREF_MAX_WORKSPACE_BYTES = 1, LT_PREF_MIN_ALIGNMENT_A_BYTES = 5, LT_PREF_MIN_ALIGNMENT_B_BYTES = 6,
              LT_PREF_MIN_ALIGNMENT_C_BYTES = 7, LT_PREF_MIN_ALIGNMENT_D_BYTES = 8;
constexpr int LT_CUDA_R_32F = 0;
// The most alignment cuBLASLt's heuristic asks about (its default minimum).
constexpr uint64_t LT_MAX_ALIGNMENT = 256;

inline const char* lt_epilogue_name(int epilogue) {
    switch (epilogue) {
        case LT_EPILOGUE_RELU: return "RELU";
        case LT_EPILOGUE_BIAS: return "BIAS";
        case LT_EPILOGUE_RELU_BIAS: return "RELU_BIAS";
        case LT_EPILOGUE_BGRADA: return "BGRADA";
        default: return "an unknown epilogue";
    }
}

// What lt_dense_forward and lt_weight_gradient answer besides an error (negative).
constexpr int LT_RAN = 0, LT_UNPLANNED = 1, LT_UNSUPPORTED = 2;

struct LtAlgo {
    uint64_t data[8];
};

struct LtHeuristicResult {
    LtAlgo algo;
    size_t workspace_size;
    int state;
    float waves_count;
    int reserved[4];
};

typedef int (*LtCreate)(void**);
typedef int (*LtDestroy)(void*);
typedef int (*LtDescCreate)(void**, int, int);
typedef int (*LtDescDestroy)(void*);
typedef int (*LtDescSetAttribute)(void*, int, const void*, size_t);
typedef int (*LtLayoutCreate)(void**, int, uint64_t, uint64_t, int64_t);
typedef int (*LtLayoutDestroy)(void*);
typedef int (*LtPreferenceCreate)(void**);
typedef int (*LtPreferenceDestroy)(void*);
typedef int (*LtPreferenceSetAttribute)(void*, int, const void*, size_t);
typedef int (*LtAlgoGetHeuristic)(void*, void*, void*, void*, void*, void*, void*, int, LtHeuristicResult*, int*);
typedef int (*LtMatmul)(void*, void*, const void*, const void*, void*, const void*, void*, const void*, const void*,
                        void*, void*, void*, const LtAlgo*, void*, size_t, void*);

struct LtLibrary {
    void* library = nullptr;
    LtCreate create = nullptr;
    LtDestroy destroy = nullptr;
    LtDescCreate desc_create = nullptr;
    LtDescDestroy desc_destroy = nullptr;
    LtDescSetAttribute desc_set = nullptr;
    LtLayoutCreate layout_create = nullptr;
    LtLayoutDestroy layout_destroy = nullptr;
    LtPreferenceCreate preference_create = nullptr;
    LtPreferenceDestroy preference_destroy = nullptr;
    LtPreferenceSetAttribute preference_set = nullptr;
    LtAlgoGetHeuristic heuristic = nullptr;
    LtMatmul matmul = nullptr;
};

// A call as a plan knows it: the row-major dense shape, the epilogue, the alignments of cuBLAS's
// operands A, B and D (forward: w, x, y; weight gradient: dz, x, dw), the bias (or bias gradient)
// address, which the descriptor holds, and the compute type: the context's (precision.cuh's
// BLAS_COMPUTE_*: float32, TF32, or bfloat16 or half operands), which a precision policy may change.
struct LtCall {
    int epilogue, rows, in, out;
    uint64_t a_alignment, b_alignment, d_alignment;
    long long bias;
    int compute;

    bool operator==(const LtCall& other) const {
        return epilogue == other.epilogue && rows == other.rows && in == other.in && out == other.out
            && a_alignment == other.a_alignment && b_alignment == other.b_alignment
            && d_alignment == other.d_alignment && bias == other.bias && compute == other.compute;
    }
};

struct LtPlan {
    LtCall call;
    bool usable = false;  // false: cuBLASLt cannot run it (why: problem)
    std::string problem;
    void* desc = nullptr;
    void* a = nullptr;
    void* b = nullptr;
    void* d = nullptr;
    LtAlgo algo{};
    size_t workspace = 0;
};

struct LtState {
    long long context = 0;
    LtLibrary api;
    void* handle = nullptr;
    std::vector<LtPlan> plans;
    std::vector<LtCall> pending;
};

// The largest power of two, up to LT_MAX_ALIGNMENT, that divides the address.
inline uint64_t lt_alignment(long long address) {
    uint64_t value = (uint64_t)address;
    uint64_t lowest = value & (~value + 1);
    return lowest == 0 || lowest > LT_MAX_ALIGNMENT ? LT_MAX_ALIGNMENT : lowest;
}

// The files to try: libcublasLt next to the cuBLAS this process loaded (the same version and
// wheel), then the library path.
inline std::string lt_candidates(void* blas_symbol) {
    std::string candidates;
    Dl_info info;
    if (blas_symbol && dladdr(blas_symbol, &info) && info.dli_fname) {
        std::string blas = info.dli_fname;
        size_t name = blas.rfind("libcublas.so");
        if (name != std::string::npos) {
            candidates += blas.substr(0, name) + "libcublasLt.so" + blas.substr(name + strlen("libcublas.so")) + "\n";
        }
    }
    return candidates + "libcublasLt.so.13\nlibcublasLt.so.12\nlibcublasLt.so";
}

// Opens cuBLASLt with every entry point used here: 0, or -1003 with why in last_error().
inline int lt_load(LtLibrary& lt, void* blas_symbol) {
    std::string tried;
    lt.library = open_first(lt_candidates(blas_symbol).c_str(), tried);
    if (!lt.library) {
        return fail(-1003, "cuBLASLt (libcublasLt.so.13 or .12, next to cuBLAS) was not found", tried.c_str());
    }
    struct Entry {
        void** slot;
        const char* name;
    } entries[] = {{(void**)&lt.create, "cublasLtCreate"},
                   {(void**)&lt.destroy, "cublasLtDestroy"},
                   {(void**)&lt.desc_create, "cublasLtMatmulDescCreate"},
                   {(void**)&lt.desc_destroy, "cublasLtMatmulDescDestroy"},
                   {(void**)&lt.desc_set, "cublasLtMatmulDescSetAttribute"},
                   {(void**)&lt.layout_create, "cublasLtMatrixLayoutCreate"},
                   {(void**)&lt.layout_destroy, "cublasLtMatrixLayoutDestroy"},
                   {(void**)&lt.preference_create, "cublasLtMatmulPreferenceCreate"},
                   {(void**)&lt.preference_destroy, "cublasLtMatmulPreferenceDestroy"},
                   {(void**)&lt.preference_set, "cublasLtMatmulPreferenceSetAttribute"},
                   {(void**)&lt.heuristic, "cublasLtMatmulAlgoGetHeuristic"},
                   {(void**)&lt.matmul, "cublasLtMatmul"}};
    std::string missing;
    for (const Entry& entry : entries) {
        if (!resolve(lt.library, entry.slot, entry.name, missing)) {
            dlclose(lt.library);
            lt.library = nullptr;
            return fail(-1004, "cuBLASLt was found but lacks an entry point annonet needs", missing.c_str());
        }
    }
    return 0;
}

// "" when cuBLASLt loads next to cuBLAS with every entry point used, else why not: what DeviceQuery reports.
inline const char* lt_load_problem() {
    Blas blas;
    if (load_blas(blas)) return last_error();
    LtLibrary lt;
    int status = lt_load(lt, (void*)blas.create);
    if (lt.library) dlclose(lt.library);
    dlclose(blas.library);
    return status ? last_error() : "";
}

inline void lt_release(LtState* lt, LtPlan& plan) {
    if (plan.a) lt->api.layout_destroy(plan.a);
    if (plan.b) lt->api.layout_destroy(plan.b);
    if (plan.d) lt->api.layout_destroy(plan.d);
    if (plan.desc) lt->api.desc_destroy(plan.desc);
    plan.a = plan.b = plan.d = plan.desc = nullptr;
}

inline void lt_destroy(long long handle) {
    LtState* lt = reinterpret_cast<LtState*>(handle);
    if (!lt) return;
    context(lt->context);  // the context's GPU current: its handle and plans belong to it
    if (lt->api.library) {
        for (LtPlan& plan : lt->plans) lt_release(lt, plan);
        if (lt->handle) lt->api.destroy(lt->handle);
        dlclose(lt->api.library);
    }
    delete lt;
}

// The fused GEMMs of a context (its stream, cuBLAS workspace and GEMM compute type), or 0 with why
// in last_error() when cuBLASLt cannot be opened or started. On the host executor, plans without a library.
inline long long lt_create(long long context_handle) {
    Context* c = context(context_handle);
    LtState* lt = new LtState();
    lt->context = context_handle;
    if (c->ordinal < 0) return reinterpret_cast<long long>(lt);
    int status = lt_load(lt->api, (void*)c->blas.create);
    if (status == 0 && (status = lt->api.create(&lt->handle)) != 0) {
        lt->handle = nullptr;
        fail_blas(status, "cublasLtCreate (cuBLASLt could not start on this device)");
    }
    if (status != 0) {
        lt_destroy(reinterpret_cast<long long>(lt));
        return 0;
    }
    return reinterpret_cast<long long>(lt);
}

// The cuBLAS column-major form of a row-major call (row-major C read column-major is Cᵀ, as in gemm):
// forward: yᵀ (out × rows) = wᵀ (out × in, ld out) · xᵀ (in × rows, ld in), bias of D's out rows;
// weight gradient: dwᵀ (out × in) = dzᵀ (out × rows, ld out) · (xᵀ)ᵀ (x read as in × rows, ld in,
// transposed), the bias gradient the sums of A = dzᵀ over k = rows, one for each of D's out rows (BGRADA).
inline int lt_describe(LtState* lt, LtPlan& plan) {
    const LtCall& call = plan.call;
    bool gradient = call.epilogue == LT_EPILOGUE_BGRADA;
    int transb = gradient ? BLAS_OP_T : BLAS_OP_N;
    int transa = BLAS_OP_N;
    uint32_t epilogue = (uint32_t)call.epilogue;
    int status = lt->api.desc_create(&plan.desc, call.compute, LT_CUDA_R_32F);
    if (status == 0) status = lt->api.desc_set(plan.desc, LT_DESC_TRANSA, &transa, sizeof transa);
    if (status == 0) status = lt->api.desc_set(plan.desc, LT_DESC_TRANSB, &transb, sizeof transb);
    if (status == 0) status = lt->api.desc_set(plan.desc, LT_DESC_EPILOGUE, &epilogue, sizeof epilogue);
    if (status == 0 && call.bias) {
        void* bias = reinterpret_cast<void*>(call.bias);
        status = lt->api.desc_set(plan.desc, LT_DESC_BIAS_POINTER, &bias, sizeof bias);
    }
    if (gradient) {
        if (status == 0) status = lt->api.layout_create(&plan.a, LT_CUDA_R_32F, call.out, call.rows, call.out);
        if (status == 0) status = lt->api.layout_create(&plan.b, LT_CUDA_R_32F, call.in, call.rows, call.in);
        if (status == 0) status = lt->api.layout_create(&plan.d, LT_CUDA_R_32F, call.out, call.in, call.out);
    } else {
        if (status == 0) status = lt->api.layout_create(&plan.a, LT_CUDA_R_32F, call.out, call.in, call.out);
        if (status == 0) status = lt->api.layout_create(&plan.b, LT_CUDA_R_32F, call.in, call.rows, call.in);
        if (status == 0) status = lt->api.layout_create(&plan.d, LT_CUDA_R_32F, call.out, call.rows, call.out);
    }
    return status;
}

// Asks cuBLASLt's heuristic for one algorithm that fits the shared cuBLAS workspace and the operands'
// alignments (C is D); plan.usable says whether it found one.
inline int lt_choose_algorithm(LtState* lt, LtPlan& plan) {
    const LtCall& call = plan.call;
    uint64_t workspace = BLAS_WORKSPACE_BYTES;
    uint32_t a_alignment = (uint32_t)call.a_alignment;
    uint32_t b_alignment = (uint32_t)call.b_alignment;
    uint32_t d_alignment = (uint32_t)call.d_alignment;
    void* preference = nullptr;
    int status = lt->api.preference_create(&preference);
    if (status != 0) return status;
    status = lt->api.preference_set(preference, LT_PREF_MAX_WORKSPACE_BYTES, &workspace, sizeof workspace);
    if (status == 0) status = lt->api.preference_set(preference, LT_PREF_MIN_ALIGNMENT_A_BYTES, &a_alignment, sizeof a_alignment);
    if (status == 0) status = lt->api.preference_set(preference, LT_PREF_MIN_ALIGNMENT_B_BYTES, &b_alignment, sizeof b_alignment);
    if (status == 0) status = lt->api.preference_set(preference, LT_PREF_MIN_ALIGNMENT_C_BYTES, &d_alignment, sizeof d_alignment);
    if (status == 0) status = lt->api.preference_set(preference, LT_PREF_MIN_ALIGNMENT_D_BYTES, &d_alignment, sizeof d_alignment);
    LtHeuristicResult result{};
    int found = 0;
    if (status == 0) {
        int heuristic = lt->api.heuristic(lt->handle, plan.desc, plan.a, plan.b, plan.d, plan.d, preference, 1, &result,
                                          &found);
        if (heuristic != 0 || found == 0 || result.state != 0) {
            char why[384];
            snprintf(why, sizeof why,
                     "cuBLASLt has no algorithm for the %s epilogue at %d rows, %d inputs, %d outputs, operands aligned to "
                     "%llu, %llu and %llu bytes (%s)",
                     lt_epilogue_name(call.epilogue), call.rows, call.in, call.out, (unsigned long long)call.a_alignment,
                     (unsigned long long)call.b_alignment, (unsigned long long)call.d_alignment,
                     heuristic != 0 ? blas_status_name(heuristic) : found == 0 ? "none found" : blas_status_name(result.state));
            plan.problem = why;
        } else {
            plan.algo = result.algo;
            plan.workspace = result.workspace_size;
            plan.usable = true;
        }
    }
    lt->api.preference_destroy(preference);
    return status;
}

// Makes and keeps the plan of a call; plan.usable says whether cuBLASLt can run it. A descriptor
// or heuristic that cuBLASLt refuses (a compute type or epilogue it does not take here) makes an
// unusable plan with the reason, as a heuristic without an algorithm does: the call runs unfused.
inline LtPlan& lt_make_plan(LtState* lt, const LtCall& call) {
    LtPlan plan;
    plan.call = call;
    if (!lt->api.library) {
        plan.usable = true;  // the host executor runs every call unfused
        lt->plans.push_back(plan);
        return lt->plans.back();
    }
    int status = lt_describe(lt, plan);
    if (status == 0) status = lt_choose_algorithm(lt, plan);
    if (status != 0) {
        plan.usable = false;
        plan.problem = std::string("cuBLASLt refused the ") + lt_epilogue_name(call.epilogue) + " epilogue's descriptor ("
                     + blas_status_name(status) + ")";
    }
    if (!plan.usable) lt_release(lt, plan);
    lt->plans.push_back(plan);
    return lt->plans.back();
}

// Plans the calls met while a step was captured: the number of new plans that cuBLASLt can run
// (0 when nothing was pending).
inline int lt_plan_pending(long long handle) {
    LtState* lt = reinterpret_cast<LtState*>(handle);
    context(lt->context);
    int usable = 0;
    for (const LtCall& call : lt->pending) usable += lt_make_plan(lt, call).usable ? 1 : 0;
    lt->pending.clear();
    return usable;
}

// The number of calls planned so far that cuBLASLt can run (every one on the host executor), for tests.
inline int lt_plan_count(long long handle) {
    int usable = 0;
    for (const LtPlan& plan : reinterpret_cast<LtState*>(handle)->plans) usable += plan.usable ? 1 : 0;
    return usable;
}

// The call's plan, made now unless a step is being captured (then it is queued for lt_plan_pending
// and null returned).
inline LtPlan* lt_plan_of(LtState* lt, const LtCall& call, bool capturing) {
    for (LtPlan& plan : lt->plans) {
        if (plan.call == call) return &plan;
    }
    if (capturing) {
        for (const LtCall& waiting : lt->pending) {
            if (waiting == call) return nullptr;
        }
        lt->pending.push_back(call);
        return nullptr;
    }
    return &lt_make_plan(lt, call);
}

// LT_RAN, LT_UNPLANNED or LT_UNSUPPORTED (why in last_error()) for a plan lookup.
inline int lt_unrunnable(const LtPlan* plan) {
    if (!plan) return LT_UNPLANNED;
    if (!plan->usable) {
        fail(LT_UNSUPPORTED, "fused epilogue", plan->problem.c_str());
        return LT_UNSUPPORTED;
    }
    return LT_RAN;
}

inline int lt_run(LtState* lt, Context* c, const LtPlan& plan, long long a, long long b, long long d) {
#ifdef __CUDACC__
    float one = 1.0f, zero = 0.0f;
    void* out = reinterpret_cast<void*>(d);
    int status = lt->api.matmul(lt->handle, plan.desc, &one, reinterpret_cast<const void*>(a), plan.a,
                                reinterpret_cast<const void*>(b), plan.b, &zero, out, plan.d, out, plan.d, &plan.algo,
                                c->blas_workspace, plan.workspace, c->stream);
    return status == 0 ? 0 : fail_blas(status, "cublasLtMatmul");
#else
    (void)lt, (void)c, (void)plan, (void)a, (void)b, (void)d;
    return fail(-1000, "cublasLtMatmul", "no CUDA in this build");
#endif
}

// y (rows × out) = epilogue(x · w + bias) for LT_EPILOGUE_RELU (no bias), LT_EPILOGUE_RELU_BIAS or
// LT_EPILOGUE_BIAS, row-major. y must not overlap x.
inline int lt_dense_forward(long long handle, int epilogue, int rows, int in, int out, long long x_address,
                            long long w_address, long long bias_address, long long y_address, bool capturing) {
    LtState* lt = reinterpret_cast<LtState*>(handle);
    Context* c = context(lt->context);
    if (epilogue != LT_EPILOGUE_RELU && epilogue != LT_EPILOGUE_RELU_BIAS && epilogue != LT_EPILOGUE_BIAS) {
        return fail(-1006, "lt_dense_forward", "the epilogue is not RELU, RELU_BIAS or BIAS");
    }
    if ((epilogue == LT_EPILOGUE_RELU) != (bias_address == 0)) {
        return fail(-1006, "lt_dense_forward", "RELU takes no bias; RELU_BIAS and BIAS need one");
    }
    LtCall call{epilogue, rows, in, out, lt_alignment(w_address), lt_alignment(x_address), lt_alignment(y_address),
                bias_address, c->gemm_compute};
    const LtPlan* plan = lt_plan_of(lt, call, capturing);
    int unrunnable = lt_unrunnable(plan);
    if (unrunnable != LT_RAN) return unrunnable;
    if (c->ordinal < 0) {
        int status = gemm(lt->context, false, false, rows, out, in, x_address, w_address, y_address, false);
        int kind = epilogue == LT_EPILOGUE_BIAS ? LINEAR : RELU;
        return status ? status : bias_activation(lt->context, kind, 0.0f, INFINITY, 0.0f, rows, out, y_address,
                                                 bias_address, y_address);
    }
    return lt_run(lt, c, *plan, w_address, x_address, y_address);
}

// dw (in × out) = xᵀ · dz and dbias = Σ_rows dz, row-major (x: rows × in, dz: rows × out).
inline int lt_weight_gradient(long long handle, int rows, int in, int out, long long x_address, long long dz_address,
                              long long dw_address, long long dbias_address, bool capturing) {
    LtState* lt = reinterpret_cast<LtState*>(handle);
    Context* c = context(lt->context);
    LtCall call{LT_EPILOGUE_BGRADA, rows, in, out, lt_alignment(dz_address), lt_alignment(x_address),
                lt_alignment(dw_address), dbias_address, c->gemm_compute};
    const LtPlan* plan = lt_plan_of(lt, call, capturing);
    int unrunnable = lt_unrunnable(plan);
    if (unrunnable != LT_RAN) return unrunnable;
    if (c->ordinal < 0) {
        int status = gemm(lt->context, true, false, in, out, rows, x_address, dz_address, dw_address, false);
        return status ? status : column_sums(lt->context, rows, out, dz_address, dbias_address);
    }
    return lt_run(lt, c, *plan, dz_address, x_address, dw_address);
}

}  // namespace annonet
