/* test_split.c: sinks that split their per-record work into prepare and commit
 * (coop_experiment.h).
 *
 * Checked on tests/data/exp_region.cfg (a motivator: per-state outcome rows and
 * milestones): the output sink splits with series "none" and not with per-step
 * series; its split files are byte-identical to the record path's (the same sink
 * with the split taken away) for 1 and 3 threads; the scalars a commit sees are
 * the record's, rounded to their "%.10g" text only when the sink asks; prepared
 * bytes reach commit in item order whatever the thread count; a failing commit
 * stops the run. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_io.h"
#include "coop_experiment.h"
#include "coop_output.h"
#include "files.h"

static char base[64];
static coop_config cfg;

static void setup(void)
{
    snprintf(base, sizeof base, "/tmp/coop_split_XXXXXX");
    cr_assert_not_null(mkdtemp(base));
    load_ok("tests/data/exp_region.cfg", NULL, 0, &cfg);
    cfg.series = COOP_SERIES_NONE;
    cfg.replicates = 24;
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_assert_eq(system(cmd), 0);
    coop_config_destroy(&cfg);
}

TestSuite(split, .init = setup, .fini = teardown);

/* cfg's replicates into results directory NAME; split 0 takes the sink's split away. */
static void run_into(const char *name, int threads, int split)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", base, name);
    coop_err err = {0};
    coop_output *out = coop_output_open(dir, &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    coop_sink sink = coop_output_sink(out);
    cr_assert(sink.prepare && sink.commit, "series none: the output sink splits");
    if (!split)
        sink.prepare = NULL, sink.commit = NULL;
    coop_run_info info;
    coop_run_info_start(&info, "test", threads);
    int status = coop_experiment_run(&cfg, threads, &sink, &err);
    if (status)
        coop_output_abort(out);
    cr_assert(eq(int, status, COOP_OK), "%s", err.text);
    coop_run_info_finish(&info, "complete");
    cr_assert(eq(int, coop_output_close(out, &info, &err), COOP_OK), "%s", err.text);
}

static char *read_file(const char *dir, const char *name, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", base, dir, name);
    return slurp_or_fail(path, n);
}

Test(split, output_rows_match_the_record_path)
{
    run_into("record", 1, 0);
    run_into("split1", 1, 1);
    run_into("split3", 3, 1);
    const char *files[] = {"outcomes.csv", "milestones.csv"};
    for (int k = 0; k < 2; k++) {
        size_t n0, n1, n3;
        char *a = read_file("record", files[k], &n0), *b = read_file("split1", files[k], &n1),
             *c = read_file("split3", files[k], &n3);
        cr_assert(gt(sz, n0, 1000), "%s has rows", files[k]);
        cr_assert(n0 == n1 && memcmp(a, b, n0) == 0, "%s: split (1 thread) differs", files[k]);
        cr_assert(n0 == n3 && memcmp(a, c, n0) == 0, "%s: split (3 threads) differs", files[k]);
        free(a);
        free(b);
        free(c);
    }
    size_t n;
    char *o = read_file("split3", "outcomes.csv", &n);
    cr_assert_not_null(strstr(o, ",KG\n"), "per-state rows are written");
    free(o);
}

Test(split, per_step_series_keep_the_record_path)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/summary", base);
    cfg.series = COOP_SERIES_SUMMARY;
    coop_err err = {0};
    coop_output *out = coop_output_open(dir, &cfg, 0, &err);
    cr_assert_not_null(out, "%s", err.text);
    coop_sink sink = coop_output_sink(out);
    cr_assert(sink.prepare == NULL && sink.commit == NULL, "summaries need the per-step arrays");
    coop_output_abort(out);
}

/* A sink that keeps what it sees: outcome 0 of every item, in delivery order, and
 * the prepared bytes (the item's replicate as text). */
typedef struct spy {
    double seen[64];
    int n, fail_at;
    char text[1024];
    size_t len;
} spy;

static int spy_prepare(const coop_item *it, const coop_record *rec, coop_bytes *out,
                       coop_err *err)
{
    (void)rec;
    (void)err;
    char buf[16];
    coop_bytes_put(out, buf, (size_t)snprintf(buf, sizeof buf, "%d;", it->replicate));
    return COOP_OK;
}

static int spy_commit(void *ctx, const coop_item *it, const coop_prepared *p, coop_err *err)
{
    (void)it;
    spy *s = ctx;
    if (s->n == s->fail_at)
        return COOP_FAIL(err, COOP_EIO, "commit %d fails", s->n);
    s->seen[s->n++] = p->outcome[0];
    memcpy(s->text + s->len, p->bytes, p->n_bytes);
    s->len += p->n_bytes;
    return COOP_OK;
}

static int spy_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    (void)it;
    (void)err;
    spy *s = ctx;
    s->seen[s->n++] = rec->outcome[0];
    return COOP_OK;
}

static double as_text(double x)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.10g", x);
    return strtod(buf, NULL);
}

Test(split, scalars_are_rounded_only_when_asked)
{
    spy raw = {.fail_at = -1}, plain = {.fail_at = -1}, rounded = {.fail_at = -1};
    coop_err err = {0};
    coop_sink s0 = {.ctx = &raw, .replicate = spy_replicate};
    cr_assert_eq(coop_experiment_run(&cfg, 2, &s0, &err), COOP_OK, "%s", err.text);
    coop_sink s1 = {.ctx = &plain, .prepare = spy_prepare, .commit = spy_commit};
    cr_assert_eq(coop_experiment_run(&cfg, 3, &s1, &err), COOP_OK, "%s", err.text);
    coop_sink s2 = {.ctx = &rounded, .prepare = spy_prepare, .commit = spy_commit,
                    .round_scalars = 1};
    cr_assert_eq(coop_experiment_run(&cfg, 1, &s2, &err), COOP_OK, "%s", err.text);
    cr_assert(eq(int, raw.n, 24));
    cr_assert(eq(int, plain.n, 24));
    int differs = 0;
    for (int k = 0; k < 24; k++) {
        cr_assert(raw.seen[k] == plain.seen[k] || (isnan(raw.seen[k]) && isnan(plain.seen[k])),
                  "item %d: %.17g raw, %.17g prepared", k, raw.seen[k], plain.seen[k]);
        double r = as_text(raw.seen[k]);
        cr_assert(r == rounded.seen[k] || (isnan(r) && isnan(rounded.seen[k])),
                  "item %d: %.17g rounded, %.17g expected", k, rounded.seen[k], r);
        differs += raw.seen[k] != rounded.seen[k];
    }
    cr_assert(gt(int, differs, 0), "rounding changed some value");
    /* the prepared bytes in item order, for 3 threads as for 1 */
    char want[1024] = "";
    for (int k = 0; k < 24; k++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%d;", k);
    cr_assert(eq(sz, plain.len, strlen(want)));
    cr_assert(memcmp(plain.text, want, plain.len) == 0);
    cr_assert(memcmp(rounded.text, want, rounded.len) == 0);
}

Test(split, a_failing_commit_stops_the_run)
{
    spy s = {.fail_at = 5};
    coop_err err = {0};
    coop_sink sink = {.ctx = &s, .prepare = spy_prepare, .commit = spy_commit};
    cr_assert(eq(int, coop_experiment_run(&cfg, 3, &sink, &err), COOP_EIO));
    cr_assert(eq(int, s.n, 5), "no commit after the failure");
    cr_assert_str_eq(err.text, "commit 5 fails");
}
