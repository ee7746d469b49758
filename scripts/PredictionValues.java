import dev.annonet.runtime.NetworkLayout;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.cpu.CpuBackend;
import java.lang.reflect.Field;

/**
 * Prints, for each generated model class named, the values per sample a prediction holds on this
 * machine's CPU backend: PREDICTION_VALUES_PER_SAMPLE less the convolution scratch the backend's
 * convolutions do not use (with AVX-512, those of 16 input channels or more). Run by
 * scripts/memory-table.sh: {@code java -cp CLASSPATH scripts/PredictionValues.java MODEL...}.
 */
public final class PredictionValues {
    public static void main(String[] models) throws ReflectiveOperationException {
        try (Backend cpu = CpuBackend.create()) {
            for (String model : models) {
                Field field = Class.forName(model).getDeclaredField("LAYOUT"); // the generated model's layout constant
                field.setAccessible(true);
                NetworkLayout layout = (NetworkLayout) field.get(null);
                System.out.println(model + " " + layout.inferenceActivationSize(cpu::conv2dUsesColumns));
            }
        }
    }
}
