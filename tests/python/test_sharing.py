"""Sharing between processes (jpool.sharing) end to end: cells on a real jpool kernel start worker JVMs that use
queues, events, locks, shared memory and managed collections together with the kernel.

Synchronisation is always by the primitives themselves (join, get, waitFor), never by sleeping; the only sleep is a
worker that must hold a lock "forever" until it is killed, and a shutdown hook that keeps an exiting worker alive.
"""
import re

import pytest


def java_string(path):
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def lines_with(text, prefix):
    return [l for l in text.splitlines() if prefix in l]


def test_global_list_changed_in_worker_is_unchanged_in_kernel(kernel):
    out = kernel.ok("""
        List<Integer> nums = new ArrayList<>(List.of(1, 2, 3));
        Proc p = new Proc(() -> { nums.add(99); System.out.println("worker sees " + nums); });
        p.start();
        p.join();
        System.out.println("kernel sees " + nums + " exit " + p.exitCode());
    """).stdout
    assert "worker sees [1, 2, 3, 99]" in out
    assert "kernel sees [1, 2, 3] exit 0" in out


def test_queue_carries_cell_defined_record_whose_method_runs_in_worker(kernel):
    kernel.ok("record Order(String item, int qty, double price) { double total() { return qty * price; } }")
    out = kernel.ok("""
        MpQueue<Order> orders = new MpQueue<>();
        MpQueue<String> totals = new MpQueue<>();
        Proc clerk = new Proc(() -> { Order o = orders.get(); totals.put(o.item() + " total " + o.total()); });
        clerk.start();
        orders.put(new Order("tea", 3, 2.5));
        System.out.println(totals.get(120));
        clerk.join();
    """).stdout
    assert "tea total 7.5" in out


def test_class_defined_after_the_worker_started_reaches_it(kernel):
    kernel.ok("""
        MpQueue<Object> late = new MpQueue<>();
        MpQueue<String> seen = new MpQueue<>();
        Proc reader = new Proc(() -> seen.put("worker got " + late.get()));
        reader.start();
    """)
    kernel.ok("record LateBird(String name) { }")
    out = kernel.ok("""
        late.put(new LateBird("robin"));
        System.out.println(seen.get(120));
        reader.join();
    """).stdout
    assert "worker got LateBird[name=robin]" in out


def test_poison_pill_consumers_receive_every_task(kernel):
    out = kernel.ok("""
        JoinableMpQueue<Integer> tasks = new JoinableMpQueue<>();
        MpQueue<String> results = new MpQueue<>();
        int consumers = 2 * Mp.cpuCount();
        List<Proc> crew = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            crew.add(new Proc(() -> {
                while (true) {
                    int t = tasks.get();
                    if (t < 0) { tasks.taskDone(); break; }   // poison pill
                    results.put(t + "^2=" + t * t + " by " + Mp.current().name());
                    tasks.taskDone();
                }
            }));
        }
        crew.forEach(Proc::start);
        for (int i = 0; i < 10; i++) tasks.put(i);
        for (int c = 0; c < consumers; c++) tasks.put(-1);
        tasks.join();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 10; i++) got.add(results.get(120));
        crew.forEach(Proc::join);
        System.out.println("consumers " + consumers);
        got.forEach(System.out::println);
        System.out.println("left " + results.size() + " unfinished " + tasks.unfinished()
            + " exits " + crew.stream().map(Proc::exitCode).distinct().toList());
    """).stdout
    consumers = int(re.search(r"consumers (\d+)", out).group(1))
    assert consumers >= 2
    squares = sorted(int(m.group(1)) for m in re.finditer(r"^(\d+)\^2=(\d+) by", out, re.M))
    assert squares == list(range(10)), out
    for m in re.finditer(r"^(\d+)\^2=(\d+) by", out, re.M):
        assert int(m.group(2)) == int(m.group(1)) ** 2
    assert "left 0 unfinished 0 exits [0]" in out


