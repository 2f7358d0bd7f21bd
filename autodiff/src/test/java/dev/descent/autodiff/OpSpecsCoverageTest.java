package dev.descent.autodiff;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpSpecsCoverageTest {
    /** Public methods returning a Variable that are not differentiable operations. */
    private static final Set<String> NOT_OPS = Set.of("constant", "parameter", "record", "detach", "retainGrad",
            "registerHook", "gradVariable");

    @Test
    void everyDifferentiableOperationHasASpec() {
        Set<String> ops = Arrays.stream(Variable.class.getMethods())
                .filter(m -> m.getReturnType() == Variable.class && m.getDeclaringClass() == Variable.class)
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(Method::getName)
                .filter(n -> !NOT_OPS.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> covered = OpSpecs.all().stream().flatMap(s -> s.covers().stream()).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>(ops);
        missing.removeAll(covered);
        assertEquals(Set.of(), missing, "differentiable operations without a spec in OpSpecs");
        assertTrue(ops.size() >= 50, "found only " + ops.size() + " operations: " + ops);
        System.out.println("OpSpecs: " + ops.size() + " differentiable operations in " + OpSpecs.all().size() + " specs");
    }
}
