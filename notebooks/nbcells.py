"""The cell builders the make_*.py scripts share: each cell gets a fixed id, which the notebook checks in
tests/python look cells up by."""
from nbformat.v4 import new_code_cell, new_markdown_cell


class Cells(list):
    """The notebook's cells, in order, with fixed ids."""

    def md(self, cell_id, text):
        c = new_markdown_cell(text.strip("\n"))
        c.id = cell_id
        self.append(c)

    def code(self, cell_id, text, raises=False):
        c = new_code_cell(text.strip("\n"))
        c.id = cell_id
        if raises:
            c.metadata["tags"] = ["raises-exception"]
        self.append(c)
