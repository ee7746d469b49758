package dev.annonet.applications;

import dev.annonet.runtime.Model;
import dev.annonet.runtime.Weights;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * scripts/pytorch/applications_fixtures.py's counter-based weights, bit for bit: value i of the
 * weight named n is {@code offset + scale · u}, u = ((fmix32(i · 0x9E3779B9 + fnv1a32(n)) >>> 8) ·
 * 2^-23 − 1), uniform in [−1, 1) and exact in float32, with the script's scale per kind (kernels
 * ± sqrt(gain / fan_in)). So the numerics test needs neither PyTorch nor the weights' files.
 */
final class CounterWeights {
    private CounterWeights() {
    }

    /** The values of the weight (or input) {@code name} of {@code shape}; {@code kernelGain} for kernels. */
    static float[] values(String name, int[] shape, double kernelGain) {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        String kind = name.substring(name.lastIndexOf('.') + 1);
        float offset = kind.equals("gamma") || kind.equals("moving_variance") ? 1f : 0f;
        float scale = switch (kind) {
            case "kernel" -> (float) Math.sqrt(kernelGain / (size / shape[shape.length - 1]));
            case "input" -> 1f;
            case "gamma", "moving_variance" -> 0.25f;
            case "bias", "beta", "moving_mean" -> 0.1f;
            default -> throw new IllegalArgumentException("no counter formula for " + name);
        };
        int seed = fnv1a(name);
        float[] values = new float[Math.toIntExact(size)];
        for (int i = 0; i < values.length; i++) {
            float u = (fmix32(i * 0x9E3779B9 + seed) >>> 8) * 0x1p-23f - 1f;
            values[i] = offset + scale * u;
        }
        return values;
    }

    /** Writes every weight of {@code model} to {@code file} as Model.save would, for Model.load. */
    static void write(Model model, double kernelGain, Path file) throws IOException {
        List<SafeTensors.Entry> entries = new ArrayList<>();
        for (Weights w : model.weights()) {
            entries.add(new SafeTensors.Entry(w.name(), w.shape(), values(w.name(), w.shape(), kernelGain)));
        }
        SafeTensors.write(file, entries, Map.of("format", "annonet", "network", model.name()));
    }

    private static int fnv1a(String text) {
        int h = 0x811C9DC5;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return h;
    }

    /** MurmurHash3's 32-bit finalizer. */
    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }
}
