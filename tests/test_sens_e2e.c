/* test_sens_e2e.c: `coopsim sensitivity` through the program (coop_sens.h).
 *
 * The `function` scenario type replaces the simulation by an analytic test
 * function, so the whole command path (the group read from the file, the design,
 * the rows, the estimators, sensitivity.csv) must reproduce known indices:
 * Ishigami (a = 7, b = 0.1: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437),
 * Sobol's G (closed form from its coefficients, coop_testfn_indices) within
 * 1.5 / sqrt(N), and Morris must rank G's parameters by their coefficients.  The
 * simulation path runs tests/data/sens_small.cfg (a Morris screening of the small
 * hypothesis scenario) on 1 and 2 threads and compares the files byte for byte;
 * bad groups exit with status 2 and a message naming file, line and setting. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_sensitivity.h"
#include "e2e.h"

#define PI_TEXT "3.141592653589793"

/* Writes DIR/NAME.cfg: one actor and the sensitivity group `group`. */
static void write_cfg(const char *dir, const char *name, const char *experiment,
                      const char *group)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.cfg", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "experiment = { name = \"%s\"; %s };\nactors = ({ name = \"A\"; });\n"
               "sensitivity = {\n%s\n};\n", name, experiment, group);
    cr_assert_eq(fclose(f), 0);
}

/* The numbers of the row `output,parameter` of DIR/sensitivity.csv into v[0..m-1]. */
static void read_row(const char *dir, const char *output, const char *param, double *v, int m)
{
    char path[512], line[1024], key[256];
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    snprintf(key, sizeof key, ",%s,%s,", output, param);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char *at = strstr(line, key);
        if (!at)
            continue;
        char *p = at + strlen(key);
        for (int i = 0; i < m; i++) {
            v[i] = strncmp(p, "NA", 2) == 0 ? NAN : strtod(p, &p);
            if (i + 1 < m) {
                p = strchr(p, ',');
                cr_assert_not_null(p);
                p++;
            }
        }
        found = 1;
    }
    fclose(f);
    cr_assert(found, "no row %s in %s", key, path);
}

static const char ISHIGAMI_PARAMS[] =
    "  parameters = ( { path = \"x1\"; min = -" PI_TEXT "; max = " PI_TEXT "; },\n"
    "                 { path = \"x2\"; min = -" PI_TEXT "; max = " PI_TEXT "; },\n"
    "                 { path = \"x3\"; min = -" PI_TEXT "; max = " PI_TEXT "; } );";

/* Ishigami through the command at N = 512 and 8192: within 1.5 / sqrt(N), the
 * intervals cover the truth, and the tolerance shrinks with N. */
Test(sens_e2e, ishigami_sobol)
{
    char dir[64], group[2048], out[128];
    e2e_tmpdir(dir, sizeof dir);
    const double s1[3] = {0.3139, 0.4424, 0.0}, st[3] = {0.5576, 0.4424, 0.2437};
    const int ns[2] = {512, 8192};
    for (int m = 0; m < 2; m++) {
        snprintf(group, sizeof group, "  method = \"sobol\"; function = \"ishigami\"; n = %d;\n"
                 "  bootstrap = 300;\n%s", ns[m], ISHIGAMI_PARAMS);
        char name[32];
        snprintf(name, sizeof name, "ish%d", ns[m]);
        write_cfg(dir, name, "seed = 5;", group);
        snprintf(out, sizeof out, "%s/out%d", dir, ns[m]);
        e2e_result *r = e2e_run("sensitivity %s/%s.cfg --quiet -o %s", dir, name, out);
        cr_assert_eq(r->status, 0, "%s", r->err);
        cr_assert(strstr(r->out, "x1") && strstr(r->out, "ST [interval]"), "%s", r->out);
        double tol = 1.5 / sqrt((double)ns[m]);
        for (int i = 0; i < 3; i++) {
            double v[6];
            char p[16];
            snprintf(p, sizeof p, "x%d", i + 1);
            read_row(out, "y", p, v, 6);
            cr_assert(fabs(v[0] - s1[i]) < tol, "N %d: S1_%d = %.4f", ns[m], i + 1, v[0]);
            cr_assert(fabs(v[3] - st[i]) < tol, "N %d: ST_%d = %.4f", ns[m], i + 1, v[3]);
            cr_assert(v[1] <= s1[i] + 5e-5 && s1[i] - 5e-5 <= v[2], "S1_%d interval", i + 1);
            cr_assert(v[4] <= st[i] + 5e-5 && st[i] - 5e-5 <= v[5], "ST_%d interval", i + 1);
        }
    }
    char path[512];
    snprintf(path, sizeof path, "%s/out512/sensitivity_design.csv", dir);
    cr_assert(e2e_file_has(path, "row,block,matrix,x1,x2,x3\n"));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "tail -n 1 %s", path);
    e2e_result *t = e2e_capture(cmd);
    cr_assert(strncmp(t->out, "2559,511,B,", 11) == 0, "512 blocks of 5 rows: %s", t->out);
    e2e_rmrf(dir);
}

