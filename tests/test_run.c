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
    return e2e_same_files(a, b, data_files, N_DATA);
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

/* ---- snapshots.csv (output.snapshots) ---- */

#define SNAP_L 20
#define SNAP_ARGS "run configs/classic/nowak_may.cfg --set network.L=20 --set time.end=40 " \
                  "--set 'output.snapshots=[0,3,17,39]' --replicates 3 --quiet"

/* population.csv's coop_share of replicate 0 at each step, as written. */
static int pop_shares(const char *dir, char share[][32], int n_steps)
{
    char path[256], line[256];
    snprintf(path, sizeof path, "%s/population.csv", dir);
    FILE *f = fopen(path, "r");
    int found = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        int point, rep, step;
        char world[32], date[32], cs[32];
        if (sscanf(line, "%d,%31[^,],%d,%d,%31[^,],%31[^,],", &point, world, &rep, &step, date,
                   cs) != 6 || rep != 0 || step < 0 || step >= n_steps)
            continue;
        snprintf(share[step], 32, "%s", cs);
        found++;
    }
    fclose(f);
    return found;
}

Test(run_e2e, lattice_snapshots)
{
    static const int steps[] = {0, 3, 17, 39};
    const int n_snaps = 4, n = SNAP_L * SNAP_L;
    char tmp[64], a[128], b[128], line[256];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(a, sizeof a, "%s/t1", tmp);
    snprintf(b, sizeof b, "%s/t2", tmp);
    e2e_result *r = e2e_run(SNAP_ARGS " --threads 1 -o %s", a);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run(SNAP_ARGS " --threads 2 -o %s", b);
    cr_assert_eq(r->status, 0, "%s", r->err);

    /* The same bytes with 1 and 2 threads, snapshots.csv included. */
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s/snapshots.csv", a);
    snprintf(pb, sizeof pb, "%s/snapshots.csv", b);
    cr_assert(e2e_exists(pa), "no snapshots.csv");
    cr_expect(e2e_same_file(pa, pb), "snapshots.csv differs between 1 and 2 threads");
    cr_expect(same_data(a, b), "threads 1 and 2 differ");

    /* Header, then replicate 0 only: one row per snapshot step and node, in step then
     * node order, each node at row i / L, column i % L, time = the step's date. */
    char share[40][32];
    memset(share, 0, sizeof share);
    cr_assert_eq(pop_shares(a, share, 40), 40);
    FILE *f = fopen(pa, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "step,time,node,row,col,coop\n");
    long rows = 0;
    int c_count[4] = {0};
    while (fgets(line, sizeof line, f)) {
        int step, node, row, col;
        double time, coop;
        cr_assert_eq(sscanf(line, "%d,%lf,%d,%d,%d,%lf", &step, &time, &node, &row, &col, &coop),
                     6, "bad row %ld: %s", rows + 1, line);
        long k = rows / n, i = rows % n;
        cr_assert_lt(k, n_snaps, "more rows than %d x %d", n_snaps, n);
        cr_expect_eq(step, steps[k], "row %ld", rows + 1);
        cr_expect_eq(time, (double)steps[k]);  /* nowak_may: start 0, one step a generation */
        cr_expect_eq(node, i);
        cr_expect_eq(row, i / SNAP_L);
        cr_expect_eq(col, i % SNAP_L);
        cr_expect(coop == 0.0 || coop == 1.0, "a node-level node plays C or D: %s", line);
        c_count[k] += coop == 1.0;
        rows++;
    }
    fclose(f);
    cr_expect_eq(rows, (long)n_snaps * n);

    /* One domain, node-level play: the mean over the nodes is population.csv's
     * coop_share of replicate 0 at that step, digit for digit. */
    for (int k = 0; k < n_snaps; k++) {
        char mean[32];
        snprintf(mean, sizeof mean, "%.10g", (double)c_count[k] / n);
        cr_expect_str_eq(mean, share[steps[k]], "step %d: snapshot mean %s, coop_share %s",
                         steps[k], mean, share[steps[k]]);
    }
    cr_expect_neq(c_count[0], c_count[3], "the lattice did not change in 39 generations");

    /* The manifest re-runs the snapshots too. */
    char m[192];
    snprintf(m, sizeof m, "%s/manifest.cfg", a);
    r = e2e_run("run %s --quiet -o %s/again", m, tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(pb, sizeof pb, "%s/again/snapshots.csv", tmp);
    cr_expect(e2e_same_file(pa, pb), "the manifest re-run's snapshots.csv differs");
    e2e_rmrf(tmp);
}

Test(run_e2e, snapshots_only_when_asked_and_na_off_the_lattice)
{
    char tmp[64], p[192], text[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    /* No output.snapshots: no file. */
    e2e_result *r = e2e_run("run configs/classic/nowak_may.cfg --set network.L=10 "
                            "--set time.end=5 --quiet -o %s/none", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(p, sizeof p, "%s/none/snapshots.csv", tmp);
    cr_expect_not(e2e_exists(p));

    /* A ring: no lattice positions, row and col NA. */
    r = e2e_run("run configs/classic/nowak_may.cfg --set network.type=ring --set network.n=12 "
                "--set network.k=2 --set time.end=5 --set 'output.snapshots=[4]' --quiet -o %s/ring",
                tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(p, sizeof p, "%s/ring/snapshots.csv", tmp);
    e2e_slurp(p, text, sizeof text);
    cr_expect_eq(strncmp(text, "step,time,node,row,col,coop\n4,4,0,NA,NA,", 40), 0, "%s", text);
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    cr_expect_eq(lines, 1 + 12);

    /* A step past the end is a configuration error, and leaves nothing behind. */
    r = e2e_run("run configs/classic/nowak_may.cfg --set network.L=10 --set time.end=5 "
                "--set 'output.snapshots=[5]' --quiet -o %s/bad", tmp);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "output.snapshots.0 = 5 is out of range [0, 4]"), "%s", r->err);
    snprintf(p, sizeof p, "%s/bad", tmp);
    cr_expect_not(e2e_exists(p));
    e2e_rmrf(tmp);
}

/* ---- summary.csv intervals of shares (docs/OUTPUT.md, "summary.csv") ---- */

static int is_share_metric(const char *m)
{
    static const char *const shares[] = {"coop_rate", "coop_target", "engagement",
                                         "propensity", "trust", "coop_share"};
    for (size_t i = 0; i < sizeof shares / sizeof shares[0]; i++)
        if (strcmp(m, shares[i]) == 0)
            return 1;
    return 0;
}

/* Checks every share row of DIR/summary.csv: with n >= 2 the interval lies in
 * [0, 1] around the mean; with n < 2 both bounds are NA.  Returns the number of
 * share rows whose interval has width (sd > 0), or -1 on a bad row. */
static int check_share_rows(const char *dir, int *na_rows)
{
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "point,world,step,date,actor,metric,mean,sd,ci_lo,ci_hi,n\n");
    int wide = 0;
    *na_rows = 0;
    while (fgets(line, sizeof line, f)) {
        char world[64], date[32], actor[64], metric[64], mean[32], sd[32], lo[32], hi[32];
        int point, step, n;
        cr_assert_eq(sscanf(line, "%d,%63[^,],%d,%31[^,],%63[^,],%63[^,],%31[^,],%31[^,],"
                                  "%31[^,],%31[^,],%d", &point, world, &step, date, actor,
                            metric, mean, sd, lo, hi, &n), 11, "bad row: %s", line);
        if (!is_share_metric(metric) || strcmp(mean, "NA") == 0)
            continue;
        if (n < 2) {
            cr_expect(strcmp(lo, "NA") == 0 && strcmp(hi, "NA") == 0, "n < 2 with an interval: %s",
                      line);
            (*na_rows)++;
            continue;
        }
        double m = atof(mean), l = atof(lo), h = atof(hi);
        cr_expect(l >= 0.0 && l <= m && m <= h && h <= 1.0, "interval outside [0,1]: %s", line);
        wide += atof(sd) > 0.0;
    }
    fclose(f);
    return wide;
}

/* Shares (coop_rate, trust, coop_share, ...) get the logit-scale interval: with 2
 * replicates the t-interval (t = 12.7) left [0,1] in thousands of rows. */
Test(run_e2e, share_intervals_stay_in_range)
{
    char tmp[64], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 2 --quiet -o %s/two", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(d, sizeof d, "%s/two", tmp);
    int na;
    cr_expect_gt(check_share_rows(d, &na), 1000, "too few share rows with an interval");

    /* One replicate: no interval at all. */
    r = e2e_run("run configs/eu_ca.cfg --replicates 1 --quiet -o %s/one", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(d, sizeof d, "%s/one", tmp);
    cr_expect_eq(check_share_rows(d, &na), 0);
    cr_expect_gt(na, 1000, "too few share rows checked");
    e2e_rmrf(tmp);
}

/* ---- coopsim plot (the entry point: -o, atomic figures/, bands) ---- */

/* 1 when the file at DIR/NAME contains s. */
static int file_has(const char *dir, const char *name, const char *s)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return e2e_file_has(p, s);
}

/* One replicate: summary.csv has no interval, so the series figures draw no band
 * and say nothing of a "95% CI"; two replicates: band and label. */
Test(plot_cmd, no_band_below_two_replicates)
{
    char tmp[64], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 1 --series summary --quiet "
                            "-o %s/one", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s/one", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(d, sizeof d, "%s/one/figures", tmp);
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "population.gp" : "series_coop_target.gp";
        cr_expect_not(file_has(d, name, "95% CI"), "%s says 95%% CI", name);
        cr_expect_not(file_has(d, name, "filledcurves"), "%s draws a band", name);
    }
    r = e2e_run("run configs/eu_ca.cfg --replicates 2 --series summary --quiet -o %s/two", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s/two", tmp);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(d, sizeof d, "%s/two/figures", tmp);
    cr_expect(file_has(d, "series_coop_target.gp", "95% CI"));
    cr_expect(file_has(d, "series_coop_target.gp", "filledcurves"));
    cr_expect(file_has(d, "population.gp", "95% CI"));
    cr_expect(file_has(d, "population.gp", "filledcurves"));
    e2e_rmrf(tmp);
}

/* ---- commands that must not silently do something else ---- */

/* Every file of directory a other than manifest.cfg exists in b with the same
 * bytes, and b has no other file; returns the number of files compared. */
static int same_dir_files(const char *a, const char *b)
{
    char cmd[512], list[4096];
    snprintf(cmd, sizeof cmd, "ls '%s' > /tmp/coopsim-ls-%d", a, (int)getpid());
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "/tmp/coopsim-ls-%d", (int)getpid());
    e2e_slurp(cmd, list, sizeof list);
    unlink(cmd);
    int n = 0;
    for (char *name = strtok(list, "\n"); name; name = strtok(NULL, "\n")) {
        if (strcmp(name, "manifest.cfg") == 0)
            continue;
        char pa[512], pb[512];
        snprintf(pa, sizeof pa, "%s/%s", a, name);
        snprintf(pb, sizeof pb, "%s/%s", b, name);
        cr_expect(e2e_same_file(pa, pb), "%s differs from %s", pb, pa);
        n++;
    }
    return n;
}

