// The convolution family on the CUDA backend, NHWC as on the Java side (ImageKernels has the
// reference loops): Conv2D as im2col + cuBLAS GEMM, its input gradient gathered back (col2im),
// DepthwiseConv2D a thread per value (depthwise.cuh), pooling and zero padding. Gradients are gathered, one thread per value
// written, or scattered where each value has a single writer (pooling's disjoint windows), never
// with atomics: results do not depend on thread scheduling.
#pragma once

#include "depthwise.cuh"
#include "kernels.cuh"
#include "window.cuh"

namespace annonet {

// ---- Conv2D --------------------------------------------------------------------------------------

// columns (batch·positions × patch): row (b, oy, ox) holds the window's values, (i, j, ci) order,
// the kernel's (kh, kw, cin) row order, zeros in the padding.
inline int im2col(long long handle, Window w, int batch, long long x_address, long long columns_address) {
    const float* x = at<const float>(x_address);
    float* columns = at<float>(columns_address);
    long long patch = w.patch();
    return for_each(handle, (long long)batch * w.positions() * patch, [=] ANNONET_LAMBDA(long long index) {
        Quotient row = w.by_patch.divide(index);               // (batch row, place in the patch)
        Quotient sample = w.by_positions.divide(row.quotient);  // (b, output position)
        Quotient output = w.by_out_w.divide(sample.remainder);  // (oy, ox)
        Quotient channel = w.by_in_c.divide(row.remainder);     // (i·win_w + j, ci)
        Quotient place = w.by_win_w.divide(channel.quotient);   // (i, j)
        long long in = w.input_index(sample.quotient, (int)output.quotient, output.remainder, (int)place.quotient,
                                     place.remainder);
        columns[index] = in < 0 ? 0.0f : x[in + channel.remainder];
    }, "im2col");
}

// dx[b, iy, ix, ci] = Σ of the columns' gradients at every place im2col copied it to.
inline int col2im(long long handle, Window w, int batch, long long d_columns_address, long long dx_address) {
    const float* d_columns = at<const float>(d_columns_address);
    float* dx = at<float>(dx_address);
    long long patch = w.patch();
    return for_each(handle, (long long)batch * w.in_h * w.in_w * w.in_c, [=] ANNONET_LAMBDA(long long index) {
        Pixel in = w.input_pixel(index);
        float sum = 0.0f;
        windows_reading(w, in, [&](int oy, int ox, int i, int j) {
            long long row = in.b * w.positions() + (long long)oy * w.out_w + ox;
            sum += d_columns[row * patch + (i * w.win_w + j) * w.in_c + in.c];
        });
        dx[index] = sum;
    }, "col2im");
}

// z (batch·positions × cout) = columns · kernel (patch × cout).
inline int conv2d(long long handle, long long window_address, int batch, long long x, long long kernel, long long columns, long long z) {
    Window w = window_at(window_address);
    int status = im2col(handle, w, batch, x, columns);
    return status ? status : gemm(handle, false, false, batch * w.positions(), w.out_c, w.patch(), columns, kernel, z, false);
}

// dKernel = columnsᵀ · dz, dColumns = dz · kernelᵀ then col2im into dx; each skipped when its address is 0.
// The columns are made again from x: every convolution shares the scratch, so forward's are gone.
// A small kernel's gradient (few outputs over many rows) is a reduction, not a GEMM: column_products.
inline int conv2d_backward(long long handle, long long window_address, int batch, long long x, long long kernel, long long columns,
                           long long dz, long long d_kernel, long long d_columns, long long dx) {
    Window w = window_at(window_address);
    int rows = batch * w.positions();
    if (d_kernel) {
        int status = im2col(handle, w, batch, x, columns);
        if (status) return status;
        status = column_products_fit(w.patch(), w.out_c)
            ? column_products(handle, rows, w.patch(), w.out_c, columns, dz, d_kernel)
            : gemm(handle, true, false, w.patch(), w.out_c, rows, columns, dz, d_kernel, false);
        if (status) return status;
    }
    if (!dx) return 0;
    int status = gemm(handle, false, true, rows, w.patch(), w.out_c, dz, kernel, d_columns, false);
    return status ? status : col2im(handle, w, batch, d_columns, dx);
}

// ---- DepthwiseConv2D (depthwise.cuh's math) -------------------------------------------------------

inline int depthwise_conv2d(long long handle, long long window_address, int batch, long long x_address,
                            long long kernel_address, long long y_address) {
    Window w = window_at(window_address);
    const float* x = at<const float>(x_address);
    const float* kernel = at<const float>(kernel_address);
    float* y = at<float>(y_address);
    int multiplier = w.out_c / w.in_c;
    return for_each(handle, (long long)batch * w.positions() * w.out_c, [=] ANNONET_LAMBDA(long long index) {
        Pixel out = Pixel::of(index, w.by_out_h, w.by_out_w, w.by_out_c);
        y[index] = depthwise_value(w, x, kernel, out.b, out.y, out.x, out.c, multiplier);
    }, "depthwise_conv2d");
}

// dx gathered a thread per input value; dKernel a block per kernel value summing over the batch's
// output positions (few values over many positions). Each skipped when its address is 0.
inline int depthwise_conv2d_backward(long long handle, long long window_address, int batch, long long x_address,
                                     long long kernel_address, long long dy_address, long long d_kernel_address,
                                     long long dx_address) {
    Window w = window_at(window_address);
    const float* x = at<const float>(x_address);
    const float* kernel = at<const float>(kernel_address);
    const float* dy = at<const float>(dy_address);
    float* d_kernel = at<float>(d_kernel_address);
    float* dx = at<float>(dx_address);
    int multiplier = w.out_c / w.in_c;
    if (d_kernel_address) {
        long long positions = (long long)batch * w.positions();
        int status = for_each_block(handle, (long long)w.win_h * w.win_w * w.out_c, [=] ANNONET_LAMBDA(long long value) {
            Quotient place = w.by_out_c.divide(value);  // (i·win_w + j, co)
            Quotient window = w.by_win_w.divide(place.quotient);
            double sum = block_sum(positions, [=](long long row) {
                Quotient sample = w.by_positions.divide(row);
                Quotient output = w.by_out_w.divide(sample.remainder);
                return depthwise_kernel_term(w, x, dy, sample.quotient, (int)output.quotient, output.remainder,
                                             (int)window.quotient, window.remainder, place.remainder, multiplier);
            });
            if (block_thread() == 0) d_kernel[value] = (float)sum;
        }, "depthwise_conv2d_backward (kernel)");
        if (status) return status;
    }
    if (!dx_address) return 0;
    return for_each(handle, (long long)batch * w.in_h * w.in_w * w.in_c, [=] ANNONET_LAMBDA(long long index) {
        dx[index] = depthwise_input_gradient(w, kernel, dy, w.input_pixel(index), multiplier);
    }, "depthwise_conv2d_backward");
}

// ---- pooling and zero padding -----------------------------------------------------------------------

// The first position of the window at (b, oy, ox) holding its maximum in channel c (ImageKernels'
// order), and how many of its positions lie inside the input.
ANNONET_HD long long window_argmax(const Window& w, const float* x, long long b, int oy, int ox, int c, int* inside) {
    long long argmax = -1;
    float max = 0.0f;
    int count = 0;
    for (int i = 0; i < w.win_h; i++) {
        for (int j = 0; j < w.win_w; j++) {
            long long in = w.input_index(b, oy, ox, i, j);
            if (in < 0) continue;
            count++;
            float v = x[in + c];
            if (argmax < 0 || v > max) {
                max = v;
                argmax = in;
            }
        }
    }
    *inside = count;
    return argmax;
}

// Output value `index` (b, oy, ox, c) of a pooling: its window's first maximum, or its average over
// the positions inside the input.
ANNONET_HD float pooled(const Window& w, int kind, const float* x, long long index) {
    Pixel out = w.output_pixel(index);
    long long b = out.b;
    int oy = out.y, ox = out.x, c = out.c;
    if (kind == POOL_MAX) {
        int inside;
        return x[window_argmax(w, x, b, oy, ox, c, &inside) + c];
    }
    double sum = 0.0;
    int count = 0;
    for (int i = 0; i < w.win_h; i++) {
        for (int j = 0; j < w.win_w; j++) {
            long long in = w.input_index(b, oy, ox, i, j);
            if (in >= 0) {
                sum += x[in + c];
                count++;
            }
        }
    }
    return (float)(sum / count);
}

// dx of input value `index`: the gradients of the windows that took it (MAX: as their first maximum).
ANNONET_HD float pooled_gradient(const Window& w, int kind, const float* x, const float* dy, long long index) {
    Pixel in = w.input_pixel(index);
    long long here = index - in.c;
    float sum = 0.0f;
    windows_reading(w, in, [&](int oy, int ox, int, int) {
        int inside;
        long long argmax = window_argmax(w, x, in.b, oy, ox, in.c, &inside);
        float g = dy[((in.b * w.out_h + oy) * w.out_w + ox) * w.in_c + in.c];
        if (kind == POOL_MAX) {
            if (argmax == here) sum += g;
        } else {
            sum += g / inside;
        }
    });
    return sum;
}

inline int pool2d(long long handle, int kind, long long window_address, int batch, long long x_address, long long y_address) {
    Window w = window_at(window_address);
    const float* x = at<const float>(x_address);
    float* y = at<float>(y_address);
    return for_each(handle, (long long)batch * w.positions() * w.in_c, [=] ANNONET_LAMBDA(long long index) {
        y[index] = pooled(w, kind, x, index);
    }, "pool2d");
}

// Windows that share inputs (a stride under the window) gather each input's gradient from every
// window that read it. Disjoint windows, as the course's 2×2 pooling, take a thread each that hands
// its gradient to its own inputs, where the gather would recompute each window's maximum once per
// input.
inline int pool2d_backward(long long handle, int kind, long long window_address, int batch, long long x_address, long long dy_address,
                           long long dx_address) {
    Window w = window_at(window_address);
    const float* x = at<const float>(x_address);
    const float* dy = at<const float>(dy_address);
    float* dx = at<float>(dx_address);
    if (!w.disjoint()) {
        return for_each(handle, (long long)batch * w.in_h * w.in_w * w.in_c, [=] ANNONET_LAMBDA(long long index) {
            dx[index] = pooled_gradient(w, kind, x, dy, index);
        }, "pool2d_backward");
    }
    if (!w.covers_input()) {
        int status = fill(handle, (long long)batch * w.in_h * w.in_w * w.in_c, dx_address, 0.0f);
        if (status) return status;
    }
    return for_each(handle, (long long)batch * w.positions() * w.in_c, [=] ANNONET_LAMBDA(long long index) {
        Pixel out = w.output_pixel(index);
        int inside;
        long long argmax = window_argmax(w, x, out.b, out.y, out.x, out.c, &inside);
        float g = dy[index];
        for (int i = 0; i < w.win_h; i++) {
            for (int j = 0; j < w.win_w; j++) {
                long long in = w.input_index(out.b, out.y, out.x, i, j);
                if (in < 0) continue;
                dx[in + out.c] = kind == POOL_MAX ? (in == argmax ? g : 0.0f) : g / inside;
            }
        }
    }, "pool2d_backward");
}

// y is x inside zeros (a 1×1 window whose padding is the zeros before each axis).
inline int zero_pad2d(long long handle, long long window_address, int batch, long long x_address, long long y_address) {
    Window w = window_at(window_address);
    const float* x = at<const float>(x_address);
    float* y = at<float>(y_address);
    return for_each(handle, (long long)batch * w.positions() * w.in_c, [=] ANNONET_LAMBDA(long long index) {
        Pixel out = w.output_pixel(index);
        long long in = w.input_index(out.b, out.y, out.x, 0, 0);
        y[index] = in < 0 ? 0.0f : x[in + out.c];
    }, "zero_pad2d");
}

// dx is dy without the padding.
inline int zero_pad2d_backward(long long handle, long long window_address, int batch, long long dy_address, long long dx_address) {
    Window w = window_at(window_address);
    const float* dy = at<const float>(dy_address);
    float* dx = at<float>(dx_address);
    return for_each(handle, (long long)batch * w.in_h * w.in_w * w.in_c, [=] ANNONET_LAMBDA(long long index) {
        Pixel in = w.input_pixel(index);
        int oy = Window::output_of(in.y, w.pad_top, 0, 1, w.by_stride_h, w.out_h);
        int ox = Window::output_of(in.x, w.pad_left, 0, 1, w.by_stride_w, w.out_w);
        dx[index] = dy[((in.b * w.out_h + oy) * w.out_w + ox) * w.in_c + in.c];
    }, "zero_pad2d_backward");
}

}  // namespace annonet
