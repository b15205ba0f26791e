package jpool.pool;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pool decides frames under its lock and writes them after: a worker's frames must still leave in the order
 * decided, none left behind, whichever threads flush and however they interleave.
 */
class PoolWorkerOutboxTest {
    @Test
    void framesPostedFromManyThreadsLeaveInTheOrderPostedAndNoneIsLeftBehind() throws Exception {
        PoolWorker w = new PoolWorker(null, "PoolWorker-test");
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        Object poolLock = new Object();
        int[] next = {0};
        int threads = 4, each = 5_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    synchronized (poolLock) { // as the pool does: numbers are handed out and posted under its lock
                        int n = next[0]++;
                        w.post((h, more, after) -> {
                            written.add(n);
                            Thread.yield(); // a write takes a while: other threads find the writer busy
                        });
                    }
                    w.flush(); // outside the lock
                }
            });
            th.start();
            all.add(th);
        }
        go.countDown();
        for (Thread th : all) th.join();
        assertEquals(threads * each, written.size(), "every posted frame was written");
        for (int i = 0; i < written.size(); i++) assertEquals(i, written.get(i), "frame " + i + " left out of order");
    }

    @Test
    void framesFlushedTogetherKnowTheyGoInOneWrite() {
        PoolWorker w = new PoolWorker(null, "PoolWorker-test");
        List<String> seen = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) w.post((h, more, after) -> seen.add(name + (more ? "+more" : "") + (after ? "+after" : "")));
        w.flush();
        assertEquals(List.of("a+more", "b+more+after", "c+after"), seen,
                "all but the last wait for the next; the last writes what the others left in the buffer");
        w.post((h, more, after) -> seen.add("alone" + (more ? "+more" : "") + (after ? "+after" : "")));
        w.flush();
        assertEquals("alone", seen.get(3), "a frame flushed by itself chooses its own delivery");
    }
}
