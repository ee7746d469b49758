package example;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;

public final class TrainOr {
    public static void main(String[] args) {
        Tensor x = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {1}, {1}});
        try (OrGateModel model = OrGateModel.create(Device.cpu(), 1)) {
            model.compile(Optimizers.adam(0.1f), Losses.binaryCrossentropy(), Metrics.accuracy());
            model.fit(x, y, Fit.options().batchSize(4).epochs(200).verbose(0));
            Evaluation score = model.evaluate(x, y);
            System.out.println("outside-project accuracy=" + score.get("accuracy"));
        }
        String problem = new OrGateCudaKernels().loadProblem();
        System.out.println("outside-project kernels=" + (problem == null ? "built" : problem));
    }
}
