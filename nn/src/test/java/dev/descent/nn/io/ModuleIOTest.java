package dev.descent.nn.io;

import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.io.Safetensors;
import dev.descent.core.io.SafetensorsFormatException;
import dev.descent.core.spi.Backend;
import dev.descent.nn.activations.Tanh;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleIOTest {
    private static final Backend DEFAULT = Backends.get();
    private static final TensorFactory F = Tensor.on(DEFAULT, DType.FLOAT64);

    private static Sequential model(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(F, 3, 4, true, null, null, rng), new Tanh(), new Linear(F, 4, 2, true, null, null, rng));
    }

    @Test
    void moduleSaveWritesWhatModuleIOWritesTaggedWithItsLayout(@TempDir Path dir) throws IOException {
        Sequential m = model(1);
        m.save(dir.resolve("by-module.safetensors"));
        ModuleIO.save(dir.resolve("by-io.safetensors"), m.stateDict());
        assertArrayEquals(Files.readAllBytes(dir.resolve("by-io.safetensors")), Files.readAllBytes(dir.resolve("by-module.safetensors")));
        assertEquals(Map.of("format", "descent"), Safetensors.read(dir.resolve("by-io.safetensors"), DEFAULT).metadata());

        m.saveForPyTorch(dir.resolve("pt-by-module.safetensors"));
        ModuleIO.saveForPyTorch(dir.resolve("pt-by-io.safetensors"), m.stateDictForPyTorch());
        assertArrayEquals(Files.readAllBytes(dir.resolve("pt-by-io.safetensors")), Files.readAllBytes(dir.resolve("pt-by-module.safetensors")));
        Safetensors.Contents pt = Safetensors.read(dir.resolve("pt-by-io.safetensors"), DEFAULT);
        assertEquals(Map.of("format", "pt"), pt.metadata());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(pt.tensors().keySet()));
        assertTrue(pt.tensors().get("2.weight").equal(m.namedParameters().get("2.weight").value().transpose()));
    }

    @Test
    void loadRoundTripsBothLayoutsOntoTheModule(@TempDir Path dir) throws IOException {
        Sequential source = model(2), plain = model(3), fromTorch = model(4);
        Path file = dir.resolve("m.safetensors"), torch = dir.resolve("t.safetensors");
        ModuleIO.save(file, source.stateDict());
        ModuleIO.saveForPyTorch(torch, source.stateDictForPyTorch());
        plain.loadStateDict(ModuleIO.load(file, DEFAULT));
        fromTorch.loadStateDictFromPyTorch(ModuleIO.load(torch, DEFAULT));
        for (String name : source.namedParameters().keySet()) {
            Tensor want = source.namedParameters().get(name).value();
            assertTrue(want.equal(plain.namedParameters().get(name).value()), name);
            assertTrue(want.equal(fromTorch.namedParameters().get(name).value()), name);
        }
    }

    @Test
    void theStateDictForPyTorchIsASnapshotNotAViewOfTheParameters() {
        Sequential m = model(5);
        Map<String, Tensor> snapshot = m.stateDictForPyTorch();
        double before = snapshot.get("0.bias").get(0);
        m.loadStateDict(model(6).stateDict());
        assertEquals(before, snapshot.get("0.bias").get(0));
    }

    @Test
    void aBadFileChangesNothingAndIsTheFormatException(@TempDir Path dir) throws IOException {
        Sequential m = model(7);
        Map<String, Tensor> before = m.stateDict();
        Path file = dir.resolve("bad.safetensors");
        ModuleIO.save(file, model(8).stateDict());
        byte[] bytes = Files.readAllBytes(file);
        bytes[20] = (byte) 0xFF; // an invalid UTF-8 byte inside the header's "__metadata__"
        Files.write(file, bytes);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> m.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertThrows(SafetensorsFormatException.class, () -> m.loadFromPyTorch(file));
        for (var entry : before.entrySet()) {
            assertTrue(entry.getValue().equal(m.namedParameters().get(entry.getKey()).value()), entry.getKey());
        }
    }
}
