"""Looking up a saved notebook's cells by id and reading what they showed, for the nb_checks_* modules."""


def cell(nb, cell_id):
    """The one cell with id `cell_id`."""
    found = [c for c in nb.cells if c.get("id") == cell_id]
    assert len(found) == 1, f"expected one cell with id {cell_id!r}, found {len(found)}"
    return found[0]


def all_text(nb, cell_id):
    """Every stream and text/plain the cell showed (display updates are saved in place of the display they update)."""
    parts = []
    for o in cell(nb, cell_id).outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif "data" in o and "text/plain" in o.data:
            parts.append(o.data["text/plain"])
    return "\n".join(parts)
