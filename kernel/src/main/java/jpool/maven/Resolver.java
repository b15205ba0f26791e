package jpool.maven;

import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.ArtifactRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.transfer.ArtifactTransferException;
import org.eclipse.aether.transfer.ChecksumFailureException;
import org.eclipse.aether.util.graph.transformer.ConflictResolver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Resolves Maven coordinates with Apache Maven Resolver, transitively (runtime scope), against Maven Central and the
 * repositories added with {@link #addRepository}, honouring settings.xml (local repository, offline, mirrors,
 * proxies). The resolver itself is built on first use, so kernels that never use {@code %maven} never pay for it.
 */
public final class Resolver {
    /** Maven Central, always searched after the user's repositories unless a mirror in settings.xml replaces it. */
    public static final Repository CENTRAL = new Repository("central", "https://repo.maven.apache.org/maven2/");

    private final Map<String, Repository> repositories = new LinkedHashMap<>();
    private RepositorySystem system;

    /** A resolver searching Maven Central only. */
    public Resolver() {
        repositories.put(CENTRAL.id(), CENTRAL);
    }

    /** Adds (or replaces, by name) a repository searched by later resolutions. */
    public synchronized void addRepository(Repository r) {
        repositories.put(r.id(), r);
    }

    /** The repositories searched, in order. */
    public synchronized List<Repository> repositories() {
        return List.copyOf(repositories.values());
    }

    /** The settings file honoured (it need not exist). */
    public Path settingsFile() {
        return MavenSettings.defaultFile();
    }

