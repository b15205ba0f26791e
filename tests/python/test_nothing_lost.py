"""Nothing finished is lost when a worker dies: whatever the chunking, a dying worker costs only the input it was
running; the inputs of its chunk that it had finished are kept and those it had not begun run on other workers."""

import os
import re
import signal

from kernel_helpers import cleanup, kernel, worker_processes  # noqa: F401 (fixture)


def killer(kernel, marker):
    """An on_message hook that SIGKILLs the worker whose pid follows `marker` in the cell's output (once)."""
    killed = []

    def on_message(msg):
        if killed or msg["msg_type"] != "stream":
            return
        m = re.search(marker + r" (\d+)", msg["content"]["text"])
        if m:
            pid = int(m.group(1))
            assert pid in worker_processes(kernel.pid), f"{pid} is not a worker of this kernel"
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    return killed, on_message


SUMMARY = '''
    static String summary(List<Outcome<Integer>> outcomes) {
        List<Integer> failed = new ArrayList<>();
        long kept = 0;
        boolean right = true;
        for (Outcome<Integer> o : outcomes) {
            if (o.ok()) { kept++; right &= o.value() == (Integer) o.input() * 10; }
            else failed.add((Integer) o.input());
        }
        String why = outcomes.stream().filter(o -> !o.ok()).map(o -> o.error().getClass().getSimpleName()).distinct()
                .sorted().collect(java.util.stream.Collectors.joining(","));
        return "kept " + kept + " of " + outcomes.size() + (right ? "" : " WRONG VALUES") + "; failed " + failed + " " + why;
    }
'''


def test_sigkill_mid_map_with_default_chunks_fails_one_input(kernel, cleanup):
    """200 inputs on 2 workers, default chunking (chunks of 25): the killed worker costs input 37 alone."""
    cleanup.append("pk1")
    kernel.execute('Pool pk1 = new Pool(2);' + SUMMARY).assert_ok()
    killed, on_message = killer(kernel, "victim pid")
    r = kernel.execute('''
        List<Outcome<Integer>> out = pk1.mapResults(x -> {
            if (x == 37) {
                System.out.println("victim pid " + ProcessHandle.current().pid());
                Thread.sleep(120_000);
            }
            return x * 10;
        }, java.util.stream.IntStream.range(0, 200).boxed().toList());
        summary(out)
    ''', on_message=on_message).assert_ok()
    assert killed, r.stdout
    assert r.result.strip('"') == "kept 199 of 200; failed [37] WorkerDied", r.result
    r = kernel.execute('pk1.mapResults(x -> x, List.of(1)).get(0).error()').assert_ok()
    assert r.result == "null"


def test_sigkill_mid_map_fails_one_input_of_map_imap_and_starmap(kernel, cleanup):
    """map (MapFailed keeps the rest), imap and starmap lose only the running input too."""
    cleanup.append("pk2")
    kernel.execute('Pool pk2 = new Pool(2);').assert_ok()
    killed, on_message = killer(kernel, "map victim")
    r = kernel.execute('''
        String mapped;
        try {
            pk2.map(x -> {
                if (x == 11) { System.out.println("map victim " + ProcessHandle.current().pid()); Thread.sleep(120_000); }
                return x + 1;
            }, java.util.stream.IntStream.range(0, 40).boxed().toList(), 10);
            mapped = "no failure";
        } catch (MapFailed e) {
            mapped = e.failures().size() + " failed: " + e.failures().get(0).input() + " "
                    + e.failures().get(0).error().getClass().getSimpleName() + "; kept "
                    + e.results().stream().filter(java.util.Objects::nonNull).count() + "; " + e.results().get(10) + "," + e.results().get(12);
        }
        mapped
    ''', on_message=on_message).assert_ok()
    assert killed
    assert r.result.strip('"') == "1 failed: 11 WorkerDied; kept 39; 11,13", r.result

    killed, on_message = killer(kernel, "imap victim")
    r = kernel.execute('''
        List<String> seen = new ArrayList<>();
        java.util.Iterator<Integer> it = pk2.imap(x -> {
            if (x == 5) { System.out.println("imap victim " + ProcessHandle.current().pid()); Thread.sleep(120_000); }
            return x;
        }, java.util.stream.IntStream.range(0, 12).boxed().toList()).iterator();
        while (it.hasNext()) { try { seen.add("" + it.next()); } catch (WorkerDied e) { seen.add("died"); } }
        seen
    ''', on_message=on_message).assert_ok()
    assert killed
    assert r.result == "[0, 1, 2, 3, 4, died, 6, 7, 8, 9, 10, 11]", r.result

    killed, on_message = killer(kernel, "starmap victim")
    r = kernel.execute('''
        String starred;
        List<Map.Entry<Integer, Integer>> pairs = new ArrayList<>();
        for (int i = 0; i < 30; i++) pairs.add(Map.entry(i, 100));
        try {
            pk2.starmap((Integer a, Integer b) -> {
                if (a == 20) { System.out.println("starmap victim " + ProcessHandle.current().pid()); Thread.sleep(120_000); }
                return a + b;
            }, pairs);
            starred = "no failure";
        } catch (MapFailed e) {
            starred = e.failures().size() + " failed; kept " + e.results().stream().filter(java.util.Objects::nonNull).count()
                    + "; " + e.results().get(19) + "," + e.results().get(21);
        }
        starred
    ''', on_message=on_message).assert_ok()
    assert killed
    assert r.result.strip('"') == "1 failed; kept 29; 119,121", r.result


