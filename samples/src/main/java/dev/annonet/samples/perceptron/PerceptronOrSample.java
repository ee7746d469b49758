package dev.annonet.samples.perceptron;

import dev.annonet.runtime.Device;

/** Prints the truth table of the fixed-weight OR perceptron. */
public final class PerceptronOrSample {
    private PerceptronOrSample() {
    }

    public static void main(String[] args) {
        try (PerceptronOrModel model = PerceptronOrModel.create(Device.cpu(), 0)) {
            model.summary();
            System.out.println();
            System.out.println("x1 x2 | x1 OR x2");
            for (int x1 = 0; x1 <= 1; x1++) {
                for (int x2 = 0; x2 <= 1; x2++) {
                    float out = model.predict(new float[] {x1, x2})[0];
                    System.out.printf(" %d  %d |    %d%n", x1, x2, (int) out);
                }
            }
        }
    }
}
