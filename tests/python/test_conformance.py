"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) run against jpool."""
import jupyter_kernel_test


class JpoolKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "jpool"
    language_name = "java"
    file_extension = ".java"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'

    completion_samples = [
        {"text": '"hello".subs', "matches": {"substring("}},
        {"text": "Integer.MAX_", "matches": {"MAX_VALUE"}},
        {"text": "Math.sq", "matches": {"sqrt("}},
    ]

    complete_code_samples = [
        "1 + 1",
        "int x = 3;",
        "for (int i = 0; i < 3; i++) { }",
        "void f() {}",
        "record P(int x, int y) {}",
        "System.out.println(1);\nint y = 2;",
        "%lsmagic",
    ]
    incomplete_code_samples = [
        "for (int i = 0; i < 3; i++) {",
        "void f() {",
        'String s = "a" +',
        "int x = 1;\nif (x > 0) {",
        "class A {\n  int f;",
    ]
    invalid_code_samples = [
        "int x = ;)",
        "}",
    ]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"ab" + "cd"', "result": "abcd"},
        {"code": "java.util.List.of(1, 2, 3)", "result": "[1, 2, 3]"},
        {"code": "int z = 5;\nz * 2", "result": "10"},
    ]
    code_display_data = [
        {"code": 'Display.show(Display.html("<b>hi</b>"));', "mime": "text/html"},
        {"code": 'Display.show(Display.markdown("*hi*"));', "mime": "text/markdown"},
        {"code": 'Display.show("plain");', "mime": "text/plain"},
    ]

    # matches exactly one of code_execute_result ("6 * 7"); '?' matches one character in the glob
    code_history_pattern = "6 ? 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "String.valueOf"
    # IPython's help syntax: the execute_reply carries a "page" payload with the inspection of Math.max
    code_page_something = "Math.max?"
    code_clear_output = "Display.clear();"
