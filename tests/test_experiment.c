/* test_experiment.c: parallel replicates and determinism (coop_experiment.h).
 *
 * The real model runs tests/data/exp_small.cfg (three actors, series full) and
 * tests/data/exp_region.cfg (a motivator, regions, an observable: every file has
 * rows and the outcomes are defined).  Checked: the results directory
 * is byte-identical for 1 and 4 threads, for two runs with the same seed and for
 * a re-run of its own manifest; another seed changes it; the sink sees every item
 * once, in (point, world, replicate) order, with the derived seeds and common
 * random numbers across worlds; a failing sink stops the run; bad plans are
 * refused; the work a worker rank serves for `coopsim run` runs to the same files;
 * a block's commit falls back to commit item by item for a sink without commit_run. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_experiment.h"
#include "coop_output.h"
#include "coop_rng.h"
#include "files.h"
#include "plan.h"
#include "results_fixture.h"

static char base[64];
static coop_config cfg;

static void setup(void)
{
    results_setup(base, "experiment", &cfg);
}

static void teardown(void)
{
    results_teardown(base, &cfg);
}

TestSuite(experiment, .init = setup, .fini = teardown);

static const char *const data_files[] = {
    "series.csv", "ties.csv", "population.csv", "summary.csv", "milestones.csv", "outcomes.csv",
};
enum { N_DATA = sizeof data_files / sizeof data_files[0] };

/* 1 when file name is byte-identical in results directories a and b.  For the
 * manifest only the part before the `run` group counts. */
static int same(const char *a, const char *b, const char *name)
{
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/%s/%s", base, a, name);
    snprintf(pb, sizeof pb, "%s/%s/%s", base, b, name);
    size_t na, nb;
    char *x = slurp_or_fail(pa, &na), *y = slurp_or_fail(pb, &nb);
    if (strcmp(name, "manifest.cfg") == 0) {
        char *rx = strstr(x, "\nrun = {"), *ry = strstr(y, "\nrun = {");
        cr_assert(rx && ry, "manifest without run group");
        na = (size_t)(rx - x);
        nb = (size_t)(ry - y);
    }
    int eq = na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return eq;
}

static void run_into(const coop_config *c, const char *name, int threads)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", base, name);
    coop_err err = {0};
    coop_output *out = coop_output_open(dir, c, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    coop_run_info info;
    coop_run_info_start(&info, "test", coop_experiment_threads(threads));
    coop_sink sink = coop_output_sink(out);
    int status = coop_experiment_run(c, threads, &sink, &err);
    if (status)
        coop_output_abort(out);
    cr_assert(eq(int, status, COOP_OK), "%s", err.text);
    coop_run_info_finish(&info, "complete");
    cr_assert(eq(int, coop_output_close(out, &info, &err), COOP_OK), "%s", err.text);
}

Test(experiment, thread_invariance)
{
    cfg.replicates = 24;
    run_into(&cfg, "t1", 1);
    run_into(&cfg, "t4", 4);
    run_into(&cfg, "t3", 3);
    for (int k = 0; k < N_DATA; k++) {
        cr_assert(same("t1", "t4", data_files[k]), "%s differs for 1 and 4 threads", data_files[k]);
        cr_assert(same("t1", "t3", data_files[k]), "%s differs for 1 and 3 threads", data_files[k]);
    }
    cr_assert(same("t1", "t4", "manifest.cfg"));
    size_t n;
    char *s = slurp_or_fail(strcat(strcpy((char[256]){0}, base), "/t1/outcomes.csv"), &n);
    cr_assert(gt(sz, n, 100));
    free(s);
}

static int lines(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", base, dir, name);
    char *s = slurp_or_fail(path, NULL);
    int n = 0;
    for (char *p = s; *p; p++)
        n += *p == '\n';
    free(s);
    return n;
}

