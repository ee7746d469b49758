// cuDNN 9, opened with dlopen at run time as cuBLAS and NCCL are: no build machine needs cuDNN or its
// headers, and a machine without it is told which library is missing and where it was looked for.
// The entry points used are declared here as cuDNN 9's cudnn_graph.h, cudnn_ops.h and cudnn_cnn.h
// declare them (handles and descriptors are opaque pointers, enums and statuses ints), so this is
// plain C++ built by the host compiler on every machine. The convolution entry points are cuDNN's
// legacy API, which libcudnn.so.9 (the shim that loads libcudnn_cnn.so.9 and the others) still exports.
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

typedef int Status;
typedef void* Handle;
typedef void* TensorDescriptor;
typedef void* FilterDescriptor;
typedef void* ConvolutionDescriptor;

constexpr Status STATUS_SUCCESS = 0;
constexpr int DATA_FLOAT = 0;                          // cudnnDataType_t
constexpr int TENSOR_NHWC = 1;                         // cudnnTensorFormat_t; for a filter: KRSC
constexpr int CROSS_CORRELATION = 1;                   // cudnnConvolutionMode_t: Keras's (unflipped) convolution
constexpr int DETERMINISTIC = 1;                       // cudnnDeterminism_t
constexpr int DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, TENSOR_OP_MATH_ALLOW_CONVERSION = 2, FMA_MATH = 3;  // cudnnMathType_t
// The most algorithms any of the three _v7 queries returns (CUDNN_CONVOLUTION_FWD_ALGO_COUNT is 8,
// the backward ones fewer).
constexpr int MOST_ALGORITHMS = 8;

// cudnnConvolutionFwdAlgoPerf_t, and the backward data and filter ones, which have the same fields.
struct AlgorithmPerformance {
    int algorithm;
    Status status;
    float time;
    size_t memory;  // workspace bytes
    int determinism;
    int math_type;
    int reserved[3];
};
static_assert(sizeof(AlgorithmPerformance) == 48, "cudnnConvolutionFwdAlgoPerf_t is 48 bytes on LP64");

typedef const char* (*GetErrorString)(Status);
typedef Status (*Create)(Handle*);
typedef Status (*Destroy)(Handle);
typedef Status (*SetStream)(Handle, void*);
typedef Status (*CreateDescriptor)(void**);
typedef Status (*DestroyDescriptor)(void*);
typedef Status (*SetTensor4dDescriptor)(TensorDescriptor, int format, int data_type, int n, int c, int h, int w);
typedef Status (*SetFilter4dDescriptor)(FilterDescriptor, int data_type, int format, int k, int c, int h, int w);
typedef Status (*SetConvolution2dDescriptor)(ConvolutionDescriptor, int pad_h, int pad_w, int stride_h, int stride_w,
                                             int dilation_h, int dilation_w, int mode, int compute_type);
typedef Status (*SetConvolutionMathType)(ConvolutionDescriptor, int math_type);
typedef Status (*GetConvolution2dForwardOutputDim)(ConvolutionDescriptor, TensorDescriptor, FilterDescriptor, int* n,
                                                   int* c, int* h, int* w);
// Forward: (x, w, conv, y); backward data: (w, dy, conv, dx); backward filter: (x, dy, conv, dw).
typedef Status (*GetForwardAlgorithm)(Handle, TensorDescriptor, FilterDescriptor, ConvolutionDescriptor,
                                      TensorDescriptor, int requested, int* returned, AlgorithmPerformance*);
typedef Status (*GetBackwardDataAlgorithm)(Handle, FilterDescriptor, TensorDescriptor, ConvolutionDescriptor,
                                           TensorDescriptor, int requested, int* returned, AlgorithmPerformance*);
typedef Status (*GetBackwardFilterAlgorithm)(Handle, TensorDescriptor, TensorDescriptor, ConvolutionDescriptor,
                                             FilterDescriptor, int requested, int* returned, AlgorithmPerformance*);
typedef Status (*ConvolutionForward)(Handle, const void* alpha, TensorDescriptor, const void* x, FilterDescriptor,
                                     const void* w, ConvolutionDescriptor, int algorithm, void* workspace,
                                     size_t workspace_bytes, const void* beta, TensorDescriptor, void* y);
typedef Status (*ConvolutionBackwardData)(Handle, const void* alpha, FilterDescriptor, const void* w, TensorDescriptor,
                                          const void* dy, ConvolutionDescriptor, int algorithm, void* workspace,
                                          size_t workspace_bytes, const void* beta, TensorDescriptor, void* dx);
