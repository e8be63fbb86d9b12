package dev.cairn.persistence.tck;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * The kit's JUnit extension: tells the kit which rule the running test checks, makes sure every
 * failure names that rule (an unexpected exception from the provider becomes a {@code [rule N]}
 * failure with the exception as cause), and collects the results into the conformance report,
 * which is written when the test run ends.
 */
final class KitExtension implements BeforeTestExecutionCallback, TestWatcher, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KitExtension.class);

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        RuntimePersistenceKit kit = kit(context);
        if (kit == null) {
            return;
        }
        kit.settings = KitSettings.from(context);
        kit.currentRule = SpecRules.primaryRule(context.getRequiredTestMethod().getName());
        report(context).describe(kit);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withRule(context, throwable, "");
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw withRule(context, throwable, " before the test, while opening the factory (newFactory/sharedLocation)");
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw withRule(context, throwable, " after the test, while closing its factories");
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        report(context).record(context, ConformanceReport.Status.PASSED, null);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        report(context).record(context, ConformanceReport.Status.FAILED, String.valueOf(cause));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        report(context).record(context, cause instanceof TierNotClaimed ? ConformanceReport.Status.NOT_CLAIMED
                : ConformanceReport.Status.SKIPPED, cause == null ? "aborted" : cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        report(context).record(context, ConformanceReport.Status.SKIPPED, reason.orElse("disabled"));
    }

    private static Throwable withRule(ExtensionContext context, Throwable t, String where) {
        if (t instanceof TestAbortedException || !SpecRules.fromMessage(t.getMessage()).isEmpty()) {
            return t;
        }
        String method = context.getTestMethod().map(Method::getName).orElse("?");
        int rule = SpecRules.primaryRule(method);
        StackTraceElement[] at = t.getStackTrace();
        String origin = at.length == 0 ? "" : " (thrown at " + at[0] + ")";
        String what = method + " failed" + where + " with an unexpected " + t.getClass().getName() + ": "
                + t.getMessage() + origin;
        String hint = "the stack trace of the cause: the provider threw where the rule allows no exception, or a"
                + " different one than the rule documents; then " + SpecRules.hint(rule);
        AssertionError e = new AssertionError(SpecRules.message(rule, what, hint), t);
        return e;
    }

    /** @return the instance of the kit subclass (the outermost test instance), or null */
    private static RuntimePersistenceKit kit(ExtensionContext context) {
        List<Object> all = context.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
        return all.isEmpty() || !(all.get(0) instanceof RuntimePersistenceKit k) ? null : k;
    }

    private static ConformanceReport report(ExtensionContext context) {
        Class<?> kitClass = kitClass(context);
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(kitClass.getName(),
                k -> new ConformanceReport(kitClass), ConformanceReport.class);
    }

    /** @return the top-level test class: the kit subclass, also for tests of nested classes */
    private static Class<?> kitClass(ExtensionContext context) {
        Class<?> found = context.getTestClass().orElse(RuntimePersistenceKit.class);
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<Class<?>> cls = c.get().getTestClass();
            if (cls.isPresent()) {
                found = cls.get();
            }
        }
        return found;
    }
}
