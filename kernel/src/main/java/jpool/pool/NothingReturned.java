package jpool.pool;

import jpool.api.Act2;
import jpool.api.Act;
import jpool.api.Call;
import jpool.api.Fn2;
import jpool.api.Fn;
import jpool.api.Job;

import java.util.Objects;

/**
 * Adapters that run a task returning nothing as one whose value is {@code null}, like a Python function without
 * {@code return}: the pool's machinery (shipping, chunks, outcomes) then has one form of task. Named classes, not
 * lambdas, so that they travel by name with the user's task as their one field.
 */
final class NothingReturned {
    private NothingReturned() {
    }

    record OfAct<A>(Act<A> act) implements Fn<A, Void> {
        @Override
        public Void apply(A arg) throws Exception {
            act.accept(arg);
            return null;
        }
    }

    record OfAct2<A, B>(Act2<A, B> act) implements Fn2<A, B, Void> {
        @Override
        public Void apply(A a, B b) throws Exception {
            act.accept(a, b);
            return null;
        }
    }

    record OfJob(Job job) implements Call<Void> {
        @Override
        public Void call() throws Exception {
            job.run();
            return null;
        }
    }

    static <A> Fn<A, Void> of(Act<A> act) {
        return new OfAct<>(Objects.requireNonNull(act, "the task is null"));
    }

    static <A, B> Fn2<A, B, Void> of(Act2<A, B> act) {
        return new OfAct2<>(Objects.requireNonNull(act, "the task is null"));
    }

    static Call<Void> of(Job job) {
        return new OfJob(Objects.requireNonNull(job, "the task is null"));
    }
}
