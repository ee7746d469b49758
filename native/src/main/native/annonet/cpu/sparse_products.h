// Products whose left operand is mostly zeros, for the CPU backend: a network's input batch is
// often so (MNIST's digits are about 80% zero pixels), and its first Dense layer's two products,
// y = x · W forward and dW = xᵀ · dy backward, are most of a training step's arithmetic. Listing
// x's nonzeros once and multiplying by them alone does a fifth of the work of a dense sgemm.
//
// Each product is split into blocks of 64 output columns, shared out over the threads that
// OpenBLAS also runs on (threads.h); a block of the dense operand, packed, stays in L2 while every
// row of x is multiplied by it. The order of every sum is fixed (nonzeros in row order), so results
// do not depend on the thread count. Zeros of x are skipped, not multiplied: an infinite or NaN
// weight facing a zero input adds nothing here, where a dense sgemm would give NaN.
#pragma once

#include <cstdint>
#include <vector>

#include "features.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// The nonzeros of a row-major matrix, row by row (CSR), and the same grouped by column (CSC).
struct Nonzeros {
    int rows = 0, cols = 0;
    std::vector<int> row_start, column;      // CSR: row r's nonzeros are [row_start[r], row_start[r+1])
    std::vector<float> value;
    std::vector<uint8_t> used;               // bit k % 8 of used[k / 8]: column k holds a nonzero in some row
    std::vector<int> column_start, row;      // CSC, built on demand from the CSR lists
    std::vector<float> column_value;
    std::vector<std::vector<float>> packed;  // per participant: the block of the dense operand it works on

    // Lists a's nonzeros; false (and the lists incomplete) as soon as more than max_density of
    // the values are nonzero, when a dense product is the faster one.
    bool list(const float* a, int rows_, int cols_, double max_density) {
        rows = rows_;
        cols = cols_;
        long long limit = (long long)(max_density * (double)rows * cols);
        row_start.resize(rows + 1);
        used.assign((cols + 7) / 8, 0);
        if ((long long)column.size() < limit + cols + 8) {  // room for a row and one 8-wide store past the limit
            column.resize(limit + cols + 8);
            value.resize(limit + cols + 8);
        }
        long long count = 0;
        for (int r = 0; r < rows; r++) {
            row_start[r] = (int)count;
            count = list_row(a + (long long)r * cols, count);
            // A dense operand is given up after a few rows rather than after max_density of it.
            if (count > limit || (r >= 7 && count > max_density * (double)(r + 1) * cols)) return false;
        }
        row_start[rows] = (int)count;
        return true;
    }

    // Groups the listed nonzeros by column, each column's in row order.
    void group_by_column() {
        int count = row_start[rows];
        column_start.assign(cols + 1, 0);
        for (int p = 0; p < count; p++) column_start[column[p] + 1]++;
        for (int k = 0; k < cols; k++) column_start[k + 1] += column_start[k];
        row.resize(count);
        column_value.resize(count);
        std::vector<int>& next = scratch;
        next.assign(column_start.begin(), column_start.end() - 1);
        for (int r = 0; r < rows; r++) {
            for (int p = row_start[r]; p < row_start[r + 1]; p++) {
                int q = next[column[p]]++;
                row[q] = r;
                column_value[q] = value[p];
            }
        }
    }

private:
    std::vector<int> scratch;

    // Appends a row's nonzeros (a NaN counts as one) at count; returns the new count.
    long long list_row(const float* a_row, long long count) {
        int k = 0;
#if defined(__x86_64__)
        if (has_avx2()) k = list_row_avx2(a_row, count);
#endif
        // Without a branch: every value is written, and only a nonzero one is kept. A branch on
        // pixels that are zero or not at random would be mispredicted about once in five.
        for (; k < cols; k++) {
            float x = a_row[k];
            column[count] = k;
            value[count] = x;
            used[k / 8] |= (uint8_t)(!(x == 0.0f) << (k % 8));
            count += !(x == 0.0f);
        }
        return count;
    }

#if defined(__x86_64__)
    // Eight values at a time: the nonzeros' lanes (a compare's mask) pick a permutation that moves
    // them to the front, and the whole register is stored; the count advances by the nonzeros.
    // Returns the first column left to the scalar loop, with count updated.
    ANNONET_AVX2 int list_row_avx2(const float* a_row, long long& count) {
        static const Lanes lanes;
        int k = 0;
        for (; k + 8 <= cols; k += 8) {
            __m256 x = _mm256_loadu_ps(a_row + k);
            int mask = _mm256_movemask_ps(_mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NEQ_UQ));
            __m256i order = _mm256_loadu_si256((const __m256i*)lanes.of[mask]);
            _mm256_storeu_ps(value.data() + count, _mm256_permutevar8x32_ps(x, order));
            _mm256_storeu_si256((__m256i*)(column.data() + count), _mm256_add_epi32(order, _mm256_set1_epi32(k)));
            count += __builtin_popcount(mask);
            used[k / 8] |= (uint8_t)mask;
        }
        return k;
    }

    // For each 8-bit mask, the lanes whose bit is set, in order (the rest left 0).
    struct Lanes {
        int of[256][8];
        Lanes() {
            for (int mask = 0; mask < 256; mask++) {
                int n = 0;
                for (int lane = 0; lane < 8; lane++) of[mask][lane] = 0;
                for (int lane = 0; lane < 8; lane++) {
                    if (mask & (1 << lane)) of[mask][n++] = lane;
                }
            }
        }
    };
