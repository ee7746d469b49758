// annonet's kernels for the CUDA backend's dense family, losses and optimizers. Each is one body,
// a lambda over an element or a row index that calls element_math.cuh, handed to launch.cuh: on a
// GPU context it runs as a kernel on the context's stream; on the host executor as a loop.
// Pointers are device addresses (host addresses for the host executor) passed as integers; every
// function returns 0 or an error code with a message in last_error(). Row-major, as in Java.
#pragma once

#include <algorithm>
#include <vector>

#include "element_math.cuh"
#include "launch.cuh"
#include "loss_scale.cuh"

namespace annonet {

// ---- data ----------------------------------------------------------------------------------------

inline int fill(long long handle, long long count, long long x_address, float value) {
    float* x = at<float>(x_address);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) { x[i] = value; }, "fill");
}

// Rows indices[0 .. rows) of source (rows of width values) into consecutive rows of target: a
// shuffled batch gathered from a training set kept on the device. Indices are int32 (a float holds
// whole numbers exactly only up to 2^24), checked on the host when the order was made.
inline int gather_rows(long long handle, int rows, int width, long long source_address, long long indices_address,
                       long long target_address) {
    const float* source = at<const float>(source_address);
    const int* indices = at<const int>(indices_address);
    float* target = at<float>(target_address);
    return for_each(handle, (long long)rows * width, [=] ANNONET_LAMBDA(long long i) {
        long long row = (long long)indices[i / width];
        target[i] = source[row * width + i % width];
    }, "gather_rows");
}

// ---- dense: GEMM, bias + activation, their backward ----------------------------------------------

// The host executor's GEMM, with cublasSgemm's column-major meaning (double accumulation).
inline void host_sgemm(int transa, int transb, int m, int n, int k, float alpha, const float* a, int lda,
                       const float* b, int ldb, float beta, float* c, int ldc) {
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double sum = 0.0;
            for (int p = 0; p < k; p++) {
                double left = transa ? a[p + (long long)i * lda] : a[i + (long long)p * lda];
                double right = transb ? b[j + (long long)p * ldb] : b[p + (long long)j * ldb];
                sum += left * right;
            }
            float* out = c + i + (long long)j * ldc;
            *out = (float)(alpha * sum + (beta == 0.0f ? 0.0 : beta * *out));
        }
    }
}

// The `count` values at x rounded as the context's GEMMs round their operands, into `rounded`:
// x itself where they do not round.
inline const float* rounded_operand(int rounding, const float* x, long long count, std::vector<float>& rounded) {
    if (rounding == ROUND_NONE) return x;
    rounded.resize((size_t)count);
    for (long long i = 0; i < count; i++) rounded[(size_t)i] = round_operand(rounding, x[i]);
    return rounded.data();
}

// Row-major C (m×n) = op(A)·op(B), or += when accumulate. cuBLAS is column-major, and a row-major
// matrix read column-major is its transpose, so this computes Cᵀ = op(B)ᵀ·op(A)ᵀ: B first. Under a
// mixed-precision compute type the tensor cores round A and B to bfloat16 or half and accumulate
// in float32; the host executor rounds them alike and accumulates in double.
inline int gemm(long long handle, bool transpose_a, bool transpose_b, int m, int n, int k, long long a_address,
                long long b_address, long long c_address, bool accumulate) {
    Context* c = context(handle);
    const float* a = at<const float>(a_address);
    const float* b = at<const float>(b_address);
    float* out = at<float>(c_address);
    float one = 1.0f;
    float beta = accumulate ? 1.0f : 0.0f;
    int op_b = transpose_b ? BLAS_OP_T : BLAS_OP_N;
    int op_a = transpose_a ? BLAS_OP_T : BLAS_OP_N;
    int ldb = transpose_b ? k : n;
    int lda = transpose_a ? m : k;
    if (c->ordinal < 0) {
        int rounding = operand_rounding(c->gemm_compute);
        std::vector<float> rounded_a, rounded_b;
        host_sgemm(op_b, op_a, n, m, k, one, rounded_operand(rounding, b, (long long)k * n, rounded_b), ldb,
                   rounded_operand(rounding, a, (long long)m * k, rounded_a), lda, beta, out, n);
        return 0;
    }
    if (operand_rounding(c->gemm_compute) != ROUND_NONE) {
        int status = c->blas.gemm_ex(c->blas_handle, op_b, op_a, n, m, k, &one, b, CUDA_R_32F, ldb, a, CUDA_R_32F, lda,
                                     &beta, out, CUDA_R_32F, n, c->gemm_compute, BLAS_GEMM_DEFAULT);
        return status == 0 ? 0 : fail_blas(status, "cublasGemmEx");
    }
    int status = c->blas.sgemm(c->blas_handle, op_b, op_a, n, m, k, &one, b, ldb, a, lda, &beta, out, n);
    return status == 0 ? 0 : fail_blas(status, "cublasSgemm");
}

