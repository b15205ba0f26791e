package jpool.api;

import java.io.Serializable;

/** A one-argument task for a {@code Pool}, e.g. {@code x -> x * x}; Serializable so it can be shipped to workers. */
@FunctionalInterface
public interface Fn<A, R> extends Serializable {
    R apply(A arg) throws Exception;
}