/* G with a = 0, 1, 4.5, 9 (k = 4) at N = 4096: the closed-form indices. */
Test(sens_e2e, g_sobol)
{
    char dir[64], out[128];
    e2e_tmpdir(dir, sizeof dir);
    write_cfg(dir, "g", "seed = 2;",
              "  method = \"sobol\"; function = \"g\"; n = 4096; bootstrap = 0;\n"
              "  coefficients = [ 0.0, 1.0, 4.5, 9.0 ];\n"
              "  parameters = ( { path = \"a\"; min = 0.0; max = 1.0; },\n"
              "                 { path = \"b\"; min = 0.0; max = 1.0; },\n"
              "                 { path = \"c\"; min = 0.0; max = 1.0; },\n"
              "                 { path = \"d\"; min = 0.0; max = 1.0; } );");
    snprintf(out, sizeof out, "%s/out", dir);
    e2e_result *r = e2e_run("sensitivity %s/g.cfg --quiet -o %s", dir, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const double a[4] = {0.0, 1.0, 4.5, 9.0};
    double s1[4], st[4];
    coop_testfn_indices(COOP_TESTFN_G, 4, a, s1, st);
    const char *names[4] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        double v[6];
        read_row(out, "y", names[i], v, 6);
        cr_assert(fabs(v[0] - s1[i]) < 1.5 / 64.0 && fabs(v[3] - st[i]) < 1.5 / 64.0,
                  "%s: S1 %.4f (%.4f), ST %.4f (%.4f)", names[i], v[0], s1[i], v[3], st[i]);
        cr_assert(isnan(v[1]), "bootstrap = 0: no interval");
    }
    e2e_rmrf(dir);
}

/* Morris on G (a = 0, 1, 9, 99), spread trajectories: mu* falls with a_i; the
 * table lists the parameters in that order. */
