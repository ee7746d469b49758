package dev.annonet.spark;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import java.io.Serializable;

/**
 * Makes the model on an executor: Spark ships this to each task, so it must be serializable (a
 * lambda of a serializable interface is) and capture nothing but serializable values. For
 * training it returns a compiled model made with the same seed on every task, e.g.
 * {@code device -> { var m = MnistMlpModel.create(device, 42); m.compile(...); return m; }}.
 * {@code device} is the task's GPU where Spark gave it one ({@code TaskContext.resources()}),
 * else the CPU.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    Model create(Device device);
}
