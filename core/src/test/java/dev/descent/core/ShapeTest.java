package dev.descent.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeTest {

    @Test
    void basics() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(3, s.rank());
        assertEquals(24, s.size());
        assertEquals(4, s.dim(-1));
        assertArrayEquals(new int[] {12, 4, 1}, s.strides());
        assertEquals("(2, 3, 4)", s.toString());
        assertEquals("(3,)", Shape.of(3).toString());
        assertEquals("()", Shape.scalar().toString());
        assertEquals(1, Shape.scalar().size());
        assertEquals(0, Shape.of(2, 0).size());
        assertEquals(Shape.of(2, 1, 3, 4), s.insert(1));
        assertEquals(Shape.of(2, 3, 4, 1), s.insert(-1));
        assertEquals(Shape.of(2, 4), s.without(1));
        assertEquals(Shape.of(2, 7, 4), s.with(-2, 7));
        assertEquals(12, s.sizeOf(1, 3));
    }

    @Test
    void broadcasting() {
        assertEquals(Shape.of(2, 3), Shape.broadcast("t", Shape.of(2, 3), Shape.of(3)));
        assertEquals(Shape.of(4, 2, 3), Shape.broadcast("t", Shape.of(4, 1, 3), Shape.of(2, 1)));
        assertEquals(Shape.of(0, 3), Shape.broadcast("t", Shape.of(0, 1), Shape.of(1, 3)));
        assertEquals(Shape.of(5), Shape.broadcast("t", Shape.scalar(), Shape.of(5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.broadcast("add", Shape.of(2, 3), Shape.of(4)));
        assertEquals("add: shapes (2, 3) and (4,) cannot be broadcast (axis -1: 3 vs 4)", e.getMessage());
        assertTrue(Shape.of(3).broadcastsTo(Shape.of(2, 3)));
        assertFalse(Shape.of(2, 3).broadcastsTo(Shape.of(3)));
        assertFalse(Shape.of(2).broadcastsTo(Shape.of(3)));
    }

    @Test
    void invalidShapesAndAxes() {
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -3));
        assertEquals("Shape.of: dimension 1 must be >= 0, got -3 in [2, -3]", neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(1 << 16, 1 << 16));
        IllegalArgumentException axis = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).axis("sum", -3));
        assertEquals("sum: axis -3 is out of range for rank 2 (expected -2 <= axis < 2)", axis.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.scalar().dim(0));
    }

    @Test
    void dimsAreCopied() {
        int[] dims = {2, 3};
        Shape s = Shape.of(dims);
        dims[0] = 9;
        s.dims()[1] = 9;
        assertEquals(Shape.of(2, 3), s);
    }
}
