/* test_cli.c: the command line, in process (coop_cli_parse) and end to end
 * (build/coopsim: help, version, exit codes, usage errors on stderr). */
#include <criterion/criterion.h>
#include <string.h>

#include "coop_cli.h"
#include "e2e.h"

/* getopt_long permutes the argument array, so parse a writable copy. */
static int parse(coop_cli *cli, coop_err *err, int argc, const char *const *argv)
{
    char *copy[32];
    for (int i = 0; i < argc; i++)
        copy[i] = (char *)argv[i];
    copy[argc] = NULL;
    return coop_cli_parse(argc, copy, cli, err);
}

Test(cli, run_with_every_option)
{
    const char *argv[] = {"coopsim", "run", "--seed", "7", "cfg.cfg", "-o", "out",
                          "--replicates", "12", "--threads", "3", "--set",
                          "actors.KZ.openness=0.7", "--series", "full", "--force", "--quiet"};
    coop_cli cli;
    coop_err err = {0};
    cr_assert_eq(parse(&cli, &err, 17, argv), COOP_OK, "%s", err.text);
    cr_assert_eq(cli.cmd, COOP_CMD_RUN);
    cr_assert_str_eq(cli.input, "cfg.cfg");
    cr_assert_str_eq(cli.outdir, "out");
    cr_assert_eq(cli.threads, 3);
    cr_assert(cli.force && cli.quiet && !cli.resume);
    cr_assert_eq(cli.n_overrides, 4);
    cr_assert_str_eq(cli.overrides[0], "experiment.seed=7");
    cr_assert_str_eq(cli.overrides[1], "experiment.replicates=12");
    cr_assert_str_eq(cli.overrides[2], "actors.KZ.openness=0.7");
    cr_assert_str_eq(cli.overrides[3], "output.series=\"full\"");
    cr_assert_str_eq(cli.command_line, "coopsim run --seed 7 cfg.cfg -o out --replicates 12 "
                                       "--threads 3 --set actors.KZ.openness=0.7 --series full "
                                       "--force --quiet");
    coop_cli_destroy(&cli);
}

Test(cli, parses_twice_in_one_process)
{
    const char *a[] = {"coopsim", "check", "--set", "noise=0.1", "x.cfg"};
    const char *b[] = {"coopsim", "run", "y.cfg", "--threads", "2"};
    coop_cli cli;
    coop_err err = {0};
    cr_assert_eq(parse(&cli, &err, 5, a), COOP_OK);
    cr_assert_str_eq(cli.input, "x.cfg");
    coop_cli_destroy(&cli);
    cr_assert_eq(parse(&cli, &err, 5, b), COOP_OK, "%s", err.text);
    cr_assert_str_eq(cli.input, "y.cfg");
    cr_assert_eq(cli.threads, 2);
    coop_cli_destroy(&cli);
}

struct bad_case {
    int argc;
    const char *argv[6];
    const char *fragment;
};

Test(cli, usage_errors_name_the_problem)
{
    static const struct bad_case cases[] = {
        {1, {"coopsim"}, "no command given"},
        {2, {"coopsim", "frobnicate"}, "unknown command 'frobnicate'"},
        {2, {"coopsim", "run"}, "run: missing CONFIG"},
        {2, {"coopsim", "plot"}, "plot: missing RESULTS_DIR"},
        {4, {"coopsim", "run", "a.cfg", "b.cfg"}, "unexpected argument 'b.cfg'"},
        {4, {"coopsim", "run", "a.cfg", "--threads"}, "option '--threads' needs a value"},
        {5, {"coopsim", "run", "a.cfg", "--threads", "0"}, "--threads: '0' is not an integer in [1, 4096]"},
        {5, {"coopsim", "run", "a.cfg", "--threads", "2x"}, "--threads: '2x' is not an integer"},
        {5, {"coopsim", "run", "a.cfg", "--seed", "-1"}, "--seed: '-1' is not an integer in [0, 4294967295]"},
        {5, {"coopsim", "run", "a.cfg", "--replicates", "65537"}, "--replicates: '65537' is not an integer in [1, 65536]"},
        {5, {"coopsim", "run", "a.cfg", "--series", "some"}, "--series: 'some' is not one of none, summary, full"},
        {5, {"coopsim", "run", "a.cfg", "--set", "noise"}, "--set 'noise': expected PATH=VALUE"},
        {4, {"coopsim", "run", "a.cfg", "--bogus"}, "unknown option '--bogus'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        coop_cli cli;
        coop_err err = {0};
        cr_expect_eq(parse(&cli, &err, cases[i].argc, cases[i].argv), COOP_ECONFIG, "case %zu", i);
        cr_expect(strstr(err.text, cases[i].fragment), "case %zu: '%s' lacks '%s'", i, err.text,
                  cases[i].fragment);
        coop_cli_destroy(&cli);
    }
}

Test(cli, help_and_version)
{
    const char *h[] = {"coopsim", "run", "--help"};
    coop_cli cli;
    coop_err err = {0};
    cr_assert_eq(parse(&cli, &err, 3, h), COOP_OK);
    cr_assert_eq(cli.cmd, COOP_CMD_HELP);
    cr_assert_eq(cli.topic, COOP_CMD_RUN);
    coop_cli_destroy(&cli);
    const char *v[] = {"coopsim", "--version"};
    cr_assert_eq(parse(&cli, &err, 2, v), COOP_OK);
    cr_assert_eq(cli.cmd, COOP_CMD_VERSION);
    coop_cli_destroy(&cli);
}

/* ---- end to end ---- */

Test(cli_e2e, help_goes_to_stdout_with_status_0)
{
    e2e_result *r = e2e_run("--help");
    cr_assert_eq(r->status, 0);
    cr_assert(strstr(r->out, "coopsim run"), "%s", r->out);
    cr_assert(strstr(r->out, "--set PATH=VALUE"));
    cr_assert_str_empty(r->err);
    r = e2e_run("check --help");
    cr_assert_eq(r->status, 0);
    cr_assert(strstr(r->out, "Usage: coopsim check CONFIG"), "%s", r->out);
}

Test(cli_e2e, version)
{
    e2e_result *r = e2e_run("--version");
    cr_assert_eq(r->status, 0);
    cr_assert(strncmp(r->out, "coopsim ", 8) == 0, "%s", r->out);
}

Test(cli_e2e, usage_error_exits_2_on_stderr)
{
    e2e_result *r = e2e_run("frobnicate");
    cr_assert_eq(r->status, 2);
    cr_assert_str_empty(r->out);
    cr_assert(strstr(r->err, "coopsim: unknown command 'frobnicate'"), "%s", r->err);
    r = e2e_run("%s", "");
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "no command given"));
}

