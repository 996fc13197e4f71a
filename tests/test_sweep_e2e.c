/* test_sweep_e2e.c: `coopsim sweep` end to end.
 *
 * The results directory (points.csv, rows tagged with their point, no temporary
 * files left), byte-identical files for 1 and 2 threads and for a re-run of the
 * manifest; real signals at a random moment (SIGINT, SIGTERM, SIGKILL) followed
 * by --resume give exactly the files of an uninterrupted run; resume refuses
 * another configuration; an existing directory needs --force or --resume; a full
 * device (a 64 KiB tmpfs, when this user may mount one) fails with exit 1 and
 * resumes once there is room; the progress bar appears on a terminal (script(1)
 * gives the program a pseudo-terminal) and never in a pipe or with --quiet. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

static const char *const data_files[] = {"points.csv", "summary.csv", "milestones.csv",
                                         "outcomes.csv"};
#define N_DATA (sizeof data_files / sizeof data_files[0])

/* 1 when every data file of a and b is byte-identical. */
static int same_data(const char *a, const char *b)
{
    return e2e_same_files(a, b, data_files, N_DATA);
}

static int has(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return e2e_exists(p);
}

Test(sweep_e2e, grid_files_threads_and_manifest)
{
    char tmp[64], a[128], b[128], c[128], p[192];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(a, sizeof a, "%s/t1", tmp);
    snprintf(b, sizeof b, "%s/t2", tmp);
    snprintf(c, sizeof c, "%s/again", tmp);
    e2e_result *r = e2e_run("sweep tests/data/sweep_small.cfg --threads 1 -o %s", a);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "6 points x 4 replicates of 'sweep_small' written to"), "%s", r->err);
    cr_assert_null(strchr(r->err, '\r'), "no progress bar when stderr is not a terminal");
    r = e2e_run("sweep tests/data/sweep_small.cfg --threads 2 --quiet -o %s", b);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert_str_eq(r->err, "");
    cr_assert(same_data(a, b), "1 and 2 threads differ");

    snprintf(p, sizeof p, "%s/points.csv", a);
    char buf[4096];
    e2e_slurp(p, buf, sizeof buf);
    cr_assert_str_eq(buf, "point,engagement.delta,actors.B.motivator.brokerage\n"
                          "0,0.01,0\n1,0.01,0.2\n2,0.01,0.4\n3,0.1,0\n4,0.1,0.2\n5,0.1,0.4\n");
    /* Every row carries its point, in point order. */
    snprintf(p, sizeof p, "%s/outcomes.csv", a);
    static char big[1 << 16];
    e2e_slurp(p, big, sizeof big);
    int last = -1, rows = 0;
    for (char *line = strchr(big, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        int pt = atoi(line);
        cr_assert(pt >= last && pt < 6, "row of point %d after point %d", pt, last);
        last = pt;
        rows++;
    }
    /* the pooled outcomes and the 5 per-state ones of the one other state, C */
    cr_assert_eq(rows, 6 * 4 * (6 + 5), "6 points x 4 replicates x (6 + 5) outcomes");
    cr_assert(has(a, "summary.csv") && has(a, "manifest.cfg"));
    cr_assert(!has(a, "progress.csv") && !has(a, "outcomes.csv.part") &&
              !has(a, "manifest.cfg.tmp"), "temporary files left behind");
    snprintf(p, sizeof p, "%s/manifest.cfg", a);
    cr_assert(e2e_file_has(p, "  status = \"complete\";\n"));
    cr_assert(e2e_file_has(p, "\nsweep = {\n  method = \"grid\";\n"));

    /* The manifest reproduces the data files. */
    r = e2e_run("sweep %s/manifest.cfg --quiet -o %s", a, c);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(same_data(a, c), "manifest re-run differs");
    e2e_rmrf(tmp);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Interrupts a sweep into dir with sig after a random delay, then resumes it
 * (from the manifest) until complete; the files must equal ref's.  Retries with
 * a shorter delay when the sweep finished before the signal. */
static void interrupt_and_resume(const char *tmp, const char *ref, int sig, const char *name)
{
    char dir[256], errf[256], args[512];
    snprintf(dir, sizeof dir, "%s/%s", tmp, name);
    snprintf(errf, sizeof errf, "%s/%s.err", tmp, name);
    long delay = 100 + rand() % 500;
    int interrupted = 0;
    for (int attempt = 0; attempt < 8 && !interrupted; attempt++) {
        e2e_rmrf(dir);
        snprintf(args, sizeof args, "sweep tests/data/sweep_long.cfg --threads 2 -o %s", dir);
        pid_t pid = e2e_spawn(args, errf);
        cr_assert_gt(pid, 0);
        sleep_ms(delay);
        kill(pid, sig);
        int st;
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            delay /= 2;  /* finished first: try earlier */
            continue;
        }
        interrupted = 1;
        if (sig == SIGKILL) {
            cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        } else if (WIFEXITED(st)) {
            cr_assert_eq(WEXITSTATUS(st), 1, "%s after %ld ms: exit %d", name, delay,
                         WEXITSTATUS(st));
            cr_assert(e2e_file_has(errf, "interrupted by "), "%s", name);
            cr_assert(e2e_file_has(errf, "--resume"), "%s", name);
            char m[300];
            snprintf(m, sizeof m, "%s/manifest.cfg", dir);
            cr_assert(e2e_file_has(m, "  status = \"interrupted\";\n"));
        } else {
            /* The signal came before the handler was installed (loading the
             * configuration): killed, nothing written yet. */
            cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == sig);
        }
    }
    cr_assert(interrupted, "%s: the sweep always finished before the signal", name);
    /* Resume from the manifest when there is one, else from the configuration. */
    char m[300];
    snprintf(m, sizeof m, "%s/manifest.cfg", dir);
    e2e_result *r = e2e_exists(m) ? e2e_run("sweep %s --resume --threads 2", m)
                                  : e2e_run("sweep tests/data/sweep_long.cfg --resume -o %s", dir);
    cr_assert_eq(r->status, 0, "%s (delay %ld ms): %s", name, delay, r->err);
    cr_assert(same_data(ref, dir), "%s (delay %ld ms): resumed files differ", name, delay);
    cr_assert(!has(dir, "progress.csv"));
}