/* A hypothesis result's manifest records the command; re-run with it, it
 * reproduces every data file; `coopsim run` on it refuses (exit 2), names the
 * command to use and writes nothing. */
Test(run_e2e, manifest_names_the_command_that_reproduces_it)
{
    char tmp[64], a[128], b[128], m[160], want[512], text[32768];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(a, sizeof a, "%s/h", tmp);
    e2e_result *r = e2e_run("hypothesis configs/eu_ca.cfg --replicates 3 --series summary "
                            "--quiet -o %s", a);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(m, sizeof m, "%s/manifest.cfg", a);
    e2e_slurp(m, text, sizeof text);
    cr_expect(strstr(text, "\n  subcommand = \"hypothesis\";\n"), "no subcommand in %s", m);

    r = e2e_run("run %s --quiet -o %s/by_run", m, tmp);
    cr_expect_eq(r->status, 2);
    snprintf(want, sizeof want, "coopsim: %s was written by `coopsim hypothesis`, which "
             "reproduces its results: run `coopsim hypothesis %s` (`coopsim run` would not)\n",
             m, m);
    cr_expect_str_eq(r->err, want);
    snprintf(b, sizeof b, "%s/by_run", tmp);
    cr_expect_not(e2e_exists(b), "run wrote %s", b);
    r = e2e_run("sweep %s --quiet -o %s/by_run", m, tmp);
    cr_expect_eq(r->status, 2);
    cr_expect(strstr(r->err, "run `coopsim hypothesis "), "%s", r->err);
    cr_expect_not(e2e_exists(b), "sweep wrote %s", b);

    snprintf(b, sizeof b, "%s/again", tmp);
    r = e2e_run("hypothesis %s --quiet -o %s", m, b);
    cr_assert_eq(r->status, 0, "%s", r->err);
    /* summary, milestones, outcomes, hypothesis, channels (eu_ca.cfg: hypothesis.channels) */
    cr_expect_eq(same_dir_files(a, b), 5);
    e2e_rmrf(tmp);
}

