/* test_help.c: every command's own help (sim/cli/help.c), read against the same
 * table that drives the parser: the help names the command and lists exactly the
 * options it accepts, its example parses, every other option is refused (in
 * process and end to end, exit status 2); and the man page docs/coopsim.1 is the
 * one the table makes, naming every command and option. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_cli.h"
#include "e2e.h"

/* What fn writes to a stream, malloc'd. */
static char *capture_usage(coop_command topic)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    coop_cli_usage(f, topic);
    cr_assert_eq(fclose(f), 0);
    return buf;
}

/* The long names of the option lines of a help's "Options:" section, as a set. */
static unsigned listed_options(const char *help)
{
    const char *p = strstr(help, "\nOptions:\n");
    cr_assert_not_null(p, "no Options section in:\n%s", help);
    p += strlen("\nOptions:\n");
    unsigned set = 0;
    while (*p && *p != '\n') {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 8 && (strncmp(p, "  -", 3) == 0 || strncmp(p, "      --", 8) == 0)) {
            const char *dd = strstr(p, "--");
            for (int o = 0; o < COOP_N_OPTIONS; o++) {
                size_t l = strlen(coop_cli_options[o].name);
                if (strncmp(dd + 2, coop_cli_options[o].name, l) == 0 &&
                    (dd[2 + l] == ' ' || dd[2 + l] == '\n'))
                    set |= COOP_OPT_BIT(o);
            }
        }
        p += n + (end != NULL);
    }
    return set;
}

Test(help, every_command_has_its_own_help)
{
    char *overview = capture_usage(COOP_CMD_NONE);
    cr_assert_geq(coop_cli_n_help, 11, "run, sweep, ..., version, help: %zu entries",
                  coop_cli_n_help);
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        const coop_command_help *h = &coop_cli_help[i];
        char *help = capture_usage(h->cmd);
        char want[128];
        cr_expect_str_neq(help, overview, "%s: the generic text", h->name);
        snprintf(want, sizeof want, "Usage: coopsim %s", h->name);
        cr_expect_eq(strncmp(help, want, strlen(want)), 0, "%s:\n%s", h->name, help);
        cr_expect_not_null(strstr(help, h->description), "%s: no description", h->name);
        cr_expect_not_null(strstr(help, "\nFiles:\n"), "%s: no Files", h->name);
        snprintf(want, sizeof want, "\nExample:\n  coopsim %s", h->name);
        cr_expect_not_null(strstr(help, want), "%s: no example of itself", h->name);
        cr_expect_eq(listed_options(help), h->options, "%s: lists %#x, accepts %#x", h->name,
                     listed_options(help), h->options);
        cr_expect(h->options & COOP_OPT_BIT(COOP_OPT_HELP), "%s: no --help", h->name);
        cr_expect_str_eq(coop_cli_command_name(h->cmd), h->name);
        for (const char *l = help; *l;) {  /* fits a terminal */
            size_t n = strcspn(l, "\n");
            cr_expect_leq(n, 80, "%s: a line of %zu characters: %.*s", h->name, n, (int)n, l);
            l += n + (l[n] == '\n');
        }
        free(help);
    }
    /* the overview names every command and lists every option */
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        char want[64];
        snprintf(want, sizeof want, "  coopsim %s ", coop_cli_help[i].name);
        cr_expect_not_null(strstr(overview, want), "overview lacks %s", want);
    }
    cr_expect_eq(listed_options(overview), COOP_OPT_BIT(COOP_N_OPTIONS) - 1);
    free(overview);
}

/* argv of a command line (split at spaces; no quoting), into a writable copy. */
static int split(char *line, char **argv, int max)
{
    int n = 0;
    for (char *t = strtok(line, " "); t && n < max - 1; t = strtok(NULL, " "))
        argv[n++] = t;
    argv[n] = NULL;
    return n;
}

Test(help, examples_parse_as_their_command)
{
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        const coop_command_help *h = &coop_cli_help[i];
        char text[1024];
        snprintf(text, sizeof text, "%s", h->example);
        for (char *line = text, *next; line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            char copy[1024], *argv[32];
            snprintf(copy, sizeof copy, "%s", line);
            int argc = split(copy, argv, 32);
            coop_cli cli;
            coop_err err = {0};
            cr_expect_eq(coop_cli_parse(argc, argv, &cli, &err), COOP_OK, "%s: %s", line,
                         err.text);
            coop_command want = h->cmd == COOP_CMD_HELP ? COOP_CMD_HELP : h->cmd;
            cr_expect_eq(cli.cmd, want, "%s: parsed as %d", line, cli.cmd);
            coop_cli_destroy(&cli);
        }
    }
}

