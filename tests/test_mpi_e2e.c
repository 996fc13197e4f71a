/* test_mpi_e2e.c: build/coopsim-mpi under mpirun against build/coopsim.
 *
 * The MPI flavour is found through COOPSIM_MPI (the Makefile sets it when mpicc
 * exists); without it every test is skipped.  Each test runs a small sweep or
 * hypothesis experiment with 2 and 3 ranks (oversubscribed, as root in
 * containers) and compares every data file byte for byte with the single-process
 * program (with series none, where the workers send prepared rows, also 8 ranks
 * and 3 ranks x 2 threads); then a sweep interrupted through mpirun (SIGINT) and one whose worker
 * rank is killed are resumed and compared (with series none the workers write
 * their own rows: the checkpoints count only rows they have synced); errors stop
 * every rank with rank 0's message and exit status.  The workers' direct writes
 * (docs/CLUSTER.md) are checked on 1, 2, 3 x 2 and 8 ranks, forced off
 * (COOPSIM_MPI_WRITE=root) and refused by one worker only; workers' blocks of 1, 7
 * and 256 items (COOPSIM_MPI_BLOCK), committed by rank 0 a block at a time, rank
 * 0's threads computing beside blocks of 256.  coopsim
 * infer (a task farm per generation) is compared the same way, and interrupted and
 * resumed under MPI. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "e2e_mpi.h"

/* make sanitize builds no MPI flavour, and Criterion's parallel runner leaks 48
 * bytes when many tests end at once (LeakSanitizer would fail the run): under
 * AddressSanitizer the suite is disabled. */
#ifdef __SANITIZE_ADDRESS__
TestSuite(mpi_e2e, .disabled = true);
#endif

/* Skips the test (cr_skip_test) without COOPSIM_MPI; else sets Open MPI up. */
static int mpi_env(void)
{
    if (!e2e_mpi_program())
        cr_skip_test("COOPSIM_MPI is not set (no mpicc): MPI tests skipped");
    e2e_mpi_setup();
    return 1;
}

/* The single-process reference, then 2 and 3 ranks with 1 and 2 threads. */
static void compare(const char *cmd, const char *extra)
{
    char tmp[64], ref[128], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s %s --threads 2 --quiet -o %s", cmd, extra, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char ref_out[sizeof r->out];
    snprintf(ref_out, sizeof ref_out, "%s", r->out);
    for (int np = 2; np <= 3; np++) {
        snprintf(d, sizeof d, "%s/np%d", tmp, np);
        r = e2e_mpi_run(np, "%s %s --threads %d -o %s", cmd, extra, np - 1, d);
        cr_assert_eq(r->status, 0, "%s -np %d: %s", cmd, np, r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s: %d ranks differ from one process", cmd, np);
        char *first = strstr(r->err, "written to");
        cr_assert(first && !strstr(first + 1, "written to"), "only rank 0 prints: %s", r->err);
        if (!strstr(cmd, "hyp_sweep"))  /* the sweep's table names the directory */
            cr_assert_str_eq(r->out, ref_out, "%s -np %d: stdout differs", cmd, np);
    }
    e2e_rmrf(tmp);
}

/* The single-process reference, then each of n (ranks, threads) pairs. */
static void compare_ranks(const char *cmd, const char *extra, int n, const int (*rt)[2])
{
    char tmp[64], ref[128], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s %s --threads 2 --quiet -o %s", cmd, extra, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    for (int k = 0; k < n; k++) {
        snprintf(d, sizeof d, "%s/np%dt%d", tmp, rt[k][0], rt[k][1]);
        r = e2e_mpi_run(rt[k][0], "%s %s --threads %d --quiet -o %s", cmd, extra, rt[k][1], d);
        cr_assert_eq(r->status, 0, "%s -np %d: %s", cmd, rt[k][0], r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s: %d ranks x %d threads differ from one process", cmd,
                  rt[k][0], rt[k][1]);
    }
    e2e_rmrf(tmp);
}

/* Series none: the workers prepare the rows and send blocks of them (rank 0's
 * sink splits); 8 ranks oversubscribed, and ranks x threads. */
