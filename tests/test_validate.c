/* test_validate.c: the validation metrics on hand-made milestone tables with known
 * answers, the `validation` group, `coopsim validate` end to end, the forced
 * initiative of the motivator, and the calibrated configurations staying in step. */
#define _XOPEN_SOURCE 700 /* realpath */

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_model.h"
#include "coop_validate.h"
#include "e2e.h"
#include "scenario_text.h"

/* ---- Kendall's tau-b and the MAE ---- */

Test(validate, kendall_tau_b_by_hand)
{
    /* Observed signing dates with a tie (A and B both 2001) against simulated dates
     * without ties.  The 6 pairs: AB tied in x (counted in n1, neither concordant nor
     * discordant); AC, AD, BC, BD, CD concordant.  P = 5, Q = 0, n0 = 6, n1 = 1,
     * n2 = 0: tau_b = 5 / sqrt((6 - 1) * 6) = 5 / sqrt(30) = 0.912870929. */
    double x[] = {2001, 2001, 2005, 2003}, y[] = {2001, 2002, 2005, 2003};
    cr_expect(ieee_ulp_eq(dbl, coop_validate_kendall_tau_b(x, y, 4), 5.0 / sqrt(30.0), 4));
    /* Without ties tau_b is Kendall's tau: one swapped pair of 6: (5 - 1) / 6. */
    double a[] = {1, 2, 3, 4}, b[] = {1, 2, 4, 3};
    cr_expect(ieee_ulp_eq(dbl, coop_validate_kendall_tau_b(a, b, 4), 4.0 / 6.0, 4));
    /* Reversed order: -1; identical: 1. */
    double r[] = {4, 3, 2, 1};
    cr_expect(ieee_ulp_eq(dbl, coop_validate_kendall_tau_b(a, r, 4), -1.0, 4));
    cr_expect(ieee_ulp_eq(dbl, coop_validate_kendall_tau_b(a, a, 4), 1.0, 4));
}

Test(validate, kendall_tau_b_never_and_degenerate)
{
    /* Never reached is a tie with every other never: x = (1, 2, inf, inf), y = (1, 2,
     * 3, 3): P = 5 (all but the tied pair), n1 = n2 = 1: 5 / sqrt(5 * 5) = 1. */
    double x[] = {1, 2, INFINITY, INFINITY}, y[] = {1, 2, 3, 3};
    cr_expect(ieee_ulp_eq(dbl, coop_validate_kendall_tau_b(x, y, 4), 1.0, 4));
    /* A simulated side all tied (every tie never reached): no order, tau = 0. */
    double z[] = {9, 9, 9, 9};
    cr_expect(eq(dbl, coop_validate_kendall_tau_b(x, z, 4), 0.0));
    cr_expect(isnan(coop_validate_kendall_tau_b(x, y, 1)));
}

Test(validate, mae)
{
    double a[] = {0.5, 0.3, 0.1, 0.1}, b[] = {0.4, 0.1, 0.1, 0.4};
    cr_expect(ieee_ulp_eq(dbl, coop_validate_mae(a, b, 4), (0.1 + 0.2 + 0.0 + 0.3) / 4, 4));
    cr_expect(isnan(coop_validate_mae(a, b, 0)));
}

/* ---- the validation group and the per-replicate metrics ---- */

Test(validate, group_and_observed_values)
{
    coop_config cfg;
    load_ok("tests/data/val_small.cfg", NULL, 0, &cfg);
    coop_validation v;
    coop_err err = {0};
    cr_assert(eq(int, coop_validation_load(&cfg, &v, &err), COOP_OK), "%s", err.text);
    cr_expect(eq(int, v.n_states, 4));
    cr_expect(eq(int, v.leader, 0));
    cr_expect(eq(int, v.blocked, 3));
    cr_expect(eq(int, v.late, 2));
    cr_expect(isinf(v.obs_in_force[3]));
    /* val_trade.csv, 2002-2003: totals A 160, B 40, C 20, D 140 of 360; imports A 120,
     * B 20, C 0, D 60 of 200; exports A 40, B 20, C 20, D 80 of 160. */
    cr_expect(ieee_ulp_eq(dbl, v.obs_share[0][0], 160.0 / 360.0, 4));
    cr_expect(ieee_ulp_eq(dbl, v.obs_share[0][3], 140.0 / 360.0, 4));
    cr_expect(ieee_ulp_eq(dbl, v.obs_share[1][0], 0.6, 4));
    cr_expect(eq(dbl, v.obs_share[1][2], 0.0));
    cr_expect(ieee_ulp_eq(dbl, v.obs_share[2][3], 0.5, 4));
    /* 2004 total 90, 2002 total 180: -50%; late delay 2005 - mean(2001, 2001) = 4. */
    cr_expect(ieee_ulp_eq(dbl, v.observed[COOP_V_DECLINE], -0.5, 4));
    cr_expect(ieee_ulp_eq(dbl, v.observed[COOP_V_LATE_DELAY], 4.0, 4));
    cr_expect(eq(dbl, v.observed[COOP_V_LEADER_YEAR], 2006.0));
    coop_config_destroy(&cfg);
}

/* Milestones and trade written by hand into a record of val_small.cfg (one step a
 * year from 2000, horizon 2010: never = 2010). */
