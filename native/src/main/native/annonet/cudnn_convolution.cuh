// Conv2D forward and backward on cuDNN (cudnn.h), NHWC float32, for the CUDA backend; where cuDNN
// cannot run a convolution, image_kernels.cuh's im2col + GEMM does (the Java side decides, and says
// why). A CudnnConvolutions belongs to one context: its cuDNN handle works on the context's stream,
// and it keeps a plan per convolution shape (descriptors and the algorithms chosen for them) and one
// workspace, grown when a plan is made. Plans are made outside any graph capture, since choosing an
// algorithm and allocating are not work a graph can record; running a plan is.
//
// Keras keeps a kernel as (kh, kw, in_c, out_c), a patch × out_c matrix; cuDNN's NHWC filter is KRSC,
// (out_c, kh, kw, in_c): the same matrix transposed. Each call transposes the kernel into the plan
// set's filter scratch (and a kernel gradient back out of it), instead of keeping the model's weights
// in cuDNN's layout: every other kernel, the CPU backends and the saved weights read Keras's layout,
// and the transpose moves kh·kw·in_c·out_c values, a small part of the convolution's own traffic.
#pragma once

#include <cstring>
#include <vector>

#include "cudnn.h"
#include "kernels.cuh"
#include "window.cuh"

namespace annonet {

// target (cols × rows) = sourceᵀ, both row-major: a Keras kernel (patch rows of out_c) into cuDNN's
// KRSC filter (out_c rows of patch), and with rows and cols swapped back. One thread a target value.
inline int transpose_matrix(long long handle, int rows, int cols, long long source_address, long long target_address) {
    const float* source = at<const float>(source_address);
    float* target = at<float>(target_address);
    return for_each(handle, (long long)rows * cols, [=] ANNONET_LAMBDA(long long index) {
        long long col = index / rows;
        long long row = index - col * rows;
        target[index] = source[row * cols + col];
    }, "transpose_matrix");
}

// Negative codes of cuDNN failures (last_error() has cuDNN's words), as cuBLAS's are -1100 - status.
constexpr int CUDNN_FAILED = -1200;
// Algorithms that want more workspace than this are passed over for the next in cuDNN's ranking.
constexpr size_t CUDNN_WORKSPACE_LIMIT = (size_t)256 << 20;

struct CudnnPlan {
    cudnn::TensorDescriptor x = nullptr, y = nullptr;
    cudnn::FilterDescriptor filter = nullptr;
    cudnn::ConvolutionDescriptor convolution = nullptr;
    int forward = -1, backward_data = -1, backward_filter = -1;
    // The math type each chosen algorithm was ranked with, set on the descriptor before it runs.
    int forward_math = 0, backward_data_math = 0, backward_filter_math = 0;
    int patch = 0, out_c = 0;
};

struct CudnnConvolutions {
    long long context = 0;
    cudnn::Handle handle = nullptr;
    int math_type = cudnn::FMA_MATH;
    std::vector<CudnnPlan> plans;
    long long workspace = 0;  // device address
    size_t workspace_bytes = 0;
    long long filter = 0;     // a kernel in KRSC, or a kernel gradient before it is transposed back
    long long filter_values = 0;
};

inline int fail_cudnn(const char* what, cudnn::Status status) {
    return fail(CUDNN_FAILED, "cuDNN", cudnn::describe_failure(what, status).c_str());
}

// The plan set of `handle`, its context's GPU made current.
inline CudnnConvolutions* convolutions(long long handle) {
    CudnnConvolutions* s = reinterpret_cast<CudnnConvolutions*>(handle);
    context(s->context);
    return s;
}

// A plan set for the context's GPU, cuDNN loaded from the first of `candidates` that opens; tf32
// lets cuDNN use TF32 tensor cores, as the context's GEMMs do (CUDNN_DEFAULT_MATH, which permits
// them for float32 data on Ampere and newer, as PyTorch's allow_tf32 does), else float32 FMA
// kernels only (CUDNN_FMA_MATH). 0 on
// failure, with the reason in last_error(): no GPU (the host executor), no cuDNN 9, or cuDNN not starting.
inline long long cudnn_convolutions_create(long long context_handle, const char* candidates, bool tf32) {
    Context* c = context(context_handle);
    if (c->ordinal < 0) {
        fail(CUDNN_FAILED, "cuDNN", "the host executor has no GPU for cuDNN; it runs annonet's own convolution kernels");
        return 0;
    }
#ifdef __CUDACC__
    const char* problem = cudnn::load(candidates);
    if (*problem) {
        fail(CUDNN_FAILED, "cuDNN cannot run convolutions", problem);
        return 0;
    }
    cudnn::Library& lib = cudnn::library();
    CudnnConvolutions* s = new CudnnConvolutions();
    s->context = context_handle;
    s->math_type = tf32 ? cudnn::DEFAULT_MATH : cudnn::FMA_MATH;
    cudnn::Status status = lib.create(&s->handle);
    if (status != cudnn::STATUS_SUCCESS) {
        fail_cudnn("cudnnCreate", status);
        delete s;
        return 0;
    }
    if ((status = lib.set_stream(s->handle, c->stream)) != cudnn::STATUS_SUCCESS) {
        fail_cudnn("cudnnSetStream", status);
        lib.destroy(s->handle);
        delete s;
        return 0;
    }
    return reinterpret_cast<long long>(s);
#else
    (void)candidates;
    (void)tf32;
    fail(-1000, "cuDNN", "this build of annonet's native library was compiled without nvcc");
    return 0;
#endif
}

inline void destroy_plan(CudnnPlan& plan) {
    cudnn::Library& lib = cudnn::library();
    if (plan.x) lib.destroy_tensor_descriptor(plan.x);
    if (plan.y) lib.destroy_tensor_descriptor(plan.y);
    if (plan.filter) lib.destroy_filter_descriptor(plan.filter);
    if (plan.convolution) lib.destroy_convolution_descriptor(plan.convolution);
}

// Waits for the stream (a replayed step may still use the plans' scratch), then frees everything.
inline void cudnn_convolutions_destroy(long long handle) {
    if (!handle) return;
    CudnnConvolutions* s = convolutions(handle);
    synchronize(s->context);
    for (CudnnPlan& plan : s->plans) destroy_plan(plan);
    if (s->workspace) memory_free(s->context, s->workspace);
    if (s->filter) memory_free(s->context, s->filter);
    if (s->handle) cudnn::library().destroy(s->handle);
    delete s;
}

// The first of cuDNN's ranking (best first) that ran, is deterministic, needs at most the workspace
// limit, and keeps float32 products exact unless TF32 was allowed; -1 when none is. The _v7 queries
// rank each algorithm under every math type whatever the descriptor says, and the algorithm must run
// under the one it was ranked with (its workspace size is that one's), so *chosen_math is it; under
// FMA_MATH the descriptor stays FMA_MATH, so no TF32 kernel runs where TF32 was not allowed.
inline int choose_algorithm(const cudnn::AlgorithmPerformance* ranking, int count, int math_type, size_t* workspace,
                            int* chosen_math) {
    for (int i = 0; i < count; i++) {
        const cudnn::AlgorithmPerformance& r = ranking[i];
        bool tensor_ops = r.math_type == cudnn::TENSOR_OP_MATH || r.math_type == cudnn::TENSOR_OP_MATH_ALLOW_CONVERSION;
        if (r.status != cudnn::STATUS_SUCCESS || r.determinism != cudnn::DETERMINISTIC || r.memory > CUDNN_WORKSPACE_LIMIT
            || r.math_type == cudnn::TENSOR_OP_MATH_ALLOW_CONVERSION || (tensor_ops && math_type == cudnn::FMA_MATH)) {
            continue;
        }
        if (r.memory > *workspace) *workspace = r.memory;
        *chosen_math = math_type == cudnn::FMA_MATH ? cudnn::FMA_MATH : r.math_type;
        return r.algorithm;
    }
    return -1;
}

// `*buffer` of `*size` units grown to `wanted` units of `unit` bytes: the new one allocated before the
// old is freed, so a failed allocation leaves the earlier plans and the steps recorded with them
// their buffer.
inline int grow(long long context_handle, long long* buffer, long long* size, long long wanted, long long unit) {
    if (wanted <= *size) return 0;
    long long grown = memory_allocate(context_handle, wanted * unit);
    if (!grown) return -2;
    if (*buffer) memory_free(context_handle, *buffer);
    *buffer = grown;
    *size = wanted;
    return 0;
}

// Grows the workspace and the filter scratch to at least these sizes, once the stream has finished
// with the old ones (so never while a graph records). The caller drops recorded steps that hold them.
inline int reserve(CudnnConvolutions* s, size_t workspace_bytes, long long filter_values) {
    if (workspace_bytes <= s->workspace_bytes && filter_values <= s->filter_values) return 0;
    int status = synchronize(s->context);
    if (status) return status;
    long long workspace_size = (long long)s->workspace_bytes;
    status = grow(s->context, &s->workspace, &workspace_size, (long long)workspace_bytes, 1);
    s->workspace_bytes = (size_t)workspace_size;
    return status ? status : grow(s->context, &s->filter, &s->filter_values, filter_values, (long long)sizeof(float));
}

// Describes the window's convolution at this batch to cuDNN and chooses its three algorithms.
inline int describe_plan(CudnnConvolutions* s, const Window& w, int batch, CudnnPlan& plan) {
    cudnn::Library& lib = cudnn::library();
    cudnn::Status status;
    if ((status = lib.create_tensor_descriptor(&plan.x)) || (status = lib.create_tensor_descriptor(&plan.y))) {
        return fail_cudnn("cudnnCreateTensorDescriptor", status);
    }
    if ((status = lib.create_filter_descriptor(&plan.filter))) return fail_cudnn("cudnnCreateFilterDescriptor", status);
    if ((status = lib.create_convolution_descriptor(&plan.convolution))) {
        return fail_cudnn("cudnnCreateConvolutionDescriptor", status);
    }
    if ((status = lib.set_tensor_4d_descriptor(plan.x, cudnn::TENSOR_NHWC, cudnn::DATA_FLOAT, batch, w.in_c, w.in_h, w.in_w))
        || (status = lib.set_tensor_4d_descriptor(plan.y, cudnn::TENSOR_NHWC, cudnn::DATA_FLOAT, batch, w.out_c, w.out_h,
                                                  w.out_w))) {
        return fail_cudnn("cudnnSetTensor4dDescriptor", status);
    }
    if ((status = lib.set_filter_4d_descriptor(plan.filter, cudnn::DATA_FLOAT, cudnn::TENSOR_NHWC, w.out_c, w.in_c, w.win_h,
                                               w.win_w))) {
        return fail_cudnn("cudnnSetFilter4dDescriptor", status);
    }
    if ((status = lib.set_convolution_2d_descriptor(plan.convolution, w.pad_top, w.pad_left, w.stride_h, w.stride_w, w.dil_h,
                                                    w.dil_w, cudnn::CROSS_CORRELATION, cudnn::DATA_FLOAT))) {
        return fail_cudnn("cudnnSetConvolution2dDescriptor", status);
    }
    if ((status = lib.set_convolution_math_type(plan.convolution, s->math_type))) {
        return fail_cudnn("cudnnSetConvolutionMathType", status);
    }
    int n = 0, c = 0, h = 0, width = 0;
    if ((status = lib.get_convolution_2d_forward_output_dim(plan.convolution, plan.x, plan.filter, &n, &c, &h, &width))) {
        return fail_cudnn("cudnnGetConvolution2dForwardOutputDim", status);
    }
    if (h != w.out_h || width != w.out_w) {
        char detail[160];
        snprintf(detail, sizeof detail, "padding both sides alike, its output would be %dx%d, the layer's is %dx%d", h, width,
                 w.out_h, w.out_w);
        return fail(CUDNN_FAILED, "cuDNN", detail);
    }
    cudnn::AlgorithmPerformance ranking[cudnn::MOST_ALGORITHMS];
    int count = 0;
    size_t workspace = 0;
    if ((status = lib.get_forward_algorithm(s->handle, plan.x, plan.filter, plan.convolution, plan.y, cudnn::MOST_ALGORITHMS,
                                            &count, ranking))) {
        return fail_cudnn("cudnnGetConvolutionForwardAlgorithm_v7", status);
    }
    plan.forward = choose_algorithm(ranking, count, s->math_type, &workspace, &plan.forward_math);
    if ((status = lib.get_backward_data_algorithm(s->handle, plan.filter, plan.y, plan.convolution, plan.x,
                                                  cudnn::MOST_ALGORITHMS, &count, ranking))) {
        return fail_cudnn("cudnnGetConvolutionBackwardDataAlgorithm_v7", status);
    }
    plan.backward_data = choose_algorithm(ranking, count, s->math_type, &workspace, &plan.backward_data_math);
    if ((status = lib.get_backward_filter_algorithm(s->handle, plan.x, plan.y, plan.convolution, plan.filter,
                                                    cudnn::MOST_ALGORITHMS, &count, ranking))) {
        return fail_cudnn("cudnnGetConvolutionBackwardFilterAlgorithm_v7", status);
    }
    plan.backward_filter = choose_algorithm(ranking, count, s->math_type, &workspace, &plan.backward_filter_math);
    if (plan.forward < 0 || plan.backward_data < 0 || plan.backward_filter < 0) {
        return fail(CUDNN_FAILED, "cuDNN",
                    plan.forward < 0 ? "no deterministic forward algorithm within the workspace limit"
                    : plan.backward_data < 0 ? "no deterministic backward data algorithm within the workspace limit"
                                             : "no deterministic backward filter algorithm within the workspace limit");
    }
    plan.patch = w.win_h * w.win_w * w.in_c;
    plan.out_c = w.out_c;
    return reserve(s, workspace, (long long)plan.patch * plan.out_c);
}

// A new plan for the convolution of the window at `window_address` (Window2D's 14 ints) over `batch`
// samples: its index, or a negative code with the reason in last_error() (the layer then runs on
// annonet's kernels). Never while a graph records: it allocates, and waits for the stream.
inline int cudnn_convolution_plan(long long handle, long long window_address, int batch) {
    CudnnConvolutions* s = convolutions(handle);
    CudnnPlan plan;
    int status = describe_plan(s, window_at(window_address), batch, plan);
    if (status) {
        destroy_plan(plan);
        return status < 0 ? status : CUDNN_FAILED;  // a CUDA error's code is positive: not an index
    }
    s->plans.push_back(plan);
    return (int)s->plans.size() - 1;
}

inline const CudnnPlan* plan_at(CudnnConvolutions* s, int plan) {
    if (plan < 0 || plan >= (int)s->plans.size()) {
        fail(-3, "cuDNN", "no such convolution plan");
        return nullptr;
    }
    return &s->plans[plan];
}

// The plan's descriptor set to the math type `algorithm` was chosen under: a host-side setting, so
// also while a graph records.
inline int use_math(const CudnnPlan* p, int math_type) {
    cudnn::Status status = cudnn::library().set_convolution_math_type(p->convolution, math_type);
    return status == cudnn::STATUS_SUCCESS ? 0 : fail_cudnn("cudnnSetConvolutionMathType", status);
}

// z = x ⊛ kernel, NHWC, the kernel in Keras's layout.
inline int cudnn_conv2d(long long handle, int plan_index, long long x, long long kernel, long long z) {
    CudnnConvolutions* s = convolutions(handle);
    const CudnnPlan* p = plan_at(s, plan_index);
    if (!p) return -3;
    int status = transpose_matrix(s->context, p->patch, p->out_c, kernel, s->filter);
    if (status || (status = use_math(p, p->forward_math))) return status;
    float one = 1.0f, zero = 0.0f;
    cudnn::Status result = cudnn::library().convolution_forward(
        s->handle, &one, p->x, at<const void>(x), p->filter, at<const void>(s->filter), p->convolution, p->forward,
        at<void>(s->workspace), s->workspace_bytes, &zero, p->y, at<void>(z));
    return result == cudnn::STATUS_SUCCESS ? 0 : fail_cudnn("cudnnConvolutionForward", result);
}

// dx from dz and the kernel, then dKernel from x and dz (in Keras's layout); each skipped when its address is 0.
inline int cudnn_conv2d_backward(long long handle, int plan_index, long long x, long long kernel, long long dz,
                                 long long d_kernel, long long dx) {
    CudnnConvolutions* s = convolutions(handle);
    const CudnnPlan* p = plan_at(s, plan_index);
    if (!p) return -3;
    cudnn::Library& lib = cudnn::library();
    float one = 1.0f, zero = 0.0f;
    if (dx) {
        int status = transpose_matrix(s->context, p->patch, p->out_c, kernel, s->filter);
        if (status || (status = use_math(p, p->backward_data_math))) return status;
        cudnn::Status result = lib.convolution_backward_data(
            s->handle, &one, p->filter, at<const void>(s->filter), p->y, at<const void>(dz), p->convolution,
            p->backward_data, at<void>(s->workspace), s->workspace_bytes, &zero, p->x, at<void>(dx));
        if (result != cudnn::STATUS_SUCCESS) return fail_cudnn("cudnnConvolutionBackwardData", result);
    }
    if (!d_kernel) return 0;
    int status = use_math(p, p->backward_filter_math);
    if (status) return status;
    cudnn::Status result = lib.convolution_backward_filter(
        s->handle, &one, p->x, at<const void>(x), p->y, at<const void>(dz), p->convolution, p->backward_filter,
        at<void>(s->workspace), s->workspace_bytes, &zero, p->filter, at<void>(s->filter));
    if (result != cudnn::STATUS_SUCCESS) return fail_cudnn("cudnnConvolutionBackwardFilter", result);
    return transpose_matrix(s->context, p->out_c, p->patch, s->filter, d_kernel);
}

}  // namespace annonet