Test(mpi_e2e, prepared_rows_eight_ranks_and_hybrid, .timeout = 120)
{
    if (!mpi_env())
        return;
    static const int rt[][2] = {{8, 1}, {3, 2}};
    compare_ranks("sweep tests/data/sweep_small.cfg", "--series none --replicates 40", 2, rt);
    compare_ranks("hypothesis tests/data/hyp_small.cfg", "", 1, rt);
}

/* The items whose rows the workers wrote themselves (COOPSIM_MPI_STATS), -1 when
 * not printed. */
static long long worker_written(const char *err)
{
    const char *s = strstr(err, "rank 0 of ");
    long long n = -1;
    for (; s && n < 0; s = strstr(s + 1, "rank 0 of ")) {
        int end = 0; /* the whole text matched, not only the number */
        if (sscanf(s, "rank 0 of %*d: %lld items' rows written by the workers%n", &n, &end) != 1 ||
            end == 0)
            n = -1;
    }
    return n;
}

/* Series none: the workers write their rows into the files themselves at the
 * offsets rank 0 gives them (direct writes); forced off, rank 0 writes them all;
 * a worker that will not (COOPSIM_MPI_WRITE=root in its environment only) sends
 * its rows to rank 0 while the other writes its own. */
Test(mpi_e2e, direct_writes_and_fallback, .timeout = 150)
{
    if (!mpi_env())
        return;
    /* 12,000 items of about 20 us: with fewer, rank 0's threads could run every item
     * before a worker had started (240 items did, one run in five) */
    const char *args = "sweep tests/data/sweep_small.cfg --series none --replicates 2000 --quiet";
    char tmp[64], ref[128], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s --threads 1 -o %s", args, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    static const struct { int np, threads; const char *env; int direct; } runs[] = {
        {1, 2, "", 0}, {2, 1, "", 1}, {3, 2, "", 1}, {8, 1, "", 1},
        {2, 1, "COOPSIM_MPI_WRITE=ranks", 1}, {3, 1, "COOPSIM_MPI_WRITE=root", 0}};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        snprintf(d, sizeof d, "%s/np%zu", tmp, k);
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_STATS=1 %s mpirun --allow-run-as-root "
                 "--oversubscribe -np %d %s %s --threads %d -o %s", runs[k].env, runs[k].np,
                 e2e_mpi_program(), args, runs[k].threads, d);
        r = e2e_capture(cmd);
        cr_assert_eq(r->status, 0, "%s: %s", cmd, r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s: differs from one process", cmd);
        long long n = worker_written(r->err);
        if (runs[k].direct)
            cr_assert_gt(n, 0, "%s: the workers wrote no rows: %s", cmd, r->err);
        else if (runs[k].np > 1)
            cr_assert_eq(n, 0, "%s: the workers wrote rows: %s", cmd, r->err);
    }
    /* One worker of two refuses: both paths in one run. */
    snprintf(d, sizeof d, "%s/mixed", tmp);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_STATS=1 mpirun --allow-run-as-root --oversubscribe "
             "-np 2 %s %s --threads 1 -o %s : -np 1 env COOPSIM_MPI_WRITE=root %s %s --threads 1 "
             "-o %s", e2e_mpi_program(), args, d, e2e_mpi_program(), args, d);
    r = e2e_capture(cmd);
    cr_assert_eq(r->status, 0, "%s: %s", cmd, r->err);
    cr_assert(e2e_same_csvs(ref, d), "mixed writers: differs from one process");
    long long n = worker_written(r->err), got = -1;
    const char *s = strstr(r->err, " delivered, ");
    cr_assert(s && sscanf(s, " delivered, %lld received", &got) == 1, "%s", r->err);
    cr_assert(n > 0 && n < got, "one worker writes, the other sends: %lld of %lld: %s", n, got,
              r->err);
    /* A value COOPSIM_MPI_WRITE does not take: rank 0's message, status 2. */
    snprintf(d, sizeof d, "%s/bad", tmp);
    snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_WRITE=nfs mpirun --allow-run-as-root "
             "--oversubscribe -np 2 %s %s -o %s", e2e_mpi_program(), args, d);
    r = e2e_capture(cmd);
    cr_assert_eq(r->status, 2, "%s", r->err);
    cr_assert(strstr(r->err, "COOPSIM_MPI_WRITE = \"nfs\": not one of auto, root, ranks"), "%s",
              r->err);
    e2e_rmrf(tmp);
}

