package jpool.magics;

import jpool.eval.JShellEvaluator;

import java.nio.file.Path;

/** Registers jpool's magics. */
final class BuiltinMagics {
    private BuiltinMagics() {
    }

    static void registerAll(MagicDispatcher d, JShellEvaluator evaluator) {
        JavaRunner java = new JavaRunner(evaluator, d);
        PoolMagics pool = new PoolMagics(java);
        ProcessMagics proc = new ProcessMagics(java);
        CpuMagic cpu = new CpuMagic(java);
        d.registerCell("pool", "run the cell body for each element of a collection on a worker pool, with a live board",
                PoolMagics.CELL_USAGE, pool::poolCell);
        d.registerLine("pool", "status of every pool; %pool shutdown NAME|--all", PoolMagics.LINE_USAGE, pool::poolLine);
        d.registerCell("process", "run the cell body in a new worker process", ProcessMagics.CELL_USAGE, proc::processCell);
        d.registerLine("ps", "every process this kernel started: name, PID, state, exit code, CPU%, RSS", "%ps", proc::ps);
        d.registerLine("join", "wait for a process by name", "%join NAME [SECONDS]", proc::join);
        d.registerLine("terminate", "send SIGTERM to a process by name, or to all", "%terminate NAME|--all", proc::terminate);
        d.registerLine("cpu", "per-CPU utilisation now, or over time", CpuMagic.USAGE, cpu::cpu);
        d.registerLine("checkpoints", "the notebook's checkpoints; %checkpoints clear NAME|--all", CheckpointMagic.USAGE,
                CheckpointMagic::run);
        d.registerLine("cluster", "the Spark cluster %%pool cells run on (a master URL), or local", ClusterMagic.USAGE, ClusterMagic::run);
        MavenMagic maven = new MavenMagic(evaluator, d);
        d.registerLine("maven", "resolve Maven artifacts (transitively) into the notebook and every worker", MavenMagic.USAGE, maven::line);
        d.registerCell("loadFromPOM", "resolve the <dependency> elements of a POM fragment like %maven", MavenMagic.POM_USAGE,
                maven::loadFromPom);
        d.registerLine("classpath", "add jars or class folders to the notebook (and to every worker)", "%classpath PATH...", args -> {
            if (args.isEmpty()) return String.join("\n", evaluator.addedClasspath());
            for (String a : args) {
                try {
                    evaluator.addToClasspath(Path.of(a));
                } catch (IllegalArgumentException e) {
                    throw new MagicException("%classpath: " + e.getMessage());
                }
            }
            return "added " + String.join(", ", args);
        });
    }
}
