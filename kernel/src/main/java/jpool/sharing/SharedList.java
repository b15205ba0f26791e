package jpool.sharing;

import jpool.display.Html;
import jpool.display.Rich;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A list kept in the kernel that every process reads and changes, like a {@code Manager().list()} proxy in
 * Python. Each method is one atomic step; elements are copies (see {@link SharedMap}). Not a {@link List}:
 * {@link #snapshot()} gives one.
 */
public class SharedList<E> extends SharedHandle implements Rich {
    private static final long serialVersionUID = 1L;

    /** A new, empty shared list (see also {@link Manager#list()}). */
    public SharedList() {
        super("list");
    }

    /** A new shared list holding a copy of {@code initial}, in its order (Python: {@code manager.list(range(5))}). */
    public SharedList(Collection<? extends E> initial) {
        this();
        if (!initial.isEmpty()) addAll(initial);
    }

    /** Appends {@code element}; returns its index. */
    public int add(E element) {
        return (Integer) call("add", element);
    }

    /** Appends {@code element} (Python's name for {@link #add}); returns its index. */
    public int append(E element) {
        return add(element);
    }

    /** Appends every element, in one step; returns the new size. */
    public int addAll(Collection<? extends E> elements) {
        return (Integer) call("addAll", new ArrayList<>(elements));
    }

    /** The element at {@code index}. */
    @SuppressWarnings("unchecked")
    public E get(int index) {
        return (E) call("get", index);
    }

    /** Replaces the element at {@code index}; returns the old one. */
    @SuppressWarnings("unchecked")
    public E set(int index, E element) {
        return (E) call("set", index, element);
    }

    /** Removes the element at {@code index}; returns it. */
    @SuppressWarnings("unchecked")
    public E remove(int index) {
        return (E) call("remove", index);
    }

    /** Whether some element equals {@code element}. */
    public boolean contains(E element) {
        return (Boolean) call("contains", element);
    }

    /** Number of elements. */
    public int size() {
        return (Integer) call("size");
    }

    /** Whether the list has no elements. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Removes every element. */
    public void clear() {
        call("clear");
    }

    /** A copy of all elements at one moment, as an ordinary list. */
    @SuppressWarnings("unchecked")
    public List<E> snapshot() {
        return (List<E>) call("snapshot");
    }

    /** Text: the elements, like a List; HTML: a numbered table. */
    @Override
    public Map<String, Object> mimeBundle() {
        List<E> l = snapshot();
        StringBuilder h = new StringBuilder("<table><caption>SharedList " + id() + " (" + l.size()
                + " elements)</caption><tr><th>#</th><th>element</th></tr>");
        for (int i = 0; i < l.size(); i++)
            h.append("<tr><td>").append(i).append("</td><td>").append(Html.escape(String.valueOf(l.get(i)))).append("</td></tr>");
        return Map.of("text/plain", "SharedList[" + id() + ": " + l + "]", "text/html", h.append("</table>").toString());
    }
}
