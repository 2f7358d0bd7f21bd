package dev.descent.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The importer's shape arithmetic broadcasts integer vectors as ONNX's multidirectional broadcasting does in 1-D. */
class IntegerBroadcastTest {
    @Test
    void oneEntryRepeatsAndAnEmptyVectorStaysEmpty() {
        assertEquals(3, OnnxOps.broadcastLength("node 'n' (Add)", 3, 1));
        assertEquals(3, OnnxOps.broadcastLength("node 'n' (Add)", 1, 3));
        assertEquals(1, OnnxOps.broadcastLength("node 'n' (Add)", 1, 1));
        assertEquals(0, OnnxOps.broadcastLength("node 'n' (Add)", 0, 1));
        assertEquals(0, OnnxOps.broadcastLength("node 'n' (Where)", 1, 0, 1));
        assertEquals(4, OnnxOps.broadcastLength("node 'n' (Where)", 4, 1, 4));
    }

    @Test
    void unequalLengthsAreRefusedNamingTheNode() {
        for (int[] lengths : new int[][] {{2, 3}, {0, 2}, {2, 0}, {4, 1, 3}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxOps.broadcastLength("node 'shape_add' (Add)", lengths));
            assertTrue(e.getMessage().contains("node 'shape_add' (Add)") && e.getMessage().contains("do not broadcast"),
                    e.getMessage());
        }
    }
}
