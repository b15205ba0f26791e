package jpool.api;

import java.io.Serializable;

/**
 * A one-argument task that returns nothing, e.g. {@code x -> System.out.println(x)}, for {@code Pool.runAsync},
 * {@code Pool.run} and {@code Pool.forEach}.
 * <p>Why a separate interface and separate method names: for a lambda with an untyped parameter whose body is a
 * method call ({@code x -> work(x)}), Java cannot choose between an overload taking a value-returning interface
 * ({@link Fn}) and one taking a void one, whatever {@code work} returns ("reference to applyAsync is ambiguous"). So
 * value-returning tasks go to {@code apply}/{@code applyAsync}/{@code map}, and tasks that return nothing to
 * {@code run}/{@code runAsync}/{@code forEach}, as the JDK's {@code CompletableFuture.supplyAsync}/{@code runAsync}.
 */
@FunctionalInterface
public interface Act<A> extends Serializable {
    void accept(A arg) throws Exception;
}
