package jpool.display;

import java.util.List;

/** HTML (and aligned plain-text) tables for lists of records or maps. */
public final class Tables {
    private Tables() {
    }

    /** An HTML table of {@code rows}, at most {@code maxRows} shown. */
    public static String html(List<?> rows, int maxRows) {
        List<String> cols = Renderer.columns(rows);
        StringBuilder sb = new StringBuilder("<table class=\"jpool-table\"><thead><tr>");
        for (String c : cols) sb.append("<th>").append(Html.escape(c)).append("</th>");
        sb.append("</tr></thead><tbody>");
        int n = Math.min(rows.size(), maxRows);
        for (int i = 0; i < n; i++) {
            sb.append("<tr>");
            for (String c : cols) sb.append("<td>").append(Html.escape(Renderer.plainText(Renderer.cell(rows.get(i), c)))).append("</td>");
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (rows.size() > n) sb.append("<p>… ").append(rows.size() - n).append(" more rows</p>");
        return sb.toString();
    }

    /** A fixed-width text table (for consoles) of {@code rows}. */
    public static String text(List<?> rows) {
        List<String> cols = Renderer.columns(rows);
        int[] w = new int[cols.size()];
        String[][] cells = new String[rows.size()][cols.size()];
        for (int j = 0; j < cols.size(); j++) w[j] = cols.get(j).length();
        for (int i = 0; i < rows.size(); i++)
            for (int j = 0; j < cols.size(); j++) {
                cells[i][j] = Renderer.plainText(Renderer.cell(rows.get(i), cols.get(j)));
                w[j] = Math.max(w[j], cells[i][j].length());
            }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, cols.toArray(new String[0]), w);
        for (String[] row : cells) appendRow(sb, row, w);
        return sb.toString().stripTrailing();
    }

    /** One line of padded cells; the padding after the last cell is dropped (it would be trailing blanks). */
    private static void appendRow(StringBuilder sb, String[] row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < row.length; j++) line.append(String.format("%-" + (widths[j] + 2) + "s", row[j]));
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
