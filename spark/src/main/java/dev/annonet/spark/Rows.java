package dev.annonet.spark;

import dev.annonet.runtime.Device;
import java.util.List;
import java.util.Map;
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

    /** The task's GPU where Spark assigned it one ({@code spark.task.resource.gpu.amount}, a resource profile), else the CPU. */
    static Device taskDevice() {
        TaskContext context = TaskContext.get();
        Map<String, ResourceInformation> resources = context == null ? Map.of() : context.resourcesJMap();
        ResourceInformation gpus = resources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return Device.cpu();
        }
        return Device.cuda(Integer.parseInt(gpus.addresses()[0]));
    }
}