Test(experiment, thread_invariance_regional_scenario)
{
    coop_config region;
    load_ok("tests/data/exp_region.cfg", NULL, 0, &region);
    cr_assert(eq(int, region.series, COOP_SERIES_FULL));
    run_into(&region, "r1", 1);
    run_into(&region, "r4", 4);
    for (int k = 0; k < N_DATA; k++)
        cr_assert(same("r1", "r4", data_files[k]), "%s differs for 1 and 4 threads", data_files[k]);
    cr_assert(same("r1", "r4", "manifest.cfg"));
    /* every file has its rows: 12 replicates x 40 steps x 4 actors, 6 ties, ... */
    cr_assert(eq(int, lines("r1", "series.csv"), 1 + 12 * 40 * 4));
    cr_assert(eq(int, lines("r1", "ties.csv"), 1 + 12 * 40 * 6));
    cr_assert(eq(int, lines("r1", "population.csv"), 1 + 12 * 40));
    /* per replicate the pooled outcomes and 5 per-state ones for each of the 2 others */
    cr_assert(eq(int, lines("r1", "outcomes.csv"), 1 + 12 * (COOP_N_OUTCOMES + 2 * 5)));
    cr_assert(gt(int, lines("r1", "milestones.csv"), 1));
    char path[256];
    snprintf(path, sizeof path, "%s/r1/outcomes.csv", base);
    char *s = slurp_or_fail(path, NULL);
    cr_assert_null(strstr(s, ",others_coop_target,NA,"), "outcome undefined with a motivator");

    /* another seed: other outcomes */
    region.seed = 4;
    run_into(&region, "r5", 2);
    cr_assert(not(same("r1", "r5", "outcomes.csv")));
    cr_assert(not(same("r1", "r5", "ties.csv")));
    free(s);
    coop_config_destroy(&region);
}

Test(experiment, more_threads_than_replicates)
{
    cfg.replicates = 2;
    run_into(&cfg, "t1", 1);
    run_into(&cfg, "t8", 8);
    for (int k = 0; k < N_DATA; k++)
        cr_assert(same("t1", "t8", data_files[k]), "%s differs", data_files[k]);
}

Test(experiment, same_seed_same_files_other_seed_differs)
{
    run_into(&cfg, "a", 2);
    run_into(&cfg, "b", 2);
    for (int k = 0; k < N_DATA; k++)
        cr_assert(same("a", "b", data_files[k]), "%s differs between identical runs", data_files[k]);
    cfg.seed = 2;
    run_into(&cfg, "c", 2);
    cr_assert(not(same("a", "c", "series.csv")), "seed 2 gives the series of seed 1");
    cr_assert(not(same("a", "c", "summary.csv")));
}

Test(experiment, manifest_reruns_to_identical_files)
{
    coop_config_destroy(&cfg);
    load_ok("tests/data/exp_region.cfg", NULL, 0, &cfg);
    cfg.replicates = 6;
    run_into(&cfg, "first", 2);
    char manifest[256];
    snprintf(manifest, sizeof manifest, "%s/first/manifest.cfg", base);
    coop_config again;
    memset(&again, 0, sizeof again);
    coop_err err = {0};
    cr_assert(eq(int, coop_config_load(manifest, NULL, 0, &again, &err), COOP_OK), "%s", err.text);
    run_into(&again, "second", 3);
    coop_config_destroy(&again);
    for (int k = 0; k < N_DATA; k++)
        cr_assert(same("first", "second", data_files[k]), "%s differs on re-run", data_files[k]);
    cr_assert(same("first", "second", "manifest.cfg"));
}

/* ---- the sink protocol ---- */

enum { NP = 3, NW = 2, NR = 10 };

typedef struct calls {
    int n_calls;
    int n_done;
    int expect;          /* next item index */
    int fail_at;         /* replicate call that fails, -1 none */
    unsigned long long hash[NP][NW][NR];
    int keep_series;
} calls;

static unsigned long long hash_record(const coop_record *rec)
{
    unsigned long long h = 1469598103934665603ull;
    const unsigned char *p = (const unsigned char *)rec->outcome;
    for (size_t k = 0; k < sizeof rec->outcome; k++)
        h = (h ^ p[k]) * 1099511628211ull;
    if (rec->keep_series) {
        p = (const unsigned char *)rec->pop;
        for (size_t k = 0; k < (size_t)rec->n_steps * COOP_POP_METRICS * sizeof(double); k++)
            h = (h ^ p[k]) * 1099511628211ull;
        p = (const unsigned char *)rec->actor;
        for (size_t k = 0; k < (size_t)rec->n_steps * rec->n_actors * COOP_ACTOR_METRICS * sizeof(double); k++)
            h = (h ^ p[k]) * 1099511628211ull;
    }
    return h;
}

static int log_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    calls *lg = ctx;
    int i = lg->expect++;
    int r = i % NR, w = (i / NR) % NW, p = i / (NR * NW);
    cr_assert(eq(int, it->point, 5 + p));
    cr_assert(eq(int, it->world, w));
    cr_assert(eq(str, (char *)it->world_name, w ? "counterfactual" : "factual"));
    cr_assert(eq(int, it->replicate, r));
    cr_assert(eq(u64, it->seed, coop_rng_key(77, (uint32_t)(5 + p), (uint32_t)r)));
    cr_assert(eq(ptr, (void *)it->cfg, (void *)&cfg));
    lg->keep_series = rec->keep_series;
    lg->hash[p][w][r] = hash_record(rec);
    lg->n_calls++;
    if (lg->n_calls - 1 == lg->fail_at)
        return COOP_FAIL(err, COOP_EIO, "sink failed at call %d", lg->fail_at);
    return COOP_OK;
}

