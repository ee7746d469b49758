package dev.annonet.runtime.backend;

/**
 * An optimizer's update rule and its fixed hyperparameters, Keras's formulas: what {@link
 * Backend#update} applies to the contiguous trainable parameters. Made once when an optimizer is
 * configured, so that a step allocates nothing; the learning rate (which a schedule changes) and
 * the update count come with each call. A new rule is a record here and a case in each backend's
 * {@code update}.
 */
public sealed interface UpdateRule permits UpdateRule.Sgd, UpdateRule.RmsProp, UpdateRule.Adam {

    /** The rules, for the backends' switches, with Keras's names. */
    enum Kind {
        SGD("sgd"), RMSPROP("rmsprop"), ADAM("adam");

        private final String kerasName;

        Kind(String kerasName) {
            this.kerasName = kerasName;
        }
    }

    Kind kind();

    /** Keras's name, e.g. {@code rmsprop}; kernel messages use it. */
    default String name() {
        return kind().kerasName;
    }

    /** The state buffers an update reads and writes, in order, each as large as the parameters. */
    int stateBuffers();

    /** {@code v = momentum·v - lr·g; w += nesterov ? momentum·v - lr·g : v}; plain SGD, with no state, when momentum is 0. */
    record Sgd(float momentum, boolean nesterov) implements UpdateRule {
        @Override
        public Kind kind() {
            return Kind.SGD;
        }

        @Override
        public int stateBuffers() {
            return momentum == 0 ? 0 : 1;
        }
    }

    /** {@code v = rho·v + (1-rho)·g²; w -= lr·g / sqrt(v + epsilon)} (Keras 3); v is the state. */
    record RmsProp(float rho, float epsilon) implements UpdateRule {
        @Override
        public Kind kind() {
            return Kind.RMSPROP;
        }

        @Override
        public int stateBuffers() {
            return 1;
        }
    }

    /**
     * Adam at update t (1-based): {@code m += (g - m)(1-β1); v += (g² - v)(1-β2);
     * w -= lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + epsilon)}; m and v are the state.
     */
    record Adam(float beta1, float beta2, float epsilon) implements UpdateRule {
        @Override
        public Kind kind() {
            return Kind.ADAM;
        }

        @Override
        public int stateBuffers() {
            return 2;
        }

        /** The learning rate with update t's bias corrections folded in, as the native kernels take it. */
        public float stepSize(float learningRate, long t) {
            return (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        }
    }
}