#endif
};

// c[i][j] (+)= Σ over list i's entries (index, v) of v · b[index][j], for j in [j0, j1): the one
// loop both products share (list i is a row of x forward, a column of x backward).
inline void sum_scaled_rows_portable(const int* start, const int* index, const float* v, int lists, const float* b,
                                     int ldb, float* c, int ldc, int j0, int j1, bool accumulate) {
    for (int i = 0; i < lists; i++) {
        float* c_row = c + (long long)i * ldc;
        for (int j = j0; j < j1; j++) {
            float sum = accumulate ? c_row[j] : 0.0f;
            for (int p = start[i]; p < start[i + 1]; p++) sum += v[p] * b[(long long)index[p] * ldb + j];
            c_row[j] = sum;
        }
    }
}

#if defined(__x86_64__)
constexpr int PACK_PREFETCH_ROWS = 8;

// The AVX2 loop over blocks of 64 columns, each block of b packed contiguously when many lists
// read it: b's rows are usually a power of two apart (512 floats), so its blocks' lines would all
// fall into a few cache sets and evict each other; packed, the block stays in L2 (784 rows: 200 KB).
// A few lists (one sample's row) read too little of it to pay for packing. Packing copies only the
// rows of b that some list reads (used_rows, a bit per row; null: all): a batch of MNIST digits
// reads 519 of 784, the border pixels being zero in every digit.
ANNONET_AVX2 inline void sum_scaled_rows_avx2(const int* start, const int* index, const float* v, int lists,
                                              const float* b, int ldb, int b_rows, const uint8_t* used_rows, float* c,
                                              int ldc, int j0, int j1, bool accumulate, std::vector<float>& packed) {
    const int width = 64;  // eight 8-float registers of sums
    const bool pack = lists >= 8;
    int j = j0;
    if (pack && j + width <= j1 && (long long)packed.size() < (long long)b_rows * width) {
        packed.resize((long long)b_rows * width);
    }
    auto read = [&](int r) { return !used_rows || (used_rows[r / 8] >> (r % 8) & 1); };
    for (; j + width <= j1; j += width) {
        if (pack) {
            for (int r = 0; r < b_rows; r++) {
                // b's rows are 2 KB apart, two to a page, where the hardware prefetchers lose the
                // stream; when a neighbour has evicted b from L3, fetching rows ahead keeps the
                // packing from waiting on memory.
                int ahead = r + PACK_PREFETCH_ROWS;
                if (ahead < b_rows && read(ahead)) {
                    const char* row = (const char*)(b + (long long)ahead * ldb + j);
                    for (int line = 0; line < width * (int)sizeof(float); line += 64) _mm_prefetch(row + line, _MM_HINT_T0);
                }
                if (!read(r)) continue;
                const float* from = b + (long long)r * ldb + j;
                float* to = packed.data() + (long long)r * width;
                for (int q = 0; q < width; q += 8) _mm256_storeu_ps(to + q, _mm256_loadu_ps(from + q));
            }
        }
        const float* block = pack ? packed.data() : b + j;
        const long long stride = pack ? width : ldb;
        for (int i = 0; i < lists; i++) {
            float* out = c + (long long)i * ldc + j;
            __m256 s0, s1, s2, s3, s4, s5, s6, s7;
            if (accumulate) {
                s0 = _mm256_loadu_ps(out); s1 = _mm256_loadu_ps(out + 8);
                s2 = _mm256_loadu_ps(out + 16); s3 = _mm256_loadu_ps(out + 24);
                s4 = _mm256_loadu_ps(out + 32); s5 = _mm256_loadu_ps(out + 40);
                s6 = _mm256_loadu_ps(out + 48); s7 = _mm256_loadu_ps(out + 56);
            } else {
                s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = _mm256_setzero_ps();
            }
            for (int p = start[i]; p < start[i + 1]; p++) {
                __m256 x = _mm256_set1_ps(v[p]);
                const float* in = block + index[p] * stride;
                s0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in), s0);
                s1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 8), s1);
                s2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 16), s2);
                s3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 24), s3);
                s4 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 32), s4);
                s5 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 40), s5);
                s6 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 48), s6);
                s7 = _mm256_fmadd_ps(x, _mm256_loadu_ps(in + 56), s7);
            }
            _mm256_storeu_ps(out, s0); _mm256_storeu_ps(out + 8, s1);
            _mm256_storeu_ps(out + 16, s2); _mm256_storeu_ps(out + 24, s3);
            _mm256_storeu_ps(out + 32, s4); _mm256_storeu_ps(out + 40, s5);
            _mm256_storeu_ps(out + 48, s6); _mm256_storeu_ps(out + 56, s7);
        }
    }
    for (; j + 8 <= j1; j += 8) {  // a remainder of whole registers, read from b where it is
        for (int i = 0; i < lists; i++) {
            float* out = c + (long long)i * ldc + j;
            __m256 s = accumulate ? _mm256_loadu_ps(out) : _mm256_setzero_ps();
            for (int p = start[i]; p < start[i + 1]; p++) {
                s = _mm256_fmadd_ps(_mm256_set1_ps(v[p]), _mm256_loadu_ps(b + (long long)index[p] * ldb + j), s);
            }
            _mm256_storeu_ps(out, s);
        }
    }
    if (j < j1) sum_scaled_rows_portable(start, index, v, lists, b, ldb, c, ldc, j, j1, accumulate);
}
#endif

