package jpool.pool;

import jpool.api.JpoolException;
import jpool.eval.RemoteTraced;
import jpool.workers.RemoteFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * Some inputs of a {@code map} failed. Nothing else is lost: {@link #results()} has every value in input order
 * (null where the input failed), {@link #outcomes()} has the details of each input, {@link #failures()} only the
 * failed ones.
 */
public class MapFailed extends JpoolException implements RemoteTraced {
    private final transient List<Outcome<Object>> outcomes;

    MapFailed(List<Outcome<Object>> outcomes) {
        super(summary(outcomes), null, false);
        this.outcomes = outcomes;
    }

    private static String summary(List<Outcome<Object>> outcomes) {
        List<Outcome<Object>> failed = outcomes.stream().filter(o -> !o.ok()).toList();
        StringBuilder sb = new StringBuilder(failed.size() + " of " + outcomes.size() + " inputs failed ("
                + (outcomes.size() - failed.size()) + " results kept, see results()/outcomes()):");
        int shown = 0;
        for (Outcome<Object> o : failed) {
            if (shown++ == 10) {
                sb.append("\n  … and ").append(failed.size() - 10).append(" more");
                break;
            }
            sb.append("\n  input #").append(o.index()).append(' ').append(Pool.show(o.input())).append(": ")
                    .append(causeLine(o.error()));
        }
        return sb.toString();
    }

    private static String causeLine(RuntimeException e) {
        if (e instanceof TaskFailed t) return t.remoteClass() + (t.remoteMessage().isEmpty() ? "" : ": " + t.remoteMessage());
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Every input's value in input order; null where that input failed. */
    @SuppressWarnings("unchecked")
    public <R> List<R> results() {
        List<R> out = new ArrayList<>();
        for (Outcome<Object> o : outcomes) out.add((R) o.value());
        return out;
    }

    /** One outcome per input, in input order. */
    public List<Outcome<Object>> outcomes() {
        return outcomes;
    }

    /** The outcomes of the inputs that failed. */
    public List<Outcome<Object>> failures() {
        return outcomes.stream().filter(o -> !o.ok()).toList();
    }

    /** One entry per failed input: the worker's trace where it failed in a worker. */
    @Override
    public List<Trace> remoteTraces() {
        List<Trace> traces = new ArrayList<>();
        for (Outcome<Object> o : failures())
            traces.add(new Trace("input #" + o.index(), o.input(), o.error() instanceof RemoteFailure rf ? rf.remoteTrace() : null));
        return traces;
    }
}