/* `coopsim NAME [INPUT] --OPTION [VALUE]` for option o. */
static int parse_with(const coop_command_help *h, int o, coop_err *err)
{
    static const char *values[COOP_N_OPTIONS] = {
        [COOP_OPT_OUTPUT] = "out", [COOP_OPT_SEED] = "3", [COOP_OPT_REPLICATES] = "2",
        [COOP_OPT_THREADS] = "1", [COOP_OPT_SET] = "noise=0.1", [COOP_OPT_SERIES] = "none",
        [COOP_OPT_POSTERIOR] = "post",
    };
    char opt[64], *argv[8];
    int argc = 0;
    snprintf(opt, sizeof opt, "--%s", coop_cli_options[o].name);
    argv[argc++] = "coopsim";
    argv[argc++] = (char *)h->name;
    if (h->cmd != COOP_CMD_HELP && h->cmd != COOP_CMD_VERSION)
        argv[argc++] = "in.cfg";
    argv[argc++] = opt;
    if (coop_cli_options[o].arg)
        argv[argc++] = (char *)values[o];
    argv[argc] = NULL;
    coop_cli cli;
    int st = coop_cli_parse(argc, argv, &cli, err);
    coop_cli_destroy(&cli);
    return st;
}

Test(help, accepted_options_parse_and_the_others_are_refused)
{
    int refused = 0;
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        const coop_command_help *h = &coop_cli_help[i];
        for (int o = 0; o < COOP_N_OPTIONS; o++) {
            coop_err err = {0};
            int st = parse_with(h, o, &err);
            if (h->options & COOP_OPT_BIT(o)) {
                cr_expect_eq(st, COOP_OK, "%s --%s: %s", h->name, coop_cli_options[o].name,
                             err.text);
                continue;
            }
            char want[64];
            snprintf(want, sizeof want, "--%s", coop_cli_options[o].name);
            cr_expect_eq(st, COOP_ECONFIG, "%s accepts %s", h->name, want);
            cr_expect_not_null(strstr(err.text, want), "%s %s: %s", h->name, want, err.text);
            snprintf(want, sizeof want, "`coopsim %s`", h->name);
            cr_expect_not_null(strstr(err.text, want), "%s: %s", h->name, err.text);
            refused++;
        }
    }
    cr_expect_gt(refused, 40, "only %d refusals", refused);
}

Test(help_e2e, command_help_and_refusals)
{
    static char h1[1 << 16];
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        const char *name = coop_cli_help[i].name;
        e2e_result *r = e2e_run("%s --help", name);
        cr_expect_eq(r->status, 0, "%s --help: %s", name, r->err);
        snprintf(h1, sizeof h1, "%s", r->out);
        r = e2e_run("help %s", name);
        cr_expect_eq(r->status, 0, "help %s: %s", name, r->err);
        cr_expect_str_eq(r->out, h1, "help %s differs from %s --help", name, name);
    }
    e2e_result *r = e2e_run("check configs/eu_ca.cfg --threads 2");
    cr_expect_eq(r->status, 2);
    cr_expect_str_empty(r->out);
    cr_expect_str_eq(r->err, "coopsim: `coopsim check` does not take --threads: it takes "
                             "--seed, --replicates, --set, --series, --help\n"
                             "Try 'coopsim check --help'.\n");
    r = e2e_run("run configs/eu_ca.cfg --resume -o /nonexistent/x");
    cr_expect_eq(r->status, 2);
    cr_expect_not_null(strstr(r->err, "coopsim: --resume is an option of `coopsim sweep`, "
                                      "`coopsim hypothesis`, `coopsim sensitivity` and "
                                      "`coopsim infer` only: `coopsim run` takes "),
                       "%s", r->err);
    r = e2e_run("help frobnicate");
    cr_expect_eq(r->status, 2);
    cr_expect_not_null(strstr(r->err, "unknown command 'frobnicate'"), "%s", r->err);
}