def test_event_wait_with_and_without_timeout(kernel):
    out = kernel.ok("""
        MpEvent go = new MpEvent();
        Proc patient = new Proc("patient", () -> { go.waitFor(); System.out.println("patient: isSet " + go.isSet()); });
        Proc hasty = new Proc("hasty", () -> {
            long t0 = System.nanoTime();
            boolean got = go.waitFor(2.0);
            System.out.println(String.format("hasty: waited %.1f s, got %s, isSet %s", (System.nanoTime() - t0) / 1e9, got, go.isSet()));
        });
        patient.start();
        hasty.start();
        hasty.join();                       // the 2 s timeout passes while the event is still clear
        System.out.println("before set: patient alive " + patient.isAlive());
        go.set();
        patient.join();
        System.out.println("after set: patient exit " + patient.exitCode() + ", isSet " + go.isSet());
    """).stdout
    m = re.search(r"hasty: waited ([\d.]+) s, got false, isSet false", out)
    assert m, out
    assert float(m.group(1)) >= 1.9
    assert "before set: patient alive true" in out
    assert "patient: isSet true" in out
    assert "after set: patient exit 0, isSet true" in out


def test_shared_double_changed_by_worker(kernel):
    out = kernel.ok("""
        SharedDouble balance = new SharedDouble(10.0);
        new Proc(() -> balance.addAndGet(0.78)).start().join();
        System.out.println("balance " + balance.get());
    """).stdout
    assert "balance 10.78" in out


def test_shared_int_array_element_changed_by_worker(kernel):
    out = kernel.ok("""
        SharedIntArray cells = new SharedIntArray(new int[] {1, 2, 3, 4, 5});
        new Proc(() -> cells.set(2, -cells.get(2) * 100)).start().join();
        System.out.println(cells);
    """).stdout
    assert "SharedIntArray[1, 2, -300, 4, 5]" in out


def test_managed_map_and_list_filled_by_worker(kernel):
    out = kernel.ok("""
        Manager manager = new Manager();
        SharedMap<String, Integer> ages = manager.map();
        SharedList<String> names = manager.list();
        ages.put("kernel", 0);
        new Proc(() -> {
            ages.put("ada", 36);
            ages.put("alan", 41);
            names.add("ada");
            names.add("alan");
            names.set(0, names.get(0).toUpperCase());
        }).start().join();
        System.out.println("map " + ages.snapshot());
        System.out.println("list " + names.snapshot());
        System.out.println("text " + names);
    """).stdout
    assert "map {kernel=0, ada=36, alan=41}" in out
    assert "list [ADA, alan]" in out
    assert re.search(r"text SharedList\[list-\d+: \[ADA, alan\]\]", out)


def test_four_workers_add_ten_thousand_each_to_a_shared_counter(kernel):
    out = kernel.ok("""
        SharedInt counter = new SharedInt(0);
        SharedMap<String, Integer> tally = new SharedMap<>();
        List<Proc> adders = new ArrayList<>();
        for (int w = 0; w < 4; w++) adders.add(new Proc(() -> {
            for (int i = 0; i < 10_000; i++) counter.addAndGet(1);
            for (int i = 0; i < 500; i++) tally.add("n", 1);
        }));
        adders.forEach(Proc::start);
        adders.forEach(Proc::join);
        System.out.println("counter " + counter.get() + " tally " + tally.get("n"));
    """).stdout
    assert "counter 40000 tally 2000" in out


def test_queue_carries_100000_messages_from_4_producers_to_2_consumers(kernel):
    out = kernel.ok("""
        MpQueue<Integer> wire = new MpQueue<>();
        MpQueue<BitSet> reports = new MpQueue<>();
        int perProducer = 25_000;
        List<Proc> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * perProducer;
            producers.add(new Proc(() -> { for (int i = 0; i < perProducer; i++) wire.put(base + i); }));
        }
        List<Proc> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) consumers.add(new Proc(() -> {
            BitSet seen = new BitSet();
            int dup = 0;
            for (int v; (v = wire.get()) >= 0; ) { if (seen.get(v)) dup++; seen.set(v); }
            if (dup > 0) System.out.println("duplicates in one consumer: " + dup);
            reports.put(seen);
        }));
        long t0 = System.nanoTime();
        consumers.forEach(Proc::start);
        producers.forEach(Proc::start);
        producers.forEach(Proc::join);
        wire.put(-1);
        wire.put(-1);
        BitSet a = reports.get(300), b = reports.get(300);
        consumers.forEach(Proc::join);
        BitSet both = (BitSet) a.clone();
        both.and(b);
        BitSet all = (BitSet) a.clone();
        all.or(b);
        System.out.printf("received %d, by both %d, distinct %d, max %d, left %d in %.1f s%n",
            a.cardinality() + b.cardinality(), both.cardinality(), all.cardinality(), all.length() - 1, wire.size(),
            (System.nanoTime() - t0) / 1e9);
    """, timeout=600).stdout
    assert "duplicates" not in out
    assert re.search(r"received 100000, by both 0, distinct 100000, max 99999, left 0 in", out), out


