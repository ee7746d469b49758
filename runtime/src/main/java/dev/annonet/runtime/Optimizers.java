package dev.annonet.runtime;

import dev.annonet.runtime.backend.UpdateRule;
import java.util.List;

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
        float lr = learningRate(learningRate);
        float mu = fraction("momentum", momentum, true);
        return new Optimizer(new UpdateRule.Sgd(mu, nesterov),
                "SGD(learning_rate=" + lr + ", momentum=" + mu + ", nesterov=" + nesterov + ")", lr, List.of("momentum"));
    }

    /** RMSprop with learning rate 0.001, rho 0.9, epsilon 1e-7. */
    public static Optimizer rmsprop() {
        return rmsprop(0.001f);
    }

    public static Optimizer rmsprop(float learningRate) {
        return rmsprop(learningRate, 0.9f, 1e-7f);
    }

    public static Optimizer rmsprop(float learningRate, float rho, float epsilon) {
        float lr = learningRate(learningRate);
        float decay = fraction("rho", rho, false);
        float eps = epsilon(epsilon);
        return new Optimizer(new UpdateRule.RmsProp(decay, eps),
                "RMSprop(learning_rate=" + lr + ", rho=" + decay + ", epsilon=" + eps + ")", lr, List.of("velocity"));
    }

    /** Adam with learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public static Optimizer adam() {
        return adam(0.001f);
    }

    public static Optimizer adam(float learningRate) {
        return adam(learningRate, 0.9f, 0.999f, 1e-7f);
    }

    public static Optimizer adam(float learningRate, float beta1, float beta2, float epsilon) {
        float lr = learningRate(learningRate);
        float b1 = fraction("beta1", beta1, false);
        float b2 = fraction("beta2", beta2, false);
        float eps = epsilon(epsilon);
        return new Optimizer(new UpdateRule.Adam(b1, b2, eps),
                "Adam(learning_rate=" + lr + ", beta_1=" + b1 + ", beta_2=" + b2 + ", epsilon=" + eps + ")", lr, List.of("m", "v"));
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
}