// Cols, Kind, Threshold and Count below are int (long long for Count) in the generic kernels and
// fixed<N> (launch.cuh) in a network's generated kernels, where the processor knows them:
// the same bodies, with the divisions, switches and loop bounds folded at compile time.

// z += bias per row (skipped when bias is 0), then y = f(z) for an element-wise f.
template <typename Kind, typename Cols>
inline int bias_activation_elements(long long handle, Kind kind, float lower, float upper, float slope, int rows,
                                    Cols cols, long long z_address, long long bias_address, long long y_address) {
    float* z = at<float>(z_address);
    const float* bias = at<const float>(bias_address);
    float* y = at<float>(y_address);
    return for_each(handle, (long long)rows * cols, [=] ANNONET_LAMBDA(long long i) {
        float value = z[i];
        if (bias) {
            value += bias[i % cols];
            z[i] = value;
        }
        y[i] = activate(kind, lower, upper, slope, value);
    }, "bias_activation");
}

// z += bias per row (skipped when bias is 0), then y = softmax(z) row by row.
template <typename Cols>
inline int bias_softmax_rows(long long handle, int rows, Cols cols, long long z_address, long long bias_address,
                             long long y_address) {
    float* z = at<float>(z_address);
    const float* bias = at<const float>(bias_address);
    float* y = at<float>(y_address);
    return for_each(handle, rows, [=] ANNONET_LAMBDA(long long r) {
        float* z_row = z + r * cols;
        if (bias) {
            for (int c = 0; c < cols; c++) z_row[c] += bias[c];
        }
        softmax_row(cols, z_row, y + r * cols);
    }, "bias_activation (softmax)");
}

inline int bias_activation(long long handle, int kind, float lower, float upper, float slope, int rows, int cols,
                           long long z_address, long long bias_address, long long y_address) {
    if (kind == SOFTMAX) return bias_softmax_rows(handle, rows, cols, z_address, bias_address, y_address);
    return bias_activation_elements(handle, kind, lower, upper, slope, rows, cols, z_address, bias_address, y_address);
}

// dz = dy ⊙ f'(z) for an element-wise f. dz may be dy. z is loaded only where f' needs it: not for
// sigmoid, tanh or a plain ReLU, whose f' comes from y (a fused dense forward leaves a ReLU's z unwritten).
template <typename Kind, typename Cols>
inline int activation_backward_elements(long long handle, Kind kind, float lower, float upper, float slope,
                                        int rows, Cols cols, long long z_address, long long y_address,
                                        long long dy_address, long long dz_address) {
    const float* z = at<const float>(z_address);
    const float* y = at<const float>(y_address);
    const float* dy = at<const float>(dy_address);
    float* dz = at<float>(dz_address);
    const bool reads_z = derivative_reads_z(kind, lower, upper, slope);
    return for_each(handle, (long long)rows * cols, [=] ANNONET_LAMBDA(long long i) {
        dz[i] = dy[i] * activation_derivative(kind, lower, upper, slope, reads_z ? z[i] : 0.0f, y[i]);
    }, "activation_backward");
}