/* The worker's items committed a block at a time (COOPSIM_MPI_STATS: "N items in
 * R runs"), -1 when not printed. */
static long long block_runs(const char *err, long long *items)
{
    const char *s = strstr(err, "committed a block at a time");
    long long runs = -1;
    *items = -1;
    if (s && (s = strstr(s, "aside (")))
        if (sscanf(s, "aside (%lld items in %lld runs)", items, &runs) != 2)
            runs = -1;
    return runs;
}

/* Rank 0 commits a worker's block of descriptors as one unit, across the
 * (point, world)s it covers: blocks of 1, 7 (crossing worlds of 40 and of the
 * hypothesis test's replicates) and 256 items (COOPSIM_MPI_BLOCK) give the same
 * files as one process; a value out of range is refused (status 2). */
Test(mpi_e2e, block_commits, .timeout = 150)
{
    if (!mpi_env())
        return;
    static const struct { const char *cmd; int np, threads, block; } runs[] = {
        {"sweep tests/data/sweep_small.cfg --series none --replicates 40", 3, 1, 256},
        {"sweep tests/data/sweep_small.cfg --series none --replicates 40", 2, 1, 1},
        {"sweep tests/data/sweep_small.cfg --series none --replicates 40", 3, 2, 7},
        {"hypothesis tests/data/hyp_small.cfg", 3, 1, 7},
        {"hypothesis tests/data/hyp_small.cfg", 2, 2, 256}};
    char tmp[64], ref[128], d[128], cmd[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        snprintf(ref, sizeof ref, "%s/ref%zu", tmp, k);
        e2e_result *r = e2e_run("%s --threads 2 --quiet -o %s", runs[k].cmd, ref);
        cr_assert_eq(r->status, 0, "%s", r->err);
        snprintf(d, sizeof d, "%s/b%zu", tmp, k);
        snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_STATS=1 COOPSIM_MPI_BLOCK=%d mpirun "
                 "--allow-run-as-root --oversubscribe -np %d %s %s --threads %d --quiet -o %s",
                 runs[k].block, runs[k].np, e2e_mpi_program(), runs[k].cmd, runs[k].threads, d);
        r = e2e_capture(cmd);
        cr_assert_eq(r->status, 0, "%s: %s", cmd, r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s: differs from one process", cmd);
        long long items, n = block_runs(r->err, &items);
        if (runs[k].threads > 1 && n < 0 && strstr(r->err, " 0 received"))
            continue; /* rank 0's threads ran every item before a worker started */
        cr_assert(n > 0 && items >= n && items <= n * runs[k].block,
                  "%s: %lld items in %lld runs of at most %d: %s", cmd, items, n, runs[k].block,
                  r->err);
        if (runs[k].block == 1)
            cr_assert_eq(items, n, "blocks of one item: one run each");
        if (runs[k].block == 256)
            cr_assert_gt(items, 2 * n, "blocks of 256 items commit many items per run: %s",
                         r->err);
    }
    snprintf(d, sizeof d, "%s/bad", tmp);
    snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_BLOCK=513 mpirun --allow-run-as-root "
             "--oversubscribe -np 2 %s %s --quiet -o %s", e2e_mpi_program(), runs[0].cmd, d);
    e2e_result *r = e2e_capture(cmd);
    cr_assert_eq(r->status, 2, "%s", r->err);
    cr_assert(strstr(r->err, "COOPSIM_MPI_BLOCK = \"513\": not an integer from 1 to 512"), "%s",
              r->err);
    e2e_rmrf(tmp);
}

