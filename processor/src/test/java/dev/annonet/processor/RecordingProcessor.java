package dev.annonet.processor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * The {@link NetworkProcessor}, with a record of the source files it creates: compile-testing
 * hides generated files once a compilation has failed, and the tests check that none was written.
 * It can also make every write fail, to test how the processor survives a failure.
 */
final class RecordingProcessor extends AbstractProcessor {
    private final NetworkProcessor processor = new NetworkProcessor();
    private final List<String> written = new ArrayList<>();
    private final RuntimeException writeFailure;

    RecordingProcessor() {
        this(null);
    }

    /** A processor whose writes throw {@code writeFailure} (none when null). */
    RecordingProcessor(RuntimeException writeFailure) {
        this.writeFailure = writeFailure;
    }

    List<String> written() {
        return List.copyOf(written);
    }

    @Override
    public synchronized void init(ProcessingEnvironment environment) {
        super.init(environment);
        Filer filer = environment.getFiler();
        Filer recordingFiler = proxy(Filer.class, (method, args) -> {
            if (method.getName().equals("createSourceFile")) {
                if (writeFailure != null) {
                    throw writeFailure;
                }
                written.add(args[0].toString());
            }
            return method.invoke(filer, args);
        });
        processor.init(proxy(ProcessingEnvironment.class,
                (method, args) -> method.getName().equals("getFiler") ? recordingFiler : method.invoke(environment, args)));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return processor.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return processor.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return processor.process(annotations, round);
    }

    private interface Handler {
        Object handle(Method method, Object[] args) throws ReflectiveOperationException;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            try {
                return handler.handle(method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
