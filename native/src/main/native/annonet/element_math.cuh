// The per-element and per-row math of annonet's CUDA kernels, written once as __host__ __device__
// functions: nvcc compiles them into the kernels, and the host executor (and the host-side tests
// that check it against the Java reference backend) runs the very same functions on the CPU.
// Every definition mirrors a Java kernel of dev.annonet.runtime.backend; the name of that kernel is
// given next to each one.
#pragma once

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define ANNONET_HD __host__ __device__ inline
#else
#define ANNONET_HD inline
#endif

namespace annonet {

// The codes NativeCodes.activation gives Activation.Kind (NativeCodesTest checks both sides).
enum ActivationKind { LINEAR = 0, RELU, SIGMOID, TANH, SOFTMAX, HEAVISIDE, THRESHOLDED_LINEAR };

// The codes NativeCodes.loss gives LossKind.
enum LossKind { CATEGORICAL_CROSSENTROPY = 0, SPARSE_CATEGORICAL_CROSSENTROPY, BINARY_CROSSENTROPY, MEAN_SQUARED_ERROR };

// The codes NativeCodes.accuracy gives AccuracyKind.
enum AccuracyKind { CATEGORICAL = 0, SPARSE_CATEGORICAL, BINARY };

// Keras's backend.epsilon(): probabilities are clipped to [eps, 1 - eps] (LossKernels.CLIP_EPSILON).
constexpr double CLIP_EPSILON = 1e-7;

// ---- activations (ActivationFunction.apply / derivative) ------------------------------------------
// An activation's parameters: HEAVISIDE's θ in lower; THRESHOLDED_LINEAR's θ1, θ2 in lower, upper;
// RELU's threshold, maxValue and negativeSlope in lower, upper, slope (Keras's ReLU layer; a plain
// ReLU has 0, +∞, 0).

// A ReLU with no threshold, no maximum and no slope: max(0, x), which the CPU loops vectorize.
ANNONET_HD bool plain_relu(float lower, float upper, float slope) {
    return lower == 0.0f && upper == INFINITY && slope == 0.0f;
}

// Keras's ReLU layer: upper at and above it, x from lower up, slope·(x - lower) below (0 when the
// slope is 0, also for x = -∞). NaN stays NaN, as in Keras and PyTorch.
ANNONET_HD float relu(float lower, float upper, float slope, float x) {
    if (x >= upper) return upper;
    if (x >= lower || x != x) return x;
    return slope != 0.0f ? slope * (x - lower) : 0.0f;
}

// As TensorFlow's: 1 strictly between lower and upper, the slope below lower, 0 at lower and from upper up.
ANNONET_HD float relu_derivative(float lower, float upper, float slope, float z) {
    if (z >= upper) return 0.0f;
    if (z > lower) return 1.0f;
    return z < lower ? slope : 0.0f;
}

ANNONET_HD float activate(int kind, float lower, float upper, float slope, float x) {
    switch (kind) {
        case RELU: return relu(lower, upper, slope, x);
        case SIGMOID: return 1.0f / (1.0f + expf(-x));
        case TANH: return tanhf(x);
        case HEAVISIDE: return x >= lower ? 1.0f : 0.0f;
        case THRESHOLDED_LINEAR: return x >= lower && x <= upper ? x : 0.0f;
        default: return x;  // LINEAR; SOFTMAX is row-wise (softmax_row)
    }
}

// f'(z) from the input z and the output y = f(z).
// Whether activation_derivative reads z (else y alone): a kernel need not load z where it does not.
ANNONET_HD bool derivative_reads_z(int kind, float lower, float upper, float slope) {
    return kind == THRESHOLDED_LINEAR || (kind == RELU && !plain_relu(lower, upper, slope));
}

ANNONET_HD float activation_derivative(int kind, float lower, float upper, float slope, float z, float y) {
    switch (kind) {
        // A plain ReLU's from y, which equals its value from z (y = z on (0, ∞], else 0 or NaN), so a
        // fused dense forward (lt.cuh's RELU_BIAS) need not write z.
        case RELU: return relu_derivative(lower, upper, slope, plain_relu(lower, upper, slope) ? y : z);
        case SIGMOID: return y * (1.0f - y);
        case TANH: return 1.0f - y * y;
        case HEAVISIDE: return 0.0f;
        case THRESHOLDED_LINEAR: return z >= lower && z <= upper ? 1.0f : 0.0f;
        default: return 1.0f;
    }
}

// One row of softmax, shifted by its maximum so no exponential overflows; y may be z.
ANNONET_HD void softmax_row(int cols, const float* z, float* y) {
    float max = z[0];
    for (int c = 1; c < cols; c++) max = fmaxf(max, z[c]);
    float sum = 0.0f;
    for (int c = 0; c < cols; c++) {
        float e = expf(z[c] - max);
        y[c] = e;
        sum += e;
    }
    float inverse = 1.0f / sum;
    for (int c = 0; c < cols; c++) y[c] *= inverse;
}

// dz = y ⊙ (dy - dy·y) for one softmax row; dz may be dy.
ANNONET_HD void softmax_backward_row(int cols, const float* y, const float* dy, float* dz) {
    float dot = 0.0f;
    for (int c = 0; c < cols; c++) dot += dy[c] * y[c];
    for (int c = 0; c < cols; c++) dz[c] = y[c] * (dy[c] - dot);
}

// ---- dropout (DropoutMask, Philox4x32) -------------------------------------------------------------

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
// counter-based generator cuRAND and PyTorch's CUDA dropout use: 128 random bits that are a pure
// function of a 128-bit counter and a 64-bit key (Philox4x32.block).
struct PhiloxBlock {
    uint32_t word[4];
};

ANNONET_HD PhiloxBlock philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t product0 = (uint64_t)0xD2511F53u * c0;
        uint64_t product1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(product1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(product0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)product1;
        c3 = (uint32_t)product0;
        c0 = n0;
        c2 = n2;
    }
    return PhiloxBlock{{c0, c1, c2, c3}};
}

