package jpool.eval;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnippetSplitterTest {
    private static JShell shell;
    private static SourceCodeAnalysis analysis;

    @BeforeAll
    static void start() {
        shell = JShell.builder().executionEngine("local").build();
        analysis = shell.sourceCodeAnalysis();
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    private static List<SnippetSplitter.Piece> split(String code) {
        return SnippetSplitter.split(analysis, code);
    }

    @Test
    void splitsACellIntoSnippetsWithTheirOffsets() {
        String code = "int a = 1;\nint b = 2;\na + b";
        List<SnippetSplitter.Piece> pieces = split(code);
        assertEquals(List.of("int a = 1;", "int b = 2;", "a + b"), pieces.stream().map(SnippetSplitter.Piece::source).toList());
        assertEquals(List.of(0, 11, 22), pieces.stream().map(SnippetSplitter.Piece::offset).toList());
    }

    @Test
    void eachSourceStartsAtItsOffsetInTheCellWithoutLeadingWhitespace() {
        String code = "  // load\n  int a = 1;\n\n\nint twice(int v) {\n    return 2 * v;\n}\n\n   twice(a)\n";
        List<SnippetSplitter.Piece> pieces = split(code);
        assertEquals(3, pieces.size());
        for (SnippetSplitter.Piece p : pieces) {
            assertFalse(Character.isWhitespace(p.source().charAt(0)), p.source());
            assertTrue(code.startsWith(p.source().strip(), p.offset()), p.source() + " at " + p.offset());
        }
        assertEquals(code.indexOf("// load"), pieces.get(0).offset());
        assertEquals(code.indexOf("int twice"), pieces.get(1).offset());
        assertEquals(code.indexOf("twice(a)"), pieces.get(2).offset());
    }

    @Test
    void aMissingSemicolonIsAdded() {
        List<SnippetSplitter.Piece> pieces = split("int x = 1\n");
        assertEquals(1, pieces.size());
        assertEquals("int x = 1;", pieces.get(0).source().strip());
        assertEquals(Completeness.COMPLETE_WITH_SEMI, pieces.get(0).completeness());
    }

    @Test
    void anUnfinishedTailIsOnePieceFromItsFirstToken() {
        String code = "int a = 1;\n  for (int i = 0; i < a; i++) {\n    a++;";
        List<SnippetSplitter.Piece> pieces = split(code);
        assertEquals(2, pieces.size());
        SnippetSplitter.Piece tail = pieces.get(1);
        assertEquals(Completeness.DEFINITELY_INCOMPLETE, tail.completeness());
        assertEquals(code.indexOf("for"), tail.offset());
        assertEquals(code.substring(code.indexOf("for")), tail.source());
    }

    @Test
    void blankCellsHaveNoPieces() {
        assertEquals(List.of(), split(""));
        assertEquals(List.of(), split(" \n\t\n"));
    }
}