Test(cli_e2e, missing_config_file_exits_2)
{
    e2e_result *r = e2e_run("check /nonexistent/x.cfg");
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "coopsim: /nonexistent/x.cfg"), "%s", r->err);
}

/* The whole bad-input corpus through the program: each file's first line reads
 * `# expect: LINE: fragment`; `coopsim check` must exit 2 with
 * "coopsim: FILE:LINE: ...fragment..." on stderr (FILE alone when LINE is 0),
 * print nothing on stdout, and `coopsim run` must create no results directory. */
#include <dirent.h>

Test(cli_e2e, every_bad_configuration_exits_2_naming_file_and_line)
{
    DIR *d = opendir("tests/bad");
    cr_assert_not_null(d);
    char tmp[64], out[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(out, sizeof out, "%s/results", tmp);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".cfg") != 0)
            continue;
        char path[512], first[512] = "", prefix[600];
        snprintf(path, sizeof path, "tests/bad/%s", de->d_name);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f);
        cr_assert_not_null(fgets(first, sizeof first, f));
        fclose(f);
        int line = -1, off = 0;
        cr_assert_eq(sscanf(first, "# expect: %d: %n", &line, &off), 1, "%s: no expect line", path);
        char *fragment = first + off;
        fragment[strcspn(fragment, "\n")] = '\0';
        if (line > 0)
            snprintf(prefix, sizeof prefix, "coopsim: %s:%d: ", path, line);
        else
            snprintf(prefix, sizeof prefix, "coopsim: %s: ", path);

        e2e_result *r = e2e_run("check %s", path);
        cr_expect_eq(r->status, 2, "%s: exit %d", path, r->status);
        cr_expect_str_empty(r->out, "%s printed a configuration", path);
        cr_expect(strncmp(r->err, prefix, strlen(prefix)) == 0, "%s: '%s' does not start with '%s'",
                  path, r->err, prefix);
        cr_expect(strstr(r->err, fragment), "%s: '%s' lacks '%s'", path, r->err, fragment);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 30, "the corpus has %d files", n);

    e2e_result *r = e2e_run("run tests/bad/self_tie.cfg --quiet -o %s", out);
    cr_assert_eq(r->status, 2);
    cr_assert_not(e2e_exists(out), "a bad configuration created %s", out);
    e2e_rmrf(tmp);
}

/* Every command that loads a configuration refuses a manifest that another
 * command wrote (one loading path, coop_command_load), and tournament's results
 * directory is handled as run's: refused without --force, replaced with it,
 * the user's files kept. */
Test(cli_e2e, tournament_directory_is_a_results_directory)
{
    char dir[] = "/tmp/coopsim-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg -o %s/t --quiet", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char path[128];
    snprintf(path, sizeof path, "%s/t/notes.txt", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("mine\n", f);
    fclose(f);
    r = e2e_run("tournament configs/classic/tournament.cfg -o %s/t --quiet", dir);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "use --force"), "%s", r->err);
    r = e2e_run("tournament configs/classic/tournament.cfg -o %s/t --quiet --force", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "the user's file is kept");
    snprintf(path, sizeof path, "%s/t/matrix.csv", dir);
    cr_assert_eq(stat(path, &st), 0);
    for (const char *const *cmd = (const char *const[]){"run", "sweep", "validate", NULL}; *cmd;
         cmd++) {
        r = e2e_run("%s %s/t/manifest.cfg -o %s/u --quiet", *cmd, dir, dir);
        cr_assert_eq(r->status, 2, "%s", *cmd);
        cr_assert(strstr(r->err, "was written by `coopsim tournament`"), "%s", r->err);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
