package dev.annonet.runtime.backend;

/**
 * Element access to a backend's memory in double precision, for the kernels that are written once
 * for every backend ({@link ActivationKernels}, {@link DropoutKernels}, {@link LossKernels}): the
 * reference backend's oracle code and the fast backends' fallbacks for rare cases.
 */
public interface Elements {
    double get(int index);

    void set(int index, double value);
}
