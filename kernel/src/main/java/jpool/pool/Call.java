package jpool.pool;

import java.io.Serializable;

/** A task without arguments for {@link Pool#apply(Call)}, e.g. {@code () -> expensiveComputation()}. */
@FunctionalInterface
public interface Call<R> extends Serializable {
    R call() throws Exception;
}