/* Rank 0's own threads keep computing beside a worker that holds two blocks of
 * 256 items (a 32-thread node's blocks; COOPSIM_MPI_BLOCK): 6,000 items, 2 ranks
 * x 1 thread.  With a window only one block wider than its own threads' rank 0
 * ran about 1 % of them; its fair share is a half. */
Test(mpi_e2e, rank0_computes_beside_big_blocks, .timeout = 60)
{
    if (!mpi_env())
        return;
    const char *run = "sweep tests/data/sweep_small.cfg --series none --replicates 1000";
    char tmp[64], ref[128], d[128], cmd[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s --threads 2 --quiet -o %s", run, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(d, sizeof d, "%s/big", tmp);
    snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_STATS=1 COOPSIM_MPI_BLOCK=256 mpirun "
             "--allow-run-as-root --oversubscribe -np 2 %s %s --threads 1 --quiet -o %s",
             e2e_mpi_program(), run, d);
    r = e2e_capture(cmd);
    cr_assert_eq(r->status, 0, "%s: %s", cmd, r->err);
    cr_assert(e2e_same_csvs(ref, d), "%s: differs from one process", cmd);
    long long delivered = -1, received = -1;
    const char *s = strstr(r->err, "items delivered");
    while (s && s > r->err && s[-1] != ':')
        s--;
    cr_assert(s && sscanf(s, "%lld items delivered, %lld received", &delivered,
                          &received) == 2, "%s", r->err);
    cr_assert_eq(delivered, 6000);
    cr_assert_geq(delivered - received, delivered / 10, "rank 0 ran %lld of %lld items: %s",
                  delivered - received, delivered, r->err);
    e2e_rmrf(tmp);
}

/* "N of M blocks put into rank 0's memory" (COOPSIM_MPI_STATS) in err: N and M. */
static int blocks_put(const char *err, long long *put, long long *blocks)
{
    const char *s = strstr(err, "blocks put into rank 0's memory");
    while (s && s > err && s[-1] != ':')
        s--;
    return s && sscanf(s, " %lld of %lld blocks put", put, blocks) == 2;
}

/* Workers put their descriptors into rank 0's window (one-sided; docs/CLUSTER.md):
 * a hypothesis test with channels (its scalars travel) in blocks of 64 items (a
 * factual world's descriptor about 8.5 kB, a channel world's about 4 kB), so each
 * worker's four slots are taken and freed many times over, gives the bytes of one
 * process; so do descriptors sent as messages (COOPSIM_MPI_PUT=off) and a mix of
 * both (slots of 8,192 bytes, which the larger descriptors do not fit).  A value
 * COOPSIM_MPI_PUT does not take: rank 0's message, status 2. */
Test(mpi_e2e, blocks_put_into_rank0_memory, .timeout = 120)
{
    if (!mpi_env())
        return;
    const char *run = "hypothesis tests/data/hyp_small.cfg --replicates 600 "
                      "--set hypothesis.channels=true";
    char tmp[64], ref[128], d[128], cmd[4096];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("%s --threads 1 --quiet -o %s", run, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    const char *put[] = {"auto", "off", "8192"};
    for (int k = 0; k < 3; k++) {
        snprintf(d, sizeof d, "%s/%s", tmp, put[k]);
        snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_STATS=1 COOPSIM_MPI_PUT=%s "
                 "COOPSIM_MPI_BLOCK=64 mpirun --allow-run-as-root --oversubscribe -np 3 %s %s "
                 "--threads 1 --quiet -o %s", put[k], e2e_mpi_program(), run, d);
        r = e2e_capture(cmd);
        cr_assert_eq(r->status, 0, "%s: %s", cmd, r->err);
        cr_assert(e2e_same_csvs(ref, d), "%s: differs from one process", cmd);
        long long n = -1, m = -1;
        cr_assert(blocks_put(r->err, &n, &m), "%s: %s", cmd, r->err);
        cr_assert_gt(m, 20, "%s: %s", cmd, r->err);
        if (k == 0)
            cr_assert_geq(n, 10, "%s: %s", cmd, r->err);
        else if (k == 1)
            cr_assert_eq(n, 0, "%s: %s", cmd, r->err);
        else
            cr_assert(n > 0 && n < m, "%s: %s", cmd, r->err);
    }
    snprintf(cmd, sizeof cmd, "env COOPSIM_MPI_PUT=64k mpirun --allow-run-as-root "
             "--oversubscribe -np 2 %s %s --threads 1 --quiet -o %s/bad", e2e_mpi_program(),
             run, tmp);
    r = e2e_capture(cmd);
    cr_assert_eq(r->status, 2, "%s: %s", cmd, r->err);
    cr_assert(strstr(r->err, "COOPSIM_MPI_PUT = \"64k\": not auto, off or a slot size in "
                     "bytes from 4096 to 16777216"), "%s", r->err);
    e2e_rmrf(tmp);
}