Test(sens_e2e, morris_g_ranks)
{
    char dir[64], out[128];
    e2e_tmpdir(dir, sizeof dir);
    write_cfg(dir, "mg", "seed = 4;",
              "  method = \"morris\"; function = \"g\"; n = 100; levels = 4;\n"
              "  candidates = 200; bootstrap = 200;\n"
              "  coefficients = [ 99.0, 0.0, 9.0, 1.0 ];\n"
              "  parameters = ( { path = \"p99\"; min = 0.0; max = 1.0; },\n"
              "                 { path = \"p0\"; min = 0.0; max = 1.0; },\n"
              "                 { path = \"p9\"; min = 0.0; max = 1.0; },\n"
              "                 { path = \"p1\"; min = 0.0; max = 1.0; } );");
    snprintf(out, sizeof out, "%s/out", dir);
    e2e_result *r = e2e_run("sensitivity %s/mg.cfg --quiet -o %s", dir, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *order[4] = {"p0", "p1", "p9", "p99"};
    double prev = INFINITY;
    const char *at = r->out;
    for (int i = 0; i < 4; i++) {
        double v[5];
        read_row(out, "y", order[i], v, 5);
        cr_assert(v[1] < prev, "%s: mu* %.4f not below %.4f", order[i], v[1], prev);
        cr_assert(v[2] <= v[1] && v[1] <= v[3], "%s: mu* outside its interval", order[i]);
        prev = v[1];
        char needle[16];
        snprintf(needle, sizeof needle, "  %s ", order[i]);
        const char *pos = strstr(at, needle);
        cr_assert_not_null(pos, "table rank %d should be %s:\n%s", i + 1, order[i], r->out);
        at = pos;
    }
    e2e_rmrf(dir);
}

/* Replicate noise: N(0, 1) added to Ishigami, 10 replicates, shared within a
 * block.  var_noise estimates 1/10; the indices stay within tolerance, scaled
 * only by V / (V + 1/10), because the noise of a block cancels in its differences. */
Test(sens_e2e, noise_separated)
{
    char dir[64], group[2048], out[128], path[512], text[4096];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(group, sizeof group, "  method = \"sobol\"; function = \"ishigami\"; n = 2048;\n"
             "  noise = 1.0; bootstrap = 0;\n%s", ISHIGAMI_PARAMS);
    write_cfg(dir, "noisy", "seed = 9; replicates = 10;", group);
    snprintf(out, sizeof out, "%s/out", dir);
    e2e_result *r = e2e_run("sensitivity %s/noisy.cfg --quiet -o %s", dir, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(path, sizeof path, "%s/sensitivity_variance.csv", out);
    e2e_slurp(path, text, sizeof text);
    double vt, vn, share;
    const char *row = strstr(text, "sobol,y,10,");
    cr_assert_not_null(row, "%s", text);
    cr_assert_eq(sscanf(row, "sobol,y,10,%lf,%lf,%lf", &vt, &vn, &share), 3, "%s", text);
    cr_assert(fabs(vn - 0.1) < 0.01, "var_noise %.4f, expected 0.1", vn);
    cr_assert(fabs(share - vn / vt) < 1e-9 && share > 0.005 && share < 0.01, "share %.5f", share);
    double v[6];
    read_row(out, "y", "x2", v, 6);
    cr_assert(fabs(v[3] - 0.4424) < 1.5 / sqrt(2048.0), "ST_2 = %.4f", v[3]);
    e2e_rmrf(dir);
}

/* The simulation: the same files on 1 and 2 threads; every design row ran. */
Test(sens_e2e, simulation_thread_invariant)
{
    char dir[64], a[128], b[128], path[512];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/t1", dir);
    snprintf(b, sizeof b, "%s/t2", dir);
    e2e_result *r = e2e_run("sensitivity tests/data/sens_small.cfg --threads 1 --quiet -o %s", a);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "target_engagement: Morris screening, 4 trajectories x 4 "
                             "replicates"), "%s", r->out);
    r = e2e_run("sensitivity tests/data/sens_small.cfg --threads 2 --quiet -o %s", b);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *names[] = {"sensitivity.csv", "sensitivity_design.csv",
                           "sensitivity_outputs.csv", "sensitivity_variance.csv"};
    cr_assert(e2e_same_files(a, b, names, 4));
    snprintf(path, sizeof path, "%s/sensitivity_outputs.csv", a);
    cr_assert(e2e_file_has(path, "\n15,target_engagement,"), "16 rows (4 trajectories x 4)");
    cr_assert(e2e_file_has(path, ",4\n"), "4 replicates per row");
    /* engagement.alpha drives the union's engagement: it ranks first. */
    double alpha[5], demo[5];
    read_row(a, "target_engagement", "engagement.alpha", alpha, 5);
    read_row(a, "target_engagement", "actors.KZ.motivator.demonstration", demo, 5);
    cr_assert(alpha[1] > 10.0 * demo[1], "mu* alpha %.4g, demonstration %.4g", alpha[1], demo[1]);
    /* --force replaces; without it the directory is refused. */
    r = e2e_run("sensitivity tests/data/sens_small.cfg --quiet -o %s", a);
    cr_assert_neq(r->status, 0);
    e2e_rmrf(dir);
}

/* The hypothesis' paired effect as an output: each row also runs its
 * counterfactual with the same seeds.  The counterfactual does not depend on the
 * motivator's demonstration strength (its role is removed), so with common random
 * numbers a step in demonstration moves the effect exactly as it moves the
 * factual outcome: equal mu, mu* and sigma.  Also the figure of coopsim plot. */
