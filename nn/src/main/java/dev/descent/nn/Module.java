package dev.descent.nn;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.InPlace;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.io.ModuleIO;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A network component with parameters and child modules, as {@code torch.nn.Module}. Subclasses register their
 * parameters and children in the constructor and implement {@link #forward}; callers use {@link #apply}, which also
 * runs the forward hooks.
 *
 * <pre>{@code
 * class TwoLayer extends Module {
 *     final Linear hidden = register("hidden", new Linear(2, 16, rng));
 *     final Linear out = register("out", new Linear(16, 1, rng));
 *     public Variable forward(Variable x) { return out.apply(hidden.apply(x).tanh()); }
 * }
 * }</pre>
 *
 * <p>Parameter names are dotted paths ({@code hidden.weight}, {@code layers.0.bias}) in registration order, stable
 * across runs. Inside an {@link InferenceMode} scope a module's {@code forward} computes as in eval mode and
 * changes no state, without touching the {@code train()}/{@code eval()} flag, so one model can serve several
 * threads at once.
 */
public abstract class Module {
    private final Map<String, Variable> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Rng> generators = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new CopyOnWriteArrayList<>();
    private volatile boolean training = true;

    /** Called after a module's forward with its input and output (to inspect pre-activations and activations). */
    @FunctionalInterface
    public interface ForwardHook {
        void afterForward(Module module, Variable input, Variable output);
    }

    /** The module's computation. Call modules through {@link #apply}, which runs the hooks too. */
    public abstract Variable forward(Variable input);

    /** Runs {@link #forward} and then the forward hooks, as calling a PyTorch module does. */
    public final Variable apply(Variable input) {
        Variable output = forward(input);
        for (ForwardHook hook : hooks) hook.afterForward(this, input, output);
        return output;
    }

    /** Registers a hook run after every {@link #apply}; returns a handle that removes it. */
    public AutoCloseable registerForwardHook(ForwardHook hook) {
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    // ---------------------------------------------------------------- registration

    /** Registers a parameter (a variable that requires a gradient) under {@code name}. */
    protected final Variable registerParameter(String name, Tensor initial) {
        checkName(name);
        Variable p = Variable.parameter(initial);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name}; its parameters appear as {@code name.<its names>}. */
    protected final <M extends Module> M register(String name, M child) {
        checkName(name);
        if (child == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": module '" + name + "' is null");
        children.put(name, child);
        return child;
    }

    /**
     * Registers a buffer under {@code name}: state that is saved and loaded with the parameters but not trained, such
     * as BatchNorm's running statistics (PyTorch's {@code register_buffer}). The module updates it in place
     * ({@link InPlace}) and owns it; the state dict holds a copy.
     */
    protected final Tensor registerBuffer(String name, Tensor initial) {
        checkName(name);
        if (initial == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name + "' is null");
        buffers.put(name, BufferPool.keep(initial));           // made inside a BufferPool scope, it outlives it
        return initial;
    }

    /** Every buffer of this module and its descendants with its dotted name (the live tensors). */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectNamed("", m -> m.buffers, out);
        return out;
    }

    /** The parameters' values and then the buffers, by dotted name: what a state dict holds (the live tensors). */
    private Map<String, Tensor> namedState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.value()));
        out.putAll(namedBuffers());
        return out;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (non-empty, without dots)");
        }
        if (parameters.containsKey(name) || children.containsKey(name) || generators.containsKey(name)
                || buffers.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    /**
     * Registers a random generator the module draws from while training (a dropout mask's), so that checkpoints
     * can save and restore its state and a resumed run continues bit for bit.
     */
    protected final Rng registerGenerator(String name, Rng rng) {
        checkName(name);
        if (rng == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": generator '" + name + "' is null");
        generators.put(name, rng);
        return rng;
    }

    /** Every registered random generator with its dotted name. */
    public Map<String, Rng> namedGenerators() {
        Map<String, Rng> out = new LinkedHashMap<>();
        collectNamed("", m -> m.generators, out);
        return out;
    }

    /** Every entry of {@code own(module)} of this module and its descendants, under its dotted name, in order. */
    private <T> void collectNamed(String prefix, java.util.function.Function<Module, Map<String, T>> own,
                                  Map<String, T> out) {
        own.apply(this).forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, c) -> c.collectNamed(prefix + n + ".", own, out));
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its descendants, in registration order. */
    public List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every parameter with its dotted name, in registration order. */
    public Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        collectNamed("", m -> m.parameters, out);
        return out;
    }

    /** The direct children with their names. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** The number of parameter elements. */
    public long parameterCount() {
        long n = 0;
        for (Variable p : parameters()) n += p.value().size();
        return n;
    }

    // ---------------------------------------------------------------- modes and gradients

    /**
     * Training mode (the default): dropout is active. Applies to all descendants. The flag is shared by every
     * thread; for inference on one thread without changing it, use {@link InferenceMode}.
     */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Evaluation mode: dropout is the identity. Applies to all descendants. */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean on) {
        training = on;
        for (Module c : children.values()) c.setTraining(on);
    }

    /**
     * Whether this module computes in training mode on the calling thread: its flag is set by {@link #train()}
     * (not {@link #eval()}) and the thread is not inside an {@link InferenceMode} scope. Layers whose training and
     * evaluation differ (dropout, normalisation) read it in {@code forward}.
     */
    public boolean isTraining() {
        return training && !InferenceMode.isActive();
    }

    /** Clears the gradients of every parameter. */
    public void zeroGrad() {
        for (Variable p : parameters()) p.zeroGrad();
    }

    // ---------------------------------------------------------------- state

    /**
     * A snapshot of every parameter's value and every buffer (copies, ordinary tensors also inside a
     * {@link BufferPool} scope), by dotted name.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedState().forEach((n, t) -> out.put(n, BufferPool.outside(t::copy)));
        return out;
    }

    /**
     * Copies {@code state} into the parameters and buffers. Every name must be present and no other given, with
     * equal shape and dtype; all of it is checked ({@link #checkStateDict}) before anything changes, so a failed load
     * leaves the module as it was.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        checkStateDict(state);
        try (NoGrad scope = NoGrad.enter()) {
            for (var e : namedState().entrySet()) {
                Tensor own = e.getValue();
                InPlace.copy(state.get(e.getKey()).to(own.backend()), own);
            }
        }
    }

    /**
     * Checks, changing nothing, that {@link #loadStateDict} would accept {@code state}: throws
     * {@link IllegalArgumentException} listing every missing, unexpected or mis-shaped entry.
     */
    public void checkStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = namedState();
        List<String> problems = new ArrayList<>();
        for (String name : mine.keySet()) if (!state.containsKey(name)) problems.add("missing '" + name + "'");
        for (String name : state.keySet()) if (!mine.containsKey(name)) problems.add("unexpected '" + name + "'");
        for (var e : mine.entrySet()) {
            Tensor given = state.get(e.getKey());
            Tensor own = e.getValue();
            if (given == null) continue;
            if (!given.shape().equals(own.shape()) || given.dtype() != own.dtype()) {
                problems.add("'" + e.getKey() + "' is " + given.dtype() + " " + given.shape() + ", expected "
                        + own.dtype() + " " + own.shape());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + String.join("; ", problems));
        }
    }

    /**
     * The state dict in PyTorch's layout: {@link #stateDict()} with each parameter as PyTorch stores it
     * ({@code Linear} weights {@code (out, in)}), the names unchanged.
     */
    public Map<String, Tensor> stateDictForPyTorch() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        forEachParameter("", (name, local, owner, p) -> out.put(name, owner.toPyTorchLayout(local, p.value().copy())));
        namedBuffers().forEach((n, b) -> out.put(n, b.copy()));
        return out;
    }

    /**
     * {@link #loadStateDict} from a state dict in PyTorch's layout (see {@link #stateDictForPyTorch}); all of it is
     * checked before anything changes.
     */
    public void loadStateDictFromPyTorch(Map<String, Tensor> state) {
        Map<String, Tensor> converted = new LinkedHashMap<>(state);
        forEachParameter("", (name, local, owner, p) -> {
            Tensor t = state.get(name);
            if (t != null) converted.put(name, owner.fromPyTorchLayout(local, t));
        });
        loadStateDict(converted);
    }

    /** Saves {@link #stateDict()} as a safetensors file, atomically ({@link ModuleIO#save}). */
    public void save(Path file) throws IOException {
        ModuleIO.save(file, stateDict());
    }

    /** Loads a file written by {@link #save} ({@link ModuleIO#load}); nothing changes if it does not match this module. */
    public void load(Path file) throws IOException {
        loadStateDict(ModuleIO.load(file, backend()));
    }

    /**
     * Saves in PyTorch's layout ({@link #stateDictForPyTorch}), which {@code torch.nn.Module.load_state_dict} accepts
     * after {@code safetensors.torch.load_file}.
     */
    public void saveForPyTorch(Path file) throws IOException {
        ModuleIO.saveForPyTorch(file, stateDictForPyTorch());
    }

    /** Loads a file in PyTorch's layout (see {@link #saveForPyTorch}); nothing changes if it does not match. */
    public void loadFromPyTorch(Path file) throws IOException {
        loadStateDictFromPyTorch(ModuleIO.load(file, backend()));
    }

    /** A parameter's value in PyTorch's layout; the identity unless a layer stores it differently. */
    protected Tensor toPyTorchLayout(String parameterName, Tensor value) {
        return value;
    }

    /** The inverse of {@link #toPyTorchLayout}. */
    protected Tensor fromPyTorchLayout(String parameterName, Tensor value) {
        return value;
    }

    private interface ParameterVisitor {
        void visit(String fullName, String localName, Module owner, Variable parameter);
    }

    private void forEachParameter(String prefix, ParameterVisitor visitor) {
        parameters.forEach((n, p) -> visitor.visit(prefix + n, n, this, p));
        children.forEach((n, c) -> c.forEachParameter(prefix + n + ".", visitor));
    }

    private dev.descent.core.spi.Backend backend() {
        List<Variable> ps = parameters();
        if (ps.isEmpty()) return dev.descent.core.Backends.get();
        return ps.get(0).value().backend();
    }

    // ---------------------------------------------------------------- description

    /** A one-line description of this module's own configuration, such as {@code Linear(in=2, out=16, bias=true)}. */
    protected String describe() {
        return getClass().getSimpleName() + "()";
    }

    /** A summary: the module tree with each module's configuration and parameter count, and the total. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb, "", null);
        sb.append(String.format("Total parameters: %,d", parameterCount()));
        return sb.toString();
    }

    private void append(StringBuilder sb, String indent, String name) {
        sb.append(indent);
        if (name != null) sb.append('(').append(name).append("): ");
        sb.append(describe());
        long own = 0;
        for (Variable p : parameters.values()) own += p.value().size();
        if (own > 0) {
            sb.append(String.format("  [%,d params:", own));
            parameters.forEach((n, p) -> sb.append(' ').append(n).append(p.value().shape()));
            sb.append(']');
        }
        sb.append('\n');
        children.forEach((n, c) -> c.append(sb, indent + "  ", n));
    }
}