// dz = the row-wise softmax Jacobian product from y and dy. dz may be dy.
template <typename Cols>
inline int softmax_backward_rows(long long handle, int rows, Cols cols, long long y_address, long long dy_address,
                                 long long dz_address) {
    const float* y = at<const float>(y_address);
    const float* dy = at<const float>(dy_address);
    float* dz = at<float>(dz_address);
    return for_each(handle, rows, [=] ANNONET_LAMBDA(long long r) {
        softmax_backward_row(cols, y + r * cols, dy + r * cols, dz + r * cols);
    }, "activation_backward (softmax)");
}

inline int activation_backward(long long handle, int kind, float lower, float upper, float slope, int rows, int cols,
                               long long z_address, long long y_address, long long dy_address, long long dz_address) {
    if (kind == SOFTMAX) return softmax_backward_rows(handle, rows, cols, y_address, dy_address, dz_address);
    return activation_backward_elements(handle, kind, lower, upper, slope, rows, cols, z_address, y_address, dy_address,
                                        dz_address);
}

// sums[j] = Σ_i x[i][j], in double: the bias gradients. On a GPU the rows are split over blocks,
// whose partial sums a second kernel adds in a fixed order (deterministic, no atomics). A block per
// column instead would read one value of each 128-byte row (32 columns) and leave the row's other
// values to 31 other blocks: the data read 32 times over.
#ifdef __CUDACC__
// A block's result `index` of a split reduction: the final value when one block took every row,
// else its partial, which add_partials adds up.
__device__ inline void store_partial(double total, long long index, long long outputs, double* partials, float* out) {
    if (gridDim.x == 1) {
        out[index] = (float)total;
    } else {
        partials[blockIdx.x * outputs + index] = total;
    }
}

// Block (p, q): rows [p·span, (p+1)·span) of the columns [q·256, q·256 + 256). Under 256 columns its
// threads read `lanes` rows at a time, consecutive threads consecutive values (coalesced), and the
// lanes are added in shared memory. One block along the rows writes the sums itself.
template <typename Cols>
__global__ void column_partial_sums_kernel(long long rows, Cols cols, long long span, const float* x, double* partials,
                                           float* sums) {
    __shared__ double lane_sums[THREADS_PER_BLOCK];
    const int tile = cols < THREADS_PER_BLOCK ? (int)cols : THREADS_PER_BLOCK;
    const int lanes = THREADS_PER_BLOCK / tile;
    const int lane = threadIdx.x / tile;
    const long long j = (long long)blockIdx.y * tile + threadIdx.x % tile;
    const long long first = blockIdx.x * span;
    const long long last = first + span < rows ? first + span : rows;
    double sum = 0.0;
    if (lane < lanes && j < cols) {
#pragma unroll 4
        for (long long r = first + lane; r < last; r += lanes) sum += x[r * cols + j];
    }
    lane_sums[threadIdx.x] = sum;
    __syncthreads();
    if (threadIdx.x < tile && j < cols) {
        double total = 0.0;
        for (int k = 0; k < lanes; k++) total += lane_sums[k * tile + threadIdx.x];
        store_partial(total, j, cols, partials, sums);
    }
}

// sums[j] = Σ_p partials[p][j] in p's order, a block per column.
template <typename Cols>
__global__ void column_sums_of_partials_kernel(int count, Cols cols, const double* partials, float* sums) {
    for (long long j = blockIdx.x; j < cols; j += gridDim.x) {
        double total = block_sum(count, [=](long long p) { return partials[p * cols + j]; });
        if (threadIdx.x == 0) sums[j] = (float)total;
    }
}

// The second pass of a split reduction: nothing to add when one block took every row.
template <typename Cols>
inline void add_partials(long long count, Cols cols, const double* partials, float* sums, void* stream) {
    if (count <= 1) return;
    long long blocks = (long long)cols < MAX_BLOCKS ? (long long)cols : MAX_BLOCKS;
    column_sums_of_partials_kernel<<<(unsigned)blocks, THREADS_PER_BLOCK, 0, (cudaStream_t)stream>>>((int)count, cols,
                                                                                                    partials, sums);
}
#endif

