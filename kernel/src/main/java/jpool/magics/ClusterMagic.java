package jpool.magics;

import jpool.cluster.Cluster;

import java.util.List;

/** {@code %cluster}: the Spark cluster that {@code %%pool} cells (and {@code new Pool(Cluster.current())}) use. */
final class ClusterMagic {
    static final String USAGE = "%cluster                        show the notebook's cluster\n"
            + "%cluster URL [spark.KEY=VALUE ...]  %%pool cells run on the Spark cluster at URL (spark://HOST:PORT, yarn, k8s://...)\n"
            + "%cluster local                  back to this machine's worker JVMs";

    private ClusterMagic() {
    }

    static String run(List<String> args) {
        if (args.isEmpty()) {
            Cluster c = Cluster.current();
            return c == null ? "no cluster: %%pool cells run on this machine's workers" : "%%pool cells run on " + c;
        }
        if (args.size() == 1 && args.get(0).equals("local")) {
            Cluster.setCurrent(null);
            return "%%pool cells run on this machine's workers";
        }
        Cluster c;
        try {
            c = Cluster.spark(args.get(0));
            for (String kv : args.subList(1, args.size())) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("expected spark.KEY=VALUE, got '" + kv + "'");
                c.conf(kv.substring(0, eq), kv.substring(eq + 1));
            }
        } catch (IllegalArgumentException e) {
            throw new MagicException("%cluster: " + e.getMessage());
        }
        Cluster.setCurrent(c);
        return "%%pool cells run on " + c + " (the pool starts with the first such cell)";
    }
}