def test_killed_lock_holder_does_not_deadlock_the_others(kernel):
    out = kernel.ok("""
        MpLock lock = new MpLock();
        MpEvent holding = new MpEvent();
        Proc holder = new Proc(() -> { lock.acquire(); holding.set(); Thread.sleep(600_000); });
        holder.start();
        System.out.println("holder has it " + holding.waitFor(120) + ", locked " + lock.isLocked()
            + ", kernel can take it " + lock.tryAcquire());
        Proc waiter = new Proc(() -> { lock.acquire(); System.out.println("waiter got the lock"); lock.release(); });
        waiter.start();
        holder.kill();
        holder.join();
        waiter.join(120);
        System.out.println("holder exit " + holder.exitCode() + ", waiter exit " + waiter.exitCode()
            + ", locked " + lock.isLocked());
    """).stdout
    assert "holder has it true, locked true, kernel can take it false" in out
    assert "waiter got the lock" in out
    assert "holder exit -9, waiter exit 0, locked false" in out


def test_permits_of_a_semaphore_holder_killed_by_sigkill_come_back(kernel):
    import os
    import signal

    r = kernel.ok("""
        MpSemaphore slots = new MpSemaphore(2);
        MpEvent holding = new MpEvent();
        Proc hog = new Proc(() -> { slots.acquire(); slots.acquire(); holding.set(); Thread.sleep(600_000); });
        hog.start();
        holding.waitFor(120);
        System.out.println("hog holds both: kernel can take one " + slots.tryAcquire());
        hog.pid()""")
    assert "hog holds both: kernel can take one false" in r.stdout, r.stdout
    os.kill(int(r.result), signal.SIGKILL)   # from outside, as the OOM killer or a user would
    out = kernel.ok("""
        hog.join();
        boolean first = slots.acquire(30), second = slots.acquire(30);
        System.out.println("after the kill: exit " + hog.exitCode() + ", got " + first + " and " + second);
    """).stdout
    assert "after the kill: exit -9, got true and true" in out, out


def test_item_taken_for_a_killed_consumer_is_not_lost(kernel):
    out = kernel.ok("""
        MpQueue<String> box = new MpQueue<>();
        Proc taker = new Proc(() -> System.out.println("taker got " + box.get()));
        taker.start();
        // the taker's get has reached the kernel once the queue counts it as waiting
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!box.toString().contains("1 waiting to get") && System.nanoTime() < deadline) Thread.sleep(10);
        System.out.println("before the kill: " + box);
        taker.kill();
        taker.join();
        box.put("parcel");
        System.out.println("kernel got " + box.get(30) + ", left " + box.size());
    """).stdout
    assert "taker got" not in out
    assert re.search(r"before the kill: MpQueue\[queue-\d+: 0 items, 1 waiting to get\]", out), out
    assert "kernel got parcel, left 0" in out


def test_item_taken_for_a_consumer_that_can_no_longer_receive_it_goes_back(kernel, tmp_path):
    # The previous test's taker is gone before the put (its waiting get is cancelled, nothing is taken for it). Here
    # the item IS taken for the taker's waiting get and the answer cannot reach it: the taker is exiting (System.exit
    # shut its socket's reading side) and a shutdown hook of its own keeps the process alive. The item must go back.
    hook = tmp_path / "hook-runs"
    out = kernel.ok(f"""
        MpQueue<String> parcels = new MpQueue<>();
        MpEvent leave = new MpEvent();
        String hookRuns = {java_string(hook)};
        Proc taker = new Proc(() -> {{
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {{
                try {{
                    java.nio.file.Files.writeString(java.nio.file.Path.of(hookRuns), "exiting");
                    Thread.sleep(600_000);                      // alive, and no longer reading: killed below
                }} catch (Exception e) {{ }}
            }}));
            Thread getter = new Thread(() -> System.out.println("taker got " + parcels.get()));
            getter.setDaemon(true);
            getter.start();
            leave.waitFor();
            System.exit(0);
        }});
        taker.start();
        // the taker's get has reached the kernel once the queue counts it as waiting
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!parcels.toString().contains("1 waiting to get") && System.nanoTime() < deadline) Thread.sleep(10);
        leave.set();
        // the hook runs after the exit was announced and the socket's reading side shut
        while (!java.nio.file.Files.exists(java.nio.file.Path.of(hookRuns)) && System.nanoTime() < deadline) Thread.sleep(10);
        System.out.println("before the put: " + parcels + ", taker alive " + taker.isAlive());
        parcels.put("parcel");
        System.out.println("kernel got " + parcels.get(30) + ", left " + parcels.size());
        taker.kill();
        taker.join();
    """).stdout
    assert "taker got" not in out
    assert re.search(r"before the put: MpQueue\[queue-\d+: 0 items, 1 waiting to get\], taker alive true", out), out
    assert "kernel got parcel, left 0" in out, out


