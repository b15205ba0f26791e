package jpool.magics;

import jpool.checkpoint.CheckpointUnavailable;
import jpool.checkpoint.Checkpoints;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code %checkpoints}: the notebook's checkpoints, and clearing them. */
final class CheckpointMagic {
    static final String USAGE = "%checkpoints                  every checkpoint: name, inputs stored, failures, size, last write\n"
            + "%checkpoints clear NAME|--all  delete one checkpoint (its next run computes everything) or all of them";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private CheckpointMagic() {
    }

    static Object run(List<String> args) {
        try {
            if (args.isEmpty()) return list();
            if (args.get(0).equals("clear") && args.size() == 2) {
                if (args.get(1).equals("--all")) {
                    List<String> gone = Checkpoints.clearAll();
                    return gone.isEmpty() ? "no checkpoints to clear in " + Checkpoints.directory() : "cleared " + String.join(", ", gone);
                }
                if (Checkpoints.clear(args.get(1))) return "cleared checkpoint '" + args.get(1) + "'";
                throw new MagicException("%checkpoints: no checkpoint named '" + args.get(1) + "' in " + Checkpoints.directory());
            }
        } catch (CheckpointUnavailable e) {
            throw new MagicException("%checkpoints: " + e.getMessage());
        }
        throw new MagicException("%checkpoints: expected nothing, 'clear NAME' or 'clear --all', got '" + String.join(" ", args) + "'");
    }

    private static Object list() {
        List<Checkpoints.Info> all = Checkpoints.list();
        if (all.isEmpty()) return "no checkpoints in " + Checkpoints.directory();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Checkpoints.Info i : all) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", i.name());
            row.put("inputs stored", i.problem() == null ? i.stored() : "?");
            row.put("failures", i.problem() == null ? i.failures() : "?");
            row.put("size", i.bytes() < 1 << 20 ? (i.bytes() + 1023) / 1024 + " KB" : String.format("%.1f MB", i.bytes() / 1048576.0));
            row.put("last write", i.problem() != null ? i.problem() : i.lastWrite() == null ? "" : WHEN.format(i.lastWrite()));
            rows.add(row);
        }
        return rows;
    }
}