    /**
     * Resolves {@code wanted} and everything it needs at runtime, also searching {@code extra} (kept for later
     * resolutions only when this one succeeds); {@code progress} receives one status line while files download.
     * Throws {@link ResolutionFailed} with one line when anything is missing or broken.
     */
    public synchronized Resolution resolve(List<Coordinates> wanted, List<Repository> extra, Consumer<String> progress)
            throws ResolutionFailed {
        Map<String, Repository> searched = new LinkedHashMap<>(repositories);
        for (Repository r : extra) searched.put(r.id(), r);
        long t0 = System.nanoTime();
        MavenSettings settings;
        try {
            settings = MavenSettings.read(MavenSettings.defaultFile());
        } catch (IllegalArgumentException e) {
            throw new ResolutionFailed(e.getMessage());
        }
        if (system == null) {
            // the resolver logs through SLF4J; jpool's (relocated) copy finds its no-op provider through
            // META-INF/services, so it prints no "no providers" warning, and no system property leaks to a user's SLF4J
            system = new RepositorySystemSupplier().get();
        }
        DownloadProgress listener = new DownloadProgress(progress);
        List<RemoteRepository> remotes = new ArrayList<>();
        for (Repository r : searched.values()) remotes.add(new RemoteRepository.Builder(r.id(), "default", r.url()).build());
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(settings.localRepository)
                .setOffline(settings.offline)
                .setMirrorSelector(settings.mirrors)
                .setProxySelector(settings.proxies)
                .setTransferListener(listener)
                // a corrupt download must stop the resolution, not be used with a warning in a log nobody reads
                .setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_FAIL)
                // keep the losers of version conflicts in the graph so the user can be told which version won
                .setConfigProperty(ConflictResolver.CONFIG_PROP_VERBOSE, ConflictResolver.Verbosity.STANDARD)
                .setSystemProperties(System.getProperties())
                .build()) {
            List<RemoteRepository> effective = system.newResolutionRepositories(session, remotes);
            CollectRequest collect = new CollectRequest();
            for (Coordinates c : wanted) collect.addDependency(dependency(c));
            collect.setRepositories(effective);
            DependencyRequest request = new DependencyRequest(collect,
                    (node, parents) -> node.getData().get(ConflictResolver.NODE_DATA_WINNER) == null);
            DependencyResult result;
            try {
                result = system.resolveDependencies(session, request);
            } catch (DependencyResolutionException e) {
                throw new ResolutionFailed(explain(e, effective, settings));
            }
            List<Resolution.Jar> jars = new ArrayList<>();
            for (ArtifactResult ar : result.getArtifactResults()) {
                Artifact a = ar.getArtifact();
                if (a == null || a.getFile() == null) continue;
                jars.add(new Resolution.Jar(a.getGroupId() + ":" + a.getArtifactId() + (a.getClassifier().isEmpty() ? "" : ":" + a.getClassifier()),
                        a.getVersion(), a.getFile().toPath(), from(ar.getRepository())));
            }
            repositories.putAll(searched);
            return new Resolution(jars, conflicts(result.getRoot()), listener.files(), listener.bytes(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static Dependency dependency(Coordinates c) {
        List<Exclusion> ex = new ArrayList<>();
        for (String e : c.exclusions()) {
            String[] p = e.split(":");
            ex.add(new Exclusion(p[0], p[1], "*", "*"));
        }
        return new Dependency(new DefaultArtifact(c.groupId(), c.artifactId(), c.classifier(), c.extension(), c.version()),
                "runtime", false, ex);
    }

    private static String from(ArtifactRepository r) {
        if (r instanceof RemoteRepository rr) return rr.getId() + " (" + rr.getUrl() + ")";
        return "local repository";
    }

    /** "g:a 1.0 (wanted by X) lost to 2.0" for each loser the verbose conflict resolver kept in the graph. */
    private static List<String> conflicts(DependencyNode root) {
        List<String> out = new ArrayList<>();
        List<DependencyNode> path = new ArrayList<>();
        walk(root, path, out);
        return out;
    }

    private static void walk(DependencyNode node, List<DependencyNode> path, List<String> out) {
        Object w = node.getData().get(ConflictResolver.NODE_DATA_WINNER);
        if (w instanceof DependencyNode winner && node.getArtifact() != null && winner.getArtifact() != null
                && !winner.getArtifact().getVersion().equals(node.getArtifact().getVersion())) {
            Artifact a = node.getArtifact();
            String by = path.isEmpty() || path.get(path.size() - 1).getArtifact() == null ? "the notebook"
                    : path.get(path.size() - 1).getArtifact().getArtifactId() + " " + path.get(path.size() - 1).getArtifact().getVersion();
            out.add("version conflict: " + a.getGroupId() + ":" + a.getArtifactId() + " " + a.getVersion() + " (wanted by " + by
                    + ") lost to " + winner.getArtifact().getVersion() + " (the declaration nearest to the notebook wins, as in Maven)");
        }
        path.add(node);
        for (DependencyNode c : node.getChildren()) walk(c, path, out);
        path.remove(path.size() - 1);
    }

    /**
     * One line: which artifact, what went wrong, where the resolver looked. A checksum failure says most, then an
     * unreachable repository (the artifact may well be there), then "not found".
     */
    private static String explain(DependencyResolutionException e, List<RemoteRepository> repos, MavenSettings settings) {
        List<String> tried = new ArrayList<>();
        for (RemoteRepository r : repos) tried.add(r.getId() + " (" + r.getUrl() + ")");
        String where = "tried the local repository " + settings.localRepository
                + (settings.offline ? " (offline in " + settings.file + ")" : " and " + String.join(", ", tried));
        List<Throwable> all = new ArrayList<>();
        collect(e, all);
        if (e.getResult() != null) {
            for (ArtifactResult ar : e.getResult().getArtifactResults()) for (Exception x : ar.getExceptions()) collect(x, all);
            for (Exception x : e.getResult().getCollectExceptions()) collect(x, all);
        }
        for (Throwable t : all) {
            if (t instanceof ChecksumFailureException) {
                String of = "";
                for (Throwable o : all) {
                    if (o instanceof ArtifactTransferException te && te.getCause() == t) of = " of " + coords(te.getArtifact())
                            + (te.getRepository() == null ? "" : " from " + te.getRepository().getId() + " (" + te.getRepository().getUrl() + ")");
                }
                return "checksum failure" + of + ": " + firstLine(t.getMessage()) + "; the download was discarded and nothing was added";
            }
        }
        for (Class<?> kind : List.of(ArtifactTransferException.class)) {
            for (Throwable t : all) {
                if (kind.isInstance(t) && !(t instanceof ArtifactNotFoundException)) return explainOne(t, where);
            }
        }
        for (Throwable t : all) if (t instanceof ArtifactNotFoundException) return explainOne(t, where);
        return firstLine(e.getMessage());
    }

    private static void collect(Throwable t, List<Throwable> into) {
        for (; t != null && !into.contains(t); t = t.getCause()) {
            into.add(t);
            for (Throwable s : t.getSuppressed()) collect(s, into);
        }
    }

    private static String explainOne(Throwable t, String where) {
        if (t instanceof ChecksumFailureException) {
            return "checksum failure: " + firstLine(t.getMessage()) + "; the download was discarded and nothing was added";
        }
        if (t instanceof ArtifactNotFoundException nf) {
            return coords(nf.getArtifact()) + " was not found; " + where;
        }
        if (t instanceof ArtifactTransferException te) {
            RemoteRepository r = te.getRepository();
            String repo = r != null ? r.getId() + " (" + r.getUrl() + ")" : "a repository";
            return "could not reach " + repo + " for " + coords(te.getArtifact()) + " and it is not in the local repository "
                    + "(" + firstLine(String.valueOf(te.getCause() == null ? te.getMessage() : te.getCause().getMessage())) + ")";
        }
        return null;
    }

    private static String coords(Artifact a) {
        if (a == null) return "an artifact";
        return a.getGroupId() + ":" + a.getArtifactId() + (a.getClassifier().isEmpty() ? "" : ":" + a.getClassifier()) + ":" + a.getVersion()
                + (a.getExtension().equals("pom") ? " (its POM)" : "");
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