def test_duplex_pipe(kernel):
    out = kernel.ok("""
        Pipe pipe = new Pipe();
        PipeEnd here = pipe.left(), there = pipe.right();
        Proc echo = new Proc(() -> { String s; while (!(s = there.<String>recv()).equals("bye")) there.send(s.length()); there.close(); });
        echo.start();
        here.send("hello");
        here.send("pipes");
        here.send("bye");
        int a = here.recv(120), b = here.recv(120);
        String end;
        try { here.recv(120); end = "no end"; } catch (IllegalStateException e) { end = "closed"; }
        echo.join();
        System.out.println("lengths " + a + " " + b + " then " + end + ", poll " + here.poll());
    """).stdout
    assert "lengths 5 5 then closed, poll false" in out


def test_semaphore_limits_concurrency(kernel):
    out = kernel.ok("""
        MpSemaphore slots = new MpSemaphore(2);
        SharedInt inside = new SharedInt(0), most = new SharedInt(0);
        JoinableMpQueue<Integer> rounds = new JoinableMpQueue<>();
        List<Proc> ps = new ArrayList<>();
        for (int w = 0; w < 4; w++) ps.add(new Proc(() -> {
            for (int r = 0; r < 200; r++) {
                try (var held = slots.hold()) {
                    int now = inside.addAndGet(1);
                    for (int m = most.get(); now > m && !most.compareAndSet(m, now); m = most.get()) { }
                    inside.addAndGet(-1);
                }
            }
        }));
        ps.forEach(Proc::start);
        ps.forEach(Proc::join);
        System.out.println("most inside " + most.get() + ", free " + slots.available()
            + ", exits " + ps.stream().map(Proc::exitCode).distinct().toList());
    """).stdout
    m = re.search(r"most inside (\d+), free 2, exits \[0\]", out)
    assert m, out
    assert 1 <= int(m.group(1)) <= 2


def test_errors_cross_back_to_the_worker(kernel):
    cell = kernel.ok("""
        MpQueue<String> closedQ = new MpQueue<>(10);        // bounded: a put waits for the kernel's answer
        closedQ.close();
        MpQueue<String> closedU = new MpQueue<>();          // unbounded: a worker's put does not wait
        closedU.close();
        MpQueue<String> verdict = new MpQueue<>();
        new Proc(() -> {
            try { closedQ.put("x"); verdict.put("put worked?!"); }
            catch (IllegalStateException e) { verdict.put("worker saw " + e.getMessage()); }
            try { closedQ.get(1.0); } catch (IllegalStateException e) { verdict.put("get: " + e.getMessage()); }
            closedU.put("lost");
        }).start().join();
        System.out.println(verdict.get(10) + " / " + verdict.get(10));
        System.out.println("empty: " + new MpQueue<String>().poll(0.2) + ", closedU size " + closedU.size());
    """)
    assert "worker saw queue is closed / get: queue is closed and empty" in cell.stdout
    assert "empty: null, closedU size 0" in cell.stdout
    assert "did not wait for failed in the kernel: java.lang.IllegalStateException: queue is closed" in cell.stderr


def test_pool_tasks_and_objects_made_in_a_worker(kernel):
    out = kernel.ok("""
        MpQueue<Integer> squares = new MpQueue<>();
        try (Pool pool = new Pool(2)) { pool.map(i -> { squares.put(i * i); return i; }, List.of(1, 2, 3, 4)); }
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) got.add(squares.get(60));
        Collections.sort(got);
        System.out.println("pool put " + got);
        MpQueue<MpQueue<String>> mailbox = new MpQueue<>();
        MpQueue<SharedLong> numbers = new MpQueue<>();
        Proc maker = new Proc(() -> {
            MpQueue<String> mine = new MpQueue<>();
            mine.put("made in a worker");
            mailbox.put(mine);
            SharedLong five = new SharedLong(5);
            numbers.put(five);
            five.addAndGet(1);
        });
        maker.start();
        maker.join();
        System.out.println(mailbox.get(10).get(10) + ", shared long " + numbers.get(10).get());
    """).stdout
    assert "pool put [1, 4, 9, 16]" in out
    assert "made in a worker, shared long 6" in out