typedef Status (*ConvolutionBackwardFilter)(Handle, const void* alpha, TensorDescriptor, const void* x,
                                            TensorDescriptor, const void* dy, ConvolutionDescriptor, int algorithm,
                                            void* workspace, size_t workspace_bytes, const void* beta,
                                            FilterDescriptor, void* dw);

struct Library {
    void* handle = nullptr;
    GetVersion get_version = nullptr;
    GetCudartVersion get_cudart_version = nullptr;
    GetErrorString get_error_string = nullptr;
    Create create = nullptr;
    Destroy destroy = nullptr;
    SetStream set_stream = nullptr;
    CreateDescriptor create_tensor_descriptor = nullptr, create_filter_descriptor = nullptr,
                     create_convolution_descriptor = nullptr;
    DestroyDescriptor destroy_tensor_descriptor = nullptr, destroy_filter_descriptor = nullptr,
                      destroy_convolution_descriptor = nullptr;
    SetTensor4dDescriptor set_tensor_4d_descriptor = nullptr;
    SetFilter4dDescriptor set_filter_4d_descriptor = nullptr;
    SetConvolution2dDescriptor set_convolution_2d_descriptor = nullptr;
    SetConvolutionMathType set_convolution_math_type = nullptr;
    GetConvolution2dForwardOutputDim get_convolution_2d_forward_output_dim = nullptr;
    GetForwardAlgorithm get_forward_algorithm = nullptr;
    GetBackwardDataAlgorithm get_backward_data_algorithm = nullptr;
    GetBackwardFilterAlgorithm get_backward_filter_algorithm = nullptr;
    ConvolutionForward convolution_forward = nullptr;
    ConvolutionBackwardData convolution_backward_data = nullptr;
    ConvolutionBackwardFilter convolution_backward_filter = nullptr;
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
    struct Entry {
        void** slot;
        const char* name;
    } entries[] = {{(void**)&lib.get_version, "cudnnGetVersion"},
                   {(void**)&lib.get_cudart_version, "cudnnGetCudartVersion"},
                   {(void**)&lib.get_error_string, "cudnnGetErrorString"},
                   {(void**)&lib.create, "cudnnCreate"},
                   {(void**)&lib.destroy, "cudnnDestroy"},
                   {(void**)&lib.set_stream, "cudnnSetStream"},
                   {(void**)&lib.create_tensor_descriptor, "cudnnCreateTensorDescriptor"},
                   {(void**)&lib.destroy_tensor_descriptor, "cudnnDestroyTensorDescriptor"},
                   {(void**)&lib.set_tensor_4d_descriptor, "cudnnSetTensor4dDescriptor"},
                   {(void**)&lib.create_filter_descriptor, "cudnnCreateFilterDescriptor"},
                   {(void**)&lib.destroy_filter_descriptor, "cudnnDestroyFilterDescriptor"},
                   {(void**)&lib.set_filter_4d_descriptor, "cudnnSetFilter4dDescriptor"},
                   {(void**)&lib.create_convolution_descriptor, "cudnnCreateConvolutionDescriptor"},
                   {(void**)&lib.destroy_convolution_descriptor, "cudnnDestroyConvolutionDescriptor"},
                   {(void**)&lib.set_convolution_2d_descriptor, "cudnnSetConvolution2dDescriptor"},
                   {(void**)&lib.set_convolution_math_type, "cudnnSetConvolutionMathType"},
                   {(void**)&lib.get_convolution_2d_forward_output_dim, "cudnnGetConvolution2dForwardOutputDim"},
                   {(void**)&lib.get_forward_algorithm, "cudnnGetConvolutionForwardAlgorithm_v7"},
                   {(void**)&lib.get_backward_data_algorithm, "cudnnGetConvolutionBackwardDataAlgorithm_v7"},
                   {(void**)&lib.get_backward_filter_algorithm, "cudnnGetConvolutionBackwardFilterAlgorithm_v7"},
                   {(void**)&lib.convolution_forward, "cudnnConvolutionForward"},
                   {(void**)&lib.convolution_backward_data, "cudnnConvolutionBackwardData"},
                   {(void**)&lib.convolution_backward_filter, "cudnnConvolutionBackwardFilter"}};
    bool complete = true;
    for (const Entry& entry : entries) {
        if (!(complete = resolve(handle, entry.slot, entry.name, missing))) break;
    }
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

// "cudnnConvolutionForward: CUDNN_STATUS_BAD_PARAM (cuDNN status 2000)": what failed, in cuDNN's words.
inline std::string describe_failure(const char* what, Status status) {
    const char* name = library().get_error_string ? library().get_error_string(status) : nullptr;
    return std::string(what) + ": " + (name ? name : "an unknown cuDNN status") + " (cuDNN status " +
           std::to_string(status) + ")";
}

}  // namespace cudnn
}  // namespace annonet