Test(mpi_e2e, sweep_is_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("sweep tests/data/sweep_small.cfg", "--series full");
}

Test(mpi_e2e, hypothesis_is_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("hypothesis tests/data/hyp_small.cfg", "");
}

Test(mpi_e2e, hypothesis_sweep_is_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("hypothesis tests/data/hyp_sweep.cfg", "");
}

/* The channel worlds (hypothesis.channels) are built alike on every rank. */
Test(mpi_e2e, hypothesis_channels_are_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("hypothesis tests/data/hyp_small.cfg", "--set hypothesis.channels=true");
}

Test(mpi_e2e, hypothesis_channels_sweep_is_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("hypothesis tests/data/hyp_sweep.cfg", "--replicates 8 --set hypothesis.channels=true");
}

Test(mpi_e2e, run_is_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("run tests/data/exp_small.cfg", "--series full");
}

/* A run with lattice snapshots: the record of replicate 0 carries them across
 * ranks when a worker runs it (rank 0 receives it into a record with snapshots);
 * snapshots.csv is one of the data files compared. */
Test(mpi_e2e, run_with_snapshots_is_byte_identical, .timeout = 60)
{
    if (!mpi_env())
        return;
    compare("run configs/classic/nowak_may.cfg", "--set network.L=16 --set time.end=20 "
            "--set 'output.snapshots=[0,5,19]' --replicates 8");
}

/* Errors: rank 0's message once, rank 0's exit status, nothing written. */
Test(mpi_e2e, errors_stop_every_rank, .timeout = 60)
{
    if (!mpi_env())
        return;
    char tmp[64], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(d, sizeof d, "%s/x", tmp);
    e2e_result *r = e2e_mpi_run(3, "sweep tests/data/sweep_small.cfg --set experiment.replicates=0 "
                            "-o %s", d);
    cr_assert_eq(r->status, 2, "%s", r->err);
    char *first = strstr(r->err, "coopsim: ");
    cr_assert(first && !strstr(first + 1, "coopsim: "), "one message: %s", r->err);
    cr_assert(!e2e_exists(d));
    /* An error of rank 0 alone (the directory exists): workers stop too. */
    r = e2e_mpi_run(2, "run tests/data/exp_small.cfg --quiet -o %s", tmp);
    cr_assert_eq(r->status, 2, "%s", r->err);
    cr_assert(strstr(r->err, "exists"), "%s", r->err);
    e2e_rmrf(tmp);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Starts `mpirun -np NP coopsim-mpi ARGS` in the background. */
static pid_t spawn(int np, const char *args, const char *errfile)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "exec mpirun --allow-run-as-root --oversubscribe -np %d %s %s "
             ">/dev/null 2>%s", np, e2e_mpi_program(), args, errfile);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* The number of checkpoints in dir/progress.csv (0 when absent). */
static int checkpoints(const char *dir)
{
    char p[512], buf[1 << 14];
    snprintf(p, sizeof p, "%s/progress.csv", dir);
    e2e_slurp(p, buf, sizeof buf);
    int n = 0;
    for (char *c = buf; *c; c++)
        n += *c == '\n';
    return n;
}

