package jpool.api;

import java.io.Serializable;

/** A task without arguments for {@code Pool.apply}, e.g. {@code () -> expensiveComputation()}. */
@FunctionalInterface
public interface Call<R> extends Serializable {
    R call() throws Exception;
}