def test_system_exit_in_three_of_twenty_inputs_keeps_seventeen(kernel, cleanup):
    """The issue's case: inputs 7, 13 and 17 end their worker with System.exit(3); every other input is kept, the
    finished ones of a dying worker's chunk and the ones it never began alike."""
    cleanup.append("pk3")
    kernel.execute('Pool pk3 = new Pool(2);' + SUMMARY).assert_ok()
    r = kernel.execute('''
        summary(pk3.mapResults(x -> {
            if (x == 7 || x == 13 || x == 17) System.exit(3);
            return x * 10;
        }, java.util.stream.IntStream.range(0, 20).boxed().toList()))
    ''').assert_ok()
    assert r.result.strip('"') == "kept 17 of 20; failed [7, 13, 17] WorkerDied", r.result
    r = kernel.execute('''
        String exits = "";
        try { pk3.map(x -> { if (x == 4) System.exit(3); return x; }, java.util.stream.IntStream.range(0, 20).boxed().toList()); }
        catch (MapFailed e) { exits = e.failures().get(0).input() + " " + ((WorkerDied) e.failures().get(0).error()).exitCode()
                + " " + e.failures().get(0).error().getMessage().replaceAll("\\\\d+", "N") + "; kept "
                + e.results().stream().filter(java.util.Objects::nonNull).count(); }
        exits
    ''').assert_ok()
    assert r.result.strip('"') == ("4 3 PoolWorker-N (pid N) died while running input N: exit code N (the JVM ran "
                                   "out of memory, or System.exit(N)); kept 19"), r.result


def test_out_of_memory_in_one_input_keeps_the_others(kernel, cleanup):
    """An input that runs out of memory ends its worker (-XX:+ExitOnOutOfMemoryError): it fails alone with
    WorkerDied; the inputs of its chunk before it are kept and those after it run on other workers."""
    cleanup.append("pk4")
    kernel.execute('Pool pk4 = new Pool(2);' + SUMMARY).assert_ok()
    r = kernel.execute('''
        List<Outcome<Integer>> oom = pk4.mapResults(x -> {
            if (x == 5) {
                System.out.println("input 5 allocates too much");
                long[] huge = new long[Integer.MAX_VALUE - 16];
                return huge.length;
            }
            return x * 10;
        }, java.util.stream.IntStream.range(0, 20).boxed().toList());
        summary(oom) + " | " + oom.get(5).error().getMessage().replaceAll("\\\\d+", "N")
    ''').assert_ok()
    assert r.result.strip('"') == ("kept 19 of 20; failed [5] WorkerDied | PoolWorker-N (pid N) died while running "
                                   "input N: exit code N (the JVM ran out of memory, or System.exit(N))"), r.result


def test_timeout_fails_the_input_that_ran_over_not_its_chunk(kernel, cleanup):
    """With a timeout, a map's chunk of tiny inputs and one stuck input: only the stuck one fails."""
    cleanup.append("pk5")
    kernel.execute('Pool pk5 = new Pool(2).timeout(java.time.Duration.ofSeconds(2));' + SUMMARY).assert_ok()
    r = kernel.execute('''
        List<Outcome<Integer>> slow = pk5.mapResultsAsync(x -> {
            if (x == 9) Thread.sleep(120_000);
            return x * 10;
        }, java.util.stream.IntStream.range(0, 24).boxed().toList(), 12).get();
        summary(slow) + " | " + slow.get(9).error().getMessage().replaceAll("\\\\d+", "N")
    ''').assert_ok()
    assert r.result.strip('"') == ("kept 23 of 24; failed [9] WorkerDied | PoolWorker-N was killed because input N "
                                   "ran longer than its timeout of N.N s"), r.result


def test_pool_magic_map_keeps_every_input_but_the_one_whose_worker_died(kernel):
    r = kernel.execute('''%%pool -n 2 --map java.util.stream.IntStream.range(0, 30).boxed().toList() --as x --out lost
if (x == 16) System.exit(3);
x * 10
''')
    text = r.all_text()
    assert "1 of 30 elements failed" in text and "died while running input 16" in text, text
    r = kernel.execute('lost.get(15) + " " + lost.get(16) + " " + lost.get(17) + " " + lost.stream().filter(java.util.Objects::nonNull).count()').assert_ok()
    assert r.result.strip('"') == "150 null 170 29", r.result
