/* test_run.c: `coopsim run` end to end: the results directory, determinism
 * across threads and seeds, the manifest re-run, refusal to overwrite, and
 * configuration errors that leave nothing behind. */
#include <criterion/criterion.h>
#include <string.h>

#include "e2e.h"

static const char *const data_files[] = {"series.csv", "ties.csv", "population.csv",
                                         "summary.csv", "milestones.csv", "outcomes.csv"};
#define N_DATA (sizeof data_files / sizeof data_files[0])

static int same_data(const char *a, const char *b)
{
    char pa[512], pb[512];
    for (size_t i = 0; i < N_DATA; i++) {
        snprintf(pa, sizeof pa, "%s/%s", a, data_files[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, data_files[i]);
        if (!e2e_exists(pa) || !e2e_same_file(pa, pb))
            return 0;
    }
    return 1;
}

Test(run_e2e, full_series_is_thread_and_rerun_invariant)
{
    char tmp[64];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 16 --series full --threads 1 "
                            "--quiet -o %s/t1", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("run configs/eu_ca.cfg --replicates 16 --series full --threads 2 --quiet -o %s/t2",
                tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char a[128], b[128], m[160];
    snprintf(a, sizeof a, "%s/t1", tmp);
    snprintf(b, sizeof b, "%s/t2", tmp);
    cr_assert(same_data(a, b), "threads 1 and 2 differ");

    /* The manifest reproduces the data files byte for byte. */
    snprintf(m, sizeof m, "%s/manifest.cfg", a);
    r = e2e_run("run %s --quiet -o %s/again", m, tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(b, sizeof b, "%s/again", tmp);
    cr_assert(same_data(a, b), "manifest re-run differs");

    /* Another seed changes the results. */
    r = e2e_run("run configs/eu_ca.cfg --replicates 16 --series full --seed 7 --quiet -o %s/s7",
                tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char p1[160], p2[160];
    snprintf(p1, sizeof p1, "%s/series.csv", a);
    snprintf(p2, sizeof p2, "%s/s7/series.csv", tmp);
    cr_assert_not(e2e_same_file(p1, p2), "seed 7 gave the same series as seed 1991");
    e2e_rmrf(tmp);
}

Test(run_e2e, refuses_to_replace_without_force)
{
    char tmp[64];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 2 --quiet -o %s/r", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("run configs/eu_ca.cfg --replicates 2 --quiet -o %s/r", tmp);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "--force"), "%s", r->err);
    r = e2e_run("run configs/eu_ca.cfg --replicates 2 --quiet --force -o %s/r", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    e2e_rmrf(tmp);
}

Test(run_e2e, series_modes_choose_files)
{
    char tmp[64], p[160];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 2 --series none --quiet -o %s/n",
                            tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(p, sizeof p, "%s/n/outcomes.csv", tmp);
    cr_assert(e2e_exists(p));
    snprintf(p, sizeof p, "%s/n/summary.csv", tmp);
    cr_assert_not(e2e_exists(p));
    snprintf(p, sizeof p, "%s/n/series.csv", tmp);
    cr_assert_not(e2e_exists(p));
    e2e_rmrf(tmp);
}

/* Every configuration error exits 2 with FILE:LINE and leaves no directory. */
Test(run_e2e, bad_override_creates_nothing)
{
    char tmp[64], p[160];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --set actors.KZ.openness=1.5 -o %s/bad", tmp);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "actors.KZ.openness"), "%s", r->err);
    cr_assert(strstr(r->err, "[0, 1]"), "%s", r->err);
    snprintf(p, sizeof p, "%s/bad", tmp);
    cr_assert_not(e2e_exists(p));
    r = e2e_run("run tests/bad/%s -o %s/bad", "tie_unknown_actor.cfg", tmp);
    cr_assert_eq(r->status, 2, "%s", r->err);
    cr_assert(strstr(r->err, "coopsim: tests/bad/tie_unknown_actor.cfg:"), "%s", r->err);
    cr_assert_not(e2e_exists(p));
    e2e_rmrf(tmp);
}
