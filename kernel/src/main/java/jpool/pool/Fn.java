package jpool.pool;

import java.io.Serializable;

/** A one-argument task for a {@link Pool}, e.g. {@code x -> x * x}; Serializable so it can be shipped to workers. */
@FunctionalInterface
public interface Fn<A, R> extends Serializable {
    R apply(A arg) throws Exception;
}
