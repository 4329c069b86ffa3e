package hvlab.tui.classroom;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A student's Java class for a VMM-side exercise: compiled with the JDK's own compiler into a
 * scratch folder, loaded by a class loader of its own (beside hvlab, not inside it), and called
 * with a deadline, so that a loop that never ends costs a failed check, not a hung grader.
 */
final class StudentJava {
    /** Why a call gave no answer: the student's exception, or the deadline. */
    static final class NoAnswer extends Exception {
        NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private StudentJava() {}

    /** Compiles {@code work/NAME.java} (no package) and loads class NAME; a failure says why in one message. */
    static Class<?> compile(Path work, String className) {
        Path source = work.resolve(className + ".java");
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("there is no " + source);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this Java has no compiler (a JDK is needed, not a JRE)");
        }
        try {
            Path classes = Files.createTempDirectory("hvlab-exercise");
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = javac.run(null, errors, errors, "-d", classes.toString(), source.toString());
            if (status != 0) {
                throw new IllegalStateException(errors.toString(StandardCharsets.UTF_8).strip());
            }
            URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            return loader.loadClass(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(source + " must declare the class " + className + " (with no package)");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot compile " + source + ": " + e.getMessage());
        }
    }

    /** The public static method {@code name} of the student's class, or why it is not there. */
    static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type.getSimpleName() + " needs a public static method " + name);
        }
    }

    /** Calls a static method of the student's with a deadline of 5 seconds. */
    static Object call(Method method, Object... args) throws NoAnswer {
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "student-code");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Object> answer = runner.submit(() -> method.invoke(null, args));
            return answer.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new NoAnswer("did not return within 5 s");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException target ? target.getCause() : e.getCause();
            throw new NoAnswer("threw " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswer("was interrupted");
        } finally {
            runner.shutdownNow();
        }
    }
}
