/* test_mpi_hyp.c: the hypothesis test's statistics as a task farm (hyp_farm.c,
 * coop_hyp_farm; docs/HYPOTHESIS.md, "Performance").
 *
 * A point's paired statistics run as tasks (one per comparison, one per outcome
 * of the channel decomposition) on the threads and, in build/coopsim-mpi, on the
 * worker ranks, which also format the rows; rank 0 only assembles and writes
 * them.  Every file must stay byte-identical: one process with 1 and 2 threads, 2
 * ranks x 1 thread and 3 ranks x 2 threads, with a placebo (the
 * difference-in-differences rows), per-state rows and the channel decomposition,
 * for a plain test, a sweep and `--posterior`.  In one process the rows the tasks
 * formatted are checked against rows formatted from the numbers, computed point
 * by point on one thread (coop_hypothesis_from_outcomes).  The MPI cases need
 * COOPSIM_MPI (the Makefile sets it when mpicc exists); without it they compare
 * the threads only. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdarg.h>
#include <unistd.h>

#include "config_io.h"
#include "coop_hypothesis.h"
#include "e2e_mpi.h"
#include "files.h"
#include "posterior_fixture.h"

/* make sanitize builds no MPI flavour (and Criterion's runner leaks under ASan, as
 * test_mpi_e2e.c says): the suite is disabled there. */
#ifdef __SANITIZE_ADDRESS__
TestSuite(mpi_hyp, .disabled = true);
#endif

/* `cmd` into tmp/ref (1 process, 1 thread), then 1 process x 2 threads and, with
 * the MPI flavour, 2 ranks x 1 thread and 3 ranks x 2 threads: every CSV file and,
 * with table (a sweep's names its directory), the table the same bytes. */
static void compare_all(const char *tmp, const char *cmd, int table)
{
    char ref[128], d[128];
    static char ref_out[1 << 16];
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s --threads 1 --quiet -o %s", cmd, ref);
    cr_assert(eq(int, r->status, 0), "%s: %s", cmd, r->err);
    snprintf(ref_out, sizeof ref_out, "%s", r->out);
    snprintf(d, sizeof d, "%s/t2", tmp);
    r = e2e_run("%s --threads 2 --quiet -o %s", cmd, d);
    cr_assert(eq(int, r->status, 0), "%s: %s", cmd, r->err);
    cr_assert(e2e_same_csvs(ref, d), "%s: 2 threads differ from 1", cmd);
    if (table)
        cr_assert_str_eq(r->out, ref_out, "%s: the table differs on 2 threads", cmd);
    if (!e2e_mpi_program())
        return;
    e2e_mpi_setup();
    static const int rt[2][2] = {{2, 1}, {3, 2}};
    for (int k = 0; k < 2; k++) {
        snprintf(d, sizeof d, "%s/np%d", tmp, rt[k][0]);
        r = e2e_mpi_run(rt[k][0], "%s --threads %d --quiet -o %s", cmd, rt[k][1], d);
        cr_assert(eq(int, r->status, 0), "%s -np %d: %s", cmd, rt[k][0], r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s: %d ranks x %d threads differ from one process",
                  cmd, rt[k][0], rt[k][1]);
        if (table)
            cr_assert_str_eq(r->out, ref_out, "%s -np %d: the table differs", cmd, rt[k][0]);
    }
}

/* The rows that make the comparison mean something: pooled, placebo
 * difference-in-differences ("common") and per-state rows (placebo actor pl,
 * state st), and channels.csv when channels. */
static void assert_rows(const char *dir, const char *pl, const char *st, int channels)
{
    char p[256], a[64], b[64];
    snprintf(p, sizeof p, "%s/hypothesis.csv", dir);
    snprintf(a, sizeof a, ",placebo:%s,", pl);
    snprintf(b, sizeof b, ",%s\n", st);
    cr_assert(e2e_file_has(p, a) && e2e_file_has(p, ",all\n") && e2e_file_has(p, ",common\n") &&
              e2e_file_has(p, b), "%s lacks pooled, placebo or per-state rows", p);
    snprintf(p, sizeof p, "%s/channels.csv", dir);
    cr_assert(eq(int, e2e_exists(p), channels), "%s", p);
}