// How a reduction over rows splits them: `partials` blocks of `span` rows. About eight values a
// thread keeps many loads in flight; the partial results (`outputs` each) fit the scratch, and the
// blocks (times `blocks_per_partial` along the columns) stay within MAX_BLOCKS.
struct RowSplit {
    long long partials, span;

    static RowSplit of(long long rows, long long values_per_row, long long outputs, long long blocks_per_partial) {
        long long partials = rows * values_per_row / (8 * THREADS_PER_BLOCK);
        partials = std::min(partials, std::min(MAX_BLOCKS / blocks_per_partial, REDUCTION_SCRATCH_DOUBLES / outputs));
        if (partials < 1) partials = 1;
        long long span = (rows + partials - 1) / partials;
        return RowSplit{span > 0 ? (rows + span - 1) / span : 1, span};
    }
};

template <typename Cols>
inline int column_sums(long long handle, int rows, Cols cols, long long x_address, long long sums_address) {
    const float* x = at<const float>(x_address);
    float* sums = at<float>(sums_address);
    double* partials = context(handle)->reduction_scratch;
    return run_indexed(handle, cols, [=](long long j) {
        double sum = 0.0;
        for (long long r = 0; r < rows; r++) sum += x[r * cols + j];
        sums[j] = (float)sum;
    }, [=](void* stream) {
#ifdef __CUDACC__
        long long tiles = (cols + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK;
        RowSplit split = RowSplit::of(rows, std::min<long long>(cols, THREADS_PER_BLOCK), cols, tiles);
        column_partial_sums_kernel<<<dim3((unsigned)split.partials, (unsigned)tiles), THREADS_PER_BLOCK, 0,
                                     (cudaStream_t)stream>>>(rows, cols, split.span, x, partials, sums);
        add_partials(split.partials, cols, partials, sums, stream);
#else
        (void)stream;
        (void)partials;
#endif
    }, "column_sums");
}

// out (a_cols × b_cols) = aᵀ · b over many rows and few outputs, in double: a convolution's kernel
// gradient, columnsᵀ · dz, where a small kernel (9 × 32 outputs for a 3 × 3 convolution of one
// channel) leaves cuBLAS's split-K GEMM tiles of 32 × 32 mostly padding. Blocks take row ranges in
// tiles of PRODUCT_TILE_ROWS rows staged in shared memory, each thread up to
// PRODUCT_OUTPUTS_PER_THREAD outputs; the partial products are added as column_sums adds its
// partial sums.
constexpr int PRODUCT_MAX_COLS = 64, PRODUCT_TILE_ROWS = 32, PRODUCT_OUTPUTS_PER_THREAD = 4;

// Whether column_products takes a product of this shape (else a GEMM does).
inline bool column_products_fit(int a_cols, int b_cols) {
    return a_cols <= PRODUCT_MAX_COLS && b_cols <= PRODUCT_MAX_COLS
        && a_cols * b_cols <= PRODUCT_OUTPUTS_PER_THREAD * THREADS_PER_BLOCK;
}

#ifdef __CUDACC__
__global__ void column_product_partials_kernel(long long rows, int a_cols, int b_cols, long long span, const float* a,
                                               const float* b, double* partials, float* out) {
    __shared__ float a_tile[PRODUCT_TILE_ROWS * PRODUCT_MAX_COLS];
    __shared__ float b_tile[PRODUCT_TILE_ROWS * PRODUCT_MAX_COLS];
    const int outputs = a_cols * b_cols;
    int is[PRODUCT_OUTPUTS_PER_THREAD], js[PRODUCT_OUTPUTS_PER_THREAD];
    double sums[PRODUCT_OUTPUTS_PER_THREAD];
    for (int k = 0; k < PRODUCT_OUTPUTS_PER_THREAD; k++) {
        int o = threadIdx.x + k * THREADS_PER_BLOCK;
        is[k] = o / b_cols;
        js[k] = o % b_cols;
        sums[k] = 0.0;
    }
    const long long first = blockIdx.x * span;
    const long long last = first + span < rows ? first + span : rows;
    for (long long r0 = first; r0 < last; r0 += PRODUCT_TILE_ROWS) {
        int tile_rows = last - r0 < PRODUCT_TILE_ROWS ? (int)(last - r0) : PRODUCT_TILE_ROWS;
        for (int v = threadIdx.x; v < tile_rows * a_cols; v += THREADS_PER_BLOCK) a_tile[v] = a[r0 * a_cols + v];
        for (int v = threadIdx.x; v < tile_rows * b_cols; v += THREADS_PER_BLOCK) b_tile[v] = b[r0 * b_cols + v];
        __syncthreads();
        for (int k = 0; k < PRODUCT_OUTPUTS_PER_THREAD; k++) {
            if (threadIdx.x + k * THREADS_PER_BLOCK >= outputs) break;
            float sum = 0.0f;  // float over one tile's rows, double across tiles
            for (int r = 0; r < tile_rows; r++) sum += a_tile[r * a_cols + is[k]] * b_tile[r * b_cols + js[k]];
            sums[k] += sum;
        }
        __syncthreads();
    }
    for (int k = 0; k < PRODUCT_OUTPUTS_PER_THREAD; k++) {
        int o = threadIdx.x + k * THREADS_PER_BLOCK;
        if (o >= outputs) break;
        store_partial(sums[k], o, outputs, partials, out);
    }
}
#endif

inline int column_products(long long handle, int rows, int a_cols, int b_cols, long long a_address, long long b_address,
                           long long out_address) {
    if (!column_products_fit(a_cols, b_cols)) return fail(-1005, "column_products", "more than 64 columns a side, or 1,024 outputs");
    const float* a = at<const float>(a_address);
    const float* b = at<const float>(b_address);
    float* out = at<float>(out_address);
    double* partials = context(handle)->reduction_scratch;
    return run_indexed(handle, (long long)a_cols * b_cols, [=](long long o) {
        long long i = o / b_cols, j = o % b_cols;
        double sum = 0.0;
        for (long long r = 0; r < rows; r++) sum += (double)a[r * a_cols + i] * b[r * b_cols + j];
        out[o] = (float)sum;
    }, [=](void* stream) {
#ifdef __CUDACC__
        int outputs = a_cols * b_cols;
        RowSplit split = RowSplit::of(rows, a_cols + b_cols, outputs, 1);
        column_product_partials_kernel<<<(unsigned)split.partials, THREADS_PER_BLOCK, 0, (cudaStream_t)stream>>>(
            rows, a_cols, b_cols, split.span, a, b, partials, out);
        add_partials(split.partials, outputs, partials, out, stream);
#else
        (void)stream;
        (void)partials;
#endif
    }, "column_products");
}

// ---- dropout ---------------------------------------------------------------------------------------

// y = keep ? x · scale : 0 with DropoutMask's mask of (seed, step). The step is read from
// step_address when it is not 0: a recorded graph reads the current step from device memory. Each
// thread draws its own element's Philox block, as its group's seven other threads do: the price of
// one coalesced value per thread (a block per thread, eight values each, is not yet measured on a GPU).
// first_index (a multiple of 8) makes value i draw the mask's value first_index + i: a data-parallel
// rank's slice of its global batch's mask.
template <typename Threshold>
inline int dropout(long long handle, Threshold threshold, float scale, long long seed, long long step,
                   long long step_address, long long count, long long x_address, long long y_address,
                   long long first_index = 0) {
    const float* x = at<const float>(x_address);
    float* y = at<float>(y_address);
    const long long* step_slot = at<const long long>(step_address);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        uint64_t current_step = (uint64_t)(step_slot ? *step_slot : step);
        y[i] = dropout_element((uint64_t)seed, current_step, threshold, scale, first_index + i, x[i]);
    }, "dropout");
}

