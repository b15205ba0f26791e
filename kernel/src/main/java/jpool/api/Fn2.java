package jpool.api;

import java.io.Serializable;

/** A two-argument task for {@code Pool.starmap}, e.g. {@code (a, b) -> a + b}. */
@FunctionalInterface
public interface Fn2<A, B, R> extends Serializable {
    R apply(A a, B b) throws Exception;
}