Test(sweep_e2e, signals_then_resume_give_identical_files, .timeout = 120)
{
    char tmp[64], ref[128];
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("sweep tests/data/sweep_long.cfg --threads 1 --quiet -o %s", ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    interrupt_and_resume(tmp, ref, SIGINT, "int");
    interrupt_and_resume(tmp, ref, SIGKILL, "kill");
    interrupt_and_resume(tmp, ref, SIGTERM, "term");
    e2e_rmrf(tmp);
}

Test(sweep_e2e, resume_refuses_another_configuration)
{
    char tmp[64], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(d, sizeof d, "%s/s", tmp);
    e2e_result *r = e2e_run("sweep tests/data/sweep_small.cfg --quiet -o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("sweep tests/data/sweep_small.cfg --resume --seed 9 -o %s", d);
    cr_assert_eq(r->status, 2, "%s", r->err);
    cr_assert(strstr(r->err, "cannot resume: the configuration differs"), "%s", r->err);
    cr_assert(strstr(r->err, "`  seed = 9;` here, `  seed = 5;` there"), "%s", r->err);
    r = e2e_run("sweep tests/data/sweep_small.cfg --resume --set engagement.alpha=0.3 -o %s", d);
    cr_assert_eq(r->status, 2, "%s", r->err);
    /* The same configuration: complete already, nothing to do. */
    r = e2e_run("sweep %s/manifest.cfg --resume", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "the sweep is complete (6 points): nothing to resume"), "%s", r->err);
    e2e_rmrf(tmp);
}

Test(sweep_e2e, existing_directory_needs_force_or_resume)
{
    char tmp[64], d[128], p[192];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(d, sizeof d, "%s/s", tmp);
    e2e_result *r = e2e_run("sweep tests/data/sweep_small.cfg --quiet -o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("sweep tests/data/sweep_small.cfg --quiet -o %s", d);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "use --force to replace it, or --resume"), "%s", r->err);
    r = e2e_run("sweep tests/data/sweep_small.cfg --quiet --force --resume -o %s", d);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "exclude each other"), "%s", r->err);
    r = e2e_run("sweep tests/data/sweep_small.cfg --quiet --force --replicates 2 -o %s", d);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(p, sizeof p, "%s/manifest.cfg", d);
    cr_assert(e2e_file_has(p, "  replicates = 2;\n"));
    /* A configuration without a sweep, a bad sweep: exit 2, nothing created. */
    r = e2e_run("sweep tests/data/exp_small.cfg -o %s/none", tmp);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "no sweep group"), "%s", r->err);
    r = e2e_run("sweep tests/bad/sweep_range_outside.cfg -o %s/bad", tmp);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "coopsim: tests/bad/sweep_range_outside.cfg:"), "%s", r->err);
    snprintf(p, sizeof p, "%s/none", tmp);
    cr_assert_not(e2e_exists(p));
    snprintf(p, sizeof p, "%s/bad", tmp);
    cr_assert_not(e2e_exists(p));
    /* --resume belongs to sweeps. */
    r = e2e_run("run tests/data/exp_small.cfg --resume -o %s/run", tmp);
    cr_assert_eq(r->status, 2);
    e2e_rmrf(tmp);
}

/* A device that fills up: exit 1, the complete points kept (this sweep's summary
 * rows take about 32 KiB a point: a 120 KiB tmpfs fills during point 3 or so),
 * --resume finishes once there is room.  Needs permission to mount a tmpfs
 * (root); skipped otherwise. */
