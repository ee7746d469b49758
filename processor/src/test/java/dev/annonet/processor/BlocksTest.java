package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.annonet.processor.Networks.assertGeneratedContains;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.declaration;
import static dev.annonet.processor.Networks.network;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Blocks: their expansion into named layers, their parameters, and errors inside them reported where they are used. */
class BlocksTest {

    /** Conv2D → BatchNormalization → ReLU, its filters and strides set where it is used. */
    static JavaFileObject convNormRelu() {
        return block("ConvNormRelu",
                "@Conv2D(filters = 4, kernel = 3, padding = Padding.SAME) @Param(\"filters\") @Param(value = \"stride\","
                        + " attribute = \"strides\")",
                "Layer _1_conv();",
                "@BatchNormalization Layer _1_bn();",
                "@Activation(RELU)   Layer _1_relu();");
    }

    static JavaFileObject block(String name, String... members) {
        return declaration(name, "@Block\npublic interface " + name, members);
    }

    @Test
    void aBlockUsedTwiceGetsKerasNamesAndItsArguments() {
        Compilation compilation = compile(convNormRelu(), network("Stages",
                "@Input(shape = {8, 8, 2}) Layer image();",
                "ConvNormRelu conv1();",
                "@Use(args = {@Arg(name = \"filters\", value = 6), @Arg(name = \"stride\", value = 2)})",
                "ConvNormRelu conv2();",
                "@Flatten Layer flat();",
                "@Dense(units = 3, activation = SOFTMAX) Layer output();"));
        assertGeneratedContains(compilation, "example.StagesModel",
                ".layer(\"conv1_1_conv\", \"Conv2D\", new int[] {8, 8, 4}, 76, 4864L)",
                ".layer(\"conv1_1_bn\", \"BatchNormalization\", new int[] {8, 8, 4}, 16, 16L)",
                ".layer(\"conv1_1_relu\", \"Activation\", new int[] {8, 8, 4}, 0, 0L)",
                ".layer(\"conv2_1_conv\", \"Conv2D\", new int[] {4, 4, 6}, 222, 3552L)",
                ".layer(\"conv2_1_relu\", \"Activation\", new int[] {4, 4, 6}, 0, 0L)",
                "conv2_1_conv: @Conv2D(filters = 6, kernel = 3, strides = 2, padding = SAME), conv1_1_relu (8, 8, 4)",
                "public ConvNormRelu conv2() { return new ConvNormRelu() {",
                "@Override public WeightedLayer _1_conv() { return conv2_1_convLayer; }");
    }

    @Test
    void fromInsideABlockNamesItsMembersAndInput() {
        JavaFileObject net = network("Net",
                "@Input(shape = 4)                       Layer x();",
                "@Use(from = \"x\") Twice twice();",
                "@Dense(units = 2, from = \"twice\")     Layer output();");
        Compilation compilation = compile(block("Twice",
                "@Dense(units = 3)                                    Layer first();",
                "@Dense(units = 3, from = \"input\")                 Layer second();",
                "@Activation(value = RELU, from = \"first\")         Layer relu();"), net);
        assertThat(compilation).hadErrorContaining("'twice_second' is not used by the output 'output'")
                .inFile(net).onLineContaining("Twice twice();");
        assertThat(compilation).hadErrorCount(1);
    }

    @Test
    void blocksNestAndNameTheirLayersAfterEveryUse() {
        Compilation compilation = compile(convNormRelu(),
                block("Stage",
                        "@Use(args = @Arg(name = \"filters\", value = 5)) ConvNormRelu block1();",
                        "ConvNormRelu block2();"),
                network("Nested",
                        "@Input(shape = {8, 8, 2}) Layer image();",
                        "Stage conv2();",
                        "@GlobalAveragePooling2D(from = \"conv2\") Layer pool();",
                        "@Dense(units = 2, activation = SOFTMAX) Layer output();"));
        assertGeneratedContains(compilation, "example.NestedModel",
                ".layer(\"conv2_block1_1_conv\", \"Conv2D\", new int[] {8, 8, 5}, 95, 6080L)",
                ".layer(\"conv2_block2_1_conv\", \"Conv2D\", new int[] {8, 8, 4}, 184, 11776L)",
                "pool: @GlobalAveragePooling2D(), conv2_block2_1_relu (8, 8, 4)",
                "public Stage conv2() { return new Stage() {",
                "@Override public ConvNormRelu block1() { return new ConvNormRelu() {");
    }