// ---- losses and metrics: a value per row, summed in one block ----------------------------------------

// The loss summed over rows into *result (a double); the gradient times scale (with respect to z
// when fused) into gradient unless it is 0. Targets are target_width values a row. Each row's loss
// and gradient are multiplied by its weight when weights is not 0 (one float a row).
template <typename Cols>
inline int loss(long long handle, int kind, bool fused, int rows, Cols cols, long long output_address,
                long long targets_address, int target_width, long long weights_address, long long gradient_address,
                float scale, long long result_address) {
    const float* output = at<const float>(output_address);
    const float* targets = at<const float>(targets_address);
    const float* weights = at<const float>(weights_address);
    float* gradient = at<float>(gradient_address);
    return row_sum(handle, rows, [=] ANNONET_LAMBDA(long long r) {
        double weight = weights ? (double)weights[r] : 1.0;
        return weight * loss_row(kind, fused, cols, output + r * cols, targets + r * target_width,
                                 gradient ? gradient + r * cols : nullptr, (float)(scale * weight));
    }, result_address, "loss");
}

// The number of correct predictions into *result (a double).
template <typename Cols>
inline int count_correct(long long handle, int kind, int rows, Cols cols, long long y_address,
                         long long targets_address, int target_width, long long result_address) {
    const float* y = at<const float>(y_address);
    const float* targets = at<const float>(targets_address);
    return row_sum(handle, rows, [=] ANNONET_LAMBDA(long long r) {
        return (double)correct_in_row(kind, cols, y + r * cols, targets + r * target_width);
    }, result_address, "count_correct");
}

