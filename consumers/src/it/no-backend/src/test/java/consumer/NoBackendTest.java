package consumer;

import dev.descent.core.Backends;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A consumer that forgot the backend artifact gets told which one to add. */
class NoBackendTest {
    @Test
    void theErrorNamesTheArtifactsToAdd() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2, 2));
        assertTrue(e.getMessage().contains("dev.descent:descent-backend-ejml"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.descent:descent-backend-jblas"), e.getMessage());
        assertTrue(Backends.describe().contains("0 found"), Backends.describe());
    }
}
