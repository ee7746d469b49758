package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;

/** Keras's optimizers with Keras's default hyperparameters. */
public final class Optimizers {
    private Optimizers() {
    }

    /** SGD with learning rate 0.01, no momentum. */
    public static Optimizer sgd() {
        return sgd(0.01f);
    }

    public static Optimizer sgd(float learningRate) {
        return sgd(learningRate, 0f, false);
    }

    public static Optimizer sgd(float learningRate, float momentum, boolean nesterov) {
        return new Sgd(learningRate(learningRate), fraction("momentum", momentum, true), nesterov);
    }

    /** RMSprop with learning rate 0.001, rho 0.9, epsilon 1e-7. */
    public static Optimizer rmsprop() {
        return rmsprop(0.001f);
    }

    public static Optimizer rmsprop(float learningRate) {
        return rmsprop(learningRate, 0.9f, 1e-7f);
    }

    public static Optimizer rmsprop(float learningRate, float rho, float epsilon) {
        return new RmsProp(learningRate(learningRate), fraction("rho", rho, false), epsilon(epsilon));
    }

    /** Adam with learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public static Optimizer adam() {
        return adam(0.001f);
    }

    public static Optimizer adam(float learningRate) {
        return adam(learningRate, 0.9f, 0.999f, 1e-7f);
    }

    public static Optimizer adam(float learningRate, float beta1, float beta2, float epsilon) {
        return new Adam(learningRate(learningRate), fraction("beta1", beta1, false),
                fraction("beta2", beta2, false), epsilon(epsilon));
    }

    private static float learningRate(float value) {
        if (!(value > 0 && Float.isFinite(value))) {
            throw new IllegalArgumentException("learning rate must be positive and finite, was " + value);
        }
        return value;
    }

    /** A value in [0, 1], or [0, 1) when one is excluded (a decay rate of 1 would never learn). */
    private static float fraction(String name, float value, boolean oneIncluded) {
        if (!(value >= 0 && (oneIncluded ? value <= 1 : value < 1))) {
            throw new IllegalArgumentException(name + " must be in [0, 1" + (oneIncluded ? "]" : ")") + ", was " + value);
        }
        return value;
    }

    private static float epsilon(float value) {
        if (!(value >= 0 && Float.isFinite(value))) {
            throw new IllegalArgumentException("epsilon must be non-negative and finite, was " + value);
        }
        return value;
    }

    private static final class Sgd extends Optimizer {
        private final float learningRate;
        private final float momentum;
        private final boolean nesterov;

        Sgd(float learningRate, float momentum, boolean nesterov) {
            this.learningRate = learningRate;
            this.momentum = momentum;
            this.nesterov = nesterov;
        }

        @Override
        public String name() {
            return "sgd";
        }

        @Override
        int stateBuffers() {
            return 1;
        }

        @Override
        void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, long t) {
            backend.sgd(count, weights, gradients, state[0], learningRate, momentum, nesterov);
        }

        @Override
        public String toString() {
            return "SGD(learning_rate=" + learningRate + ", momentum=" + momentum + ", nesterov=" + nesterov + ")";
        }
    }

    private static final class RmsProp extends Optimizer {
        private final float learningRate;
        private final float rho;
        private final float epsilon;

        RmsProp(float learningRate, float rho, float epsilon) {
            this.learningRate = learningRate;
            this.rho = rho;
            this.epsilon = epsilon;
        }

        @Override
        public String name() {
            return "rmsprop";
        }

        @Override
        int stateBuffers() {
            return 1;
        }

        @Override
        void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, long t) {
            backend.rmsprop(count, weights, gradients, state[0], learningRate, rho, epsilon);
        }

        @Override
        public String toString() {
            return "RMSprop(learning_rate=" + learningRate + ", rho=" + rho + ", epsilon=" + epsilon + ")";
        }
    }

    private static final class Adam extends Optimizer {
        private final float learningRate;
        private final float beta1;
        private final float beta2;
        private final float epsilon;

        Adam(float learningRate, float beta1, float beta2, float epsilon) {
            this.learningRate = learningRate;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
        }

        @Override
        public String name() {
            return "adam";
        }

        @Override
        int stateBuffers() {
            return 2;
        }

        @Override
        void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, long t) {
            backend.adam(count, weights, gradients, state[0], state[1], learningRate, beta1, beta2, epsilon, t);
        }

        @Override
        public String toString() {
            return "Adam(learning_rate=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2
                    + ", epsilon=" + epsilon + ")";
        }
    }
}