// ---- optimizers over the contiguous trainable parameters ------------------------------------------

// Each optimizer reads its learning rate from learning_rate_address when it is not 0 (a recorded
// graph, which a new rate then need not record again), as Adam reads its step t. Under the
// context's loss scaling (loss_scale.cuh) a step with gradients that are not finite changes
// nothing, and Adam's t counts only the updates made.
template <typename Count>
inline int sgd(long long handle, Count count, long long w_address, long long g_address, long long v_address,
               float learning_rate, long long learning_rate_address, float momentum, bool nesterov) {
    float* w = at<float>(w_address);
    const float* g = at<const float>(g_address);
    float* v = at<float>(v_address);
    const float* rate_slot = at<const float>(learning_rate_address);
    const LossScale* scaling = skipping_state(handle);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        if (skips_update(scaling)) return;
        sgd_element(w + i, g + i, v ? v + i : nullptr, rate_slot ? *rate_slot : learning_rate, momentum, nesterov);
    }, "sgd");
}

template <typename Count>
inline int rmsprop(long long handle, Count count, long long w_address, long long g_address, long long v_address,
                   float learning_rate, long long learning_rate_address, float rho, float epsilon) {
    float* w = at<float>(w_address);
    const float* g = at<const float>(g_address);
    float* v = at<float>(v_address);
    const float* rate_slot = at<const float>(learning_rate_address);
    const LossScale* scaling = skipping_state(handle);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        if (skips_update(scaling)) return;
        rmsprop_element(w + i, g + i, v + i, rate_slot ? *rate_slot : learning_rate, rho, epsilon);
    }, "rmsprop");
}

// Adam at step t (1-based), read from t_address when it is not 0 (a recorded graph).
template <typename Count>
inline int adam(long long handle, Count count, long long w_address, long long g_address, long long m_address,
                long long v_address, float learning_rate, long long learning_rate_address, float beta1, float beta2,
                float epsilon, long long t, long long t_address) {
    float* w = at<float>(w_address);
    const float* g = at<const float>(g_address);
    float* m = at<float>(m_address);
    float* v = at<float>(v_address);
    const long long* t_slot = at<const long long>(t_address);
    const float* rate_slot = at<const float>(learning_rate_address);
    const LossScale* scaling = skipping_state(handle);
    return for_each(handle, count, [=] ANNONET_LAMBDA(long long i) {
        if (skips_update(scaling)) return;
        double step = (double)((t_slot ? *t_slot : t) - updates_skipped(scaling));
        float rate = rate_slot ? *rate_slot : learning_rate;
        float step_size = (float)(rate * sqrt(1.0 - pow((double)beta2, step)) / (1.0 - pow((double)beta1, step)));
        adam_element(w + i, g + i, m + i, v + i, step_size, beta1, beta2, epsilon);
    }, "adam");
}

}  // namespace annonet