Test(sens_e2e, paired_effect)
{
    char dir[64], out[128], cfg[128], png[256];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(cfg, sizeof cfg, "%s/eff.cfg", dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sed 's/outputs = \\[ \"others_coop_target\", "
             "\"target_engagement\" \\];/outputs = [ \"effect:others_coop_target\", "
             "\"others_coop_target\" ];/' tests/data/sens_small.cfg > %s", cfg);
    cr_assert_eq(system(cmd), 0);
    cr_assert(e2e_file_has(cfg, "effect:others_coop_target"), "sed failed");
    snprintf(out, sizeof out, "%s/out", dir);
    e2e_result *r = e2e_run("sensitivity %s --threads 2 --quiet -o %s", cfg, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    double eff[5], fac[5];
    const char *demo = "actors.KZ.motivator.demonstration";
    read_row(out, "effect:others_coop_target", demo, eff, 5);
    read_row(out, "others_coop_target", demo, fac, 5);
    for (int k = 0; k < 5; k += 4)
        cr_assert(fabs(eff[k] - fac[k]) < 1e-9 * (1 + fabs(fac[k])), "column %d: %.10g vs %.10g",
                  k, eff[k], fac[k]);
    cr_assert(fabs(eff[1] - fac[1]) < 1e-9 && fac[1] > 0, "mu* %.10g vs %.10g", eff[1], fac[1]);
    /* The shares of the design's points by SESOI (0.02 for others_coop_target): the
     * count of rows whose mean effect exceeds it, from sensitivity_outputs.csv. */
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/sensitivity_outputs.csv", out);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    int rows = 0, above = 0, below = 0;
    while (fgets(line, sizeof line, f)) {
        char *at = strstr(line, ",effect:others_coop_target,");
        if (!at)
            continue;
        double m = strtod(at + strlen(",effect:others_coop_target,"), NULL);
        rows++;
        above += m > 0.02;
        below += m < -0.02;
    }
    fclose(f);
    cr_assert_eq(rows, 16);
    snprintf(path, sizeof path, "%s/sensitivity_shares.csv", out);
    char want[256];
    snprintf(want, sizeof want, "morris,effect:others_coop_target,0.02,16,%.10g,%.10g,%.10g\n",
             above / 16.0, (16 - above - below) / 16.0, below / 16.0);
    cr_assert(e2e_file_has(path, want), "%s not in %s", want, path);
    cr_assert(!e2e_file_has(path, "morris,others_coop_target,"), "only effects have shares");
    r = e2e_run("plot %s --quiet", out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(png, sizeof png, "%s/figures/sensitivity.png", out);
    cr_assert(e2e_exists(png));
    snprintf(png, sizeof png, "%s/figures/sensitivity.csv", out);
    cr_assert(e2e_file_has(png, "effect:others_coop_target,"), "figure data per output");
    e2e_rmrf(dir);
}

struct bad_case {
    const char *group;
    const char *message;
};

/* Each bad group exits with status 2 and says what is wrong and where. */
Test(sens_e2e, bad_groups)
{
    static const struct bad_case cases[] = {
        {"  method = \"anova\";", "sensitivity.method = anova: one of \"morris\", \"sobol\""},
        {"  method = \"morris\"; levels = 5; parameters = ({ path = \"noise\"; min = 0.0; max "
         "= 0.1; });", "sensitivity.levels = 5: an even number"},
        {"  method = \"sobol\"; n = 1; parameters = ({ path = \"noise\"; min = 0.0; max = 0.1; "
         "});", "sensitivity.n = 1: an integer in [2, 65535]"},
        {"  method = \"morris\"; parameters = ({ path = \"actors.A.nothing\"; min = 0.0; max = "
         "1.0; });", "path = \"actors.A.nothing\""},
        {"  method = \"morris\"; parameters = ({ path = \"noise\"; min = 0.0; max = 0.9; });",
         "(noise): max = 0.9"},
        {"  method = \"morris\"; parameters = ({ path = \"noise\"; min = 0.2; max = 0.1; });",
         "min < max"},
        {"  method = \"morris\"; parameters = ({ path = \"noise\"; min = 0.0; max = 0.1; log = "
         "true; });", "log = true needs min > 0"},
        {"  method = \"morris\"; outputs = [ \"happiness\" ]; parameters = ({ path = \"noise\"; "
         "min = 0.0; max = 0.1; });", "happiness: not an outcome"},
        {"  method = \"sobol\"; function = \"ishigami\"; parameters = ({ path = \"x\"; min = "
         "0.0; max = 1.0; });", "function \"ishigami\" has 3 parameters"},
        {"  method = \"morris\"; replicates = 3;", "sensitivity.replicates: unknown setting"},
        {"  method = \"morris\"; outputs = [ \"effect:others_level\" ]; parameters = ({ path "
         "= \"noise\"; min = 0.0; max = 0.1; });", "the scenario has no motivator"},
        {"  method = \"morris\"; candidates = 5; n = 10; parameters = ({ path = \"noise\"; "
         "min = 0.0; max = 0.1; });", "candidates = 5: 0 (no spreading) or at least n = 10"},
    };
    char dir[64];
    e2e_tmpdir(dir, sizeof dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "bad%zu", i);
        write_cfg(dir, name, "seed = 1;", cases[i].group);
        e2e_result *r = e2e_run("sensitivity %s/%s.cfg --quiet -o %s/out%zu", dir, name, dir, i);
        cr_assert_eq(r->status, 2, "case %zu: status %d, %s", i, r->status, r->err);
        cr_assert(strstr(r->err, cases[i].message), "case %zu: %s", i, r->err);
        cr_assert(strstr(r->err, ".cfg:"), "case %zu names the file and line: %s", i, r->err);
        char out[128];
        snprintf(out, sizeof out, "%s/out%zu", dir, i);
        cr_assert(!e2e_exists(out), "case %zu: nothing written", i);
    }
    /* No group at all, and a sweep group beside it. */
    e2e_result *r = e2e_run("sensitivity tests/data/exp_small.cfg --quiet -o %s/none", dir);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "no `sensitivity` group"), "%s", r->err);
    e2e_rmrf(dir);
}

