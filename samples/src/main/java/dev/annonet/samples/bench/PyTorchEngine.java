package dev.annonet.samples.bench;

import static dev.annonet.samples.bench.MnistBench.SCRIPT;
import static dev.annonet.samples.bench.MnistBench.number;
import static dev.annonet.samples.bench.MnistBench.numbers;
import static dev.annonet.samples.bench.MnistBench.pythonCommand;
import static dev.annonet.samples.bench.MnistBench.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** PyTorch's side: the committed script in its --serve mode, answering a JSON line per command. */
final class PyTorchEngine implements Engine {
    private final Process process;
    private final BufferedReader replies;
    private final Writer commands;
    private final String name;

    private PyTorchEngine(Process process) throws IOException {
        this.process = process;
        replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String json = reply("first");
        name = text(json, "engine") + " (" + (int) number(json, "threads") + " threads)";
    }

    /** Starts the MLP's script and waits for it to load the data; an exception saying why when it cannot. */
    static PyTorchEngine start(Path data, int threads) throws IOException {
        return start(SCRIPT, data, threads);
    }

    /** Starts {@code script}, served as bench_mnist.py serves, and waits for it to load the data. */
    static PyTorchEngine start(String script, Path data, int threads) throws IOException {
        return serve(script, data.toString(), "--threads", String.valueOf(threads), "--serve");
    }

    /** Starts {@code script} with {@code arguments} and waits for its first JSON line ({"engine", "threads"}). */
    static PyTorchEngine serve(String script, String... arguments) throws IOException {
        Process process = new ProcessBuilder(pythonCommand(script, arguments)).redirectErrorStream(true).start();
        try {
            return new PyTorchEngine(process);
        } catch (IOException | IllegalStateException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double trainEpoch() {
        return number(ask("epoch"), "epoch_seconds");
    }

    @Override
    public double accuracy() {
        return number(ask("accuracy"), "accuracy");
    }

    @Override
    public double inferenceRate(double seconds) {
        return number(ask("inference " + seconds), "inference_samples_per_second");
    }

    @Override
    public double[] latencies(int count) {
        return numbers(ask("latency " + count), "latencies_us");
    }

    @Override
    public void close() {
        try {
            commands.write("quit\n");
            commands.flush();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The script's JSON reply to {@code command}. */
    String ask(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
            return reply(command);
        } catch (IOException e) {
            throw new IllegalStateException("the PyTorch script stopped answering '" + command + "': " + e.getMessage(), e);
        }
    }

    /** The next JSON line; the script's other output (warnings) is kept for the message if it ends first. */
    private String reply(String what) throws IOException {
        StringBuilder other = new StringBuilder();
        for (String line = replies.readLine(); line != null; line = replies.readLine()) {
            if (line.startsWith("{")) {
                return line;
            }
            other.append(line).append('\n');
        }
        String output = other.toString().strip();
        throw new IllegalStateException(output.contains("No module named 'torch'")
                ? "no PyTorch for " + pythonCommand(SCRIPT).get(0) + " (Debian: apt-get install python3-torch)"
                : "the PyTorch script ended before its " + what + " reply: " + output);
    }
}
