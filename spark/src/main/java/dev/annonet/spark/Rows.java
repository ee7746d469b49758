package dev.annonet.spark;

import dev.annonet.runtime.Device;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;

/** What the tasks read from their rows and their context. */
final class Rows {
    private Rows() {
    }

    /** Column {@code index} of {@code row} (an array of numbers, {@code name}) as floats. */
    static float[] floats(Row row, int index, String name) {
        if (row.isNullAt(index)) {
            throw new IllegalArgumentException("column '" + name + "' is null in a row; it must hold an array of numbers");
        }
        List<Object> values = row.getList(index);
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            Object value = values.get(i);
            if (!(value instanceof Number number)) {
                throw new IllegalArgumentException("column '" + name + "' holds " + value + " at position " + i
                        + "; it must hold an array of numbers (float or double)");
            }
            floats[i] = number.floatValue();
        }
        return floats;
    }

    /** The task's GPU where Spark assigned it one ({@code spark.task.resource.gpu.amount}, a resource profile). */
    static OptionalInt taskGpu() {
        TaskContext context = TaskContext.get();
        ResourceInformation gpus = context == null ? null : context.resourcesJMap().get("gpu");
        return TaskGpu.ordinal(gpus == null ? null : gpus.addresses());
    }

    /** The task's GPU where Spark assigned it one, else the CPU. */
    static Device taskDevice() {
        return device(taskGpu());
    }

    /** GPU {@code gpu}, or the CPU. */
    static Device device(OptionalInt gpu) {
        return gpu.isPresent() ? Device.cuda(gpu.getAsInt()) : Device.cpu();
    }
}