Test(sens_e2e, help)
{
    e2e_result *r = e2e_run("sensitivity --help");
    cr_assert_eq(r->status, 0);
    cr_assert(strstr(r->out, "Usage: coopsim sensitivity CONFIG"), "%s", r->out);
    r = e2e_run("--help");
    cr_assert(strstr(r->out, "coopsim sensitivity"), "%s", r->out);
}

/* The shipped analyses are configs/eu_ca.cfg with their own name, replicates and
 * sensitivity group: the resolved scenarios are equal. */
/* Removes the top-level group "NAME = {" ... "};" from the printed configuration text. */
static void drop_group(char *text, const char *name)
{
    char head[64];
    snprintf(head, sizeof head, "\n%s = {", name);
    char *g = strstr(text, head), *end = g ? strstr(g, "\n};\n") : NULL;
    if (end)
        memmove(g + 1, end + 4, strlen(end + 4) + 1);
}

Test(sens_e2e, shipped_configs_follow_eu_ca)
{
    static char want[1 << 16];
    e2e_result *r = e2e_run("check configs/eu_ca.cfg");
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(want, sizeof want, "%s", r->out);
    const char *files[] = {"configs/sensitivity_motivator.cfg",
                           "configs/sensitivity_motivator_sobol.cfg"};
    for (int i = 0; i < 2; i++) {
        r = e2e_run("check %s --set experiment.name=eu_ca --set experiment.replicates=2000",
                    files[i]);
        cr_assert_eq(r->status, 0, "%s: %s", files[i], r->err);
        cr_assert(strstr(r->out, "\nsensitivity = {\n"), "%s: no sensitivity group", files[i]);
        drop_group(r->out, "sensitivity"); /* printed since manifests carry it */
        cr_assert_str_eq(r->out, want, "%s differs from configs/eu_ca.cfg", files[i]);
    }
}