/* ---- the man page ---- */

static char *man_from_table(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    coop_cli_man(f);
    cr_assert_eq(fclose(f), 0);
    return buf;
}

Test(help, man_page_is_current)
{
    static char page[1 << 17];
    e2e_slurp("docs/coopsim.1", page, sizeof page);
    char *want = man_from_table();
    if (strcmp(page, want) != 0) {
        FILE *f = fopen("build/coopsim.1", "w");
        if (f) {
            fputs(want, f);
            fclose(f);
        }
        cr_expect_fail("docs/coopsim.1 is not what the help table makes: "
                       "cp build/coopsim.1 docs/coopsim.1");
    }
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        char want_cmd[64];
        snprintf(want_cmd, sizeof want_cmd, ".SS \"coopsim %s", coop_cli_help[i].name);
        cr_expect_not_null(strstr(page, want_cmd), "docs/coopsim.1 lacks %s", want_cmd);
    }
    for (int o = 0; o < COOP_N_OPTIONS; o++) {
        char want_opt[64];
        snprintf(want_opt, sizeof want_opt, "\\fB\\-\\-%s\\fR", coop_cli_options[o].name);
        cr_expect_not_null(strstr(page, want_opt), "docs/coopsim.1 lacks %s", want_opt);
    }
    free(want);
}

/* Rendered by man (man-db) when it is installed: no troff warnings, every command
 * in the text.  Skipped where man is absent (make deps does not install it). */
Test(help_e2e, man_page_renders)
{
    if (system("command -v man >/dev/null 2>&1") != 0)
        cr_skip_test("man is not installed");
    e2e_result *r = e2e_capture("MANWIDTH=80 man --warnings -l docs/coopsim.1 | cat");
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_expect_str_empty(r->err, "troff warnings: %s", r->err);
    cr_expect_not_null(strstr(r->out, "coopsim - agent-based simulation"), "%.400s", r->out);
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        char want[64];
        snprintf(want, sizeof want, "coopsim %s", coop_cli_help[i].name);
        cr_expect_not_null(strstr(r->out, want), "rendered page lacks %s", want);
    }
}

/* ---- make install ---- */

/* `make install` into a staging directory puts the program, the man page, the
 * documentation and the example configurations where README.md says, the installed
 * program runs an installed configuration (its data file found beside it), and
 * `make uninstall` removes them again.  `-o all` and PROG: install the program under
 * test as it is, without rebuilding anything. */
Test(help_e2e, make_install_and_uninstall)
{
    char dir[256], cmd[1024], path[512];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "make -s -o all install DESTDIR=%s PREFIX=/usr PROG=%s >%s/log 2>&1",
             dir, e2e_program(), dir);
    cr_assert_eq(system(cmd), 0, "%s failed (log in %s/log)", cmd, dir);
    const char *const files[] = {
        "usr/bin/coopsim", "usr/share/man/man1/coopsim.1", "usr/share/doc/coopsim/README.md",
        "usr/share/doc/coopsim/TUTORIAL.md", "usr/share/doc/coopsim/CONFIG.md",
        "usr/share/coopsim/configs/eu_ca.cfg", "usr/share/coopsim/configs/classic/nowak_may.cfg",
        "usr/share/coopsim/configs/data/eu_ca_trade_2013_2017.csv",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_expect(e2e_exists(path), "make install did not write %s", files[i]);
    }
    snprintf(path, sizeof path, "%s/usr/share/man/man1/coopsim.1", dir);
    cr_expect(e2e_same_file(path, "docs/coopsim.1"), "the installed man page differs");
    snprintf(cmd, sizeof cmd, "%s/usr/bin/coopsim check %s/usr/share/coopsim/configs/eu_ca_history.cfg "
             ">/dev/null 2>&1", dir, dir);
    cr_expect_eq(system(cmd), 0, "the installed program cannot check an installed configuration");
    snprintf(cmd, sizeof cmd, "make -s uninstall DESTDIR=%s PREFIX=/usr >>%s/log 2>&1", dir, dir);
    cr_assert_eq(system(cmd), 0, "make uninstall failed (log in %s/log)", dir);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_expect(!e2e_exists(path), "make uninstall left %s", files[i]);
    }
    e2e_rmrf(dir);
}