Test(mpi_hyp, plain_test_is_byte_identical, .timeout = 120)
{
    char tmp[64], ref[128];
    e2e_tmpdir(tmp, sizeof tmp);
    compare_all(tmp, "hypothesis tests/data/hyp_small.cfg --replicates 24 "
                     "--set hypothesis.channels=true", 1);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    assert_rows(ref, "KG", "TJ", 1);
    e2e_rmrf(tmp);
}

/* A farm's payload (here every item's outcome scalars) goes only to the workers
 * that are given tasks, before their first block: with 4 threads a rank, a point's
 * 8 tasks fill one worker's first block (2 tasks a thread), so of 3 workers at most
 * 2 receive it (before, all 3 did), and the files stay those of one process.
 * COOPSIM_MPI_STATS counts the sends. */
Test(mpi_hyp, payload_only_to_workers_with_tasks, .timeout = 120)
{
    if (!e2e_mpi_program())
        cr_skip_test("COOPSIM_MPI is not set (no mpicc): MPI tests skipped");
    e2e_mpi_setup();
    const char *cmd = "hypothesis tests/data/hyp_small.cfg --set hypothesis.channels=true";
    char tmp[64], ref[128], d[128], line[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s --threads 1 --quiet -o %s", cmd, ref);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(d, sizeof d, "%s/mpi", tmp);
    snprintf(line, sizeof line, "env COOPSIM_MPI_STATS=1 mpirun --allow-run-as-root "
             "--oversubscribe -np 4 %s %s --threads 4 --quiet -o %s", e2e_mpi_program(), cmd, d);
    r = e2e_capture(line);
    cr_assert(eq(int, r->status, 0), "%s: %s", line, r->err);
    cr_assert(e2e_same_csvs(ref, d), "%s: differs from one process", line);
    const char *s = strstr(r->err, "farm payloads sent to ");
    long long sent = -1, in = -1;
    cr_assert(s && sscanf(s, "farm payloads sent to %lld of %lld", &sent, &in) == 2, "%s",
              r->err);
    cr_assert(eq(i64, in, 3), "%s", r->err);
    cr_assert(sent >= 0 && sent <= 2, "the payload went to %lld of 3 workers: %s", sent, r->err);
    e2e_rmrf(tmp);
}

/* The farm tasks the workers ran, from COOPSIM_MPI_STATS's lines in err (-1:
 * none said). */
static long long remote_tasks(const char *err)
{
    const char *w = strstr(err, " of them run by the workers");
    long long n = -1;
    while (w && w > err && w[-1] >= '0' && w[-1] <= '9')
        w--;
    return w && sscanf(w, "%lld", &n) == 1 ? n : -1;
}

/* The tasks of a point's statistics when it has more threads than comparisons: a
 * comparison split into parts, each bootstrapping some of its rows (the first
 * also everything else), the rows formatted where the parts meet.  Any split
 * gives the same bytes, tables included, on threads and ranks (the parts'
 * results packed); COOPSIM_HYP_PARTS sets it, and a bad value is refused before
 * anything is written. */
Test(mpi_hyp, split_comparisons_are_byte_identical, .timeout = 120)
{
    const char *cmd = "hypothesis tests/data/hyp_small.cfg --replicates 100 --set "
                      "hypothesis.channels=true";
    char tmp[64], ref[128], d[128], want[64];
    static char ref_out[1 << 16];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    unsetenv("COOPSIM_HYP_PARTS");
    e2e_result *r = e2e_run("%s --threads 1 --quiet -o %s", cmd, ref);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(ref_out, sizeof ref_out, "%s", r->out);
    static const char *const parts[] = {"2", "5", "64"};
    for (int k = 0; k < 3; k++) {
        setenv("COOPSIM_HYP_PARTS", parts[k], 1);
        snprintf(d, sizeof d, "%s/p%s", tmp, parts[k]);
        r = e2e_run("%s --threads 2 --quiet -o %s", cmd, d);
        cr_assert(eq(int, r->status, 0), "%s", r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s parts: the files differ", parts[k]);
        cr_assert_str_eq(r->out, ref_out, "%s parts: the table differs", parts[k]);
    }
    if (e2e_mpi_program()) {
        e2e_mpi_setup();
        setenv("COOPSIM_HYP_PARTS", "3", 1);
        setenv("COOPSIM_MPI_STATS", "1", 1);
        snprintf(d, sizeof d, "%s/np3", tmp);
        r = e2e_mpi_run(3, "%s --threads 1 --quiet -o %s", cmd, d);
        unsetenv("COOPSIM_MPI_STATS");
        cr_assert(eq(int, r->status, 0), "%s", r->err);
        cr_assert(e2e_same_csvs(ref, d), "3 ranks, 3 parts: the files differ");
        cr_assert_str_eq(r->out, ref_out, "3 ranks, 3 parts: the table differs");
        /* 2 comparisons of 3 parts and the channel outcomes, some run by the workers */
        snprintf(want, sizeof want, "hypothesis statistics: %d tasks", 2 * 3 + COOP_N_OUTCOMES);
        cr_assert_not_null(strstr(r->err, want), "%s", r->err);
        cr_assert(remote_tasks(r->err) > 0, "%s", r->err);
    }
    setenv("COOPSIM_HYP_PARTS", "0", 1);
    snprintf(d, sizeof d, "%s/bad", tmp);
    r = e2e_run("%s --threads 2 --quiet -o %s", cmd, d);
    unsetenv("COOPSIM_HYP_PARTS");
    cr_assert(eq(int, r->status, 2), "%s", r->err);
    cr_assert_not_null(strstr(r->err, "COOPSIM_HYP_PARTS=0: the tasks per comparison must be a "
                              "whole number from 1 to 64"), "%s", r->err);
    cr_assert(eq(int, e2e_exists(d), 0), "nothing written");
    e2e_rmrf(tmp);
}

/* A sweep's hypothesis.csv is computed from its outcomes.csv once the sweep is
 * complete, its points' tasks in one farm. */
Test(mpi_hyp, sweep_is_byte_identical, .timeout = 120)
{
    char tmp[64], ref[128], p[256];
    e2e_tmpdir(tmp, sizeof tmp);
    compare_all(tmp, "hypothesis tests/data/hyp_sweep.cfg --replicates 10", 0);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    assert_rows(ref, "KG", "TJ", 0);
    snprintf(p, sizeof p, "%s/hypothesis.csv", ref);
    cr_assert(e2e_file_has(p, "\n1,") && e2e_file_has(p, "\n2,"), "%s: several points", p);
    e2e_rmrf(tmp);
}

/* `coopsim hypothesis --posterior`: its hypothesis.csv comes from the same
 * collector, its statistics from the same farm (the posterior of
 * tests/test_infer.c's hypothesis_posterior_point_mass). */
Test(mpi_hyp, posterior_is_byte_identical, .timeout = 180)
{
    char tmp[64], post[128], path[256], args[512];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(post, sizeof post, "%s/post", tmp);
    posterior_fixture(post, "0.1,0.05");
    snprintf(args, sizeof args, "hypothesis configs/eu_ca_history.cfg --posterior %s "
             "--replicates 12 --set hypothesis.channels=false", post);
    compare_all(tmp, args, 1);
    snprintf(path, sizeof path, "%s/ref", tmp);
    assert_rows(path, "UZ", "TJ", 0);
    e2e_rmrf(tmp);
}

/* `coopsim hypothesis FILE --set OV... --threads 2` into dir, and FILE with the
 * same overrides loaded into *cfg (the settings the run had). */
static void run_loaded(const char *file, const char *const *ov, int n_ov, const char *dir,
                       coop_config *cfg)
{
    char sets[512] = "";
    for (int k = 0; k < n_ov; k++) {
        size_t n = strlen(sets);
        snprintf(sets + n, sizeof sets - n, " --set %s", ov[k]);
    }
    e2e_result *r = e2e_run("hypothesis %s%s --threads 2 --quiet -o %s", file, sets, dir);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    load_ok(file, ov, n_ov, cfg);
}

/* ---- the rows the tasks format against rows formatted from the numbers ---- */

typedef struct files {
    coop_hyp_csv *hyp;
    coop_chan_csv *chan;
    int text;       /* pieces that came formatted by the tasks */
} files;

/* Writes the point from its numbers alone: the tasks' text is dropped. */
static int from_numbers(void *ctx, const coop_hyp_point *res, const coop_config *cfg,
                        coop_err *err)
{
    (void)cfg;
    files *f = ctx;
    coop_hyp_point *p = malloc(sizeof *p);
    cr_assert_not_null(p);
    *p = *res;
    f->text += p->n_text > 0;
    p->n_text = 0;
    int st = coop_hyp_csv_write(f->hyp, p, err);
    if (!st && res->channels) {
        coop_chan_point *c = malloc(sizeof *c);
        cr_assert_not_null(c);
        *c = *res->channels;
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            f->text += c->text[o] != NULL;
            c->text[o] = NULL;
        }
        st = coop_chan_csv_write(f->chan, c, err);
        free(c);
    }
    free(p);
    return st;
}

/* hypothesis.csv and channels.csv of dir's outcomes.csv, computed one task after
 * another on this thread (threads < 0) or as a farm on 2 threads, written from
 * the numbers into out/. */
static void recompute(const char *dir, const char *out, const coop_config *cfg, int threads)
{
    char p[256];
    coop_err err = {0};
    cr_assert(mkdir(out, 0777) == 0);
    files f = {0};
    snprintf(p, sizeof p, "%s/hypothesis.csv", out);
    cr_assert_not_null(f.hyp = coop_hyp_csv_open(p, &err), "%s", err.text);
    snprintf(p, sizeof p, "%s/channels.csv", out);
    cr_assert_not_null(f.chan = coop_chan_csv_open(p, &err), "%s", err.text);
    cr_assert(eq(int, coop_hypothesis_from_outcomes_farm(dir, cfg, coop_hyp_n_worlds(&cfg->hyp),
                                                         threads, from_numbers, &f, NULL, &err),
                 COOP_OK), "%s", err.text);
    cr_assert(eq(int, f.text, 1 + COOP_N_OUTCOMES), "every piece formatted by the tasks");
    cr_assert(eq(int, coop_hyp_csv_close(f.hyp, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, coop_chan_csv_close(f.chan, &err), COOP_OK), "%s", err.text);
}

Test(mpi_hyp, task_rows_are_the_numbers_rows, .timeout = 60)
{
    char tmp[64], run[128], a[128], b[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(run, sizeof run, "%s/run", tmp);
    coop_config cfg;
    const char *ov[] = {"experiment.replicates=24", "hypothesis.channels=true"};
    run_loaded("tests/data/hyp_small.cfg", ov, 2, run, &cfg);
    snprintf(a, sizeof a, "%s/serial", tmp);
    recompute(run, a, &cfg, -1);
    snprintf(b, sizeof b, "%s/farm", tmp);
    recompute(run, b, &cfg, 2);
    static const char *const names[] = {"hypothesis.csv", "channels.csv"};
    cr_assert(e2e_same_files(run, a, names, 2), "rows from the numbers differ from the run's");
    cr_assert(e2e_same_files(run, b, names, 2), "the farm's rows differ from the run's");
    coop_config_destroy(&cfg);
    e2e_rmrf(tmp);
}

/* ---- a sweep's points, read from outcomes.csv by the tasks ---- */

static int rows_to(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    (void)cfg;
    return coop_hyp_csv_write(ctx, res, err);
}

/* hypothesis.csv of dir's outcomes.csv into out (serially: threads < 0, else
 * tasks that read their points); the status, the message into err. */
static int stats_of(const char *dir, const char *out, const coop_config *cfg, int threads,
                    coop_hyp_cost *cost, coop_err *err)
{
    coop_hyp_csv *f = coop_hyp_csv_open(out, err);
    cr_assert_not_null(f, "%s", err->text);
    int st = coop_hypothesis_from_outcomes_farm(dir, cfg, coop_hyp_n_worlds(&cfg->hyp), threads,
                                                rows_to, f, cost, err);
    if (st)
        coop_hyp_csv_abort(f);
    else
        cr_assert(eq(int, coop_hyp_csv_close(f, err), COOP_OK));
    return st;
}

/* outcomes.csv of dir with `from` replaced by `to` wherever it occurs. */
static void edit_outcomes(const char *dir, const char *from, const char *to)
{
    char path[256];
    snprintf(path, sizeof path, "%s/outcomes.csv", dir);
    char *s = slurp_or_fail(path, NULL), *at;
    size_t n = strlen(s), a = strlen(from), b = strlen(to);
    char *t = malloc(2 * n + 1), *w = t;
    cr_assert_not_null(t);
    int hits = 0;
    for (const char *r = s; *r;) {
        if ((at = strstr(r, from)) == NULL) {
            w += sprintf(w, "%s", r);
            break;
        }
        memcpy(w, r, (size_t)(at - r)), w += at - r;
        memcpy(w, to, b), w += b;
        r = at + a, hits++;
    }
    *w = '\0';
    cr_assert(hits > 0, "%s is not in %s", from, path);
    write_file(path, t);
    free(s), free(t);
}

Test(mpi_hyp, sweep_points_are_read_by_the_tasks, .timeout = 120)
{
    char tmp[64], run[128], a[128], b[128], ref[160];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(run, sizeof run, "%s/run", tmp);
    coop_config cfg;
    const char *ov[] = {"hypothesis.channels=true"};
    run_loaded("tests/data/hyp_sweep.cfg", ov, 1, run, &cfg);
    e2e_result *r;
    coop_err err = {0};
    coop_hyp_cost cost;
    snprintf(ref, sizeof ref, "%s/hypothesis.csv", run);

    /* Every point read by the tasks: the run's bytes, on 1 and 2 threads. */
    for (int t = 1; t <= 2; t++) {
        snprintf(a, sizeof a, "%s/tasks%d.csv", tmp, t);
        cr_assert(eq(int, stats_of(run, a, &cfg, t, &cost, &err), COOP_OK), "%s", err.text);
        cr_assert(eq(i64, cost.serial_from, -1), "the tasks read every point");
        cr_assert(eq(i64, cost.tasks, 3 * (2 + COOP_N_OUTCOMES)), "3 points of 11 tasks");
        cr_assert(e2e_same_file(ref, a), "%d threads: not the run's hypothesis.csv", t);
    }

    /* Across ranks (--resume on the complete directory computes hypothesis.csv
     * again): the workers read points and send their results packed. */
    if (e2e_mpi_program()) {
        e2e_mpi_setup();
        char line[1024];
        size_t n0, n1;
        char *before = slurp_or_fail(ref, &n0);
        r = e2e_run("hypothesis tests/data/hyp_sweep.cfg --set hypothesis.channels=true "
                    "--threads 1 --quiet --resume -o %s", run);
        cr_assert(eq(int, r->status, 0), "%s", r->err);
        char *table = strdup(r->out); /* its lines: each point's numbers */
        cr_assert(table && strstr(table, "Verdicts at 3 points"), "%s", r->out);
        snprintf(line, sizeof line, "env COOPSIM_MPI_STATS=1 mpirun --allow-run-as-root "
                 "--oversubscribe -np 3 %s hypothesis tests/data/hyp_sweep.cfg --set "
                 "hypothesis.channels=true --threads 1 --quiet --resume -o %s",
                 e2e_mpi_program(), run);
        r = e2e_capture(line);
        cr_assert(eq(int, r->status, 0), "%s: %s", line, r->err);
        cr_assert_not_null(strstr(r->err, "outcomes.csv read by its tasks"), "%s", r->err);
        cr_assert(remote_tasks(r->err) > 0, "%s", r->err);
        char *after = slurp_or_fail(ref, &n1);
        cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "3 ranks: not the same bytes");
        cr_assert_str_eq(r->out, table, "3 ranks: not the same table");
        free(before), free(after), free(table);
    }

    /* Point 1 names a world otherwise: the tasks cannot read it as point 0's, this
     * process reads the points itself, as serially. */
    edit_outcomes(run, "\n1,counterfactual,", "\n1,counterfactual2,");
    snprintf(a, sizeof a, "%s/serial.csv", tmp);
    snprintf(b, sizeof b, "%s/fallback.csv", tmp);
    cr_assert(eq(int, stats_of(run, a, &cfg, -1, NULL, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, stats_of(run, b, &cfg, 2, &cost, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(i64, cost.serial_from, 0), "read by this process from the batch's first point");
    cr_assert(e2e_same_file(a, b), "the fallback differs from the serial route");
    char *h = slurp_or_fail(b, NULL);
    cr_assert_not_null(strstr(h, "\n1,others_coop_target,counterfactual2,"), "point 1's rows name "
                       "its world as the file does");
    free(h);

    /* A damaged row: the same message, with its line, both ways. */
    edit_outcomes(run, "\n2,placebo:KG,3,target_engagement,", "\n2,placebo:KG,3,no_outcome,");
    char serial_err[COOP_ERR_MAX];
    cr_assert(eq(int, stats_of(run, a, &cfg, -1, NULL, &err), COOP_EIO));
    snprintf(serial_err, sizeof serial_err, "%s", err.text);
    cr_assert_not_null(strstr(serial_err, "outcomes.csv:"), "%s", serial_err);
    cr_assert_not_null(strstr(serial_err, ": not an outcomes row"), "%s", serial_err);
    cr_assert(eq(int, stats_of(run, b, &cfg, 2, &cost, &err), COOP_EIO));
    cr_assert_str_eq(err.text, serial_err);
    coop_config_destroy(&cfg);
    e2e_rmrf(tmp);
}

/* Workers that do not see the results directory (started in another directory,
 * the results directory given relative): their tasks cannot read their points,
 * so rank 0 reads them itself, and the files are those of one process. */
Test(mpi_hyp, sweep_statistics_when_workers_cannot_see_the_results, .timeout = 120)
{
    if (!e2e_mpi_program())
        cr_skip_test("COOPSIM_MPI is not set (no mpicc): MPI tests skipped");
    e2e_mpi_setup();
    char tmp[64], a[128], b[128], ref[128], out[160], cwd[1024], cfg[1200], prog[1200];
    static char line[6000];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(a, sizeof a, "%s/a", tmp);
    snprintf(b, sizeof b, "%s/b", tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    cr_assert(mkdir(a, 0777) == 0 && mkdir(b, 0777) == 0);
    cr_assert_not_null(getcwd(cwd, sizeof cwd)); /* the repository root */
    snprintf(cfg, sizeof cfg, "%s/tests/data/hyp_sweep.cfg", cwd);
    const char *mp = e2e_mpi_program();
    snprintf(prog, sizeof prog, "%s%s%s", mp[0] == '/' ? "" : cwd, mp[0] == '/' ? "" : "/", mp);
    e2e_result *r = e2e_run("hypothesis %s --threads 1 --quiet -o %s", cfg, ref);
    cr_assert(eq(int, r->status, 0), "%s", r->err);
    snprintf(line, sizeof line, "env COOPSIM_MPI_STATS=1 mpirun --allow-run-as-root "
             "--oversubscribe -np 1 --wdir %s %s hypothesis %s --threads 1 --quiet -o out : "
             "-np 2 --wdir %s %s hypothesis %s --threads 1 --quiet -o out", a, prog, cfg, b, prog,
             cfg);
    r = e2e_capture(line);
    cr_assert(eq(int, r->status, 0), "%s: %s", line, r->err);
    cr_assert_not_null(strstr(r->err, "outcomes.csv read by this process from point 0"), "%s",
                       r->err);
    snprintf(out, sizeof out, "%s/out", a);
    cr_assert(e2e_same_csvs(ref, out), "not the files of one process");
    snprintf(out, sizeof out, "%s/out", b);
    cr_assert(eq(int, e2e_exists(out), 0), "a worker wrote in its own directory");
    e2e_rmrf(tmp);
}

/* ---- every row as coop_paired_compare computes it alone ---- */

/* A number of world w, replicate r, row k: deterministic, different per world,
 * some NaN (so that rows of one task use different numbers of pairs). */
static double fake(int w, int r, int k)
{
    uint32_t x = (uint32_t)(w * 7919 + r * 104729 + k * 1299709) * 2654435761u;
    x ^= x >> 15;
    return (x % 1000 == 7) ? NAN : (double)(x % 10007) / 10007.0 + 0.01 * w * (k % 3);
}

static int keep_point(void *ctx, const coop_hyp_point *res, const coop_config *cfg,
                      coop_err *err)
{
    (void)cfg, (void)err;
    memcpy(ctx, res, sizeof *res);
    return COOP_OK;
}

/* The oriented row of a (factual) and b (other) as coop_paired_compare gives it. */
static void assert_row(const coop_hyp_result *r, int o, const double *a, const double *b,
                       int R, const coop_hypothesis_cfg *h, uint32_t seed, const char *what)
{
    coop_paired s;
    coop_err err = {0};
    int fwd = coop_hypothesis_orientation(o) > 0;
    cr_assert(eq(int, coop_paired_compare(fwd ? a : b, fwd ? b : a, (size_t)R, h->confidence,
                                          (size_t)h->bootstrap, seed, &s, &err), COOP_OK));
    cr_assert(eq(int, r->outcome, o), "%s", what);
    cr_assert(eq(sz, r->s.n, s.n), "%s", what);
    cr_assert(r->s.boot_lo == s.boot_lo && r->s.boot_hi == s.boot_hi && r->s.diff == s.diff &&
                  r->s.t_lo == s.t_lo && r->s.p_wilcoxon == s.p_wilcoxon,
              "%s, %s: [%.17g, %.17g] != [%.17g, %.17g]", what, coop_outcome_names[o],
              r->s.boot_lo, r->s.boot_hi, s.boot_lo, s.boot_hi);
}

/* The farm on 2 threads splits a point's rows over tasks; each pooled and
 * per-state row must still be what coop_paired_compare gives it alone with the
 * point's bootstrap seed, bit for bit. */
Test(mpi_hyp, each_row_is_its_own_bootstrap, .timeout = 60)
{
    coop_config cfg;
    const char *ov[] = {"experiment.replicates=40", "hypothesis.bootstrap=300"};
    load_ok("tests/data/hyp_small.cfg", ov, 2, &cfg);
    int W = coop_hyp_n_worlds(&cfg.hyp), R = 40, S = coop_outcome_states(&cfg, NULL, 0);
    cr_assert(W == 3 && S >= 2, "hyp_small: factual, counterfactual, placebo; %d states", S);
    coop_err err = {0};
    coop_hyp_point *res = malloc(sizeof *res);
    double *v = malloc((size_t)W * COOP_N_OUTCOMES * (size_t)R * sizeof *v);
    double *sv = malloc((size_t)W * (size_t)S * COOP_N_OUTCOMES * (size_t)R * sizeof *sv);
    cr_assert(res && v && sv);
    coop_hyp_collector *col = coop_hyp_collector_alloc(W, R, 5, NULL, keep_point, res, &err);
    cr_assert_not_null(col, "%s", err.text);
    coop_hyp_collector_farm(col, 2, 0);
    double (*st)[COOP_N_OUTCOMES] = malloc((size_t)S * sizeof *st);
    for (int w = 0; w < W; w++)
        for (int r = 0; r < R; r++) {
            double o[COOP_N_OUTCOMES];
            for (int k = 0; k < COOP_N_OUTCOMES; k++) {
                /* as the collector keeps them: rounded to ten digits */
                char buf[32];
                snprintf(buf, sizeof buf, "%.10g", fake(w, r, k));
                o[k] = v[((size_t)w * COOP_N_OUTCOMES + (size_t)k) * (size_t)R + (size_t)r] =
                    strtod(buf, NULL);
                for (int x = 0; x < S; x++) {
                    snprintf(buf, sizeof buf, "%.10g", fake(w, r, 100 + 10 * x + k));
                    st[x][k] = sv[(((size_t)w * (size_t)S + (size_t)x) * COOP_N_OUTCOMES +
                                   (size_t)k) * (size_t)R + (size_t)r] = strtod(buf, NULL);
                }
            }
            cr_assert(eq(int, coop_hyp_collector_add(col, 0, w, w ? "other" : "factual", r, &cfg,
                                                     o, &err), COOP_OK), "%s", err.text);
            cr_assert(eq(int, coop_hyp_collector_add_states(
                                  col, w, r, S, (const double (*)[COOP_N_OUTCOMES])st),
                         COOP_OK));
        }
    for (int w = 0; w < W; w++)
        cr_assert(eq(int, coop_hyp_collector_done(col, 0, w, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, coop_hyp_collector_flush(col, &err), COOP_OK), "%s", err.text);
    uint32_t seed = coop_hypothesis_boot_seed(5, 0);
    cr_assert(eq(int, res->n_comparisons, W - 1));
    for (int c = 0; c < W - 1; c++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++) {
            const double *a = v + (size_t)o * (size_t)R;
            const double *b = v + ((size_t)(c + 1) * COOP_N_OUTCOMES + (size_t)o) * (size_t)R;
            assert_row(&res->cmp[c].r[o], o, a, b, R, &cfg.hyp, seed, "pooled");
            for (int x = 0; x < S && coop_outcome_per_state(o) && o != COOP_O_RMST_ENHANCED;
                 x++) {
                const double *sa = sv + ((size_t)x * COOP_N_OUTCOMES + (size_t)o) * (size_t)R;
                const double *sb = sv + (((size_t)(c + 1) * (size_t)S + (size_t)x) *
                                         COOP_N_OUTCOMES + (size_t)o) * (size_t)R;
                assert_row(&res->states.r[c][x][o], o, sa, sb, R, &cfg.hyp, seed, "per state");
            }
        }
    coop_hyp_collector_free(col);
    free(st), free(sv), free(v), free(res);
    coop_config_destroy(&cfg);
}

/* ---- batches: a farm per point, one for all, none ---- */

typedef struct kept {
    int n;
    coop_hyp_point *p;   /* [3] */
} kept;

static int keep_all(void *ctx, const coop_hyp_point *res, const coop_config *cfg,
                    coop_err *err)
{
    (void)cfg, (void)err;
    kept *k = ctx;
    cr_assert(k->n < 3);
    memcpy(&k->p[k->n++], res, sizeof *res);
    return COOP_OK;
}

static int same_result(const coop_hyp_result *a, const coop_hyp_result *b)
{
    return a->outcome == b->outcome && a->s.n == b->s.n && a->s.diff == b->s.diff &&
           a->s.boot_lo == b->s.boot_lo && a->s.boot_hi == b->s.boot_hi &&
           a->s.p_wilcoxon == b->s.p_wilcoxon && a->e.p_decision == b->e.p_decision &&
           (a->p_adj == b->p_adj || (isnan(a->p_adj) && isnan(b->p_adj))) &&
           a->verdict == b->verdict;
}

/* Three points through a collector: computed at once on this thread (mode 0), a
 * farm of 2 threads per point (batch of 1 byte, mode 1), one farm for all at the
 * flush (mode 2). */
static void three_points(const coop_config *cfg, int mode, kept *k)
{
    int W = 3, R = 30, S = COOP_MAX_STATES;
    coop_err err = {0};
    coop_hyp_collector *col = coop_hyp_collector_alloc(W, R, 9, NULL, keep_all, k, &err);
    cr_assert_not_null(col, "%s", err.text);
    if (mode)
        coop_hyp_collector_farm(col, 2, mode == 1 ? 1 : 0);
    double st[COOP_MAX_STATES][COOP_N_OUTCOMES];
    for (int p = 0; p < 3; p++) {
        for (int w = 0; w < W; w++)
            for (int r = 0; r < R; r++) {
                double o[COOP_N_OUTCOMES];
                for (int q = 0; q < COOP_N_OUTCOMES; q++) {
                    o[q] = fake(w, r + 50 * p, q);
                    for (int x = 0; x < S; x++)
                        st[x][q] = fake(w, r + 50 * p, 100 + 10 * x + q);
                }
                cr_assert(eq(int, coop_hyp_collector_add(col, p, w, "w", r, cfg, o, &err),
                             COOP_OK), "%s", err.text);
                coop_hyp_collector_add_states(col, w, r, S,
                                              (const double (*)[COOP_N_OUTCOMES])st);
            }
        for (int w = 0; w < W; w++)
            cr_assert(eq(int, coop_hyp_collector_done(col, p, w, &err), COOP_OK), "%s",
                      err.text);
        cr_assert(eq(int, k->n, mode == 2 ? 0 : p + 1), "mode %d: point %d not yet written",
                  mode, p);
    }
    cr_assert(eq(int, coop_hyp_collector_flush(col, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, k->n, 3));
    coop_hyp_collector_free(col);
}

Test(mpi_hyp, batches_give_the_same_points, .timeout = 60)
{
    coop_config cfg;
    load_ok("tests/data/hyp_small.cfg", NULL, 0, &cfg);
    kept k[3];
    for (int m = 0; m < 3; m++) {
        k[m].n = 0;
        cr_assert_not_null(k[m].p = malloc(3 * sizeof *k[m].p));
        three_points(&cfg, m, &k[m]);
    }
    for (int m = 1; m < 3; m++)
        for (int p = 0; p < 3; p++) {
            const coop_hyp_point *a = &k[0].p[p], *b = &k[m].p[p];
            cr_assert(eq(int, b->point, p));
            cr_assert(eq(int, a->n_comparisons, b->n_comparisons));
            cr_assert(eq(int, a->states.n_states, b->states.n_states));
            cr_assert(a->states.n_states > 0);
            for (int c = 0; c < a->n_comparisons; c++)
                for (int o = 0; o < COOP_N_OUTCOMES; o++) {
                    cr_assert(same_result(&a->cmp[c].r[o], &b->cmp[c].r[o]),
                              "mode %d point %d comparison %d outcome %d", m, p, c, o);
                    for (int x = 0; x < a->states.n_states; x++)
                        cr_assert(same_result(&a->states.r[c][x][o], &b->states.r[c][x][o]),
                                  "mode %d point %d state %d", m, p, x);
                }
            cr_assert(a->cmp[0].r[0].s.boot_lo != k[0].p[(p + 1) % 3].cmp[0].r[0].s.boot_lo,
                      "the points differ");
        }
    for (int m = 0; m < 3; m++)
        free(k[m].p);
    coop_config_destroy(&cfg);
}