/* Each command records itself: run, sweep, validate and tournament. */
Test(run_e2e, every_manifest_records_its_command)
{
    static const char *const runs[][2] = {
        {"run", "run configs/eu_ca.cfg --replicates 1 --series none"},
        {"sweep", "sweep configs/sweep_motivator.cfg --replicates 1 --series none"},
        {"validate", "validate configs/eu_ca_history.cfg --replicates 2"},
        {"tournament", "tournament configs/classic/tournament.cfg"},
    };
    char tmp[64], p[192], text[1 << 15], want[64];
    e2e_tmpdir(tmp, sizeof tmp);
    for (int k = 0; k < 4; k++) {
        e2e_result *r = e2e_run("%s --quiet -o %s/%s", runs[k][1], tmp, runs[k][0]);
        cr_assert_eq(r->status, 0, "%s: %s", runs[k][0], r->err);
        snprintf(p, sizeof p, "%s/%s/manifest.cfg", tmp, runs[k][0]);
        e2e_slurp(p, text, sizeof text);
        snprintf(want, sizeof want, "\n  subcommand = \"%s\";\n", runs[k][0]);
        cr_expect(strstr(text, want), "%s: no %s", p, want);
    }
    /* The run's own manifest runs again with run. */
    e2e_result *r = e2e_run("run %s/run/manifest.cfg --quiet -o %s/run2", tmp, tmp);
    cr_expect_eq(r->status, 0, "%s", r->err);
    e2e_rmrf(tmp);
}