/* Interrupts an MPI sweep into dir once it has checkpointed: SIGINT to mpirun
 * (which sends SIGTERM to every rank), or SIGKILL to one worker rank (mpirun then
 * stops the others); then resumes it under MPI with another number of ranks. */
static void interrupt_and_resume(const char *tmp, const char *ref, int kill_worker)
{
    char dir[256], errf[256], args[512];
    snprintf(dir, sizeof dir, "%s/%s", tmp, kill_worker ? "killed" : "int");
    snprintf(errf, sizeof errf, "%s/%s.err", tmp, kill_worker ? "killed" : "int");
    snprintf(args, sizeof args, "sweep tests/data/sweep_long.cfg --replicates 300 --series none "
             "--threads 1 -o %s", dir);
    pid_t pid = spawn(3, args, errf);
    cr_assert_gt(pid, 0);
    for (int k = 0; k < 200 && checkpoints(dir) < 2; k++)
        sleep_ms(20);
    cr_assert_geq(checkpoints(dir), 2, "no checkpoint within 4 s");
    if (kill_worker) {
        char cmd[1200];
        /* The newest rank is a worker (mpirun starts rank 0 first). */
        snprintf(cmd, sizeof cmd, "pkill -KILL -n -f -- '^%s %s'", e2e_mpi_program(), args);
        cr_assert_eq(system(cmd), 0, "no worker to kill");
    } else {
        kill(pid, SIGINT);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "the sweep finished before the signal");
    static char msg[1 << 14];
    e2e_slurp(errf, msg, sizeof msg);
    cr_assert(strstr(msg, "interrupted by SIGTERM"), "%s: %s", errf, msg);
    cr_assert(e2e_file_has(errf, "--resume"));
    char m[300];
    snprintf(m, sizeof m, "%s/manifest.cfg", dir);
    cr_assert(e2e_file_has(m, "  status = \"interrupted\";\n"));
    e2e_result *r = e2e_mpi_run(2, "sweep %s --resume --threads 2 --quiet", m);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(e2e_same_csvs(ref, dir), "resumed files differ");
    char pf[300];
    snprintf(pf, sizeof pf, "%s/progress.csv", dir);
    cr_assert(!e2e_exists(pf));
}

/* The reference sweep (2 threads, one process), then interrupt_and_resume of it under
 * COOPSIM_MPI_WRITE=`write` (NULL: unset, the automatic choice), by SIGINT and, when
 * `kill_worker_too`, by a killed worker.  About 30 s here, 55 s alone under make
 * sanitize's AddressSanitizer build and more beside the suite's other tests (--jobs 2):
 * hence the tests' 240 s. */
static void resume_case(const char *write, int kill_worker_too)
{
    if (!mpi_env())
        return;
    char tmp[64], ref[128];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("sweep tests/data/sweep_long.cfg --replicates 300 --series none "
                            "--threads 2 --quiet -o %s", ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    if (write)
        setenv("COOPSIM_MPI_WRITE", write, 1);
    interrupt_and_resume(tmp, ref, 0);
    if (kill_worker_too)
        interrupt_and_resume(tmp, ref, 1);
    unsetenv("COOPSIM_MPI_WRITE");
    e2e_rmrf(tmp);
}

Test(mpi_e2e, interrupt_and_resume, .timeout = 240)
{
    resume_case(NULL, 1);
}

/* The same, with the workers' direct writes required (COOPSIM_MPI_WRITE=ranks):
 * a checkpoint counts only rows the workers have synced, so the directory a
 * SIGTERM leaves resumes to the same files. */
Test(mpi_e2e, interrupt_and_resume_direct_writes, .timeout = 240)
{
    resume_case("ranks", 0);
}

/* coopsim sensitivity: the design's blocks are the points and its rows the worlds
 * of the worker ranks' plans (coop_sens_work): Morris, Sobol' with a paired effect
 * (two worlds per row), and an analytic test function (rank 0 alone). */
Test(mpi_e2e, sensitivity_is_byte_identical, .timeout = 120)
{
    if (!mpi_env())
        return;
    compare("sensitivity tests/data/sens_small.cfg", "");
    char tmp[64], cmd[512];
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(cmd, sizeof cmd, "sed 's/method = \"morris\";/method = \"sobol\";/; /levels = 4;/d; "
             "s/outputs = \\[ \"others_coop_target\"/outputs = [ \"effect:others_coop_target\"/' "
             "tests/data/sens_small.cfg > %s/sobol.cfg", tmp);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/sobol.cfg", tmp);
    cr_assert(e2e_file_has(cmd, "\"effect:others_coop_target\""), "sed failed");
    snprintf(cmd, sizeof cmd, "sensitivity %s/sobol.cfg", tmp);
    compare(cmd, "--replicates 6");
    compare("sensitivity tests/data/sens_ishigami.cfg", "");
    e2e_rmrf(tmp);
}

/* configs/infer/coin.cfg with 300 particles (then sed's extra edits) into path. */
static void coin_cfg(const char *path, const char *extra)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed -e 's/population = 1000;/population = 300;/' %s "
             "configs/infer/coin.cfg > %s", extra, path);
    cr_assert_eq(system(cmd), 0);
    cr_assert(e2e_file_has(path, "  population = 30"), "sed failed");
}