// DropoutMask.threshold: uniforms below round(rate · 65536) are dropped (rate is in [0, 1)). A
// constant expression, so that a network's generated kernels can fix it at compile time.
constexpr int dropout_threshold(double rate) { return (int)(rate * 65536 + 0.5); }

// Elements that share one Philox block: eight 16-bit uniforms in its 128 bits (DropoutMask.GROUP).
constexpr int DROPOUT_GROUP = 8;

// DropoutMask.block: the block of group `group` at (seed, step); the key is the seed, the counter
// the group and the step.
ANNONET_HD PhiloxBlock dropout_block(uint64_t seed, uint64_t step, uint64_t group) {
    return philox4x32_10((uint32_t)group, (uint32_t)(group >> 32), (uint32_t)step, (uint32_t)(step >> 32),
                         (uint32_t)seed, (uint32_t)(seed >> 32));
}

// DropoutMask.lane: the 16-bit uniform of lane 0 to 7 of a block.
ANNONET_HD int dropout_lane(const PhiloxBlock& block, int lane) {
    return (int)((block.word[lane >> 1] >> (16 * (lane & 1))) & 0xFFFFu);
}

// y[i] = x[i] · scale when element i's 16-bit uniform is at least threshold, else 0 (DropoutMask.keep).
ANNONET_HD float dropout_element(uint64_t seed, uint64_t step, int threshold, float scale, long long index, float x) {
    PhiloxBlock block = dropout_block(seed, step, (uint64_t)(index / DROPOUT_GROUP));
    return dropout_lane(block, (int)(index % DROPOUT_GROUP)) >= threshold ? x * scale : 0.0f;
}

// ---- losses (LossKernels) --------------------------------------------------------------------------

ANNONET_HD double clip_probability(double p) {
    return fmin(fmax(p, CLIP_EPSILON), 1.0 - CLIP_EPSILON);
}

ANNONET_HD bool unclipped(double p) {
    return p >= CLIP_EPSILON && p <= 1.0 - CLIP_EPSILON;
}

// A row's target at col: a dense value, or the one-hot row of a sparse label (label >= 0).
ANNONET_HD double target_at(const float* target_row, int label, int col) {
    return label >= 0 ? (col == label ? 1.0 : 0.0) : (double)target_row[col];
}

// -Σ t·log softmax(z) of one row from z; the gradient (p·Σt - t)·scale with respect to z.
ANNONET_HD double softmax_crossentropy_row(int cols, const float* z, const float* target_row, int label,
                                           float* gradient, float scale) {
    double max = z[0];
    for (int c = 1; c < cols; c++) max = fmax(max, (double)z[c]);
    double sum_exp = 0.0, target_sum = 0.0;
    for (int c = 0; c < cols; c++) {
        sum_exp += exp((double)z[c] - max);
        target_sum += target_at(target_row, label, c);
    }
    double log_sum_exp = log(sum_exp);
    double loss = 0.0;
    for (int c = 0; c < cols; c++) {
        double log_p = (double)z[c] - max - log_sum_exp;
        double t = target_at(target_row, label, c);
        loss -= t * log_p;
        if (gradient) gradient[c] = (float)((exp(log_p) * target_sum - t) * scale);
    }
    return loss;
}