    @Test
    void anErrorInsideABlockIsReportedAtItsUseWithANoteAtTheMember() {
        JavaFileObject block = block("Narrow",
                "@Dense(units = 3) @Param(\"units\") Layer dense();",
                "@Reshape(shape = {2, 2})          Layer grid();");
        JavaFileObject net = network("Net",
                "@Input(shape = 4)                           Layer x();",
                "Narrow ok();",
                "@Use(args = @Arg(name = \"units\", value = 4)) Narrow wide();");
        Compilation compilation = compile(block, net);
        assertThat(compilation).hadErrorContaining("ok_grid: @Reshape(shape = {2, 2}) holds 4 values but its input"
                + " 'ok_dense' holds 3 (member grid of block Narrow)").inFile(net).onLineContaining("Narrow ok();");
        assertThat(compilation).hadNoteContaining("the error at ok comes from member grid of block Narrow, declared here")
                .inFile(block).onLineContaining("Layer grid();");
        assertThat(compilation).hadErrorCount(1);
    }

    @Test
    void anArgumentNamesAParameterOfTheBlock() {
        JavaFileObject net = network("Net",
                "@Input(shape = {8, 8, 2}) Layer image();",
                "@Use(args = @Arg(name = \"filter\", value = 6)) ConvNormRelu conv1();");
        assertThat(compile(convNormRelu(), net)).hadErrorContaining(
                "conv1: block ConvNormRelu has no parameter 'filter'; its parameters: filters, stride")
                .inFile(net).onLineContaining("ConvNormRelu conv1();");
    }

    @Test
    void anIntAttributeTakesOneValue() {
        JavaFileObject net = network("Net",
                "@Input(shape = {8, 8, 2}) Layer image();",
                "@Use(args = @Arg(name = \"filters\", value = {6, 7})) ConvNormRelu conv1();");
        assertThat(compile(convNormRelu(), net)).hadErrorContaining(
                "conv1_1_conv: the parameter 'filters' sets the int attribute 'filters' and takes one value, but 2 are given")
                .inFile(net).onLineContaining("ConvNormRelu conv1();");
    }

