package jpool.sharing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The elements of a {@link SharedList}; copies, like a map's entries, and every operation atomic. */
final class ListCore implements Core {
    private final List<Object> list = new ArrayList<>();

    @Override
    public synchronized Reply apply(String op, Args a, String caller, boolean mayWait) {
        return switch (op) {
            case "add" -> {
                list.add(a.get(0));
                yield Reply.of(list.size() - 1);
            }
            case "addAll" -> {
                list.addAll((Collection<?>) a.get(0));
                yield Reply.of(list.size());
            }
            case "get" -> Reply.of(list.get(a.getInt(0)));
            case "set" -> Reply.of(list.set(a.getInt(0), a.get(1)));
            case "remove" -> Reply.of(list.remove(a.getInt(0)));
            case "contains" -> Reply.of(list.contains(a.get(0)));
            case "size" -> Reply.of(list.size());
            case "clear" -> {
                list.clear();
                yield Reply.NONE;
            }
            case "snapshot" -> Reply.of(new ArrayList<>(list));
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
