// The counts behind the metrics other than accuracy (MetricCounter.java; MetricKernels.java is the
// same counting in Java): top-k hits, confusion counts at a threshold, and AUC's threshold buckets.
// A batch's counts go to result slots as doubles, summed over the epoch by the trainer.
#pragma once

#include <math.h>

#include "element_math.cuh"
#include "launch.cuh"

namespace annonet {

// The codes NativeCodes.metricCounter gives MetricCounter.Kind.
enum MetricCounterKind { METRIC_TOP_K = 0, METRIC_CONFUSION, METRIC_THRESHOLD_BUCKETS };
// Where METRIC_CONFUSION's counts are.
enum ConfusionCount { TRUE_POSITIVES = 0, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES };

// Where one row's counts go: a block's counters in shared memory on a GPU, where its threads add
// with integer atomics (whole numbers: the order of the additions cannot change the counts, so
// runs still reproduce); the result slots themselves on the host executor.
struct CountSink {
    unsigned int* shared;
    double* host;

    ANNONET_HD void add(int counter) const {
#ifdef __CUDA_ARCH__
        atomicAdd(shared + counter, 1u);
#else
        host[counter] += 1.0;
#endif
    }
};

// Keras's in_top_k: fewer than k values exceed the target's (a NaN target's is below all).
ANNONET_HD bool in_top_k(int cols, const float* y, int target, int k) {
    float own = y[target];
    if (own != own) own = -INFINITY;
    int above = 0;
    for (int c = 0; c < cols; c++) above += y[c] > own ? 1 : 0;
    return above < k;
}

// Whether column c is among the row's k largest, equal values ranked by column (Keras's top_k filter).
ANNONET_HD bool among_largest(int cols, const float* y, int c, int k) {
    int ahead = 0;
    for (int j = 0; j < cols; j++) ahead += (y[j] > y[c] || (j < c && y[j] == y[c])) ? 1 : 0;
    return ahead < k;
}

// AUC's bucket of a value: max(0, ceil(clip(value, 0, 1)·(n-1)) - 1); NaN and values ≤ 0 in bucket 0.
ANNONET_HD int threshold_bucket(float value, int thresholds) {
    if (!(value > 0.0f)) return 0;
    float scaled = fminf(value, 1.0f) * (float)(thresholds - 1);
    int bucket = (int)ceilf(scaled) - 1;
    return bucket > 0 ? bucket : 0;
}

ANNONET_HD bool target_is_true(bool sparse, const float* target_row, int c) {
    return sparse ? c == (int)target_row[0] : target_row[c] != 0.0f;
}

// One row's counts of the counter described by (kind, k, threshold, class_id, thresholds).
ANNONET_HD void count_metric_row(int kind, int k, float threshold, int class_id, int thresholds, bool sparse, int cols,
                                 const float* y, const float* target_row, CountSink sink) {
    switch (kind) {
        case METRIC_TOP_K: {
            int target = sparse ? (int)target_row[0] : argmax_row(cols, target_row);
            if (in_top_k(cols, y, target, k)) sink.add(0);
            sink.add(1);
            return;
        }
        case METRIC_CONFUSION: {
            int first = class_id < 0 ? 0 : class_id;
            int last = class_id < 0 ? cols : class_id + 1;
            for (int c = first; c < last; c++) {
                bool truth = target_is_true(sparse, target_row, c);
                bool positive = y[c] > threshold && (k == 0 || among_largest(cols, y, c, k));
                sink.add(truth ? (positive ? TRUE_POSITIVES : FALSE_NEGATIVES)
                               : (positive ? FALSE_POSITIVES : TRUE_NEGATIVES));
            }
            return;
        }
        default:
            for (int c = 0; c < cols; c++) {
                sink.add((target_is_true(sparse, target_row, c) ? 0 : thresholds) + threshold_bucket(y[c], thresholds));
            }
    }
}

#ifdef __CUDACC__
// result[0 .. counters) = the counts of body(r, sink) over rows, by one block (as row_sum: a batch's
// outputs are a few thousand rows at most), in counters * 4 bytes of dynamic shared memory.
template <typename Body>
__global__ void row_counts_kernel(long long rows, int counters, Body body, double* result) {
    extern __shared__ unsigned int counts[];
    for (int i = threadIdx.x; i < counters; i += blockDim.x) counts[i] = 0;
    __syncthreads();
    CountSink sink{counts, nullptr};
    for (long long r = threadIdx.x; r < rows; r += blockDim.x) body(r, sink);
    __syncthreads();
    for (int i = threadIdx.x; i < counters; i += blockDim.x) result[i] = (double)counts[i];
}
#endif

// result[0 .. counters) = the counts body(r, sink) adds for r in [0, rows): one block on the GPU, a
// loop on the host executor. Zero rows still write zeros.
template <typename Body>
inline int row_counts(long long handle, long long rows, int counters, Body body, long long result_address,
                      const char* what) {
    Context* c = context(handle);
    double* result = at<double>(result_address);
    if (c->ordinal < 0) {
        for (int i = 0; i < counters; i++) result[i] = 0.0;
        CountSink sink{nullptr, result};
        for (long long r = 0; r < rows; r++) body(r, sink);
        return 0;
    }
#ifdef __CUDACC__
    row_counts_kernel<<<1, THREADS_PER_BLOCK, (size_t)counters * sizeof(unsigned int), c->stream>>>(
        rows, counters, body, result);
    return check(cudaGetLastError(), what);
#else
    return fail(-1000, what, "no CUDA in this build");
#endif
}

// The counts of MetricCounter (kind, k, threshold, class_id, thresholds) over rows of cols outputs
// into result[0 .. counters) as doubles; targets are a class index a row when sparse, else cols values.
inline int count_metric(long long handle, int kind, int k, float threshold, int class_id, int thresholds, bool sparse,
                        int rows, int cols, long long y_address, long long targets_address, int counters,
                        long long result_address) {
    const float* y = at<const float>(y_address);
    const float* targets = at<const float>(targets_address);
    int target_width = sparse ? 1 : cols;
    return row_counts(handle, rows, counters, [=] ANNONET_LAMBDA(long long r, CountSink sink) {
        count_metric_row(kind, k, threshold, class_id, thresholds, sparse, cols, y + r * cols, targets + r * target_width,
                         sink);
    }, result_address, "count_metric");
}

}  // namespace annonet
