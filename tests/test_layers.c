/* test_layers.c: includes flow one way (base < config < model < experiment <
 * analysis < output < figures < cli, README.md, "A short tour"), checked by
 * tests/layers.sh on the tree itself, and the check shown to fail on copies of
 * sim/ and include/ with a bad include, an unplaced header and a folder that is
 * no layer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "files.h"

/* Runs `tests/layers.sh ROOT` with its output into out (NUL-terminated);
 * returns its exit status, -1 when it did not exit. */
static int layers(const char *root, char *out, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tests/layers.sh %s 2>&1", root);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run tests/layers.sh");
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A copy of sim/ and include/ in a fresh temporary directory (into dir). */
static void copy_tree(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/coopsim-layers-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r sim include %s/", dir);
    cr_assert_eq(system(cmd), 0, "cannot copy the tree");
}

static void remove_tree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Appends line to file (relative to dir). */
static void append(const char *dir, const char *file, const char *line)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f, "cannot open %s", path);
    fprintf(f, "%s\n", line);
    cr_assert_eq(fclose(f), 0);
}

Test(layers, tree_flows_one_way)
{
    char out[8192];
    int st = layers(".", out, sizeof out);
    cr_expect_eq(st, 0, "tests/layers.sh fails on the tree:\n%s", out);
    cr_expect_str_empty(out);
}

/* An analysis file that includes a header of the output layer, one of the model
 * layer that includes the command line's, and a public header of the
 * configuration layer that includes the experiment's: each named, with the
 * include and both layers; an allowed include (analysis -> base) is not. */
Test(layers, bad_includes_are_named)
{
    char dir[64], out[8192];
    copy_tree(dir, sizeof dir);
    append(dir, "sim/analysis/paired.c", "#include \"coop_output.h\"");
    append(dir, "sim/analysis/survival.c", "#include \"coop_fmt.h\"");
    append(dir, "sim/model/game.c", "#include \"coop_commands.h\"");
    append(dir, "include/coop_config.h", "#include \"coop_sweep.h\"");
    int st = layers(dir, out, sizeof out);
    cr_expect_eq(st, 1, "%s", out);
    cr_expect(strstr(out, "sim/analysis/paired.c (analysis layer) includes coop_output.h (output "
                          "layer, above it)") != NULL, "%s", out);
    cr_expect(strstr(out, "sim/model/game.c (model layer) includes coop_commands.h (cli layer, "
                          "above it)") != NULL, "%s", out);
    cr_expect(strstr(out, "include/coop_config.h (config layer) includes coop_sweep.h "
                          "(experiment layer, above it)") != NULL, "%s", out);
    cr_expect_null(strstr(out, "survival.c"), "%s", out);
    cr_expect_eq(count_lines(out), 3, "%s", out);
    remove_tree(dir);
}

/* A private header of a higher layer reached by a relative path is caught too. */
Test(layers, private_header_of_a_higher_layer)
{
    char dir[64], out[8192];
    copy_tree(dir, sizeof dir);
    append(dir, "sim/experiment/sweep.c", "#include \"../figures/plot_internal.h\"");
    int st = layers(dir, out, sizeof out);
    cr_expect_eq(st, 1, "%s", out);
    cr_expect(strstr(out, "sim/experiment/sweep.c (experiment layer) includes "
                          "../figures/plot_internal.h (figures layer, above it)") != NULL,
              "%s", out);
    remove_tree(dir);
}

/* A header with no .c file to place it, a folder that is no layer, and an include
 * that exists nowhere are refused rather than passed. */
Test(layers, unplaced_files_fail)
{
    char dir[64], out[8192], path[512];
    copy_tree(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/include/coop_nowhere.h", dir);
    write_file(path, "/* nothing */\n");
    snprintf(path, sizeof path, "mkdir %s/sim/misc && echo '' > %s/sim/misc/x.c", dir, dir);
    cr_assert_eq(system(path), 0);
    append(dir, "sim/base/fmt.c", "#include \"coop_missing.h\"");
    int st = layers(dir, out, sizeof out);
    cr_expect_eq(st, 1, "%s", out);
    cr_expect(strstr(out, "include/coop_nowhere.h: no layer") != NULL, "%s", out);
    cr_expect(strstr(out, "sim/misc/x.c: sim/misc/ is not a layer") != NULL, "%s", out);
    cr_expect(strstr(out, "sim/base/fmt.c includes \"coop_missing.h\"") != NULL, "%s", out);
    remove_tree(dir);
}