Test(sweep_e2e, full_device_fails_cleanly_and_resumes, .timeout = 120)
{
    char tmp[64], mnt[128], ref[128], d[160], cmd[512];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(mnt, sizeof mnt, "%s/mnt", tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    snprintf(d, sizeof d, "%s/s", mnt);
    cr_assert_eq(mkdir(mnt, 0777), 0);
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=120k coopsim-test '%s' 2>/dev/null", mnt);
    if (system(cmd) != 0) {
        e2e_rmrf(tmp);
        cr_skip_test("cannot mount a tmpfs here (not root?)");
    }
    e2e_result *r = e2e_run("sweep tests/data/sweep_small.cfg --quiet -o %s", ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    r = e2e_run("sweep tests/data/sweep_small.cfg --quiet -o %s", d);
    int status = r->status;
    char err[sizeof r->err];
    memcpy(err, r->err, sizeof err);
    char m[256];
    snprintf(m, sizeof m, "%s/manifest.cfg", d);
    /* "failed" when there was room to rewrite the manifest, else still "running". */
    int failed_manifest = e2e_file_has(m, "  status = \"failed\";\n") ||
                          e2e_file_has(m, "  status = \"running\";\n");
    /* The last checkpoint keeps at least one complete point. */
    char pf[256];
    static char prog[4096];
    snprintf(pf, sizeof pf, "%s/progress.csv", d);
    e2e_slurp(pf, prog, sizeof prog);
    char *lastl = prog;
    for (char *q = prog; *q; q++)
        if (q[0] == '\n' && q[1])
            lastl = q + 1;
    int kept = atoi(lastl);
    snprintf(cmd, sizeof cmd, "mount -o remount,size=16m '%s'", mnt);
    int remounted = system(cmd) == 0;
    if (remounted)
        r = e2e_run("sweep %s/manifest.cfg --resume --quiet", d);
    int resumed = remounted ? r->status : -1;
    int same = remounted && resumed == 0 && same_data(ref, d);
    snprintf(cmd, sizeof cmd, "umount '%s'", mnt);
    int unmounted = system(cmd) == 0;
    if (unmounted)
        e2e_rmrf(tmp);  /* everything is measured: clean up before asserting */
    cr_assert(unmounted);
    cr_assert_eq(status, 1, "%s", err);
    cr_assert(strstr(err, "No space left on device"), "%s", err);
    cr_assert(strstr(err, "--resume"), "%s", err);
    cr_assert(failed_manifest, "the manifest records status = \"failed\" (or \"running\")");
    cr_assert(kept >= 1 && kept < 6, "%d complete points kept: %s", kept, prog);
    cr_assert(remounted);
    cr_assert_eq(resumed, 0, "%s", r->err);
    cr_assert(same, "the resumed sweep differs from an uninterrupted one");
}

Test(sweep_e2e, progress_bar_on_a_terminal_only)
{
    if (system("command -v script >/dev/null 2>&1") != 0)
        cr_skip_test("script(1) is not installed");
    char tmp[64], out[128], cmd[1024];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(out, sizeof out, "%s/tty.txt", tmp);
    snprintf(cmd, sizeof cmd,
             "script -qec \"%s sweep tests/data/sweep_small.cfg -o %s/a\" /dev/null >%s 2>&1",
             e2e_program(), tmp, out);
    cr_assert_eq(system(cmd), 0);
    static char buf[1 << 16];
    e2e_slurp(out, buf, sizeof buf);
    cr_assert(strstr(buf, "\r["), "no bar drawn on a terminal: %s", buf);
    cr_assert(strstr(buf, "6/6 points 24/24 runs"), "%s", buf);
    cr_assert(strstr(buf, "runs/s"), "%s", buf);

    /* --quiet: nothing; `run` draws one too. */
    snprintf(cmd, sizeof cmd,
             "script -qec \"%s sweep tests/data/sweep_small.cfg --quiet -o %s/b\" /dev/null >%s 2>&1",
             e2e_program(), tmp, out);
    cr_assert_eq(system(cmd), 0);
    e2e_slurp(out, buf, sizeof buf);
    cr_assert_null(strstr(buf, "runs"), "%s", buf);
    snprintf(cmd, sizeof cmd,
             "script -qec \"%s run tests/data/exp_small.cfg --replicates 4 -o %s/c\" /dev/null "
             ">%s 2>&1",
             e2e_program(), tmp, out);
    cr_assert_eq(system(cmd), 0);
    e2e_slurp(out, buf, sizeof buf);
    cr_assert(strstr(buf, "4/4 runs"), "%s", buf);

    /* In a pipe: no bar. */
    e2e_result *r = e2e_run("sweep tests/data/sweep_small.cfg -o %s/d", tmp);
    cr_assert_eq(r->status, 0);
    cr_assert_null(strstr(r->err, "runs"), "%s", r->err);
    e2e_rmrf(tmp);
}
