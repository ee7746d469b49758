package dev.annonet.samples.bench;

import dev.annonet.runtime.Model;
import dev.annonet.runtime.Tensor;

/** Forward passes timed as the benches' PyTorch side times them: predict calls until the time is up. */
final class PredictRate {
    private PredictRate() {
    }

    /** Samples per second of {@code model.predict(x, batch)} called for at least {@code seconds}. */
    static double samplesPerSecond(Model model, Tensor x, int batch, double seconds) {
        long calls = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            model.predict(x, batch);
            calls++;
            now = System.nanoTime();
        } while (now < deadline);
        return calls * batch / ((now - start) * 1e-9);
    }
}
