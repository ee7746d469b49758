package dev.annonet.processor.write;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import dev.annonet.processor.check.WindowGeometry;
import dev.annonet.processor.plan.Block;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.plan.WindowPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/** Writes the convolutional layers' part of the model class: their window constants and their backend calls. */
final class ImageCalls {
    static final ClassName WINDOW = ClassName.get("dev.annonet.runtime.backend", "Window2D");
    private static final ClassName POOLING = ClassName.get("dev.annonet.runtime.backend", "PoolingKind");

    private ImageCalls() {
    }

    /** The windows the forward schedule uses, in order of first use. */
    static List<WindowPlan> windows(List<Block> forward) {
        Map<String, WindowPlan> windows = new LinkedHashMap<>();
        for (Block block : forward) {
            collect(block.ops(), windows);
        }
        return new ArrayList<>(windows.values());
    }

    private static void collect(List<Op> ops, Map<String, WindowPlan> windows) {
        for (Op op : ops) {
            if (op instanceof Op.Branch branch) {
                collect(branch.then(), windows);
                collect(branch.otherwise(), windows);
            } else if (op instanceof Op.Image image) {
                WindowPlan window = null;
                if (image.op() instanceof ImageOp.Conv2D c) {
                    window = c.window();
                } else if (image.op() instanceof ImageOp.Pool p) {
                    window = p.window();
                } else if (image.op() instanceof ImageOp.ZeroPad p) {
                    window = p.window();
                }
                if (window != null) {
                    windows.putIfAbsent(window.name(), window);
                }
            }
        }
    }

    /** {@code Window2D.input(28, 28, 1).window(3, 3).output(26, 26, 32)}, defaults left out. */
    static FieldSpec constant(WindowPlan plan, String name) {
        WindowGeometry w = plan.geometry();
        CodeBlock.Builder value = CodeBlock.builder()
                .add("$T.input($L, $L, $L)", WINDOW, w.inputHeight(), w.inputWidth(), w.inputChannels());
        if (w.windowHeight() != 1 || w.windowWidth() != 1) {
            value.add(".window($L, $L)", w.windowHeight(), w.windowWidth());
        }
        if (w.strideHeight() != 1 || w.strideWidth() != 1) {
            value.add(".strides($L, $L)", w.strideHeight(), w.strideWidth());
        }
        if (w.dilationHeight() != 1 || w.dilationWidth() != 1) {
            value.add(".dilation($L, $L)", w.dilationHeight(), w.dilationWidth());
        }
        if (w.padTop() != 0 || w.padLeft() != 0) {
            value.add(".padding($L, $L)", w.padTop(), w.padLeft());
        }
        value.add("$W.output($L, $L, $L)", w.outputHeight(), w.outputWidth(), w.outputChannels());
        return FieldSpec.builder(WINDOW, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer(value.build())
                .build();
    }

    /**
     * The backend call of {@code op}: {@code operand} writes a (buffer, offset) pair ({@code null, 0}
     * for a skipped one) and {@code extent} a size.
     */
    static CodeBlock call(ImageOp op, ConstantNames names, Function<Operand, CodeBlock> operand,
                          Function<Extent, String> extent) {
        if (op instanceof ImageOp.Conv2D c) {
            return CodeBlock.of("conv2d($N, batch,$W$L,$W$L,$W$L,$W$L)", names.of(c.window().name()),
                    operand.apply(c.x()), operand.apply(c.kernel()), operand.apply(c.columns()), operand.apply(c.z()));
        }
        if (op instanceof ImageOp.Conv2DBackward c) {
            return CodeBlock.of("conv2dBackward($N, batch,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", names.of(c.window().name()),
                    operand.apply(c.x()), operand.apply(c.kernel()), operand.apply(c.columns()), operand.apply(c.dz()),
                    operand.apply(c.dKernel()), operand.apply(c.dColumns()), operand.apply(c.dx()));
        }
        if (op instanceof ImageOp.Pool p) {
            return CodeBlock.of("pool2d($T.$L, $N, batch,$W$L,$W$L)", POOLING, kind(p.max()), names.of(p.window().name()),
                    operand.apply(p.x()), operand.apply(p.y()));
        }
        if (op instanceof ImageOp.PoolBackward p) {
            return CodeBlock.of("pool2dBackward($T.$L, $N, batch,$W$L,$W$L,$W$L)", POOLING, kind(p.max()),
                    names.of(p.window().name()), operand.apply(p.x()), operand.apply(p.dy()), operand.apply(p.dx()));
        }
        if (op instanceof ImageOp.ZeroPad p) {
            return CodeBlock.of("zeroPad2d($N, batch,$W$L,$W$L)", names.of(p.window().name()),
                    operand.apply(p.x()), operand.apply(p.y()));
        }
        if (op instanceof ImageOp.ZeroPadBackward p) {
            return CodeBlock.of("zeroPad2dBackward($N, batch,$W$L,$W$L)", names.of(p.window().name()),
                    operand.apply(p.dy()), operand.apply(p.dx()));
        }
        if (op instanceof ImageOp.BatchNorm b) {
            return CodeBlock.of("batchNorm($L, $L, $L, $L, $L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", b.training(),
                    extent.apply(b.rows()), b.cols(), b.momentum(), b.epsilon(), operand.apply(b.x()),
                    operand.apply(b.gamma()), operand.apply(b.beta()), operand.apply(b.movingMean()),
                    operand.apply(b.movingVariance()), operand.apply(b.statistics()), operand.apply(b.y()));
        }
        ImageOp.BatchNormBackward b = (ImageOp.BatchNormBackward) op;
        return CodeBlock.of("batchNormBackward($L, $L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", extent.apply(b.rows()), b.cols(),
                operand.apply(b.x()), operand.apply(b.gamma()), operand.apply(b.statistics()), operand.apply(b.dy()),
                operand.apply(b.dGamma()), operand.apply(b.dBeta()), operand.apply(b.dx()));
    }

    private static String kind(boolean max) {
        return max ? "MAX" : "AVERAGE";
    }
}