inline void sum_scaled_rows(const int* start, const int* index, const float* v, int lists, const float* b, int ldb,
                            int b_rows, const uint8_t* used_rows, float* c, int ldc, int j0, int j1, bool accumulate,
                            std::vector<float>& packed) {
#if defined(__x86_64__)
    if (has_avx2()) {
        sum_scaled_rows_avx2(start, index, v, lists, b, ldb, b_rows, used_rows, c, ldc, j0, j1, accumulate, packed);
        return;
    }
#endif
    sum_scaled_rows_portable(start, index, v, lists, b, ldb, c, ldc, j0, j1, accumulate);
}

// Products smaller than this run on the calling thread alone: handing half of a one-sample
// product to a worker would cost about as much as it saves, and add its jitter.
constexpr long long PARALLEL_MULTIPLY_ADDS = 1LL << 20;

// The product (c = a · b, or c = aᵀ · b when transpose_a) by a's nonzeros, a being m × k (k × m
// when transposed), b k × n, c m × n, all row-major; c += when accumulate. False, with c untouched,
// when more than max_density of a's values are nonzero: then a dense sgemm is the faster product.
inline bool sparse_product(Workers& workers, Nonzeros& nonzeros, bool transpose_a, int m, int n, int k, const float* a,
                           const float* b, float* c, bool accumulate, double max_density) {
    if (!transpose_a) {
        if (!nonzeros.list(a, m, k, max_density)) return false;
    } else {
        if (!nonzeros.list(a, k, m, max_density)) return false;
        nonzeros.group_by_column();
    }
    if ((int)nonzeros.packed.size() < workers.participants()) nonzeros.packed.resize(workers.participants());
    const int* start = transpose_a ? nonzeros.column_start.data() : nonzeros.row_start.data();
    const int* index = transpose_a ? nonzeros.row.data() : nonzeros.column.data();
    const float* v = transpose_a ? nonzeros.column_value.data() : nonzeros.value.data();
    // Forward, b's rows are a's columns; backward, they are a's rows (samples), nearly all read.
    const uint8_t* used_rows = transpose_a ? nullptr : nonzeros.used.data();
    // A chunk is a block of 64 output columns; the last one also takes n's remainder.
    int chunks = n / 64 > 0 ? n / 64 : 1;
    auto job = [&](int chunk, int participant) {
        int j0 = chunk * 64;
        int j1 = chunk == chunks - 1 ? n : j0 + 64;
        sum_scaled_rows(start, index, v, m, b, n, k, used_rows, c, n, j0, j1, accumulate, nonzeros.packed[participant]);
    };
    if ((long long)m * n * k < PARALLEL_MULTIPLY_ADDS) {
        for (int chunk = 0; chunk < chunks; chunk++) job(chunk, 0);  // a single sample: no hand-over to wait for
    } else {
        workers.run(job, chunks);
    }
    return true;
}

}  // namespace cpu
}  // namespace annonet

// ---- what CpuKernels binds: a handle holding the lists, addresses as integers ----------------------

namespace annonet {
namespace cpu {

struct SparseProducts {
    Nonzeros nonzeros;
};

inline long long sparse_products_create() {
    return (long long)(intptr_t) new SparseProducts();
}

inline void sparse_products_destroy(long long handle) {
    delete (SparseProducts*)(intptr_t)handle;
}

inline bool sparse_product_at(long long handle, bool transpose_a, int m, int n, int k, long long a, long long b,
                              long long c, bool accumulate, double max_density) {
    SparseProducts* products = (SparseProducts*)(intptr_t)handle;
    return sparse_product(shared_workers(), products->nonzeros, transpose_a, m, n, k, (const float*)(intptr_t)a,
                          (const float*)(intptr_t)b, (float*)(intptr_t)c, accumulate, max_density);
}

}  // namespace cpu
}  // namespace annonet
