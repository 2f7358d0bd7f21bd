package dev.descent.examples.cli;

import dev.descent.examples.Demo;
import dev.descent.examples.DemoResult;
import dev.descent.examples.DemoUnavailableException;
import dev.descent.examples.Lecture;
import dev.descent.examples.RunContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code descent lecture}: every demo of the lecture with its default settings, and the HTML report. */
@Command(name = "lecture", mixinStandardHelpOptions = true,
        header = "Every demo of the lecture, and the HTML report",
        description = {"Runs the lecture's demos (init, learning-rate, gradient-descent, optimizers, clipping, losses,",
                "shapes, hyperparameters, layers, early-stopping, sparse, training-steps, sequence, exploding-gradients,",
                "fashion-mnist and mlp-vs-cnn, whose",
                "data is found or downloaded) and writes OUT/report/index.html."})
final class LectureCommand implements Callable<Integer> {
    @ParentCommand
    DescentCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--only", split = ",", paramLabel = "DEMO", description = "Run only these demos.")
    List<String> only = List.of();

    @Option(names = "--skip", split = ",", paramLabel = "DEMO", description = "Skip these demos.")
    List<String> skip = List.of();

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST: " + FashionMnistCommand.DATA_HELP)
    Path data;

    @Option(names = "--no-download", description = FashionMnistCommand.NO_DOWNLOAD_HELP)
    boolean noDownload;

    /** The demo subcommands the lecture runs, in the order the command tree lists them. */
    List<DemoCommand> demoCommands() {
        List<DemoCommand> out = new ArrayList<>();
        for (CommandLine sub : spec.parent().subcommands().values()) {
            if (sub.getCommand() instanceof DemoCommand d && d.inLecture() && !out.contains(d)) out.add(d);
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        RunContext ctx = root.context();
        List<DemoCommand> all = demoCommands();
        List<String> names = all.stream().map(d -> d.spec.name()).toList();
        for (String n : only) if (!names.contains(n)) throw unknown("--only", n, names);
        for (String n : skip) if (!names.contains(n)) throw unknown("--skip", n, names);
        ctx.backend(); // an unavailable backend fails before any work
        List<Demo> demos = new ArrayList<>();
        for (DemoCommand d : all) {
            String name = d.spec.name();
            if ((!only.isEmpty() && !only.contains(name)) || skip.contains(name)) continue;
            if (d instanceof FashionMnistCommand f) {
                f.data = data;
                f.noDownload = noDownload;
            }
            if (d instanceof MlpVsCnnCommand m) {
                m.data = data;
                m.noDownload = noDownload;
            }
            demos.add(lazy(d));
        }
        Lecture.Outcome o = Lecture.run(demos, ctx);
        ctx.out().println("report: " + o.index().toAbsolutePath().normalize());
        if (o.exitCode() != 0) {
            List<String> parts = new ArrayList<>();
            if (!o.failed().isEmpty()) parts.add(o.failed().size() + " failed (" + keys(o.failed()) + ")");
            if (!o.notBuilt().isEmpty()) {
                parts.add(o.notBuilt().size() + " not available in this build (" + keys(o.notBuilt()) + ")");
            }
            ctx.err().println("descent lecture: of " + demos.size() + " demos, " + String.join(" and ", parts));
        }
        return o.exitCode();
    }

    private CommandLine.ParameterException unknown(String option, String value, List<String> names) {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option
                + "': unknown demo '" + value + "' (expected one of " + String.join(", ", names) + ")");
    }

    private static String keys(Map<String, String> m) {
        return String.join(", ", m.keySet());
    }

    /** The command's demo, created when the lecture reaches it (so an unavailable one is reported in its place). */
    private static Demo lazy(DemoCommand d) {
        String name = d.spec.name();
        String[] header = d.spec.usageMessage().header();
        String title = header.length > 0 ? header[0] : name;
        return new Demo() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String title() {
                try {
                    return d.demo().title();
                } catch (DemoUnavailableException e) {
                    return title;
                }
            }

            @Override
            public DemoResult run(RunContext ctx) throws Exception {
                d.validate();
                return d.demo().run(ctx);
            }
        };
    }
}
