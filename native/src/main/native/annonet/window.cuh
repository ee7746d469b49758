// The geometry of a 2D window over NHWC images (Window2D's) as __host__ __device__ functions, shared
// by the CUDA kernels (image_kernels.cuh) and the CPU backend's pooling and depthwise convolution (cpu/images.h).
#pragma once

#include "element_math.cuh"

namespace annonet {

struct Quotient {
    long long quotient;
    int remainder;
};

// n / d and n % d for n ≥ 0 by a multiply-high, an add and a shift while n < 2^31 (Granlund and
// Montgomery's round-up method, Hacker's Delight §10-9), a division beyond. A GPU divides by a
// variable in a routine of about twenty instructions, 64-bit integers in one several times longer,
// and the image kernels take every index apart: made on the host, once per launch, by window_at.
struct Divisor {
    unsigned d = 1, magic = 1, shift = 0;

    static Divisor of(int divisor) {
        Divisor v;
        v.d = (unsigned)divisor;
        while ((1ull << v.shift) < v.d) v.shift++;
        v.magic = (unsigned)(((1ull << 32) * ((1ull << v.shift) - v.d)) / v.d + 1);
        return v;
    }

    ANNONET_HD Quotient divide(long long n) const {
        if (n <= 0x7FFFFFFF) {
            unsigned u = (unsigned)n;
#ifdef __CUDA_ARCH__
            unsigned high = __umulhi(u, magic);
#else
            unsigned high = (unsigned)(((unsigned long long)u * magic) >> 32);
#endif
            unsigned q = (high + u) >> shift;
            return Quotient{q, (int)(u - q * d)};
        }
        long long q = n / d;
        return Quotient{q, (int)(n - q * (long long)d)};
    }
};

// An NHWC index taken apart: sample b, row y, column x, channel c.
struct Pixel {
    long long b;
    int y, x, c;

    ANNONET_HD static Pixel of(long long index, const Divisor& height, const Divisor& width, const Divisor& channels) {
        Quotient pixel = channels.divide(index);
        Quotient row = width.divide(pixel.quotient);
        Quotient sample = height.divide(row.quotient);
        return Pixel{sample.quotient, sample.remainder, row.remainder, pixel.remainder};
    }
};

// Window2D: output (oy, ox) reads input row oy·stride_h - pad_top + i·dilation_h for i < window_h.
struct Window {
    int in_h, in_w, in_c, win_h, win_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, out_h, out_w, out_c;
    // Divisors of the sizes that index arithmetic divides by (window_at makes them).
    Divisor by_in_h, by_in_w, by_in_c, by_out_h, by_out_w, by_out_c, by_win_w, by_stride_h, by_stride_w, by_patch,
        by_positions;

    ANNONET_HD int positions() const { return out_h * out_w; }
    ANNONET_HD int patch() const { return win_h * win_w * in_c; }

    // No input read by two windows: a stride of at least the window, without dilation's gaps.
    ANNONET_HD bool disjoint() const {
        return dil_h == 1 && dil_w == 1 && stride_h >= win_h && stride_w >= win_w;
    }

    // Disjoint windows that read every input: tiled edge to edge, no padding, nothing left over.
    ANNONET_HD bool covers_input() const {
        return disjoint() && stride_h == win_h && stride_w == win_w && pad_top == 0 && pad_left == 0
            && out_h * win_h == in_h && out_w * win_w == in_w;
    }

    // Input value `index` (b, iy, ix, c) and output value `index` (b, oy, ox, c), taken apart.
    ANNONET_HD Pixel input_pixel(long long index) const { return Pixel::of(index, by_in_h, by_in_w, by_in_c); }
    ANNONET_HD Pixel output_pixel(long long index) const { return Pixel::of(index, by_out_h, by_out_w, by_in_c); }

    // Channel 0 of window position (i, j) at output (oy, ox) of sample b, or -1 in the padding.
    ANNONET_HD long long input_index(long long b, int oy, int ox, int i, int j) const {
        int iy = oy * stride_h - pad_top + i * dil_h;
        int ix = ox * stride_w - pad_left + j * dil_w;
        if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) return -1;
        return ((b * in_h + iy) * in_w + ix) * in_c;
    }

    // The output coordinate whose window position i (or j) reads input coordinate `input`, or -1.
    ANNONET_HD static int output_of(int input, int pad, int i, int dilation, const Divisor& stride, int outputs) {
        int t = input + pad - i * dilation;
        if (t < 0) return -1;
        Quotient q = stride.divide(t);
        return q.remainder != 0 || q.quotient >= outputs ? -1 : (int)q.quotient;
    }
};

// f(oy, ox, i, j) for every output position whose window reads input pixel `in`, at window place
// (i, j): the gathers of the backward passes, one thread per input value.
template <typename F>
ANNONET_HD void windows_reading(const Window& w, const Pixel& in, F f) {
    for (int i = 0; i < w.win_h; i++) {
        int oy = Window::output_of(in.y, w.pad_top, i, w.dil_h, w.by_stride_h, w.out_h);
        if (oy < 0) continue;
        for (int j = 0; j < w.win_w; j++) {
            int ox = Window::output_of(in.x, w.pad_left, j, w.dil_w, w.by_stride_w, w.out_w);
            if (ox >= 0) f(oy, ox, i, j);
        }
    }
}

// A window handed over from Java as 14 ints in host memory, in Window2D's component order.
inline Window window_at(long long address) {
    const int* v = reinterpret_cast<const int*>(address);
    Window w{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]};
    w.by_in_h = Divisor::of(w.in_h);
    w.by_in_w = Divisor::of(w.in_w);
    w.by_in_c = Divisor::of(w.in_c);
    w.by_out_h = Divisor::of(w.out_h);
    w.by_out_w = Divisor::of(w.out_w);
    w.by_out_c = Divisor::of(w.out_c);
    w.by_win_w = Divisor::of(w.win_w);
    w.by_stride_h = Divisor::of(w.stride_h);
    w.by_stride_w = Divisor::of(w.stride_w);
    w.by_patch = Divisor::of(w.patch());
    w.by_positions = Divisor::of(w.positions());
    return w;
}

constexpr int POOL_MAX = 0, POOL_AVERAGE = 1;  // NativeCodes.pooling's codes

}  // namespace annonet
