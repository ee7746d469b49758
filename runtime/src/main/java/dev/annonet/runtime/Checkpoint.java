package dev.annonet.runtime;

import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: one safetensors file with the weights (named as {@link Model#save} names
 * them), the optimizer's state per trainable weight ({@code optimizer.m.hidden.kernel}), and in its
 * header's metadata the optimizer, its learning rate and update count, the epoch, the model's step
 * and seed (dropout's masks are a function of both) and the epochs shuffled (each epoch's order is
 * a function of the seed and that count): all that training needs to go on as if never stopped.
 */
final class Checkpoint {
    static final String FORMAT = "annonet-checkpoint";
    private static final String STATE_PREFIX = "optimizer.";

    private Checkpoint() {
    }

    static void save(Model model, Trainer trainer, Path file) throws IOException {
        List<SafeTensors.Entry> entries = new ArrayList<>(model.weightEntries());
        Optimizer optimizer = trainer.optimizer();
        float[] state = new float[trainer.trainableSize()];
        for (int buffer = 0; buffer < optimizer.stateBuffers(); buffer++) {
            model.backend.download(trainer.optimizerState()[buffer], 0, state, 0, state.length);
            for (NetworkLayout.Parameter p : trainable(model)) {
                entries.add(new SafeTensors.Entry(stateName(optimizer, buffer, p), p.shape(),
                        Arrays.copyOfRange(state, p.offset(), p.offset() + p.size())));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("network", model.layout().name());
        metadata.put("epoch", Integer.toString(trainer.epochsDone()));
        metadata.put("optimizer", optimizer.toString());
        metadata.put("learning_rate", Float.toString(trainer.learningRate()));
        metadata.put("updates", Long.toString(trainer.updates()));
        metadata.put("step", Long.toString(model.step()));
        metadata.put("seed", Long.toString(model.seed()));
        metadata.put("shuffles", Long.toString(trainer.shuffles()));
        SafeTensors.write(file, entries, metadata);
    }

    /**
     * Puts the checkpoint's training back into {@code model} and its compiled {@code trainer};
     * returns the checkpoint's epoch. Everything is checked first: a file that does not fit (another
     * network or optimizer, a shape or value that is wrong) changes nothing, and the message names it.
     */
    static int load(Model model, Trainer trainer, Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> metadata = contents.metadata();
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new IllegalArgumentException(file + " is not an annonet checkpoint (Model.saveCheckpoint writes them;"
                    + " a file of weights alone loads with Model.load)");
        }
        String network = model.layout().name();
        Optimizer optimizer = trainer.optimizer();
        List<String> problems = new ArrayList<>();
        if (!network.equals(metadata.get("network"))) {
            problems.add("it was saved from " + metadata.get("network") + ", not " + network);
        }
        if (!optimizer.toString().equals(metadata.get("optimizer"))) {
            problems.add("its optimizer is " + metadata.get("optimizer") + " but the model was compiled with " + optimizer);
        }
        Map<String, SafeTensors.Entry> weights = new LinkedHashMap<>();
        Map<String, SafeTensors.Entry> state = new LinkedHashMap<>();
        contents.entries().forEach((name, entry) -> (name.startsWith(STATE_PREFIX) ? state : weights).put(name, entry));
        problems.addAll(model.weightProblems(weights));
        for (int buffer = 0; buffer < optimizer.stateBuffers(); buffer++) {
            for (NetworkLayout.Parameter p : trainable(model)) {
                String name = stateName(optimizer, buffer, p);
                SafeTensors.Entry entry = state.remove(name);
                if (entry == null) {
                    problems.add("'" + name + "' is missing");
                } else if (!Arrays.equals(entry.shape(), p.shape())) {
                    problems.add("'" + name + "' has shape " + Arrays.toString(entry.shape()) + ", not "
                            + Arrays.toString(p.shape()));
                }
            }
        }
        state.keySet().forEach(name -> problems.add("'" + name + "' is not state of " + optimizer.name()));
        int epoch = (int) number(metadata, "epoch", 0, Integer.MAX_VALUE, problems);
        long updates = number(metadata, "updates", 0, Long.MAX_VALUE, problems);
        long step = number(metadata, "step", 0, Long.MAX_VALUE, problems);
        long seed = number(metadata, "seed", Long.MIN_VALUE, Long.MAX_VALUE, problems);
        long shuffles = number(metadata, "shuffles", 0, Long.MAX_VALUE, problems);
        float learningRate = learningRate(metadata.get("learning_rate"), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + " does not fit " + network + " compiled with " + optimizer + ": "
                    + String.join("; ", problems));
        }
        model.restoreWeights(weights);
        Memory[] buffers = trainer.optimizerState();
        float[] values = new float[trainer.trainableSize()];
        for (int buffer = 0; buffer < optimizer.stateBuffers(); buffer++) {
            for (NetworkLayout.Parameter p : trainable(model)) {
                float[] saved = contents.get(stateName(optimizer, buffer, p)).values();
                System.arraycopy(saved, 0, values, p.offset(), saved.length);
            }
            model.backend.upload(values, 0, buffers[buffer], 0, values.length);
        }
        model.resumeAt(seed, step);
        trainer.resume(updates, shuffles, epoch, learningRate);
        return epoch;
    }

    private static List<NetworkLayout.Parameter> trainable(Model model) {
        return model.layout().parameters().stream().filter(NetworkLayout.Parameter::trainable).toList();
    }

    private static String stateName(Optimizer optimizer, int buffer, NetworkLayout.Parameter p) {
        return STATE_PREFIX + optimizer.stateNames().get(buffer) + "." + p.name();
    }

    private static long number(Map<String, String> metadata, String key, long min, long max, List<String> problems) {
        String text = metadata.get(key);
        try {
            long value = Long.parseLong(String.valueOf(text));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the key
        }
        problems.add("its metadata '" + key + "' is " + (text == null ? "missing" : "'" + text + "'"));
        return 0;
    }

    private static float learningRate(String text, List<String> problems) {
        try {
            float rate = Float.parseFloat(String.valueOf(text));
            if (rate >= 0 && Float.isFinite(rate)) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("its metadata 'learning_rate' is " + (text == null ? "missing" : "'" + text + "'"));
        return 0;
    }
}