def test_interrupted_kernel_side_get_leaves_the_queue_usable(kernel):
    import queue as stdqueue
    kernel.ok("MpQueue<String> stuck = new MpQueue<>();")
    waiting = kernel.kc.execute('String s = stuck.get(); System.out.println("got " + s);')
    reply = None
    for _ in range(24):  # interrupt until the cell answers: an interrupt before the cell started waiting is lost
        kernel.km.interrupt_kernel()
        try:
            while True:
                msg = kernel.kc.get_shell_msg(timeout=5)
                if msg["parent_header"].get("msg_id") == waiting:
                    reply = msg
                    break
        except stdqueue.Empty:
            continue
        break
    assert reply is not None, "the interrupted get never returned"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    out = kernel.ok('stuck.put("later"); System.out.println("then " + stuck.get(5) + ", left " + stuck.size());').stdout
    assert "then later, left 0" in out


def test_items_a_worker_prefetched_come_back_when_others_look(kernel):
    # With a backlog, the worker's first get takes a batch (up to 64 items) in one call; the kernel's size() and gets
    # recall those it has not taken, while it waits on an event (its reader thread answers, not its task).
    out = kernel.ok("""
        MpQueue<Integer> pre = new MpQueue<>();
        for (int i = 0; i < 300; i++) pre.put(i);
        MpEvent took = new MpEvent(), more = new MpEvent();
        Proc holder = new Proc(() -> {
            System.out.println("holder took " + pre.get());
            took.set();
            more.waitFor();
            System.out.println("holder then " + pre.get());
        });
        holder.start();
        took.waitFor(120);
        System.out.println("size " + pre.size());
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < 8; i++) mine.add(pre.get(30));
        System.out.println("kernel got " + mine);
        more.set();
        holder.join();
        System.out.println("left " + pre.size() + ", exit " + holder.exitCode());
    """).stdout
    assert "holder took 0" in out
    assert "size 299" in out
    assert "kernel got [1, 2, 3, 4, 5, 6, 7, 8]" in out
    assert "holder then 9" in out
    assert "left 290, exit 0" in out


def test_items_prefetched_and_not_taken_go_back_when_the_task_ends(kernel):
    out = kernel.ok("""
        MpQueue<Integer> rest = new MpQueue<>();
        for (int i = 0; i < 300; i++) rest.put(i);   // a backlog: each get takes a batch ahead
        new Proc(() -> System.out.println("took " + rest.get())).start().join();
        System.out.println("after: " + rest);              // describe: no recall, just the kernel's state
        try (Pool pool = new Pool(1)) { System.out.println("pool took " + pool.apply(() -> rest.get())); }
        System.out.println("after pool: " + rest + ", next " + rest.get(5));
    """).stdout
    assert "took 0" in out
    assert re.search(r"after: MpQueue\[queue-\d+: 299 items\]", out), out
    assert "pool took 1" in out
    assert re.search(r"after pool: MpQueue\[queue-\d+: 298 items\], next 2", out), out


def test_a_batch_asked_for_ahead_and_still_on_its_way_goes_back_when_the_task_ends(kernel):
    # The first get takes 64 items; once half are used, the next batch is asked for. The task ends right after: the
    # batch on its way goes back with the rest before the task's result (no recall needed: describe shows no holder).
    out = kernel.ok("""
        MpQueue<Integer> ahead = new MpQueue<>();
        for (int i = 0; i < 5000; i++) ahead.put(i);
        try (Pool pool = new Pool(1)) {
            System.out.println("pool took up to " + pool.apply(() -> { int last = -1; for (int i = 0; i < 34; i++) last = ahead.get(); return last; }));
            System.out.println("after: " + ahead + ", next " + ahead.get(5));
        }
    """).stdout
    assert "pool took up to 33" in out, out
    assert re.search(r"after: MpQueue\[queue-\d+: 4966 items\], next 34", out), out


