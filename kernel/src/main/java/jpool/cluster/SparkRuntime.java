package jpool.cluster;

import jpool.maven.Coordinates;
import jpool.maven.Resolution;
import jpool.maven.ResolutionFailed;
import jpool.maven.Resolver;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One Spark version, resolved from Maven repositories into {@code ~/.m2} on first use (Spark is not in the kernel
 * jar: ~170 MB of jars most notebooks never need, whose Scala, Netty, Jackson and Hadoop versions would clash with a
 * notebook's own libraries) and loaded in a class loader of its own whose parent is the JDK's: the notebook and the
 * kernel never see Spark's dependencies, and Spark never sees theirs. The only types shared with the kernel are the
 * JDK's and the bridge interface {@link jpool.cluster.bridge.SparkDriver}.
 */
final class SparkRuntime {
    /** A current Spark 4.x for Scala 2.13, which runs on Java 17. */
    static final String DEFAULT_VERSION = "4.2.0";
    /** What Spark needs from the JDK on Java 17+ (its own launcher adds the same to the JVMs it starts). */
    static final List<String> JAVA_OPTIONS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Dio.netty.tryReflectionSetAccessible=true");
    private static final Map<String, SparkRuntime> LOADED = new ConcurrentHashMap<>();
    private static final Resolver RESOLVER = new Resolver();

    final String version;
    final List<Path> jars;
    final ClassLoader loader;

    private SparkRuntime(String version, List<Path> jars) {
        this.version = version;
        this.jars = jars;
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(kernelJar().toUri().toURL());
            for (Path p : jars) urls.add(p.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        this.loader = new IsolatedLoader(urls.toArray(URL[]::new));
    }

    /** The runtime of {@code version}, resolving it (progress lines to {@code progress}) the first time. */
    static SparkRuntime of(String version, Consumer<String> progress) {
        SparkRuntime known = LOADED.get(version);
        if (known != null) return known;
        synchronized (LOADED) {
            known = LOADED.get(version);
            if (known != null) return known;
            Resolution r;
            try {
                r = RESOLVER.resolve(List.of(Coordinates.parse("org.apache.spark:spark-core_2.13:" + version, List.of())),
                        List.of(), progress);
            } catch (ResolutionFailed e) {
                throw new ClusterFailure("Spark " + version + " could not be resolved: " + e.getMessage());
            }
            if (r.downloadedFiles() > 0) progress.accept("Spark " + version + ": " + r.summary());
            List<Path> jars = new ArrayList<>();
            for (Resolution.Jar j : r.jars()) jars.add(j.file());
            SparkRuntime rt = new SparkRuntime(version, List.copyOf(jars));
            LOADED.put(version, rt);
            return rt;
        }
    }

    /** The jar (or class directory) jpool runs from: executors load jpool's task runner from it. */
    static Path kernelJar() {
        try {
            return Path.of(SparkRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new driver (not started) defined in this runtime's loader. */
    jpool.cluster.bridge.SparkDriver newDriver() {
        try {
            Class<?> c = Class.forName("jpool.cluster.spark.SparkDriverImpl", true, loader);
            return (jpool.cluster.bridge.SparkDriver) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ClusterFailure("Spark " + version + " could not be loaded: " + e);
        }
    }

    /**
     * A directory that stands in for a Spark installation: {@code jars/} links to the resolved jars. Spark's
     * standalone Worker builds its executors' class path from {@code $SPARK_HOME/jars}.
     */
    Path sparkHome() {
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "jpool-spark-" + System.getProperty("user.name"), version);
        Path jarsDir = home.resolve("jars");
        try {
            Files.createDirectories(jarsDir);
            for (Path j : jars) {
                Path link = jarsDir.resolve(j.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createSymbolicLink(link, j);
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // another kernel made it
                    }
                }
            }
        } catch (IOException e) {
            throw new ClusterFailure("could not prepare a Spark home in " + home + ": " + e.getMessage());
        }
        return home;
    }

    /**
     * Class path of the resolved jars, for the Master and Worker JVMs; jpool's jar (for {@link ParentWatch}) last, so
     * that the daemons log with Spark's own defaults (the kernel's driver uses jpool's quieter ones).
     */
    String classPath() {
        StringBuilder sb = new StringBuilder();
        for (Path p : jars) sb.append(p).append(java.io.File.pathSeparator);
        return sb.append(kernelJar()).toString();
    }

    /**
     * Parent: the JDK's platform loader, so Spark sees none of the kernel's or notebook's classes; except the
     * bridge interface, which must be the kernel's own class for the kernel to call the driver through it.
     */
    private static final class IsolatedLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        IsolatedLoader(URL[] urls) {
            super("jpool-spark", urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("jpool.cluster.bridge.")) return SparkRuntime.class.getClassLoader().loadClass(name);
            return super.loadClass(name, resolve);
        }
    }
}