// One value's loss term: of a probability x (clipped), or, for fused binary cross-entropy, of a
// logit x as max(x, 0) - x·t + log(1 + exp(-|x|)), which cannot overflow.
ANNONET_HD double loss_term(int kind, bool fused, double x, double t) {
    switch (kind) {
        case BINARY_CROSSENTROPY:
            return fused ? fmax(x, 0.0) - x * t + log1p(exp(-fabs(x)))
                         : -(t * log(clip_probability(x)) + (1.0 - t) * log(1.0 - clip_probability(x)));
        case MEAN_SQUARED_ERROR: return (x - t) * (x - t);
        default: return -t * log(clip_probability(x));
    }
}

// d term / dx: zero where the probability was clipped; sigmoid(x) - t when fused.
ANNONET_HD double loss_term_derivative(int kind, bool fused, double x, double t) {
    switch (kind) {
        case BINARY_CROSSENTROPY:
            if (fused) {
                double e = exp(-fabs(x));
                return (x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)) - t;
            }
            return unclipped(x) ? (1.0 - t) / (1.0 - x) - t / x : 0.0;
        case MEAN_SQUARED_ERROR: return 2.0 * (x - t);
        default: return unclipped(x) ? -t / x : 0.0;
    }
}

// The loss of one row of cols outputs (from z when fused, else from y) and, when gradient is not
// null, its gradient times scale. A sparse label outside [0, cols) gives NaN: the Java side checks
// labels before training, so a NaN here means memory was overwritten.
ANNONET_HD double loss_row(int kind, bool fused, int cols, const float* output, const float* target_row,
                           float* gradient, float scale) {
    int label = -1;
    if (kind == SPARSE_CATEGORICAL_CROSSENTROPY) {
        float value = target_row[0];
        label = (int)value;
        if ((float)label != value || label < 0 || label >= cols) return NAN;
    }
    if (fused && kind != BINARY_CROSSENTROPY) {
        return softmax_crossentropy_row(cols, output, target_row, label, gradient, scale);
    }
    double reduction = kind == BINARY_CROSSENTROPY || kind == MEAN_SQUARED_ERROR ? 1.0 / cols : 1.0;
    double loss = 0.0;
    for (int c = 0; c < cols; c++) {
        double x = output[c];
        double t = target_at(target_row, label, c);
        loss += loss_term(kind, fused, x, t);
        if (gradient) gradient[c] = (float)(loss_term_derivative(kind, fused, x, t) * reduction * scale);
    }
    return loss * reduction;
}

// The first maximum of a row.
ANNONET_HD int argmax_row(int cols, const float* values) {
    int best = 0;
    for (int c = 1; c < cols; c++) {
        if (values[c] > values[best]) best = c;
    }
    return best;
}

// Correct predictions in one row: 0 or 1 for the categorical kinds, 0 to cols for binary.
ANNONET_HD int correct_in_row(int kind, int cols, const float* y, const float* target_row) {
    switch (kind) {
        case CATEGORICAL: return argmax_row(cols, y) == argmax_row(cols, target_row) ? 1 : 0;
        case SPARSE_CATEGORICAL: return argmax_row(cols, y) == (int)target_row[0] ? 1 : 0;
        default: {
            int correct = 0;
            for (int c = 0; c < cols; c++) correct += (y[c] > 0.5f) == (target_row[c] > 0.5f) ? 1 : 0;
            return correct;
        }
    }
}

// ---- optimizers: one parameter's update (Backend.sgd / rmsprop / adam) ------------------------------

ANNONET_HD void sgd_element(float* w, const float* g, float* velocity, float learning_rate, float momentum,
                            bool nesterov) {
    if (momentum == 0.0f) {
        *w -= learning_rate * *g;
        return;
    }
    float v = momentum * *velocity - learning_rate * *g;
    *velocity = v;
    *w += nesterov ? momentum * v - learning_rate * *g : v;
}

ANNONET_HD void rmsprop_element(float* w, const float* g, float* velocity, float learning_rate, float rho,
                                float epsilon) {
    float v = rho * *velocity + (1.0f - rho) * *g * *g;
    *velocity = v;
    *w -= learning_rate * *g / sqrtf(v + epsilon);
}

// Adam with the bias corrections folded into step_size = lr·sqrt(1-β2^t)/(1-β1^t).
ANNONET_HD void adam_element(float* w, const float* g, float* m, float* v, float step_size, float beta1,
                             float beta2, float epsilon) {
    float gradient = *g;
    float mean = *m + (gradient - *m) * (1.0f - beta1);
    float square = *v + (gradient * gradient - *v) * (1.0f - beta2);
    *m = mean;
    *v = square;
    *w -= step_size * mean / (sqrtf(square) + epsilon);
}

}  // namespace annonet