/* `coopsim run` on a configuration with a sweep group refuses (it used to run
 * the base point and ignore the sweep without a word). */
Test(run_e2e, run_refuses_a_sweep_group)
{
    char tmp[64], p[128];
    e2e_tmpdir(tmp, sizeof tmp);
    e2e_result *r = e2e_run("run configs/sweep_motivator.cfg --replicates 1 --quiet -o %s/r", tmp);
    cr_expect_eq(r->status, 2);
    cr_expect_str_eq(r->err, "coopsim: configs/sweep_motivator.cfg has a `sweep` group, which "
                             "`coopsim run` does not run: use `coopsim sweep "
                             "configs/sweep_motivator.cfg` (every point), or remove the sweep "
                             "group to run one point\n");
    snprintf(p, sizeof p, "%s/r", tmp);
    cr_expect_not(e2e_exists(p));
    e2e_rmrf(tmp);
}

/* --force replaces only what coopsim wrote: the user's notebook and own figures/
 * folder survive (run, and a sweep, which clears the directory at its start);
 * a stale coopsim file the new results do not have is removed. */
static void put_user_files(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/figures' && printf 'notes' > '%s/notebook.ipynb' && "
             "printf 'png' > '%s/figures/my.png' && printf 'old' > '%s/hypothesis.csv'",
             dir, dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
}