static coop_record *hand_record(const coop_config *cfg)
{
    coop_record *rec = coop_record_alloc(cfg, 1);
    cr_assert_not_null(rec);
    size_t nl = rec->n_levels;
    for (size_t i = 0; i < rec->n_ties * nl; i++)
        rec->milestone[i] = -1;
    /* tie order of the file: EU-A, EU-B, EU-C, EU-D; steps = years - 2000 */
    int ms[4][4] = {{-1, 1, 3, 6}, {-1, 2, 4, -1}, {-1, 5, -1, -1}, {-1, 3, 7, -1}};
    for (int t = 0; t < 4; t++)
        for (int l = 1; l < 4; l++)
            rec->milestone[(size_t)t * nl + (size_t)l] = ms[t][l];
    double trade[4] = {50, 30, 10, 10};
    size_t stride = COOP_TIE_METRICS + rec->n_obs;
    for (int s = 0; s < rec->n_steps; s++)
        for (int t = 0; t < 4; t++)
            rec->tie[((size_t)s * rec->n_ties + (size_t)t) * stride + COOP_TIE_METRICS] =
                (t == 0 && s == 4) ? 25.0 : trade[t];
    return rec;
}

Test(validate, replicate_metrics_by_hand)
{
    coop_config cfg;
    load_ok("tests/data/val_small.cfg", NULL, 0, &cfg);
    coop_validation v;
    coop_err err = {0};
    cr_assert(eq(int, coop_validation_load(&cfg, &v, &err), COOP_OK), "%s", err.text);
    coop_record *rec = hand_record(&cfg);
    double x[COOP_V_N];
    coop_validate_replicate(&v, &cfg, rec, x);
    /* signed: observed (2001, 2001, 2005, 2003), simulated (2001, 2002, 2005, 2003):
     * 5 / sqrt(30), as in kendall_tau_b_by_hand */
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_TAU_SIGNED], 5.0 / sqrt(30.0), 4));
    /* in force: observed (2003, 2004, 2008, never), simulated (2003, 2004, never =
     * 2010, 2007): the pair C-D is discordant, the other 5 concordant: 4/6 */
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_TAU_IN_FORCE], 4.0 / 6.0, 4));
    cr_expect(eq(dbl, x[COOP_V_ORDER_SIGNED], 1.0));  /* A 2001, B 2002 < D 2003 < C 2005 */
    cr_expect(eq(dbl, x[COOP_V_LEADER_FIRST], 1.0));  /* A 2006, the others never */
    cr_expect(eq(dbl, x[COOP_V_LEADER_YEAR], 2006.0));
    cr_expect(eq(dbl, x[COOP_V_BLOCKED], 0.0));       /* D in force 2007 < 2008 */
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_LATE_DELAY], 2005.0 - 2001.5, 4));
    /* shares 0.5, 0.3, 0.1, 0.1 against 4/9, 1/9, 1/18, 7/18: (5 + 17 + 4 + 26)/90/4;
     * imports 0.6, 0.1, 0, 0.3: (0.1 + 0.2 + 0.1 + 0.2) / 4 */
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_SHARE_MAE], 13.0 / 90.0, 8));
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_SHARE_MAE_IMPORTS], 0.15, 8));
    /* exports 0.25, 0.125, 0.125, 0.5: (0.25 + 0.175 + 0.025 + 0.4) / 4 */
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_SHARE_MAE_EXPORTS], 0.2125, 8));
    /* 2004: A 25 instead of 50: total 75 against 100 in 2002 */
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_DECLINE], -0.25, 4));

    /* Censoring: the leader never reaches the enhanced level and the blocked state
     * never enters into force. */
    size_t nl = rec->n_levels;
    rec->milestone[0 * nl + 3] = -1;
    rec->milestone[3 * nl + 2] = -1;
    /* ... and the late state never signs: its date is the horizon, 2010 */
    rec->milestone[2 * nl + 1] = -1;
    coop_validate_replicate(&v, &cfg, rec, x);
    cr_expect(eq(dbl, x[COOP_V_LEADER_FIRST], 0.0));
    cr_expect(eq(dbl, x[COOP_V_LEADER_YEAR], 2010.0));
    cr_expect(eq(dbl, x[COOP_V_BLOCKED], 1.0));
    cr_expect(ieee_ulp_eq(dbl, x[COOP_V_LATE_DELAY], 2010.0 - 2001.5, 4));
    cr_expect(eq(dbl, x[COOP_V_ORDER_SIGNED], 1.0)); /* D 2003 < C never */

    /* Summary: two replicates, leader_first 1 and 0: mean 0.5, score 0.5 (share of
     * 1), pass (|0.5 - 1| <= 0.5). */
    coop_acc acc[COOP_V_N];
    memset(acc, 0, sizeof acc);
    double y[COOP_V_N];
    coop_record *r2 = hand_record(&cfg);
    coop_validate_replicate(&v, &cfg, r2, y);
    for (int t = 0; t < COOP_V_N; t++) {
        coop_acc_add(&acc[t], x[t]);
        coop_acc_add(&acc[t], y[t]);
    }
    coop_validation_row rows[COOP_V_N + 1];
    coop_validate_summarise(&v, acc, NULL, NULL, rows);
    cr_expect(eq(dbl, rows[COOP_V_LEADER_FIRST].mean, 0.5));
    cr_expect(eq(dbl, rows[COOP_V_LEADER_FIRST].score, 0.5));
    cr_expect(eq(int, rows[COOP_V_LEADER_FIRST].pass, 1));
    /* leader year: mean 2008, 2 years from 2006 with tolerance 3: score 1 - 2/6 */
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_LEADER_YEAR].score, 1.0 - 2.0 / 6.0, 4));
    cr_expect(eq(str, (char *)rows[COOP_V_N].target, "combined"));
    double sum = 0;
    int k = 0;
    for (int t = 0; t < COOP_V_N; t++)
        if (v.in_combined[t])
            sum += rows[t].score, k++;
    cr_expect(eq(int, k, COOP_V_N - 2)); /* imports and exports are diagnostics */
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_N].score, sum / k, 4));
    coop_record_free(rec);
    coop_record_free(r2);
    coop_config_destroy(&cfg);
}

