package dev.annonet.processor.write;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import dev.annonet.contract.Window2D;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.plan.WindowPlan;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/** Writes the windowed layers' part of the model class: their window constants and their backend calls. */
final class ImageCalls {
    static final ClassName WINDOW = ClassName.get(Window2D.class);
    private static final ClassName POOLING = ClassName.get("dev.annonet.runtime.backend", "PoolingKind");

    private ImageCalls() {
    }

    /** {@code Window2D.input(28, 28, 1).window(3, 3).output(26, 26, 32)}, defaults left out. */
    static FieldSpec constant(WindowPlan plan, String name) {
        Window2D w = plan.geometry();
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

    /** The backend call of {@code op}: {@code operand} writes a (buffer, offset) pair ({@code null, 0} for a skipped one). */
    static CodeBlock call(ImageOp op, ConstantNames names, Function<Operand, CodeBlock> operand) {
        if (op instanceof ImageOp.Conv2D c) {
            return CodeBlock.of("conv2d($N, batch,$W$L,$W$L,$W$L,$W$L)", names.of(c.window().name()),
                    operand.apply(c.x()), operand.apply(c.kernel()), operand.apply(c.columns()), operand.apply(c.z()));
        }
        if (op instanceof ImageOp.Conv2DBackward c) {
            return CodeBlock.of("conv2dBackward($N, batch,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", names.of(c.window().name()),
                    operand.apply(c.x()), operand.apply(c.kernel()), operand.apply(c.columns()), operand.apply(c.dz()),
                    operand.apply(c.dKernel()), operand.apply(c.dColumns()), operand.apply(c.dx()));
        }
        if (op instanceof ImageOp.DepthwiseConv2D d) {
            return CodeBlock.of("depthwiseConv2d($N, batch,$W$L,$W$L,$W$L)", names.of(d.window().name()),
                    operand.apply(d.x()), operand.apply(d.kernel()), operand.apply(d.y()));
        }
        if (op instanceof ImageOp.DepthwiseConv2DBackward d) {
            return CodeBlock.of("depthwiseConv2dBackward($N, batch,$W$L,$W$L,$W$L,$W$L,$W$L)", names.of(d.window().name()),
                    operand.apply(d.x()), operand.apply(d.kernel()), operand.apply(d.dy()), operand.apply(d.dKernel()),
                    operand.apply(d.dx()));
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
        ImageOp.ZeroPadBackward p = (ImageOp.ZeroPadBackward) op;
        return CodeBlock.of("zeroPad2dBackward($N, batch,$W$L,$W$L)", names.of(p.window().name()),
                operand.apply(p.dy()), operand.apply(p.dx()));
    }

    private static String kind(boolean max) {
        return max ? "MAX" : "AVERAGE";
    }
}
