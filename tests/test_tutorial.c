/* test_tutorial.c: docs/TUTORIAL.md cannot rot.  tests/tutorial.sh runs every
 * command block of the tutorial in a scratch copy of the repository and checks the
 * output it quotes; this suite runs it on the tutorial itself, and on small
 * documents written here shows that it fails where it must (a failing command, a
 * quoted line missing or out of order, a wrong exit status, a missing expected
 * text), naming the line, and that it runs R, pandas and cfg blocks.  Tests run
 * from the repository root. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "files.h"

/* Runs `tests/tutorial.sh DOC` with its output into out (NUL-terminated);
 * returns its exit status, -1 when it did not exit. */
static int tutorial(const char *doc, char *out, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tests/tutorial.sh %s 2>&1", doc);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run tests/tutorial.sh");
    size_t n = 0, got;
    while ((got = fread(out + n, 1, size - 1 - n, p)) > 0)
        n += got;
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs the document text (written to a temporary file); the file's name into doc. */
static int run_doc(const char *text, char doc[64], char *out, size_t size)
{
    temp_file(doc, text);
    int st = tutorial(doc, out, size);
    unlink(doc);
    return st;
}

/* out names doc's line `line` with the message's start `what`. */
static void assert_names(const char *out, const char *doc, int line, const char *what)
{
    char want[256];
    snprintf(want, sizeof want, "%s:%d: %s", doc, line, what);
    cr_assert_not_null(strstr(out, want), "want \"%s\" in:\n%s", want, out);
}

Test(tutorial, every_block_runs_and_its_quoted_output_matches, .timeout = 600)
{
    static char out[1 << 16];
    int st = tutorial("docs/TUTORIAL.md", out, sizeof out);
    cr_assert_eq(st, 0, "tests/tutorial.sh docs/TUTORIAL.md failed (%d):\n%s", st, out);
    cr_assert_not_null(strstr(out, "blocks ran and their quoted output matched"), "%s", out);
}

Test(tutorial, a_failing_command_is_named_by_its_line)
{
    char doc[64], out[8192];
    int st = run_doc("# t\n\n```sh\necho one\n```\n\n```sh\necho two\nexit 3\n```\n"
                     "\n```sh\necho never\n```\n", doc, out, sizeof out);
    cr_assert_eq(st, 1, "%s", out);
    assert_names(out, doc, 7, "the sh block exited with status 3, not 0");
    cr_assert_not_null(strstr(out, "two"), "the block's output is shown:\n%s", out);
    cr_assert_null(strstr(out, "never"), "the run goes on after a failure:\n%s", out);
}

Test(tutorial, quoted_output_must_appear_in_order)
{
    char doc[64], out[8192];
    /* Two text blocks quote one output, in order; "..." and trailing blanks are free. */
    const char *ok = "```sh\nprintf 'a\\nb  \\nc\\nd\\n'\n```\n\n```text\na\n...\nc\n```\n\n"
                     "```text\nd\n```\n";
    cr_assert_eq(run_doc(ok, doc, out, sizeof out), 0, "%s", out);
    /* b before a: the text fence (line 5) is named, with the line that no longer follows. */
    const char *order = "```sh\nprintf 'a\\nb\\n'\n```\n\n```text\nb\na\n```\n";
    cr_assert_eq(run_doc(order, doc, out, sizeof out), 1, "%s", out);
    assert_names(out, doc, 5, "quoted output not in the output of the block at line 1");
    cr_assert_not_null(strstr(out, "(in this order): a"), "%s", out);
    /* A part of a line is not the line. */
    const char *part = "```sh\necho 'Verdict: supported'\n```\n```text\nVerdict: support\n```\n";
    cr_assert_eq(run_doc(part, doc, out, sizeof out), 1, "%s", out);
    assert_names(out, doc, 4, "quoted output not in the output");
}

Test(tutorial, status_and_expect_comments)
{
    char doc[64], out[8192];
    const char *ok = "```sh\necho 'no actors' >&2\nexit 2\n```\n<!-- status: 2 -->\n"
                     "<!-- expect: no act -->\n";
    cr_assert_eq(run_doc(ok, doc, out, sizeof out), 0, "%s", out);
    const char *status = "```sh\nexit 2\n```\n<!-- status: 1 -->\n";
    cr_assert_eq(run_doc(status, doc, out, sizeof out), 1, "%s", out);
    assert_names(out, doc, 1, "the sh block exited with status 2, not 1");
    const char *expect = "```sh\necho hello\n```\n\n<!-- expect: goodbye -->\n";
    cr_assert_eq(run_doc(expect, doc, out, sizeof out), 1, "%s", out);
    assert_names(out, doc, 5, "expected text not in the output of the block at line 1: goodbye");
}

/* cfg blocks build a file in the scratch copy (the first one creates it, even over a
 * shipped file); r and python blocks run, python with pandas. */
Test(tutorial, cfg_r_and_python_blocks)
{
    char doc[64], out[8192];
    const char *ok = "```cfg README.md\na = 1;\n```\n```cfg\nshown = only;\n```\n"
                     "```cfg README.md\nb = 2;\n```\n```sh\ncat README.md\n```\n"
                     "```text\na = 1;\nb = 2;\n```\n"
                     "```r\ncat(sprintf(\"%d\\n\", sum(1:4)))\n```\n```text\n10\n```\n"
                     "```python\nimport pandas as pd\n"
                     "print(pd.DataFrame({'x': [1, 2, 3]}).x.sum())\n```\n```text\n6\n```\n";
    int st = run_doc(ok, doc, out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    const char *bad = "```cfg a.cfg\nx = 1;\n```\n```sh\ncat a.cfg\n```\n```text\nshown = only;\n```\n";
    cr_assert_eq(run_doc(bad, doc, out, sizeof out), 1, "%s", out);
    assert_names(out, doc, 7, "quoted output not in the output of the block at line 4");
    /* The repository's own README.md is untouched. */
    char *readme = slurp_or_fail("README.md", NULL);
    cr_assert_null(strstr(readme, "a = 1;\nb = 2;"));
    free(readme);
}