static int log_done(void *ctx, int point, int world, const char *name, const coop_config *c,
                    coop_err *err)
{
    (void)name;
    (void)c;
    (void)err;
    calls *lg = ctx;
    /* right after the last replicate of (point, world) */
    cr_assert(eq(int, lg->expect % NR, 0));
    int prev = lg->expect - 1;
    cr_assert(eq(int, point, 5 + prev / (NR * NW)));
    cr_assert(eq(int, world, (prev / NR) % NW));
    lg->n_done++;
    return COOP_OK;
}

static int run_logged(calls *lg, int threads, int keep_series, coop_err *err)
{
    static const char *const worlds[NW] = {"factual", "counterfactual"};
    const coop_config *cfgs[NP * NW];
    for (int k = 0; k < NP * NW; k++)
        cfgs[k] = &cfg;
    coop_plan plan = test_plan(NP, 5, NW, cfgs, worlds, NR, 77);
    plan.keep_series = keep_series;
    coop_sink sink = {.ctx = lg, .replicate = log_replicate, .point_done = log_done};
    return coop_experiment_run_plan(&plan, threads, &sink, err);
}

Test(experiment, sink_order_seeds_and_common_random_numbers)
{
    calls lg = {.fail_at = -1};
    coop_err err = {0};
    cr_assert(eq(int, run_logged(&lg, 4, 1, &err), COOP_OK), "%s", err.text);
    cr_assert(eq(int, lg.n_calls, NP * NW * NR));
    cr_assert(eq(int, lg.n_done, NP * NW));
    cr_assert(eq(int, lg.keep_series, 1));
    for (int p = 0; p < NP; p++)
        for (int r = 0; r < NR; r++) {
            /* both worlds of a replicate share the seed (same config here: same record) */
            cr_assert(eq(u64, lg.hash[p][0][r], lg.hash[p][1][r]));
            if (r > 0)
                cr_assert(ne(u64, lg.hash[p][0][r], lg.hash[p][0][r - 1]));
            if (p > 0)
                cr_assert(ne(u64, lg.hash[p][0][r], lg.hash[p - 1][0][r]));
        }

    calls one = {.fail_at = -1};
    cr_assert(eq(int, run_logged(&one, 1, 1, &err), COOP_OK));
    cr_assert(eq(int, memcmp(lg.hash, one.hash, sizeof lg.hash), 0), "records depend on threads");
}

Test(experiment, no_series_means_no_per_step_arrays)
{
    calls lg = {.fail_at = -1};
    coop_err err = {0};
    cr_assert(eq(int, run_logged(&lg, 2, 0, &err), COOP_OK));
    cr_assert(eq(int, lg.keep_series, 0));
}

Test(experiment, failing_sink_stops_the_run)
{
    calls lg = {.fail_at = 5};
    coop_err err = {0};
    cr_assert(eq(int, run_logged(&lg, 4, 1, &err), COOP_EIO));
    cr_assert(eq(str, err.text, "sink failed at call 5"));
    cr_assert(eq(int, lg.n_calls, 6));
    cr_assert(eq(int, lg.n_done, 0));
}

Test(experiment, bad_plans_are_refused)
{
    static const char *const worlds[1] = {"factual"};
    const coop_config *cfgs[1] = {&cfg};
    coop_sink sink = {.ctx = NULL, .replicate = NULL, .point_done = NULL};
    coop_err err = {0};
    coop_plan plan = test_plan(1, 0, 1, cfgs, worlds, 0, 1);
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 1, &sink, &err), COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "replicates"), "%s", err.text);
    plan.replicates = COOP_MAX_REPLICATES + 1;
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 1, &sink, &err), COOP_EINVAL));
    plan.replicates = 1;
    plan.point0 = COOP_MAX_POINTS;
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 1, &sink, &err), COOP_EINVAL));
    cr_assert_not_null(strstr(err.text, "points"), "%s", err.text);
    plan.point0 = 0;
    plan.n_worlds = 0;
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 1, &sink, &err), COOP_EINVAL));
    plan.n_worlds = 1;
    cfgs[0] = NULL;
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 1, &sink, &err), COOP_EINVAL));
    cr_assert(eq(int, coop_experiment_run_plan(NULL, 1, &sink, &err), COOP_EINVAL));
    cr_assert(eq(int, coop_experiment_run(NULL, 1, &sink, &err), COOP_EINVAL));
    /* a sink without callbacks is allowed: the run just computes */
    cfgs[0] = &cfg;
    plan.replicates = 3;
    cr_assert(eq(int, coop_experiment_run_plan(&plan, 2, &sink, &err), COOP_OK));
}