def test_items_a_consumer_holds_ahead_while_not_reading_reach_another_consumer(kernel):
    # The idle consumer used 40 items: it holds the rest of its first batch and the next one it asked for ahead.
    # The other consumer gets every remaining item (those of the idle one recalled when the queue looks empty, so
    # after the ones that were behind them: with several consumers, FIFO holds per batch, as the sum shows all came).
    out = kernel.ok("""
        MpQueue<Integer> work = new MpQueue<>();
        for (int i = 0; i < 3000; i++) work.put(i);
        MpEvent used = new MpEvent(), leave = new MpEvent();
        Proc idle = new Proc(() -> { for (int i = 0; i < 40; i++) work.get(); used.set(); leave.waitFor(600); });
        idle.start();
        used.waitFor(120);
        SharedInt got = new SharedInt(0);
        SharedLong sum = new SharedLong(0);
        Proc reader = new Proc(() -> {
            for (int i = 40; i < 3000; i++) {
                sum.addAndGet(work.get(60));
                got.incrementAndGet();
            }
        });
        reader.start().join();
        leave.set();
        idle.join();
        System.out.println("reader got " + got.get() + ", sum " + sum.get() + ", exit " + reader.exitCode() + ", left " + work.size());
    """).stdout
    assert f"reader got 2960, sum {sum(range(40, 3000))}, exit 0, left 0" in out, out


def test_killed_consumer_loses_only_what_it_prefetched_and_nobody_waits_for_it(kernel):
    out = kernel.ok("""
        MpQueue<Integer> lossy = new MpQueue<>();
        for (int i = 0; i < 1000; i++) lossy.put(i);   // a backlog: a worker's get takes a batch ahead
        MpEvent took = new MpEvent();
        Proc victim = new Proc(() -> { lossy.get(); took.set(); Thread.sleep(600_000); });
        victim.start();
        took.waitFor(120);
        victim.kill();
        victim.join();
        int left = lossy.size();
        int next = lossy.get(30);
        System.out.println("lost " + (1000 - left) + ", next " + next + ", in order " + (next == 1000 - left));
    """).stdout
    m = re.search(r"lost (\d+), next (\d+), in order (\w+)", out)
    assert m, out
    assert 2 <= int(m.group(1)) <= 64, out   # the item it took plus what it held ahead, one batch at most
    assert m.group(3) == "true", out        # nobody waits for the lost ones: the rest come in order


def test_each_primitive_displays_its_state_with_waiters_as_text_and_html(kernel):
    out = kernel.ok("""
        MpQueue<Integer> inbox = new MpQueue<>();
        MpEvent flag = new MpEvent();
        MpLock gate = new MpLock();
        MpEvent gateTaken = new MpEvent();
        Proc getter = new Proc(() -> inbox.get());
        Proc flagWaiter = new Proc(() -> flag.waitFor());
        Proc gateHolder = new Proc(() -> { gate.acquire(); gateTaken.set(); Thread.sleep(600_000); });
        Proc gateWaiter = new Proc(() -> { gateTaken.waitFor(); gate.acquire(); gate.release(); });
        List.of(getter, flagWaiter, gateHolder, gateWaiter).forEach(Proc::start);
        gateTaken.waitFor(120);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline && !(inbox.toString().contains("waiting") && flag.toString().contains("waiting")
                && gate.toString().contains("waiting"))) Thread.sleep(20);
        System.out.println(inbox);
        System.out.println(flag);
        System.out.println(gate);
        System.out.println(((jpool.display.Rich) inbox).mimeBundle().get("text/html"));
        Pipe line = new Pipe();
        line.right().send("x");
        System.out.println(line.left());
        SharedDouble price = new SharedDouble(10.78);
        System.out.println(price.mimeBundle().get("text/html"));
        inbox.put(1);
        flag.set();
        gateHolder.kill();
        List.of(getter, flagWaiter, gateHolder, gateWaiter).forEach(p -> p.join(120));
        System.out.println("after: " + inbox + " " + flag + " " + gate);
    """).stdout
    assert re.search(r"^MpQueue\[queue-\d+: 0 items, 1 waiting to get\]$", out, re.M), out
    assert re.search(r"^MpEvent\[event-\d+: not set, 1 waiting\]$", out, re.M), out
    assert re.search(r"^MpLock\[\S+: locked by pid \d+, 1 waiting\]$", out, re.M), out
    assert re.search(r'^<div class="jpool-shared"[^>]*><b>MpQueue</b> queue-\d+: 0 items, 1 waiting to get</div>$', out, re.M), out
    assert "PipeEnd[left: 1 item to receive]" in out
    assert re.search(r"<b>SharedDouble</b> value: 10\.78 \(shared memory /\S+\)</div>", out), out
    assert re.search(r"after: MpQueue\[queue-\d+: 0 items\] MpEvent\[event-\d+: set\] MpLock\[\S+: unlocked\]", out), out
