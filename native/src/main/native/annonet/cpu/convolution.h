// A convolution's forward pass for the CPU backend, computed straight from the NHWC input with
// AVX-512 where the processor has it: no im2col. OpenBLAS's sgemm on the im2col rows reached about
// 150 GFLOP/s on this 2-core machine, oneDNN's convolutions 240-280; a register tile of output
// values that stays in the 32 vector registers over the whole window gets close to the FMA units'
// peak. Each tile is TILE_POSITIONS consecutive output positions (flattened over the batch, so a
// 7x7 output fills its tiles) by TILE_CHANNELS output channels: for every window place (i, j) and
// input channel, two kernel vectors are loaded (the kernel is (kh, kw, cin, cout), so the output
// channels are contiguous) and each position's input value is broadcast onto both. A position
// whose window place falls in the padding reads a row of zeros instead of branching. Without
// AVX-512, the backend keeps im2col + sgemm. The columns scratch is only used by inputs of few
// channels (LOWERED_BELOW_CHANNELS), so the backward pass computes its own im2col.
#pragma once

#include <vector>

#include "../window.cuh"
#include "features.h"
#include "images.h"
#include "threads.h"

namespace annonet {
namespace cpu {

// Output positions a register tile holds: 14 positions x 2 vectors of 16 channels is 28 accumulators,
// leaving registers for the two kernel vectors and a broadcast value.
constexpr int TILE_POSITIONS = 14;
constexpr int TILE_CHANNELS = 32;
// Tiles per chunk handed to a thread.
constexpr int TILES_PER_CHUNK = 16;
// Kernel rows a chunk applies to all its tiles before the next: 512 rows of a block are 128 KB, which
// stay in L2 even where they map to few of its sets (rows 2 KB apart use 128 of its 2,048 sets).
constexpr long long KERNEL_SLICE_ROWS = 512;
// How many rows ahead a tile fetches the kernel: the first tile of a slice reads it from memory.
constexpr int KERNEL_PREFETCH_ROWS = 16;
// From how many tiles on the kernel is packed (conv2d_direct): at batch 1, ResNet50's 56x56 stage and
// up; its packing took about as long as its products at 7x7.
constexpr long long PACKED_FROM_TILES = 64;

inline bool has_avx512() {
#if defined(__x86_64__)
    static const bool supported = (__builtin_cpu_init(), __builtin_cpu_supports("avx512f"));
    return supported;
#else
    return false;
#endif
}

#if defined(__x86_64__)
// Rows [r0, r1) of the (kh, kw, cin, cout) kernel (a row: a window place's input channel) applied to
// the M output positions from `first` (flattened over batch, rows and columns) for the output
// channels [co, co + 32) (fewer at the last block: masked), added onto z's values there (or onto
// zeros for the first rows). `kernel` points at the block's first row, rows kernel_row values apart
// (cout in place, TILE_CHANNELS packed). zeros holds in_c zeros.
template <int M>
ANNONET_AVX512 inline void conv2d_tile(const Window& w, const float* x, const float* kernel, long long kernel_row,
                                       const float* zeros, long long first, int co, long long r0, long long r1, float* z) {
    int in_c = w.in_c;
    // Each position's sample and its window's top-left input coordinate (in the padding for some).
    const float* sample[M];
    int top[M], left[M];
    Quotient position = w.by_positions.divide(first);
    Quotient place = w.by_out_w.divide(position.remainder);
    long long sample_size = (long long)w.in_h * w.in_w * in_c;
    for (int p = 0; p < M; p++) {
        sample[p] = x + position.quotient * sample_size;
        top[p] = (int)place.quotient * w.stride_h - w.pad_top;
        left[p] = place.remainder * w.stride_w - w.pad_left;
        if (++place.remainder == w.out_w) {
            place.remainder = 0;
            if (++place.quotient == w.out_h) {
                place.quotient = 0;
                position.quotient++;
            }
        }
    }
    int channels = w.out_c - co < TILE_CHANNELS ? w.out_c - co : TILE_CHANNELS;
    __mmask16 low = (__mmask16)(channels >= 16 ? 0xFFFF : (1u << channels) - 1);
    __mmask16 high = (__mmask16)(channels <= 16 ? 0 : channels >= 32 ? 0xFFFF : (1u << (channels - 16)) - 1);
    float* out = z + first * w.out_c + co;
    __m512 sum[M][2];
#pragma GCC unroll 16
    for (int p = 0; p < M; p++) {
        sum[p][0] = r0 == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(low, out + (long long)p * w.out_c);
        sum[p][1] = r0 == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(high, out + (long long)p * w.out_c + 16);
    }
    for (long long place_first = r0 - r0 % in_c; place_first < r1; place_first += in_c) {
        int window_place = (int)(place_first / in_c);
        int i = window_place / w.win_w, j = window_place % w.win_w;
        const float* in[M];
        bool inside = false;
        for (int p = 0; p < M; p++) {
            int iy = top[p] + i * w.dil_h, ix = left[p] + j * w.dil_w;
            bool here = (unsigned)iy < (unsigned)w.in_h && (unsigned)ix < (unsigned)w.in_w;
            in[p] = here ? sample[p] + ((long long)iy * w.in_w + ix) * in_c : zeros;
            inside |= here;
        }
        if (!inside) continue;
        int c0 = place_first < r0 ? (int)(r0 - place_first) : 0;
        int c1 = place_first + in_c > r1 ? (int)(r1 - place_first) : in_c;
        const float* k = kernel + (place_first + c0) * kernel_row;
        for (int c = c0; c < c1; c++, k += kernel_row) {
            _mm_prefetch((const char*)(k + KERNEL_PREFETCH_ROWS * kernel_row), _MM_HINT_T0);
            _mm_prefetch((const char*)(k + KERNEL_PREFETCH_ROWS * kernel_row + 16), _MM_HINT_T0);
            __m512 k0 = _mm512_maskz_loadu_ps(low, k);
            __m512 k1 = _mm512_maskz_loadu_ps(high, k + 16);
#pragma GCC unroll 16
            for (int p = 0; p < M; p++) {
                __m512 v = _mm512_set1_ps(in[p][c]);
                sum[p][0] = _mm512_fmadd_ps(v, k0, sum[p][0]);
                sum[p][1] = _mm512_fmadd_ps(v, k1, sum[p][1]);
            }
        }
    }
#pragma GCC unroll 16
    for (int p = 0; p < M; p++) {
        _mm512_mask_storeu_ps(out + (long long)p * w.out_c, low, sum[p][0]);
        _mm512_mask_storeu_ps(out + (long long)p * w.out_c + 16, high, sum[p][1]);
    }
}

// A tile of `count` positions (the batch's last may be short), by its compiled size.
template <int M = TILE_POSITIONS>
ANNONET_AVX512 inline void conv2d_tile_of(int count, const Window& w, const float* x, const float* kernel,
                                          long long kernel_row, const float* zeros, long long first, int co,
                                          long long r0, long long r1, float* z) {
    if constexpr (M > 1) {
        if (count < M) {
            conv2d_tile_of<M - 1>(count, w, x, kernel, kernel_row, zeros, first, co, r0, r1, z);
            return;
        }
    }
    conv2d_tile<M>(w, x, kernel, kernel_row, zeros, first, co, r0, r1, z);
}
#endif

// Rows [r0, r1) of a (kh, kw, cin, cout) kernel (a row: cout values) into `packed`: per block of 32
// output channels, its rows of 32 values one after another, zeros past cout. The kernel is read in
// order, row by row, so that the hardware prefetches it.
inline void pack_kernel_rows(const Window& w, const float* kernel, long long r0, long long r1, float* packed) {
    long long block_size = (long long)w.patch() * TILE_CHANNELS;
    for (long long r = r0; r < r1; r++) {
        const float* from = kernel + r * w.out_c;
        for (int co = 0; co < w.out_c; co += TILE_CHANNELS) {
            int channels = w.out_c - co < TILE_CHANNELS ? w.out_c - co : TILE_CHANNELS;
            float* to = packed + co / TILE_CHANNELS * block_size + r * TILE_CHANNELS;
            for (int c = 0; c < channels; c++) to[c] = from[co + c];
            for (int c = channels; c < TILE_CHANNELS; c++) to[c] = 0.0f;
        }
    }
}

// z = conv(x, kernel) for the batch (z overwritten), shared out on the pool in chunks of
// TILES_PER_CHUNK tiles by a channel block, channel block outermost so that both threads read the
// same kernel rows at once. A chunk applies the kernel's rows a slice of KERNEL_SLICE_ROWS at a
// time to all its tiles, adding onto their outputs. In place, a block's rows are cout values apart
// and so map to few cache sets: a whole block (up to 3x3x512 rows) did not stay in the L2 cache from
// one tile to the next (a 28x28x512 3x3 convolution ran at 20-28 GFLOP/s), a slice does. From
// PACKED_FROM_TILES tiles on, the kernel is packed first (pack_kernel_rows), its blocks contiguous,
// which costs a pass over the kernel but keeps the rows in L1: at batch 8, 14x14x512 3x3 ran at 118
// GFLOP/s per core in place, 136-169 packed. False, with nothing written, where the processor lacks AVX-512.
inline bool conv2d_direct(const Window& w, int batch, const float* x, const float* kernel, float* z) {
#if defined(__x86_64__)
    if (!has_avx512()) return false;
    long long positions = (long long)batch * w.positions();
    long long tiles = (positions + TILE_POSITIONS - 1) / TILE_POSITIONS;
    long long bands = (tiles + TILES_PER_CHUNK - 1) / TILES_PER_CHUNK;
    int blocks = (w.out_c + TILE_CHANNELS - 1) / TILE_CHANNELS;
    long long rows = w.patch();
    // The calling thread's, kept: grown to the largest kernel packed (predictors may convolve on
    // several threads at once). zeros: per participant, grown to the widest input seen.
    static thread_local std::vector<float> packed;
    static thread_local std::vector<float> zeros;
    bool packing = tiles >= PACKED_FROM_TILES;
    if (packing) {
        if ((long long)packed.size() < rows * TILE_CHANNELS * blocks) packed.resize(rows * TILE_CHANNELS * blocks);
        float* to = packed.data();
        in_row_chunks((int)rows, w.out_c, ELEMENT_CHUNK, [&](int r0, int r1) { pack_kernel_rows(w, kernel, r0, r1, to); });
    }
    const float* from = packing ? packed.data() : kernel;
    auto job = [&](int chunk, int) {
        if ((long long)zeros.size() < w.in_c) zeros.assign(w.in_c, 0.0f);
        int block = (int)(chunk / bands);
        const float* block_kernel = packing ? from + block * rows * TILE_CHANNELS : from + block * TILE_CHANNELS;
        long long kernel_row = packing ? TILE_CHANNELS : w.out_c;
        long long tile = chunk % bands * TILES_PER_CHUNK;
        long long last = tile + TILES_PER_CHUNK < tiles ? tile + TILES_PER_CHUNK : tiles;
        for (long long r0 = 0; r0 < rows; r0 += KERNEL_SLICE_ROWS) {
            long long r1 = r0 + KERNEL_SLICE_ROWS < rows ? r0 + KERNEL_SLICE_ROWS : rows;
            for (long long t = tile; t < last; t++) {
                long long first = t * TILE_POSITIONS;
                int count = positions - first < TILE_POSITIONS ? (int)(positions - first) : TILE_POSITIONS;
                conv2d_tile_of(count, w, x, block_kernel, kernel_row, zeros.data(), first, block * TILE_CHANNELS, r0, r1, z);
            }
        }
    };
    shared_workers().run(job, (int)(bands * blocks));
    return true;
#else
    (void)w, (void)batch, (void)x, (void)kernel, (void)z;
    return false;
#endif
}

// Inputs with fewer channels than this are lowered to im2col's rows first and those convolved as a
// 1x1 window: a tile's work per window place is then a patch, not 3 channels (an RGB input), whose
// input addresses cost more than their products.
constexpr int LOWERED_BELOW_CHANNELS = 16;

// Whether conv2d_at lowers the window's input through `columns` (a window of one place per channel
// is its own im2col); a batch of more rows than an int counts goes direct instead.
inline bool lowered(const Window& w) {
    return w.in_c < LOWERED_BELOW_CHANNELS && w.patch() != w.in_c;
}

// Whether the forward pass of the window reads or writes `columns`: the Java side's im2col + sgemm
// without AVX-512, the lowering otherwise. What prediction allocates of the convolution scratch.
inline bool conv2d_uses_columns_at(long long window_address) {
    return !has_avx512() || lowered(window_at(window_address));
}

// conv2d_direct, inputs of few channels lowered through `columns` (batch x positions x patch values).
inline bool conv2d_at(long long window_address, int batch, long long x_address, long long kernel_address,
                      long long columns_address, long long z_address) {
    if (!has_avx512()) return false;
    Window w = window_at(window_address);
    const float* kernel = (const float*)(intptr_t)kernel_address;
    float* z = (float*)(intptr_t)z_address;
    long long rows = (long long)batch * w.positions();
    if (!lowered(w) || rows > 0x7FFFFFFF) {
        return conv2d_direct(w, batch, (const float*)(intptr_t)x_address, kernel, z);
    }
    im2col_at(window_address, batch, x_address, columns_address);
    int lowered[14] = {1, (int)rows, w.patch(), 1, 1, 1, 1, 1, 1, 0, 0, 1, (int)rows, w.out_c};
    return conv2d_direct(window_at((long long)(intptr_t)lowered), 1, (const float*)(intptr_t)columns_address, kernel, z);
}

}  // namespace cpu
}  // namespace annonet