static void expect_user_files(const char *dir)
{
    char p[256], text[64];
    snprintf(p, sizeof p, "%s/notebook.ipynb", dir);
    e2e_slurp(p, text, sizeof text);
    cr_expect_str_eq(text, "notes", "%s lost", p);
    snprintf(p, sizeof p, "%s/figures/my.png", dir);
    e2e_slurp(p, text, sizeof text);
    cr_expect_str_eq(text, "png", "%s lost", p);
    snprintf(p, sizeof p, "%s/hypothesis.csv", dir);
    cr_expect_not(e2e_exists(p), "stale %s kept", p);
}

Test(run_e2e, force_keeps_the_users_files)
{
    char tmp[64], d[128], p[192];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(d, sizeof d, "%s/r", tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 1 --series none --quiet -o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    put_user_files(d);
    r = e2e_run("run configs/eu_ca.cfg --replicates 2 --series none --quiet --force -o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_user_files(d);
    snprintf(p, sizeof p, "%s/manifest.cfg", d);
    char text[1 << 15];
    e2e_slurp(p, text, sizeof text);
    cr_expect(strstr(text, "replicates = 2;"), "the manifest was not replaced");

    /* A sweep started afresh with --force. */
    snprintf(d, sizeof d, "%s/s", tmp);
    r = e2e_run("sweep configs/sweep_motivator.cfg --replicates 1 --series none --quiet -o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    put_user_files(d);
    r = e2e_run("sweep configs/sweep_motivator.cfg --replicates 1 --series none --quiet --force "
                "-o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_user_files(d);
    snprintf(p, sizeof p, "%s/points.csv", d);
    cr_expect(e2e_exists(p));
    e2e_rmrf(tmp);
}

/* The names in a directory (sorted, one a line) into buf. */
static void list_dir(const char *dir, char *buf, size_t size)
{
    char cmd[512], out[128];
    snprintf(out, sizeof out, "/tmp/coopsim-ls-%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "ls -A '%s' > %s 2>/dev/null", dir, out);
    buf[0] = '\0';
    if (system(cmd) == 0)
        e2e_slurp(out, buf, size);
    unlink(out);
}

/* A plot that fails (a gnuplot that always fails, first on PATH) leaves the old
 * figures/ exactly as it was and no temporary folder behind. */
Test(plot_cmd, failed_plot_leaves_old_figures)
{
    char tmp[64], d[128], figs[160], before[4096], after[4096], png[192], copy[192], cmd[1024];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(d, sizeof d, "%s/r", tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 2 --series summary --quiet "
                            "-o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(figs, sizeof figs, "%s/figures", d);
    list_dir(figs, before, sizeof before);
    cr_assert(strstr(before, "series_coop_target.png\n"), "%s", before);
    snprintf(png, sizeof png, "%s/series_coop_target.png", figs);
    snprintf(copy, sizeof copy, "%s/keep.png", tmp);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && mkdir '%s/bin' && printf '#!/bin/sh\\n"
             "cat >/dev/null\\necho boom >&2\\nexit 1\\n' > '%s/bin/gnuplot' && "
             "chmod +x '%s/bin/gnuplot'", png, copy, tmp, tmp, tmp);
    cr_assert_eq(system(cmd), 0);

    char errs[1024];
    snprintf(cmd, sizeof cmd, "PATH='%s/bin':\"$PATH\" %s plot %s >/dev/null 2>'%s/err'", tmp,
             e2e_program(), d, tmp);
    int st = system(cmd);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d", st);
    snprintf(cmd, sizeof cmd, "%s/err", tmp);
    e2e_slurp(cmd, errs, sizeof errs);
    cr_expect(strstr(errs, "gnuplot failed on series_coop_target.gp: boom"), "%s", errs);
    list_dir(figs, after, sizeof after);
    cr_expect_str_eq(after, before, "figures/ changed");
    cr_expect(e2e_same_file(png, copy), "series_coop_target.png changed");
    list_dir(d, after, sizeof after);
    cr_expect_not(strstr(after, "tmp"), "a temporary folder remains: %s", after);
    e2e_rmrf(tmp);
}

/* -o OUT puts the figures in OUT (and nothing in RESULTS_DIR/figures); drawing
 * again replaces coopsim's figures, including a stale one, and keeps the user's. */
Test(plot_cmd, output_option_and_users_files)
{
    char tmp[64], d[128], out[128], p[192], list[4096], cmd[512], text[64];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(d, sizeof d, "%s/r", tmp);
    snprintf(out, sizeof out, "%s/figs", tmp);
    e2e_result *r = e2e_run("run configs/eu_ca.cfg --replicates 2 --series summary --quiet "
                            "-o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("plot %s -o %s", d, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(p, sizeof p, "%s/series_coop_target.png: ", out);
    cr_expect(strstr(r->out, p), "%s", r->out);
    snprintf(p, sizeof p, "%s/series_coop_target.png", out);
    cr_expect(e2e_exists(p), "no %s", p);
    snprintf(p, sizeof p, "%s/figures", d);
    cr_expect_not(e2e_exists(p), "-o ignored: %s written", p);

    /* The user's files and a stale coopsim figure (old.gp drew old.png). */
    snprintf(cmd, sizeof cmd, "cd '%s' && printf 'mine' > my.png && printf 'x' > notes.txt && "
             "printf '# old.gp: a figure.\\n# Drawn by coopsim 0.1.0 (coopsim plot)\\n' > old.gp "
             "&& printf 'png' > old.png && printf 'csv' > old_data.csv", out);
    cr_assert_eq(system(cmd), 0);
    r = e2e_run("plot %s -o %s/", d, out);
    cr_assert_eq(r->status, 0, "%s", r->err);
    list_dir(out, list, sizeof list);
    cr_expect(strstr(list, "my.png\n") && strstr(list, "notes.txt\n"), "%s", list);
    cr_expect(strstr(list, "series_coop_target.png\n"), "%s", list);
    cr_expect_not(strstr(list, "old.gp") || strstr(list, "old.png") || strstr(list, "old_data"),
                  "stale figure kept: %s", list);
    snprintf(p, sizeof p, "%s/my.png", out);
    e2e_slurp(p, text, sizeof text);
    cr_expect_str_eq(text, "mine");
    list_dir(tmp, list, sizeof list);
    cr_expect_not(strstr(list, "tmp") || strstr(list, "old"), "left behind: %s", list);
    e2e_rmrf(tmp);
}

/* A validation over a sweep writes its own directory (manifest, points.csv,
 * validation.csv); --force keeps the user's files there too. */
Test(run_e2e, force_keeps_the_users_files_in_a_validation_sweep)
{
    char tmp[64], path[192], d[128], buf[1 << 14];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(path, sizeof path, "%s/sw.cfg", tmp);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    e2e_slurp("tests/data/val_small.cfg", buf, sizeof buf);
    char *tf = strstr(buf, "\"val_trade.csv\""); /* relative to the configuration */
    cr_assert_not_null(tf);
    *tf = '\0';
    fprintf(f, "%s\"%s/tests/data/val_trade.csv\"%s\nsweep = { method = \"grid\"; parameters = "
            "( { path = \"noise\"; values = [ 0.0, 0.1 ]; } ); };\n", buf, getenv("PWD"),
            tf + strlen("\"val_trade.csv\""));
    fclose(f);
    snprintf(d, sizeof d, "%s/v", tmp);
    e2e_result *r = e2e_run("validate %s -o %s --quiet", path, d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    put_user_files(d);
    r = e2e_run("validate %s -o %s --quiet --force", path, d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    expect_user_files(d);
    snprintf(path, sizeof path, "%s/validation.csv", d);
    cr_expect(e2e_exists(path));
    e2e_rmrf(tmp);
}
