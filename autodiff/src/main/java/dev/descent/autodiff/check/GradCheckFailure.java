package dev.descent.autodiff.check;

/** Thrown by {@link GradCheck} when an analytic gradient disagrees with finite differences; carries the report. */
public final class GradCheckFailure extends AssertionError {
    private final transient GradCheckReport report;

    GradCheckFailure(GradCheckReport report) {
        super(report.toString());
        this.report = report;
    }

    public GradCheckReport report() {
        return report;
    }
}