Test(validate, missing_group_is_a_config_error)
{
    coop_config cfg;
    load_ok("tests/data/exp_small.cfg", NULL, 0, &cfg);
    coop_validation v;
    coop_err err = {0};
    cr_expect(eq(int, coop_validation_load(&cfg, &v, &err), COOP_ECONFIG));
    cr_expect_not_null(strstr(err.text, "no `validation` group"), "%s", err.text);
    coop_config_destroy(&cfg);
}

/* ---- end to end ---- */

Test(validate, e2e_writes_the_table)
{
    char dir[64], path[128], buf[1 << 14];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("validate tests/data/val_small.cfg -o %s/v --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    cr_expect_not_null(strstr(r->out, "combined"), "%s", r->out);
    snprintf(path, sizeof path, "%s/v/validation.csv", dir);
    e2e_slurp(path, buf, sizeof buf);
    size_t hl = strlen(coop_validate_csv_header);
    cr_expect(eq(int, strncmp(buf, "target,observed,simulated_mean,ci_lo,ci_hi,score,tolerance,"
                                   "pass,status,baseline,baseline_mean,baseline_score,skill\n",
                              hl + 1), 0), "%s", buf);
    int lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    cr_expect(eq(int, lines, 1 + COOP_V_N + 1)); /* header, one row per target, combined */
    for (int t = 0; t < COOP_V_N; t++) {
        char row[64];
        snprintf(row, sizeof row, "\n%s,", coop_validate_target_names[t]);
        cr_expect_not_null(strstr(buf, row), "no row %s", coop_validate_target_names[t]);
    }
    snprintf(path, sizeof path, "%s/v/milestones.csv", dir);
    cr_expect(e2e_exists(path));
    /* a configuration without the group: exit 2, nothing written */
    r = e2e_run("validate tests/data/exp_small.cfg -o %s/w --quiet", dir);
    cr_expect(eq(int, r->status, 2));
    cr_expect_not_null(strstr(r->err, "validation"), "%s", r->err);
    snprintf(path, sizeof path, "%s/w", dir);
    cr_expect(not(e2e_exists(path)));
    e2e_rmrf(dir);
}

Test(validate, e2e_sweep_has_a_point_column)
{
    char dir[64], path[128], buf[1 << 14];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/sw.cfg", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    e2e_slurp("tests/data/val_small.cfg", buf, sizeof buf);
    /* the trade file is relative to the configuration: point at the original */
    char *tf = strstr(buf, "\"val_trade.csv\"");
    cr_assert_not_null(tf);
    *tf = '\0';
    fprintf(f, "%s\"%s/tests/data/val_trade.csv\"%s\nsweep = { method = \"grid\"; parameters = "
            "( { path = \"noise\"; values = [ 0.0, 0.1 ]; } ); };\n", buf, getenv("PWD"),
            tf + strlen("\"val_trade.csv\""));
    fclose(f);
    e2e_result *r = e2e_run("validate %s -o %s/v --quiet", path, dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(path, sizeof path, "%s/v/validation.csv", dir);
    e2e_slurp(path, buf, sizeof buf);
    cr_expect(eq(int, strncmp(buf, coop_validate_csv_header_point,
                              strlen(coop_validate_csv_header_point)), 0), "%s", buf);
    cr_expect_not_null(strstr(buf, "\n1,combined,"));
    snprintf(path, sizeof path, "%s/v/points.csv", dir);
    cr_expect(e2e_exists(path));
    /* the sweep's manifest holds the validation group and the sweep: validating it
     * again gives the same files */
    snprintf(path, sizeof path, "%s/v/manifest.cfg", dir);
    e2e_slurp(path, buf, sizeof buf);
    cr_expect_not_null(strstr(buf, "\nvalidation = {\n"), "%s", buf);
    cr_expect_not_null(strstr(buf, "\nsweep = {\n"), "%s", buf);
    r = e2e_run("validate %s/v/manifest.cfg -o %s/w --quiet", dir, dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    static const char *const files[] = {"validation.csv", "points.csv"};
    for (size_t i = 0; i < 2; i++) {
        char a[128], b[128];
        snprintf(a, sizeof a, "%s/v/%s", dir, files[i]);
        snprintf(b, sizeof b, "%s/w/%s", dir, files[i]);
        cr_expect(e2e_same_file(a, b), "%s differs when validating the manifest", files[i]);
    }
    e2e_rmrf(dir);
}

Test(validate, e2e_manifest_reproduces_the_validation)
{
    /* validate, then validate the results' manifest from another directory: the
     * manifest holds the validation group with trade_file relative to the results
     * directory (no absolute path of the machine that wrote it), and every data
     * file comes out byte for byte (same seed and replicates: the manifest records
     * them). */
    char dir[64], path[128], buf[1 << 15];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0] != '\0', "cannot create a directory under /tmp");
    e2e_result *r = e2e_run("validate tests/data/val_small.cfg -o %s/a --quiet --seed 11 "
                            "--replicates 6", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(path, sizeof path, "%s/a/manifest.cfg", dir);
    e2e_slurp(path, buf, sizeof buf);
    cr_expect_not_null(strstr(buf, "\nvalidation = {\n  target = \"EU\";\n"), "%s", buf);
    char *abs = realpath("tests/data/val_trade.csv", NULL), shown[4200] = "";
    cr_assert_not_null(abs);
    const char *tf = strstr(buf, "\n  trade_file = \"");
    cr_assert_not_null(tf, "%s", buf);
    tf += strlen("\n  trade_file = \"");
    snprintf(shown, sizeof shown, "%s/a/%.*s", dir, (int)strcspn(tf, "\""), tf);
    cr_expect(ne(chr, tf[0], '/'), "an absolute trade_file: %.80s", tf);
    char *found = realpath(shown, NULL);
    cr_expect(found && strcmp(found, abs) == 0, "%s resolves to %s, not %s", shown,
              found ? found : "nothing", abs);
    free(found);
    free(abs);
    /* run from another directory: a relative trade_file would not be found there */
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char *prog = realpath(e2e_program(), NULL);
    cr_assert_not_null(prog);
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "cd %s && %s validate a/manifest.cfg -o b --quiet >/dev/null",
             dir, prog);
    free(prog);
    cr_assert(eq(int, system(cmd), 0), "%s", cmd);
    static const char *const files[] = {"validation.csv", "milestones.csv", "outcomes.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char a[128], b[128];
        snprintf(a, sizeof a, "%s/a/%s", dir, files[i]);
        snprintf(b, sizeof b, "%s/b/%s", dir, files[i]);
        cr_expect(e2e_exists(a), "%s", a);
        cr_expect(e2e_same_file(a, b), "%s differs when validating the manifest", files[i]);
    }
    /* the manifests agree but for the run group */
    char buf2[1 << 15];
    snprintf(path, sizeof path, "%s/b/manifest.cfg", dir);
    e2e_slurp(path, buf2, sizeof buf2);
    char *ra = strstr(buf, "\nrun = {"), *rb = strstr(buf2, "\nrun = {");
    cr_assert(ra && rb);
    *ra = *rb = '\0';
    cr_expect(eq(str, buf, buf2));
    /* run and hypothesis manifests carry the group too */
    r = e2e_run("run tests/data/val_small.cfg -o %s/r --quiet --replicates 2", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(path, sizeof path, "%s/r/manifest.cfg", dir);
    e2e_slurp(path, buf, sizeof buf);
    cr_expect_not_null(strstr(buf, "\nvalidation = {\n"), "%s", buf);
    e2e_rmrf(dir);
}

Test(validate, e2e_same_for_any_thread_count)
{
    char dir[64], a[128], b[128];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("validate tests/data/val_small.cfg -o %s/t1 --threads 1 --quiet "
                            "--replicates 9", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    r = e2e_run("validate tests/data/val_small.cfg -o %s/t3 --threads 3 --quiet --replicates 9",
                dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(a, sizeof a, "%s/t1/validation.csv", dir);
    snprintf(b, sizeof b, "%s/t3/validation.csv", dir);
    cr_expect(e2e_same_file(a, b));
    e2e_rmrf(dir);
}

Test(validate, e2e_bad_group_names_file_and_line)
{
    char dir[64], path[128], buf[1 << 14];
    e2e_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.cfg", dir);
    e2e_slurp("tests/data/val_small.cfg", buf, sizeof buf);
    char *st = strstr(buf, "\"A\", \"B\", \"C\", \"D\"");
    cr_assert_not_null(st);
    st[1] = 'X'; /* states = [ "X", ... ]: no such actor */
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(buf, f);
    fclose(f);
    e2e_result *r = e2e_run("validate %s -o %s/v --quiet", path, dir);
    cr_expect(eq(int, r->status, 2));
    char want[200];
    snprintf(want, sizeof want, "%s:17: validation.states = \"X\": no actor", path);
    cr_expect_not_null(strstr(r->err, want), "%s", r->err);
    e2e_rmrf(dir);
}

/* ---- chance baselines, statuses and skill ---- */

/* Every permutation of the n dates of sg and fo (the same permutation of both)
 * assigned to the states, through the metric code: the mean of each order metric. */
static void permute(const coop_validation *v, double *sg, double *fo, int k, double *sum,
                    long *count)
{
    int n = v->n_states;
    if (k == n) {
        double en[COOP_V_MAX_STATES], out[COOP_V_N];
        for (int i = 0; i < n; i++)
            en[i] = INFINITY;
        coop_validate_orders(v, sg, fo, en, 2010.0, out);
        for (int t = 0; t < COOP_V_N; t++)
            sum[t] += out[t];
        ++*count;
        return;
    }
    for (int i = k; i < n; i++) {
        double a = sg[k], b = fo[k];
        sg[k] = sg[i], fo[k] = fo[i], sg[i] = a, fo[i] = b;
        permute(v, sg, fo, k + 1, sum, count);
        sg[i] = sg[k], fo[i] = fo[k], sg[k] = a, fo[k] = b;
    }
}

Test(validate, chance_of_a_random_order_is_exact)
{
    /* val_small: states A, B, C, D; early A and B, blocked D, late C.  order_signed
     * under a random order: C last (1/4) and D last of the other three (1/3): 1/12
     * without ties; with dates (2001, 2001, 2002, 2003) A and B must get the two
     * 2001s (2 of the 24 orders): 1/12 again; with (2001, 2002, 2002, 2003) no order
     * puts D strictly after both early states and before C: 0. */
    coop_config cfg;
    load_ok("tests/data/val_small.cfg", NULL, 0, &cfg);
    coop_validation v;
    coop_err err = {0};
    cr_assert(eq(int, coop_validation_load(&cfg, &v, &err), COOP_OK), "%s", err.text);
    static const double sgs[][4] = {{2001, 2002, 2005, 2003}, {2001, 2001, 2002, 2003},
                                    {2001, 2002, 2002, 2003}, {2001, 2010, 2010, 2003},
                                    {2004, 2001, 2004, 2001}};
    static const double by_hand[] = {1.0 / 12, 1.0 / 12, 0.0, -1, -1};
    static const double fo[] = {2003, 2003, 2010, 2007}; /* ties and a never */
    for (size_t c = 0; c < sizeof sgs / sizeof *sgs; c++) {
        double sg[4], f[4], sum[COOP_V_N] = {0}, ch[COOP_V_N];
        memcpy(sg, sgs[c], sizeof sg);
        memcpy(f, fo, sizeof f);
        long count = 0;
        permute(&v, sg, f, 0, sum, &count);
        cr_assert(eq(long, count, 24));
        coop_validate_orders_chance(&v, sgs[c], fo, ch);
        static const int ts[] = {COOP_V_TAU_SIGNED, COOP_V_TAU_IN_FORCE, COOP_V_ORDER_SIGNED,
                                 COOP_V_LATE_DELAY};
        for (int i = 0; i < 4; i++)
            cr_expect(epsilon_eq(dbl, sum[ts[i]] / 24, ch[ts[i]], 1e-12), "case %zu, %s: %g "
                      "by enumeration, %g", c, coop_validate_target_names[ts[i]],
                      sum[ts[i]] / 24, ch[ts[i]]);
        cr_expect(eq(dbl, ch[COOP_V_TAU_SIGNED], 0.0));
        cr_expect(eq(dbl, ch[COOP_V_LATE_DELAY], 0.0));
        if (by_hand[c] >= 0)
            cr_expect(epsilon_eq(dbl, ch[COOP_V_ORDER_SIGNED], by_hand[c], 1e-15), "case %zu",
                      c);
        cr_expect(isnan(ch[COOP_V_LEADER_FIRST]) && isnan(ch[COOP_V_DECLINE]));
    }
    coop_config_destroy(&cfg);
}

/* val_small.cfg and its trade table copied into dir, with extra lines added at the
 * end of the validation group; the copy's path into path. */
static void val_variant(const char *dir, const char *extra, char *path, size_t size)
{
    char buf[1 << 14], t[1 << 12];
    e2e_slurp("tests/data/val_small.cfg", buf, sizeof buf);
    e2e_slurp("tests/data/val_trade.csv", t, sizeof t);
    char *end = strrchr(buf, '}');
    cr_assert_not_null(end);
    snprintf(path, size, "%s/val_trade.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(t, f);
    fclose(f);
    snprintf(path, size, "%s/val.cfg", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%.*s%s\n%s", (int)(end - buf), buf, extra, end);
    fclose(f);
}

Test(validate, statuses_baselines_and_skill)
{
    char dir[64], path[160];
    e2e_tmpdir(dir, sizeof dir);
    val_variant(dir, "  input_determined = [ \"blocked_not_reached\", \"trade_share_mae\" ];\n"
                     "  structural = [ \"trade_decline\" ];", path, sizeof path);
    coop_config cfg;
    load_ok(path, NULL, 0, &cfg);
    coop_validation v;
    coop_err err = {0};
    cr_assert(eq(int, coop_validation_load(&cfg, &v, &err), COOP_OK), "%s", err.text);
    cr_expect(eq(int, v.status[COOP_V_BLOCKED], COOP_VS_INPUT));
    cr_expect(eq(int, v.status[COOP_V_DECLINE], COOP_VS_STRUCTURAL));
    cr_expect(eq(int, v.status[COOP_V_SHARE_MAE_EXPORTS], COOP_VS_DIAGNOSTIC));
    cr_expect(eq(int, v.in_combined[COOP_V_BLOCKED] + v.in_combined[COOP_V_SHARE_MAE], 0));
    cr_expect(eq(int, v.in_combined[COOP_V_DECLINE], 1));
    cr_expect_not_null(coop_validate_excluded(&v, COOP_V_BLOCKED));
    cr_expect_not_null(coop_validate_excluded(&v, COOP_V_DECLINE));
    cr_expect_null(coop_validate_excluded(&v, COOP_V_TAU_SIGNED));
    /* initial trade 50, 30, 10, 10 of 100 against 4/9, 1/9, 1/18, 7/18: the
     * replicate_metrics_by_hand shares, MAE 13/90 */
    cr_expect(ieee_ulp_eq(dbl, v.initial[COOP_V_SHARE_MAE], 13.0 / 90.0, 8));

    /* One replicate of hand_record: its metrics, its chance values, and a no_role
     * world whose leader reached the enhanced level in 2008 and not first. */
    coop_record *rec = hand_record(&cfg);
    double x[COOP_V_N], ch[COOP_V_N], nr[COOP_V_N];
    coop_validate_replicate(&v, &cfg, rec, x);
    coop_validate_replicate_chance(&v, &cfg, rec, ch);
    memcpy(nr, x, sizeof nr);
    nr[COOP_V_LEADER_FIRST] = 0.0;
    nr[COOP_V_LEADER_YEAR] = 2008.0;
    coop_acc acc[COOP_V_N], cha[COOP_V_N], nra[COOP_V_N];
    memset(acc, 0, sizeof acc), memset(cha, 0, sizeof cha), memset(nra, 0, sizeof nra);
    for (int t = 0; t < COOP_V_N; t++)
        coop_acc_add(&acc[t], x[t]), coop_acc_add(&cha[t], ch[t]), coop_acc_add(&nra[t], nr[t]);
    coop_validation_row rows[COOP_V_N + 1];
    coop_validate_summarise(&v, acc, cha, nra, rows);
    /* tau_signed: score (1 + 5/sqrt(30))/2, baseline tau 0 (score 1/2): skill
     * (score - 1/2) / (1/2) = tau */
    const coop_validation_row *r = &rows[COOP_V_TAU_SIGNED];
    cr_expect(eq(str, (char *)r->baseline, "random_order"));
    cr_expect(eq(dbl, r->baseline_score, 0.5));
    cr_expect(ieee_ulp_eq(dbl, r->skill, 5.0 / sqrt(30.0), 8));
    /* order_signed: 1 against 1/12: skill 1 */
    cr_expect(epsilon_eq(dbl, rows[COOP_V_ORDER_SIGNED].baseline_mean, 1.0 / 12, 1e-15));
    cr_expect(epsilon_eq(dbl, rows[COOP_V_ORDER_SIGNED].skill, 1.0, 1e-12));
    /* leader year: 2006 (score 1) against the no_role 2008 (score 1 - 2/6): skill 1;
     * leader first: 1 against 0 */
    cr_expect(eq(str, (char *)rows[COOP_V_LEADER_YEAR].baseline, "no_role"));
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_LEADER_YEAR].baseline_score, 2.0 / 3.0, 4));
    cr_expect(epsilon_eq(dbl, rows[COOP_V_LEADER_YEAR].skill, 1.0, 1e-12));
    /* the share: the replay equals the initial values (constant trade but one
     * year): its score equals the baseline's, skill 0 */
    cr_expect(eq(str, (char *)rows[COOP_V_SHARE_MAE].status, "input-determined"));
    cr_expect(eq(str, (char *)rows[COOP_V_SHARE_MAE].baseline, "initial_values"));
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_SHARE_MAE].skill, 0.0, 4));
    /* combined: the mean over the in-combined targets of scores and baseline scores */
    double s = 0, b = 0;
    int k = 0;
    for (int t = 0; t < COOP_V_N; t++)
        if (v.in_combined[t])
            s += rows[t].score, b += rows[t].baseline_score, k++;
    cr_expect(eq(int, k, COOP_V_N - 4)); /* 2 diagnostics, 2 input-determined */
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_N].score, s / k, 4));
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_N].baseline_score, b / k, 4));
    cr_expect(ieee_ulp_eq(dbl, rows[COOP_V_N].skill, (s / k - b / k) / (1 - b / k), 8));
    /* without the no_role world its baselines are NaN, and so is the combined one */
    coop_validate_summarise(&v, acc, cha, NULL, rows);
    cr_expect(isnan(rows[COOP_V_LEADER_YEAR].baseline_score) && isnan(rows[COOP_V_N].skill));
    cr_expect(eq(dbl, rows[COOP_V_TAU_SIGNED].baseline_score, 0.5));
    coop_record_free(rec);
    coop_config_destroy(&cfg);

    /* a name that is not a target, and a target marked twice: file, line, value */
    static const char *const bad[] = {"  structural = [ \"trade_fall\" ];",
                                      "  structural = [ \"tau_signed\" ];\n"
                                      "  input_determined = [ \"tau_signed\" ];"};
    static const char *const says[] = {"validation.structural.0 = \"trade_fall\": not a target",
                                       "validation.structural.0 = \"tau_signed\": marked twice"};
    for (int i = 0; i < 2; i++) {
        val_variant(dir, bad[i], path, sizeof path);
        e2e_result *e = e2e_run("validate %s -o %s/v --quiet", path, dir);
        cr_expect(eq(int, e->status, 2));
        char want[256];
        snprintf(want, sizeof want, "%s:", path);
        cr_expect_not_null(strstr(e->err, want), "%s", e->err);
        cr_expect_not_null(strstr(e->err, says[i]), "%s", e->err);
    }
    e2e_rmrf(dir);
}

