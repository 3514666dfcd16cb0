package dev.xidlab.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.KernelModel;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Something that runs on the kernel model (the model itself, a SimLab), opened fresh for each test and closed after
 * it, so no test sees another's machine; on a host that cannot run the model the test is skipped with the reason.
 * Register it as an instance field: {@code @RegisterExtension final OnTheModel<SimLab> lab = new OnTheModel<>(SimLab::new);}
 */
public class OnTheModel<T extends AutoCloseable> implements BeforeEachCallback, AfterEachCallback {

    private final Supplier<T> open;
    private T opened;

    public OnTheModel(Supplier<T> open) {
        this.open = open;
    }

    /** What this test opened. */
    public T get() {
        if (opened == null) {
            throw new IllegalStateException("opened only while a test runs");
        }
        return opened;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        opened = open.get();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (opened != null) {
            T closing = opened;
            opened = null;
            closing.close();
        }
    }
}