Test(experiment, thread_count)
{
    cr_assert(eq(int, coop_experiment_threads(3), 3));
    cr_assert(eq(int, coop_experiment_threads(0), omp_get_max_threads()));
    cr_assert(eq(int, coop_experiment_threads(-1), omp_get_max_threads()));
}

/* What a worker rank of build/coopsim-mpi serves for `coopsim run`: the plan of
 * coop_experiment_run (one point, world "factual", the configuration's
 * replicates, seed and series mode) and a configuration that runs to the same
 * files; in one process coop_experiment_worker has nothing to serve. */
Test(experiment, run_work_is_what_run_runs)
{
    cfg.replicates = 6;
    coop_work work = coop_experiment_run_work(&cfg);
    cr_assert(eq(int, work.plan.n_worlds, 1));
    cr_assert(eq(str, (char *)work.plan.world_name[0], "factual"));
    cr_assert(eq(int, work.plan.replicates, 6));
    cr_assert(eq(u32, work.plan.seed, (uint32_t)cfg.seed));
    cr_assert(eq(int, work.plan.keep_series, 1));
    cr_assert(eq(int, work.plan.keep_snapshots, cfg.n_snapshots > 0));
    coop_config built;
    memset(&built, 0, sizeof built);
    coop_err err = {0};
    cr_assert(eq(int, work.make(work.ctx, 0, 0, &built, &err), COOP_OK), "%s", err.text);
    run_into(&cfg, "run", 2);
    run_into(&built, "work", 2);
    coop_config_destroy(&built);
    for (int k = 0; k < N_DATA; k++)
        cr_assert(same("run", "work", data_files[k]), "%s differs", data_files[k]);
    cr_assert(eq(int, coop_experiment_worker(&work, 2, &err), COOP_OK));
    cr_assert(eq(int, coop_experiment_rank(), 0));
    cr_assert(eq(int, coop_experiment_ranks(), 1));
}

/* coop_sink_commit_run for a sink without commit_run: commit on each item in turn,
 * the run's first offsets returned, and data that do not follow each other refused. */
typedef struct fake_files {
    long long next[2];
    int calls, gap;
} fake_files;

static int fake_commit(void *ctx, const coop_item *it, const coop_prepared *p, coop_err *err)
{
    (void)err;
    fake_files *f = ctx;
    cr_assert_eq(it->replicate, 4 + f->calls, "the run's items in turn");
    for (int k = 0; k < 2; k++) {
        uint32_t len;
        memcpy(&len, p->bytes + 4 * k, sizeof len);
        p->at[k] = f->next[k];
        f->next[k] += len + (f->gap && f->calls == 1);
    }
    f->calls++;
    return COOP_OK;
}

Test(experiment, commit_run_falls_back_to_commit)
{
    static const uint32_t lens[2][3] = {{10, 0, 7}, {20, 5, 7}}; /* file by file */
    static const uint32_t head[2] = {99, 99};                  /* not the items' counts */
    coop_sink_files files = {.n = 2, .head = 8, .len_at = 0};
    coop_item first = {.replicate = 4};
    coop_run run = {.n = 3, .head = (const unsigned char *)head, .len = {lens[0], lens[1]}};
    for (int gap = 0; gap <= 1; gap++) {
        fake_files f = {.next = {100, 200}, .gap = gap};
        coop_sink sink = {.ctx = &f, .commit = fake_commit, .files = &files};
        long long at[2] = {-1, -1};
        coop_err err = {0};
        int st = coop_sink_commit_run(&sink, &first, &run, at, &err);
        cr_assert_eq(at[0], 100);
        cr_assert_eq(at[1], 200);
        if (!gap) {
            cr_assert_eq(st, COOP_OK, "%s", err.text);
            cr_assert_eq(f.calls, 3);
            cr_assert_eq(f.next[0], 117);
            cr_assert_eq(f.next[1], 232);
        } else {
            cr_assert_eq(st, COOP_EIO);
            cr_assert_eq(f.calls, 3, "the third item's offsets are where the gap shows");
            cr_assert(strstr(err.text, "do not follow") != NULL, "%s", err.text);
            cr_assert(strstr(err.text, "replicate 6") != NULL, "%s", err.text);
        }
    }
}
