package jpool.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The elements of a {@link SharedList}; copies, like a map's entries, and every operation atomic. */
final class ListCore implements Core {
    private final List<Object> list = new ArrayList<>();

    @Override
    public synchronized Outcome apply(String op, Args a, String caller, boolean mayWait) {
        return switch (op) {
            case "add" -> {
                list.add(a.get(0));
                yield Outcome.of(list.size() - 1);
            }
            case "addAll" -> {
                list.addAll((Collection<?>) a.get(0));
                yield Outcome.of(list.size());
            }
            case "get" -> Outcome.of(list.get(a.getInt(0)));
            case "set" -> Outcome.of(list.set(a.getInt(0), a.get(1)));
            case "remove" -> Outcome.of(list.remove(a.getInt(0)));
            case "contains" -> Outcome.of(list.contains(a.get(0)));
            case "size" -> Outcome.of(list.size());
            case "clear" -> {
                list.clear();
                yield Outcome.NONE;
            }
            case "snapshot" -> Outcome.of(new ArrayList<>(list));
            default -> throw new UnsupportedOperationException("list operation " + op);
        };
    }

    @Override
    public synchronized void discard() {
        list.clear();
    }

    @Override
    public synchronized String describe() {
        return list.toString();
    }
}
