package jpool.eval;

import java.util.concurrent.Callable;

/** A class whose bytes ClassFileTest reads and rewrites: a top-level class, so it loads alone in a fresh loader. */
public class ClassFileSample implements Callable<String>, Runnable {
    static long counter;
    static final String TEXT = "héllo ✓ \u0000 end";  // modified UTF-8: two- and three-byte characters and NUL

    public int runs;

    @Override
    public String call() {
        double ratio = 3.5e300;   // an 8-byte constant takes two constant-pool slots
        long big = 1234567890123L;
        counter += big > 0 && ratio > 0 ? 1 : 0;
        return TEXT + new StringBuilder("!").append(counter);
    }

    @Override
    public void run() {
        runs++;
    }
}