/* The tasks the worker ranks ran, from COOPSIM_MPI_STATS's line (-1: none). */
static long long worker_tasks(const char *err)
{
    const char *s = strstr(err, " farm tasks, ");
    long long n = -1;
    if (!s || sscanf(s, " farm tasks, %lld of them run by the workers", &n) != 1)
        return -1;
    return n;
}

/* coopsim infer: every generation is a task farm (coop_abc_farm) whose particles
 * run on every rank from the previous generation rank 0 sends; the files are those
 * of one process, the worker ranks ran some of the particles (COOPSIM_MPI_STATS),
 * with two competing models (configs/infer/coin.cfg) and with one. */
Test(mpi_e2e, infer_is_byte_identical, .timeout = 90)
{
    if (!mpi_env())
        return;
    static const int rt[][2] = {{2, 1}, {3, 2}};
    char tmp[64], cfg[128], ref[128], d[128];
    e2e_tmpdir(tmp, sizeof tmp);
    for (int models = 2; models >= 1; models--) {
        snprintf(cfg, sizeof cfg, "%s/coin%d.cfg", tmp, models);
        coin_cfg(cfg, models == 2 ? "" : "-e '/name = \"fair\"/d' "
                 "-e 's/{ name = \"uniform\"; },/{ name = \"uniform\"; }/'");
        cr_assert(models == 2 || !e2e_file_has(cfg, "\"fair\""), "sed failed");
        snprintf(ref, sizeof ref, "%s/ref%d", tmp, models);
        e2e_result *r = e2e_run("infer %s --threads 2 --quiet -o %s", cfg, ref);
        cr_assert_eq(r->status, 0, "%s", r->err);
        setenv("COOPSIM_MPI_STATS", "1", 1);
        for (int k = 0; k < 2; k++) {
            snprintf(d, sizeof d, "%s/m%dnp%dt%d", tmp, models, rt[k][0], rt[k][1]);
            r = e2e_mpi_run(rt[k][0], "infer %s --threads %d --quiet -o %s", cfg, rt[k][1], d);
            cr_assert_eq(r->status, 0, "infer -np %d: %s", rt[k][0], r->err);
            cr_assert(e2e_same_csvs(ref, d), "infer, %d models: %d ranks x %d threads differ from "
                      "one process", models, rt[k][0], rt[k][1]);
            cr_assert_gt(worker_tasks(r->err), 0, "the workers ran no particle: %s", r->err);
        }
        unsetenv("COOPSIM_MPI_STATS");
    }
    e2e_rmrf(tmp);
}