Test(validate, e2e_history_baselines, .timeout = 60)
{
    /* The historical scenario at 40 replicates: the statuses of its group, a no_role
     * baseline run on the side (not written as results: outcomes.csv has the
     * factual world only), each skill from its row, and an input-determined target
     * refused by coopsim infer. */
    char dir[64], path[160], buf[1 << 15];
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("validate configs/eu_ca_history.cfg -o %s/h --quiet "
                            "--replicates 40", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(path, sizeof path, "%s/h/validation.csv", dir);
    e2e_slurp(path, buf, sizeof buf);
    cr_expect_not_null(strstr(buf, "\nblocked_not_reached,1,1,1,1,1,0.5,true,input-determined,"
                                   "no_role,1,1,NA\n"), "%s", buf);
    cr_expect_not_null(strstr(buf, ",structural,no_role,"), "%s", buf);
    cr_expect_not_null(strstr(buf, "\ntau_signed,1,"), "%s", buf);
    for (char *line = strchr(buf, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        char name[64], status[32], base[32];
        double score, bs, sk;
        char *f = line + 1;
        for (int i = 0; i < 5; i++)
            f = strchr(f, ',') + 1; /* to score */
        cr_assert(eq(int, sscanf(line + 1, "%63[^,]", name), 1));
        int got = sscanf(f, "%lf,%*[^,],%*[^,],%31[^,],%31[^,],%*[^,],%lf,%lf", &score, status,
                         base, &bs, &sk);
        if (strcmp(name, "blocked_not_reached") == 0) /* baseline score 1: skill NA */
            continue;
        cr_assert(eq(int, got, 5), "%s", line);
        cr_expect(epsilon_eq(dbl, sk, (score - bs) / (1 - bs), 1e-8), "%s", name);
    }
    snprintf(path, sizeof path, "%s/h/outcomes.csv", dir);
    cr_expect(not(e2e_file_has(path, "no_role")));
    /* infer refuses a structural target */
    char text[1 << 16], *abs = realpath("configs/data/eu_ca_trade_2013_2017.csv", NULL);
    cr_assert_not_null(abs);
    e2e_slurp("configs/eu_ca_history.cfg", text, sizeof text);
    const char *file = "\"data/eu_ca_trade_2013_2017.csv\"";
    const char *late = "\"validation.late_delay_years\"";
    char *tf = strstr(text, file), *tg = strstr(text, late);
    cr_assert(tf && tg && tf < tg);
    snprintf(path, sizeof path, "%s/i.cfg", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    int nf = (int)strlen(file), nl = (int)strlen(late);
    fprintf(f, "%.*s\"%s\"%.*s\"validation.trade_decline\"%s", (int)(tf - text), text, abs,
            (int)(tg - tf - nf), tf + nf, tg + nl);
    fclose(f);
    free(abs);
    r = e2e_run("infer %s -o %s/inf --quiet", path, dir);
    cr_expect(eq(int, r->status, 2), "%s", r->err);
    cr_expect_not_null(strstr(r->err, "\"validation.trade_decline\": the validation group marks "
                                      "it structural"), "%s", r->err);
    e2e_rmrf(dir);
}

Test(validate, e2e_sweep_baselines_are_the_points, .timeout = 120)
{
    /* The calibration search cut to 2 points of 8 replicates: point 0 runs with the
     * keys of a single point, so its block of validation.csv, no_role baselines
     * included, equals coopsim validate on the historical scenario at point 0's
     * values (points.csv, exact). */
    char dir[64], path[160], buf[1 << 14], head[4096], row[4096], args[8192] = "";
    e2e_tmpdir(dir, sizeof dir);
    e2e_result *r = e2e_run("validate configs/calibrate_history.cfg --set sweep.n=2 "
                            "--replicates 8 -o %s/s --quiet", dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(path, sizeof path, "%s/s/points.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert(f && fgets(head, sizeof head, f) && fgets(row, sizeof row, f));
    fclose(f);
    head[strcspn(head, "\n")] = row[strcspn(row, "\n")] = '\0';
    char *hs = NULL, *rs = NULL, *h = strtok_r(head, ",", &hs), *v = strtok_r(row, ",", &rs);
    while ((h = strtok_r(NULL, ",", &hs)) && (v = strtok_r(NULL, ",", &rs)))
        snprintf(args + strlen(args), sizeof args - strlen(args), " --set %s=%s", h, v);
    r = e2e_run("validate configs/eu_ca_history.cfg --replicates 8 -o %s/one --quiet%s", dir,
                args);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(path, sizeof path, "%s/s/validation.csv", dir);
    e2e_slurp(path, buf, sizeof buf);
    char want[1 << 13] = "", *line = strchr(buf, '\n');
    for (; line && line[1]; line = strchr(line + 1, '\n'))
        if (strncmp(line + 1, "0,", 2) == 0) /* point 0's rows without the point */
            snprintf(want + strlen(want), sizeof want - strlen(want), "%.*s\n",
                     (int)strcspn(line + 3, "\n"), line + 3);
    snprintf(path, sizeof path, "%s/one/validation.csv", dir);
    e2e_slurp(path, buf, sizeof buf);
    cr_expect(eq(str, want, strchr(buf, '\n') + 1));
    cr_expect_not_null(strstr(want, "\nleader_enhanced_year,2015,"), "%s", want);
    cr_expect_null(strstr(want, ",no_role,NA,"), "a no_role baseline missing: %s", want);
    e2e_rmrf(dir);
}

/* ---- the forced initiative ---- */

Test(validate, forced_initiative_applies_at_its_date)
{
    coop_config cfg;
    load_ok("tests/data/force_initiative.cfg", NULL, 0, &cfg);
    coop_err err = {0};
    coop_model *m = coop_model_alloc(&cfg, &err);
    cr_assert_not_null(m, "%s", err.text);
    coop_model_init(m, 11);
    int T = coop_config_actor(&cfg, "T"), M = coop_config_actor(&cfg, "M");
    int K = coop_config_actor(&cfg, "K");
    coop_param_ref ref;
    cr_assert(eq(int, coop_config_resolve(&cfg, "actors.M.motivator.initiative", &ref, &err),
                 COOP_OK), "%s", err.text);
    cr_expect(eq(int, ref.field, COOP_F_MOT_INITIATIVE));
    for (int s = 0; s < cfg.n_steps; s++) {
        coop_model_step(m, NULL);
        /* step 8 starts at 2002.0: the initiative closes half the gap to 1, once */
        double want = s < 8 ? 0.2 : 0.6;
        cr_expect(ieee_ulp_eq(dbl, coop_model_engagement(m, T, K), want, 4), "step %d: %g", s,
                  coop_model_engagement(m, T, K));
        cr_expect(ieee_ulp_eq(dbl, coop_model_engagement(m, T, M), want, 4), "step %d", s);
        cr_expect(eq(dbl, coop_model_parameter(m, ref), 0.0)); /* consumed */
    }
    coop_model_free(m);
    /* Without the event nothing changes. */
    cfg.n_events = 0;
    m = coop_model_alloc(&cfg, &err);
    cr_assert_not_null(m);
    coop_model_init(m, 11);
    for (int s = 0; s < cfg.n_steps; s++)
        coop_model_step(m, NULL);
    cr_expect(ieee_ulp_eq(dbl, coop_model_engagement(m, T, K), 0.2, 4));
    coop_model_free(m);
    coop_config_destroy(&cfg);
}

Test(validate, forced_initiative_value_range)
{
    coop_config cfg;
    coop_err err = {0};
    memset(&cfg, 0, sizeof cfg);
    const char *ov[] = {"events.0.value=2"};
    cr_expect(eq(int, coop_config_load("tests/data/force_initiative.cfg", ov, 1, &cfg, &err),
                 COOP_ECONFIG));
    cr_expect_not_null(strstr(err.text, "initiative"), "%s", err.text);
    coop_config_destroy(&cfg);
}

/* ---- the calibrated configurations stay in step ---- */

Test(validate, calibration_search_is_the_history_scenario)
{
    char *a = scenario_text("configs/eu_ca_history.cfg");
    char *b = scenario_text("configs/calibrate_history.cfg");
    cr_expect(eq(str, a, b), "configs/calibrate_history.cfg has drifted from "
                             "configs/eu_ca_history.cfg: copy the changed values over");
    free(a);
    free(b);
}

/* The parameters the calibration chose (docs/VALIDATION.md) have the same values in
 * the historical scenario, the default scenario and the motivator sweep. */
Test(validate, calibrated_values_do_not_drift)
{
    static const char *const paths[] = {
        "institutions.theta.1", "institutions.theta.2", "institutions.theta.3",
        "institutions.lambda", "engagement.alpha", "engagement.delta",
        "actors.KZ.motivator.initiative_rate", "actors.KZ.motivator.initiative_impact",
        "actors.KZ.motivator.demonstration", "actors.KZ.motivator.brokerage",
        "ties.EU-KZ.weight", "actors.KG.openness", "ties.KZ-UZ.rivalry",
        "actors.EU.attention_budget", "actors.EU.attention_max",
        "actors.EU.attention_expansion", "actors.EU.attention_relax",
        "actors.EU.attention_cost",
    };
    static const char *const files[] = {"configs/eu_ca.cfg", "configs/sweep_motivator.cfg",
                                        "configs/calibrate_history.cfg"};
    coop_config h;
    load_ok("configs/eu_ca_history.cfg", NULL, 0, &h);
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        coop_config c;
        load_ok(files[f], NULL, 0, &c);
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
            coop_param_ref rh, rc;
            coop_err err = {0};
            cr_assert(eq(int, coop_config_resolve(&h, paths[i], &rh, &err), COOP_OK));
            cr_assert(eq(int, coop_config_resolve(&c, paths[i], &rc, &err), COOP_OK));
            cr_expect(eq(dbl, coop_config_get_param(&h, &rh), coop_config_get_param(&c, &rc)),
                      "%s differs between configs/eu_ca_history.cfg and %s", paths[i], files[f]);
        }
        coop_config_destroy(&c);
    }
    coop_config_destroy(&h);
}
