/* test_output.c: the results directory (coop_output.h).
 *
 * Records are built by hand with known values (not by the model), handed to the
 * output sink, and the files are compared line by line with what docs/OUTPUT.md
 * promises: exact headers, number formats, NA, RFC 4180 quoting, summaries over
 * replicates, the files of each series mode, refusal to replace without --force,
 * and that a failure (a file-size limit, a path under /dev/full) leaves nothing
 * behind. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coop_output.h"
#include "files.h"
#include "results_fixture.h"

static char base[64];
static coop_config cfg;

static void setup(void)
{
    results_setup(base, "output", &cfg);
}

static void teardown(void)
{
    results_teardown(base, &cfg);
}

TestSuite(output, .init = setup, .fini = teardown);

/* ---- helpers ---- */

static const char *in_base(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *in_base(const char *fmt, ...)
{
    static char buf[4][512];
    static int k;
    char rel[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", base, rel);
    return buf[k];
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void assert_has_line(const char *text, const char *line)
{
    size_t len = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++)
        if ((p == text || p[-1] == '\n') && p[len] == '\n')
            return;
    cr_fatal("line not found: %s", line);
}

static void assert_first_line(const char *path, const char *header)
{
    char *s = slurp(path, NULL);
    cr_assert_not_null(s, "cannot read %s", path);
    size_t len = strlen(header);
    cr_assert(strncmp(s, header, len) == 0 && s[len] == '\n', "%s header:\n%.*s\nexpected:\n%s",
              path, (int)strcspn(s, "\n"), s, header);
    free(s);
}

static int base_entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", base);
    return system(cmd) == 0 ? 0 : 1;
}

/* A record of cfg's layout for replicate r.  Step 1 of actor A, tie A-B and the
 * population hold the values the tests check; everything else follows a formula. */
static coop_record *make_record(int r)
{
    coop_record *rec = coop_record_alloc(&cfg, 1);
    cr_assert_not_null(rec);
    cr_assert(rec->n_actors == cfg.n_actors && rec->n_ties == cfg.n_ties);
    size_t ntc = COOP_TIE_METRICS + rec->n_obs;
    for (int s = 0; s < rec->n_steps; s++) {
        for (size_t a = 0; a < rec->n_actors; a++)
            for (int m = 0; m < COOP_ACTOR_METRICS; m++)
                rec->actor[((size_t)s * rec->n_actors + a) * COOP_ACTOR_METRICS + m] =
                    0.5 * s + a + 0.125 * m + r;
        for (size_t t = 0; t < rec->n_ties * ntc; t++)
            rec->tie[(size_t)s * rec->n_ties * ntc + t] = 0.25 * (double)t;
        rec->pop[s * COOP_POP_METRICS + COOP_P_COOP_SHARE] = 0.5;
        rec->pop[s * COOP_POP_METRICS + COOP_P_MEAN_GAIN] = 2.0;
    }
    double *a = rec->actor + (1 * rec->n_actors + 0) * COOP_ACTOR_METRICS;
    a[COOP_A_COOP_RATE] = r + 1;            /* 1, 2, 3 over replicates */
    a[COOP_A_COOP_TARGET] = NAN;            /* never defined */
    a[COOP_A_GAIN] = 1e-7;
    a[COOP_A_CUM_GAIN] = 1.0 / 3.0;
    a[COOP_A_ENGAGEMENT] = -0.0;
    a[COOP_A_PROPENSITY] = r == 2 ? NAN : 1.0;
    double *t = rec->tie + (1 * rec->n_ties + 0) * ntc;
    t[COOP_T_TRUST] = 0.75;
    t[COOP_T_LEVEL] = 2;
    t[COOP_T_COOP_RATE] = 0.125;
    rec->pop[1 * COOP_POP_METRICS + COOP_P_MEAN_GAIN] = r == 0 ? -INFINITY : 2.0;
    for (size_t k = 0; k < rec->n_ties * rec->n_levels; k++)
        rec->milestone[k] = -1;
    rec->milestone[0 * rec->n_levels + 0] = 0;  /* level 0 is never written */
    rec->milestone[0 * rec->n_levels + 1] = 3;
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        rec->outcome[o] = o == 0 ? 0.5 + r : NAN;
    return rec;
}

/* Gives rec n snapshots, at steps, of n_nodes nodes each: a copy of values (a
 * record owns its snapshots, as coop_record_add_snapshots gives them). */
static void give_snapshots(coop_record *rec, size_t n, const int *steps, size_t n_nodes,
                           const double *values)
{
    rec->n_snaps = n, rec->snap_step = steps, rec->n_snap_nodes = n_nodes;
    rec->snap = malloc(n * n_nodes * sizeof *rec->snap);
    cr_assert_not_null(rec->snap);
    memcpy(rec->snap, values, n * n_nodes * sizeof *rec->snap);
}

/* Writes n replicates of point 0, world `world`, then closes the (point, world). */
static int feed(coop_output *out, const char *world, int n, coop_err *err)
{
    coop_sink sink = coop_output_sink(out);
    int status = COOP_OK;
    for (int r = 0; r < n && !status; r++) {
        coop_record *rec = make_record(r);
        coop_item item = {0, 0, world, r, 1000u + (uint32_t)r, &cfg};
        status = sink.replicate(sink.ctx, &item, rec, err);
        coop_record_free(rec);
    }
    if (!status)
        status = sink.point_done(sink.ctx, 0, 0, world, &cfg, err);
    return status;
}

static void write_dir(const char *dir, int n)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(dir, &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    cr_assert(eq(int, feed(out, "factual", n, &err), COOP_OK), "%s", err.text);
    coop_run_info info;
    coop_run_info_start(&info, "coopsim run x.cfg", 3);
    coop_run_info_finish(&info, "complete");
    cr_assert(eq(int, coop_output_close(out, &info, &err), COOP_OK), "%s", err.text);
}

/* ---- files and their contents ---- */

Test(output, headers_exact)
{
    const char *dir = in_base("res");
    write_dir(dir, 3);
    assert_first_line(in_base("res/series.csv"),
                      "point,world,replicate,step,date,actor,coop_rate,coop_target,gain,"
                      "cum_gain,engagement,propensity");
    char ties[512] = "point,world,replicate,step,date,a,b,trust,level,coop_rate";
    for (size_t o = 0; o < cfg.n_observables; o++) {
        strcat(ties, ",");
        strcat(ties, cfg.observables[o].name);
    }
    assert_first_line(in_base("res/ties.csv"), ties);
    assert_first_line(in_base("res/population.csv"),
                      "point,world,replicate,step,date,coop_share,mean_gain");
    assert_first_line(in_base("res/summary.csv"),
                      "point,world,step,date,actor,metric,mean,sd,ci_lo,ci_hi,n");
    assert_first_line(in_base("res/milestones.csv"), "point,world,replicate,a,b,level,step,date");
    assert_first_line(in_base("res/outcomes.csv"), "point,world,replicate,outcome,value,state");
}

Test(output, rows_and_formats)
{
    write_dir(in_base("res"), 3);
    int steps = cfg.n_steps, na = (int)cfg.n_actors, nt = (int)cfg.n_ties;

    char *s = slurp(in_base("res/series.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 3 * steps * na));
    /* 1 as integer, NaN as NA, 1e-07, ten significant digits, -0 as 0 */
    assert_has_line(s, "0,factual,0,1,2000.25,A,1,NA,1e-07,0.3333333333,0,1");
    assert_has_line(s, "0,factual,2,1,2000.25,A,3,NA,1e-07,0.3333333333,0,NA");
    assert_has_line(s, "0,factual,1,0,2000,B,2,2.125,2.25,2.375,2.5,2.625");
    free(s);

    s = slurp(in_base("res/ties.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 3 * steps * nt));
    cr_assert_not_null(strstr(s, "\n0,factual,0,1,2000.25,A,B,0.75,2,0.125"));
    free(s);

    s = slurp(in_base("res/population.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 3 * steps));
    assert_has_line(s, "0,factual,0,1,2000.25,0.5,-Inf");
    assert_has_line(s, "0,factual,1,1,2000.25,0.5,2");
    assert_has_line(s, "0,factual,2,3,2000.75,0.5,2");
    free(s);

    s = slurp(in_base("res/summary.csv"), NULL);
    int tie_cols = COOP_TIE_METRICS + (int)cfg.n_observables;
    cr_assert(eq(int, count_lines(s),
                 1 + steps * (na * COOP_ACTOR_METRICS + nt * tie_cols + COOP_POP_METRICS)));
    /* {1,2,3}: mean 2, sd 1, 2 -/+ t_{0.975,2} / sqrt(3), t_{0.975,2} = 4.302652729749465 */
    assert_has_line(s, "0,factual,1,2000.25,A,coop_rate,2,1,-0.4841377118,4.484137712,3");
    assert_has_line(s, "0,factual,1,2000.25,A,coop_target,NA,NA,NA,NA,0");
    assert_has_line(s, "0,factual,1,2000.25,A,gain,1e-07,0,1e-07,1e-07,3");
    assert_has_line(s, "0,factual,1,2000.25,A,propensity,1,0,1,1,2");
    assert_has_line(s, "0,factual,1,2000.25,A-B,trust,0.75,0,0.75,0.75,3");
    assert_has_line(s, "0,factual,1,2000.25,A-B,level,2,0,2,2,3");
    assert_has_line(s, "0,factual,0,2000,population,coop_share,0.5,0,0.5,0.5,3");
    /* B's coop_rate at step 0 is 1 + r: again {1,2,3} */
    assert_has_line(s, "0,factual,0,2000,B,coop_rate,2,1,-0.4841377118,4.484137712,3");
    free(s);

    s = slurp(in_base("res/milestones.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 3));
    assert_has_line(s, "0,factual,0,A,B,1,3,2000.75");
    assert_has_line(s, "0,factual,2,A,B,1,3,2000.75");
    free(s);

    s = slurp(in_base("res/outcomes.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 3 * COOP_N_OUTCOMES));
    assert_has_line(s, "0,factual,0,others_coop_target,0.5,all");
    assert_has_line(s, "0,factual,2,others_coop_target,2.5,all");
    assert_has_line(s, "0,factual,1,target_engagement,NA,all");
    assert_has_line(s, "0,factual,1,regional_cohesion,NA,all");
    free(s);
}

Test(output, manifest_holds_config_and_run_group)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    cr_assert(eq(int, feed(out, "factual", 2, &err), COOP_OK));
    coop_run_info info;
    coop_run_info_start(&info, "coopsim run a\"b\\c.cfg", 7);
    coop_run_info_finish(&info, "complete");
    cr_assert(eq(int, coop_output_close(out, &info, &err), COOP_OK), "%s", err.text);

    char *m = slurp(in_base("res/manifest.cfg"), NULL);
    cr_assert_not_null(m);
    /* the configuration first, exactly as coop_config_print writes it */
    char *printed = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&printed, &size);
    cr_assert(eq(int, coop_config_print(&cfg, f), COOP_OK));
    fclose(f);
    cr_assert(strncmp(m, printed, size) == 0, "manifest does not start with the configuration");
    const char *run = m + size;
    cr_assert(strncmp(run, "\nrun = {\n  version = \"" COOP_VERSION "\";\n", 23 + strlen(COOP_VERSION)) == 0,
              "run group: %s", run);
    cr_assert_not_null(strstr(run, "  command = \"coopsim run a\\\"b\\\\c.cfg\";\n"));
    cr_assert_not_null(strstr(run, "  threads = 7;\n"));
    cr_assert_not_null(strstr(run, "  status = \"complete\";\n};\n"));
    cr_assert_not_null(strstr(run, "  started = \"20"));
    cr_assert_not_null(strstr(run, "Z\";\n  finished = \"20"));
    cr_assert_not_null(strstr(run, "  wall_seconds = 0."));
    free(printed);
    free(m);
}

Test(output, rfc4180_quoting)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out);
    cr_assert(eq(int, feed(out, "placebo:K,G \"x\"", 1, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, coop_output_close(out, NULL, &err), COOP_OK), "%s", err.text);
    char *s = slurp(in_base("res/outcomes.csv"), NULL);
    assert_has_line(s, "0,\"placebo:K,G \"\"x\"\"\",0,others_coop_target,0.5,all");
    free(s);
    s = slurp(in_base("res/summary.csv"), NULL);
    assert_has_line(s, "0,\"placebo:K,G \"\"x\"\"\",1,2000.25,A,gain,1e-07,NA,NA,NA,1");
    free(s);
}

/* ---- series modes ---- */

Test(output, series_none_writes_no_per_step_files)
{
    cfg.series = COOP_SERIES_NONE;
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out);
    cr_assert(eq(int, feed(out, "factual", 2, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, coop_output_close(out, NULL, &err), COOP_OK), "%s", err.text);
    cr_assert(exists(in_base("res/manifest.cfg")));
    cr_assert(exists(in_base("res/milestones.csv")));
    cr_assert(exists(in_base("res/outcomes.csv")));
    cr_assert(not(exists(in_base("res/summary.csv"))));
    cr_assert(not(exists(in_base("res/series.csv"))));
    cr_assert(not(exists(in_base("res/ties.csv"))));
    cr_assert(not(exists(in_base("res/population.csv"))));
    char *s = slurp(in_base("res/outcomes.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 2 * COOP_N_OUTCOMES));
    free(s);
}

Test(output, series_summary_writes_summary_only)
{
    cfg.series = COOP_SERIES_SUMMARY;
    write_dir(in_base("res"), 3);
    cr_assert(exists(in_base("res/summary.csv")));
    cr_assert(exists(in_base("res/milestones.csv")));
    cr_assert(exists(in_base("res/outcomes.csv")));
    cr_assert(not(exists(in_base("res/series.csv"))));
    cr_assert(not(exists(in_base("res/ties.csv"))));
    cr_assert(not(exists(in_base("res/population.csv"))));
    char *s = slurp(in_base("res/summary.csv"), NULL);
    assert_has_line(s, "0,factual,1,2000.25,A,coop_rate,2,1,-0.4841377118,4.484137712,3");
    free(s);
}

/* ---- layout checks ---- */

Test(output, record_layout_mismatch_is_einval)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out);
    coop_sink sink = coop_output_sink(out);
    coop_record *rec = make_record(0);
    rec->n_actors++;
    coop_item item = {0, 0, "factual", 0, 1, &cfg};
    cr_assert(eq(int, sink.replicate(sink.ctx, &item, rec, &err), COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "does not match"), "%s", err.text);
    rec->n_actors--;
    rec->keep_series = 0;  /* full series needs the per-step arrays */
    cr_assert(eq(int, sink.replicate(sink.ctx, &item, rec, &err), COOP_EINVAL));
    coop_record_free(rec);
    coop_output_abort(out);
    cr_assert(eq(int, base_entries(), 0));
}

/* ---- atomicity and replacement ---- */

Test(output, nothing_visible_until_close)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out);
    cr_assert(not(exists(in_base("res"))));
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/res.tmp.%ld", base, (long)getpid());
    cr_assert(eq(str, (char *)coop_output_tmpdir(out), tmp));
    cr_assert(exists(tmp));
    cr_assert(eq(int, feed(out, "factual", 1, &err), COOP_OK));
    cr_assert(not(exists(in_base("res"))));
    cr_assert(eq(int, coop_output_close(out, NULL, &err), COOP_OK));
    cr_assert(exists(in_base("res/manifest.cfg")));
    cr_assert(not(exists(tmp)));
}

Test(output, abort_leaves_nothing)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("a/b/res/"), &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    cr_assert(exists(in_base("a/b")));
    cr_assert(eq(int, feed(out, "factual", 1, &err), COOP_OK));
    coop_output_abort(out);
    cr_assert(eq(int, base_entries(), 0), "something was left in %s", base);
    coop_output_abort(NULL);
}

Test(output, creates_missing_parents)
{
    write_dir(in_base("a/b/res"), 1);
    cr_assert(exists(in_base("a/b/res/manifest.cfg")));
}

Test(output, refuses_existing_without_force)
{
    cr_assert(eq(int, mkdir(in_base("res"), 0777), 0));
    FILE *f = fopen(in_base("res/keep.txt"), "w");
    fputs("keep\n", f);
    fclose(f);
    coop_err err = {0};
    cr_assert_null(coop_output_open(in_base("res"), &cfg, 0, &err));
    cr_assert(eq(int, err.code, COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "--force"), "%s", err.text);
    cr_assert(exists(in_base("res/keep.txt")));
    cr_assert(not(exists(in_base("res.tmp.%ld", (long)getpid()))));
}

Test(output, refuses_a_file)
{
    FILE *f = fopen(in_base("res"), "w");
    fclose(f);
    coop_err err = {0};
    cr_assert_null(coop_output_open(in_base("res"), &cfg, 1, &err));
    cr_assert(eq(int, err.code, COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "not a directory"), "%s", err.text);
}

Test(output, force_replaces_results_directory)
{
    write_dir(in_base("res"), 1);
    /* a coopsim file the new results do not have (stale), and a file of the user's */
    FILE *f = fopen(in_base("res/hypothesis.csv"), "w");
    fputs("old\n", f);
    fclose(f);
    f = fopen(in_base("res/notes.csv"), "w");
    fputs("mine\n", f);
    fclose(f);
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 1, &err);
    cr_assert_not_null(out, "%s", err.text);
    cr_assert(exists(in_base("res/hypothesis.csv")));  /* the old results stay until close */
    cr_assert(eq(int, feed(out, "factual", 3, &err), COOP_OK));
    cr_assert(eq(int, coop_output_close(out, NULL, &err), COOP_OK), "%s", err.text);
    cr_assert(not(exists(in_base("res/hypothesis.csv"))));
    char *mine = slurp(in_base("res/notes.csv"), NULL);  /* --force keeps what is not coopsim's */
    cr_assert(eq(str, mine, "mine\n"));
    free(mine);
    char *s = slurp(in_base("res/outcomes.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 3 * COOP_N_OUTCOMES));
    free(s);
    /* only res is left: no temporary or old directory */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = res", base);
    cr_assert(eq(int, system(cmd), 0));
}

Test(output, force_keeps_old_results_on_failure)
{
    write_dir(in_base("res"), 2);
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 1, &err);
    cr_assert_not_null(out);
    coop_output_abort(out);
    char *s = slurp(in_base("res/outcomes.csv"), NULL);
    cr_assert(eq(int, count_lines(s), 1 + 2 * COOP_N_OUTCOMES));
    free(s);
}

Test(output, force_refuses_foreign_directory)
{
    cr_assert(eq(int, mkdir(in_base("home"), 0777), 0));
    FILE *f = fopen(in_base("home/precious.txt"), "w");
    fputs("data\n", f);
    fclose(f);
    coop_err err = {0};
    cr_assert_null(coop_output_open(in_base("home"), &cfg, 1, &err));
    cr_assert(eq(int, err.code, COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "not a coopsim results directory"), "%s", err.text);
    cr_assert(exists(in_base("home/precious.txt")));
}

Test(output, force_accepts_empty_directory)
{
    cr_assert(eq(int, mkdir(in_base("res"), 0777), 0));
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 1, &err);
    cr_assert_not_null(out, "%s", err.text);
    cr_assert(eq(int, coop_output_close(out, NULL, &err), COOP_OK), "%s", err.text);
    cr_assert(exists(in_base("res/manifest.cfg")));
}

Test(output, path_under_dev_full_fails_cleanly)
{
    coop_err err = {0};
    cr_assert_null(coop_output_open("/dev/full/res", &cfg, 0, &err));
    cr_assert(eq(int, err.code, COOP_EIO));
    cr_assert_not_null(strstr(err.text, "/dev/full"), "%s", err.text);
    cr_assert(not(exists("/dev/full.tmp")));
}

Test(output, unwritable_parent_fails_cleanly)
{
    if (geteuid() == 0) {
        rmdir(base);  /* a skipped test does not run .fini */
        cr_skip_test("root ignores directory permissions");
    }
    cr_assert(eq(int, mkdir(in_base("ro"), 0555), 0));
    coop_err err = {0};
    cr_assert_null(coop_output_open(in_base("ro/res"), &cfg, 0, &err));
    cr_assert(eq(int, err.code, COOP_EIO));
    chmod(in_base("ro"), 0755);
}

/* A full disk, simulated with a file-size limit: the sink or close fails with
 * COOP_EIO and the directory, its temporary and its parents are all gone. */
Test(output, write_failure_leaves_nothing)
{
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("p/res"), &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = {100000, 100000};
    cr_assert(eq(int, setrlimit(RLIMIT_FSIZE, &lim), 0));
    int status = feed(out, "factual", 200, &err);
    if (status)
        coop_output_abort(out);
    else
        status = coop_output_close(out, NULL, &err);
    cr_assert(eq(int, status, COOP_EIO), "status %d: %s", status, err.text);
    cr_assert_not_null(strstr(err.text, "write failed"), "%s", err.text);
    cr_assert(eq(int, base_entries(), 0), "something was left in %s", base);
}

Test(output, close_null_is_einval)
{
    coop_err err = {0};
    cr_assert(eq(int, coop_output_close(NULL, NULL, &err), COOP_EINVAL));
}

Test(output, unusable_names_are_einval)
{
    coop_err err = {0};
    const char *bad[] = {"", "/", ".", "..", "a/..", "a/./", "x/.."};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        cr_assert_null(coop_output_open(bad[k], &cfg, 1, &err), "%s accepted", bad[k]);
        cr_assert(eq(int, err.code, COOP_EINVAL), "%s: %s", bad[k], err.text);
    }
    cr_assert_null(coop_output_open(NULL, &cfg, 1, &err));
    cr_assert(eq(int, err.code, COOP_EINVAL));
}

/* ---- snapshots.csv ---- */

Test(output, snapshots_rows_and_formats)
{
    /* Listed actors (no lattice): row and col NA; NaN (played nothing) as NA;
     * a share of C with ten significant digits; time as population.csv's date. */
    static const int steps[] = {1, 6};
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    coop_sink sink = coop_output_sink(out);
    for (int r = 0; r < 2; r++) {
        coop_record *rec = make_record(r);
        double snap[2 * 3] = {1, 0, 2.0 / 3.0, NAN, 1, 0};
        if (r == 0) /* only replicate 0 carries snapshots, as coopsim run gives them */
            give_snapshots(rec, 2, steps, 3, snap);
        coop_item item = {0, 0, "factual", r, 1000u + (uint32_t)r, &cfg};
        cr_assert(eq(int, sink.replicate(sink.ctx, &item, rec, &err), COOP_OK), "%s", err.text);
        coop_record_free(rec);
    }
    cr_assert(eq(int, sink.point_done(sink.ctx, 0, 0, "factual", &cfg, &err), COOP_OK));
    cr_assert_not(exists(in_base("res/snapshots.csv")), "visible before close");
    coop_run_info info;
    coop_run_info_start(&info, "coopsim run x.cfg", 1);
    coop_run_info_finish(&info, "complete");
    cr_assert(eq(int, coop_output_close(out, &info, &err), COOP_OK), "%s", err.text);
    char *s = slurp(in_base("res/snapshots.csv"), NULL);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "step,time,node,row,col,coop\n"
                        "1,2000.25,0,NA,NA,1\n"
                        "1,2000.25,1,NA,NA,0\n"
                        "1,2000.25,2,NA,NA,0.6666666667\n"
                        "6,2001.5,0,NA,NA,NA\n"
                        "6,2001.5,1,NA,NA,1\n"
                        "6,2001.5,2,NA,NA,0\n");
    free(s);

    /* No record with snapshots: no file. */
    write_dir(in_base("plain"), 2);
    cr_assert_not(exists(in_base("plain/snapshots.csv")));
}

Test(output, snapshots_of_another_layout_are_einval)
{
    static const int steps[] = {0};
    double snap[2] = {1, 0};
    coop_err err = {0};
    coop_output *out = coop_output_open(in_base("res"), &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    coop_sink sink = coop_output_sink(out);
    coop_record *rec = make_record(0);
    give_snapshots(rec, 1, steps, 2, snap);
    coop_item item = {0, 0, "factual", 0, 1000u, &cfg};
    cr_assert(eq(int, sink.replicate(sink.ctx, &item, rec, &err), COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "snapshots"), "%s", err.text);
    coop_record_free(rec);
    coop_output_abort(out);
    cr_assert(eq(int, base_entries(), 0), "abort left files behind");
}

/* What --force may replace: coopsim's own names and their .part/.tmp forms only. */
Test(output, is_ours_names_only_coopsims_files)
{
    static const char *const ours[] = {"manifest.cfg", "summary.csv", "outcomes.csv.part",
                                       "manifest.cfg.tmp", "points.csv.tmp", "progress.csv",
                                       "hypothesis.csv", "validation.csv", "tournament.csv",
                                       "snapshots.csv"};
    static const char *const theirs[] = {"figures", "notebook.ipynb", "summary.csv.bak",
                                         "my_summary.csv", "manifest.cfg~", "summary", ""};
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        cr_expect(coop_output_is_ours(ours[i]), "%s", ours[i]);
    for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++)
        cr_expect_not(coop_output_is_ours(theirs[i]), "%s", theirs[i]);
}

/* ---- a command's own files (coop_output_open_bare) and points.csv ---- */

Test(output, bare_directory_holds_the_manifest_and_the_commands_files)
{
    write_dir(in_base("res"), 1);
    FILE *f = fopen(in_base("res/notes.txt"), "w");
    fputs("mine\n", f);
    fclose(f);
    coop_err err = {0};
    coop_output *out = coop_output_open_bare(in_base("res"), &cfg, 1, &err);
    cr_assert_not_null(out, "%s", err.text);
    char path[600];
    snprintf(path, sizeof path, "%s/tournament.csv", coop_output_tmpdir(out));
    f = fopen(path, "w");
    fputs("rank\n", f);
    fclose(f);
    coop_run_info info;
    coop_run_info_start(&info, "coopsim tournament x", 1);
    info.subcommand = "tournament";
    coop_run_info_finish(&info, "complete");
    cr_assert(eq(int, coop_output_close(out, &info, &err), COOP_OK), "%s", err.text);
    cr_assert(exists(in_base("res/tournament.csv")));
    cr_assert(exists(in_base("res/notes.txt")));  /* the user's file is kept */
    cr_assert(not(exists(in_base("res/outcomes.csv"))));  /* the old run's files are gone */
    cr_assert(not(exists(in_base("res/milestones.csv"))));
    char *m = slurp_or_fail(in_base("res/manifest.cfg"), NULL);
    cr_assert_not_null(strstr(m, "# coopsim configuration, fully resolved"));
    assert_has_line(m, "  subcommand = \"tournament\";");
    free(m);
    char wrote[32];
    cr_assert(eq(int, coop_manifest_command(in_base("res/manifest.cfg"), wrote, sizeof wrote), 1));
    cr_assert(eq(str, wrote, "tournament"));
}

Test(output, points_csv_has_every_point_exactly)
{
    coop_config sc;
    memset(&sc, 0, sizeof sc);
    coop_err err = {0};
    cr_assert(eq(int, coop_config_load("tests/data/sweep_small.cfg", NULL, 0, &sc, &err), COOP_OK),
              "%s", err.text);
    coop_sweep *sw = coop_sweep_alloc(&sc, &err);
    cr_assert_not_null(sw, "%s", err.text);
    cr_assert(eq(int, coop_output_write_points(base, sw, &err), COOP_OK), "%s", err.text);
    char *s = slurp_or_fail(in_base("points.csv"), NULL);
    cr_assert_not_null(s);
    cr_assert(eq(int, count_lines(s), 1 + coop_sweep_size(sw)));
    cr_assert(eq(int, strncmp(s, "point,", 6), 0), "%s", s);
    cr_assert(not(exists(in_base("points.csv.tmp"))));
    /* every value reads back as the point's own */
    size_t np = coop_sweep_n_params(sw);
    double x[16];
    cr_assert(np <= 16);
    const char *line = strchr(s, '\n') + 1;
    for (int p = 0; p < coop_sweep_size(sw); p++) {
        coop_sweep_values(sw, p, x);
        char *end;
        cr_assert(eq(long, strtol(line, &end, 10), p));
        for (size_t j = 0; j < np; j++) {
            cr_assert(eq(chr, *end, ','));
            cr_assert(eq(dbl, strtod(end + 1, &end), x[j]));
        }
        cr_assert(eq(chr, *end, '\n'));
        line = end + 1;
    }
    free(s);
    coop_sweep_free(sw);
    coop_config_destroy(&sc);
}