/* An MPI inference interrupted once generation 1 is written: SIGTERM to every
 * rank (what mpirun does after a SIGINT, or a batch system's cancel; mpirun's own
 * comes a second or more late, after this short inference); rank 0 keeps the
 * complete generations and the run resumes under MPI with another number of
 * ranks to the files of one process.  (A worker rank killed outright is
 * sweep_long's case above: the protocol is the same, and mpirun then sometimes
 * kills rank 0 without a SIGTERM, leaving nothing to test.)  Errors: every rank
 * refuses the configuration, rank 0 alone says why, nothing is written; a worker
 * that fails stops the run with its message, and nothing is written. */
Test(mpi_e2e, infer_interrupt_resume_and_errors, .timeout = 90)
{
    if (!mpi_env())
        return;
    char tmp[64], ref[128], dir[256], errf[256], args[512], path[300], cmd[1200];
    const char *cfg = "configs/infer/coin.cfg"; /* 1000 particles: about a second */
    e2e_tmpdir(tmp, sizeof tmp);
    snprintf(ref, sizeof ref, "%s/ref", tmp);
    e2e_result *r = e2e_run("infer %s --threads 2 --quiet -o %s", cfg, ref);
    cr_assert_eq(r->status, 0, "%s", r->err);
    snprintf(dir, sizeof dir, "%s/int", tmp);
    snprintf(errf, sizeof errf, "%s/int.err", tmp);
    snprintf(args, sizeof args, "infer %s --threads 1 -o %s", cfg, dir);
    pid_t pid = spawn(3, args, errf);
    cr_assert_gt(pid, 0);
    for (int k = 0; k < 2000 && !e2e_file_has(errf, "generation 1:"); k++)
        sleep_ms(5);
    snprintf(cmd, sizeof cmd, "pkill -TERM -f -- '^%s %s'", e2e_mpi_program(), args);
    cr_assert_eq(system(cmd), 0, "no rank to signal");
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "the inference finished before the signal");
    static char msg[1 << 14];
    e2e_slurp(errf, msg, sizeof msg);
    cr_assert(strstr(msg, "interrupted by SIGTERM"), "%s: %s", errf, msg);
    snprintf(path, sizeof path, "%s/manifest.cfg", dir);
    cr_assert(e2e_file_has(path, "  status = \"interrupted\";\n"));
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    cr_assert(!e2e_exists(path), "no partial results");
    snprintf(path, sizeof path, "%s/posterior.csv.part", dir);
    cr_assert(e2e_file_has(path, "\n1,"), "generation 1 is kept");
    r = e2e_mpi_run(2, "infer %s/manifest.cfg --resume --threads 2", dir);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->err, "coopsim: resuming after generation "), "%s", r->err);
    cr_assert(e2e_same_csvs(ref, dir), "resumed files differ");

    snprintf(path, sizeof path, "%s/bad.cfg", tmp);
    coin_cfg(path, "-e 's/max_simulations = 1000000;/max_simulations = 10;/'");
    snprintf(dir, sizeof dir, "%s/bad", tmp);
    r = e2e_mpi_run(3, "infer %s --threads 1 -o %s", path, dir);
    cr_assert_eq(r->status, 2, "%s", r->err);
    char *first = strstr(r->err, "coopsim: ");
    cr_assert(first && !strstr(first + 1, "coopsim: "), "one message: %s", r->err);
    cr_assert(strstr(r->err, "infer.max_simulations = 10"), "%s", r->err);
    cr_assert(!e2e_exists(dir), "nothing written");

    /* A worker's failure (mpirun's MPMD form gives the worker another population,
     * which the farm's payload check refuses) ends the run with its message. */
    char other[300];
    snprintf(other, sizeof other, "%s/other.cfg", tmp);
    coin_cfg(other, "-e 's/population = 300;/population = 301;/'");
    coin_cfg(path, "");
    r = e2e_mpi_run(1, "infer %s --threads 1 -o %s : -np 1 %s infer %s --threads 1 -o %s", path, dir,
                e2e_mpi_program(), other, dir);
    cr_assert_eq(r->status, 2, "%s", r->err);
    cr_assert(strstr(r->err, "coopsim: rank 1: the inference differs from rank 0's"), "%s",
              r->err);
    cr_assert(!e2e_exists(dir), "nothing written");
    e2e_rmrf(tmp);
}