    @Test
    void aParameterSetsAnIntAttributeOfTheLayer() {
        JavaFileObject block = block("Wrong",
                "@Dense(units = 3) @Param(\"size\")                 Layer dense();",
                "@Activation(RELU) @Param(value = \"kind\", attribute = \"value\") Layer relu();");
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "Wrong wrong();");
        Compilation compilation = compile(block, net);
        assertThat(compilation).hadErrorContaining("wrong_dense: @Param(\"size\") sets the attribute 'size', but @Dense has"
                + " none of that name").inFile(net).onLineContaining("Wrong wrong();");
        assertThat(compilation).hadNoteContaining("member dense of block Wrong").inFile(block).onLineContaining("Layer dense();");
        assertThat(compilation).hadErrorContaining("wrong_relu: @Param(\"kind\") sets 'value', but parameters set int and"
                + " int[] attributes only").inFile(net).onLineContaining("Wrong wrong();");
    }

    @Test
    void fromInsideABlockNamesNothingOutside() {
        JavaFileObject block = block("Leaky", "@Dense(units = 3, from = \"x\") Layer dense();");
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "Leaky leaky();");
        assertThat(compile(block, net)).hadErrorContaining("from = \"x\" names no member of block Leaky")
                .inFile(net).onLineContaining("Leaky leaky();");
    }

    @Test
    void aBlockThatUsesItselfIsAnError() {
        JavaFileObject block = block("Loop", "@Dense(units = 3) Layer dense();", "Loop again();");
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "Loop loop();");
        assertThat(compile(block, net)).hadErrorContaining("loop_again: block Loop uses itself: Loop uses Loop")
                .inFile(net).onLineContaining("Loop loop();");
    }

    @Test
    void aBlockTakesNoInput() {
        JavaFileObject block = block("Own", "@Input(shape = 4) Layer x();", "@Dense(units = 3) Layer dense();");
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "Own own();");
        assertThat(compile(block, net)).hadErrorContaining("own_x: a block takes what it is applied to;"
                + " @Input belongs to the network").inFile(net).onLineContaining("Own own();");
    }

    @Test
    void aBlockLayerNamedAsANetworkLayerIsAnError() {
        JavaFileObject block = block("Single", "@Dense(units = 3) Layer dense();");
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "@Dense(units = 3) Layer a_dense();",
                "Single a();");
        assertThat(compile(block, net)).hadErrorContaining("a_dense: another layer of Net has this name, which member"
                + " dense of block Single gets").inFile(net).onLineContaining("Single a();");
    }

    @Test
    void useAppliesABlockAndParamDeclaresOne() {
        JavaFileObject net = network("Net",
                "@Input(shape = 4) Layer x();",
                "@Use @Dense(units = 3) @Param(\"units\") Layer dense();");
        Compilation compilation = compile(net);
        assertThat(compilation).hadErrorContaining("dense: @Use applies a block, but dev.annonet.dsl.Layer is not a @Block"
                + " interface").inFile(net).onLineContaining("Layer dense();");
        assertThat(compilation).hadErrorContaining("dense: @Param declares a block's parameter, but Net is not a @Block"
                + " interface").inFile(net).onLineContaining("Layer dense();");
    }

    @Test
    void aBlockUseTakesNoLayerAnnotation() {
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "@Dense(units = 3) Single single();");
        assertThat(compile(block("Single", "@Dense(units = 3) Layer dense();"), net)).hadErrorContaining(
                "single: a member of type Single uses that block, which brings its own layers; it takes no layer annotation")
                .inFile(net).onLineContaining("Single single();");
    }

    @Test
    void errorsInsideNestedBlocksNoteEveryUse() {
        JavaFileObject inner = block("Inner", "@Reshape(shape = 5) Layer grid();");
        JavaFileObject outer = block("Outer", "@Dense(units = 3) Layer dense();", "Inner inner();");
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "Outer outer();");
        Compilation compilation = compile(inner, outer, net);
        assertThat(compilation).hadErrorContaining("outer_inner_grid: @Reshape(shape = 5) holds 5 values").inFile(net)
                .onLineContaining("Outer outer();");
        assertThat(compilation).hadNoteContaining("the error at inner comes from member grid of block Inner").inFile(inner)
                .onLineContaining("Layer grid();");
        assertThat(compilation).hadNoteContaining("the error at outer comes from member inner of block Outer").inFile(outer)
                .onLineContaining("Inner inner();");
    }

    @Test
    void aBlockAppliedToALayerAfterItMakesACycle() {
        JavaFileObject net = network("Net", "@Input(shape = 4) Layer x();", "@Use(from = \"after\") Single single();",
                "@Dense(units = 3) Layer after();");
        assertThat(compile(block("Single", "@Dense(units = 3) Layer dense();"), net)).hadErrorContaining(
                "single_dense: from = \"after\" makes a cycle of inputs: single_dense takes after, after takes single_dense")
                .inFile(net).onLineContaining("Single single();");
    }

    @Test
    void anOutputNamesABlockByItsUse() {
        Compilation compilation = compile(block("Single", "@Dense(units = 3) Layer dense();"),
                declaration("Net", "@Network(outputs = \"stage\")\npublic interface Net",
                        "@Input(shape = 4) Layer x();", "Single stage();"));
        assertGeneratedContains(compilation, "example.NetModel", ".output(\"stage_dense\", STAGE_DENSE,");
    }
}
