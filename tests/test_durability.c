/* test_durability.c: the order in which `coopsim sweep` makes its files durable
 * (sim/output/output.c, "Sweeps"), observed by fault injection.
 *
 * The program runs with the LD_PRELOAD library built from tests/shim_fsync.c,
 * which logs every fsync, write(2) and rename.  A sweep's progress record says
 * "these sizes of the .part data files are durable", so each record must come
 * after an fsync of every data file since the previous record, and be fsync'ed
 * itself before the next record and before the data files are renamed into
 * place.  The test fails when the data fsync is dropped or moved after the
 * record.  Under ASan (make sanitize) it is skipped: a library preloaded ahead
 * of the sanitizer's runtime makes the program refuse to start. */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define MAX_PARTS 8

/* The shim next to this test binary: BUILD/tests/shim_fsync.so. */
static void shim_path(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert(n > 0);
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    cr_assert_not_null(slash);
    *slash = '\0';
    snprintf(buf, size, "%s/shim_fsync.so", exe);
    cr_assert(e2e_exists(buf), "%s: not built (make %s)", buf, buf);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

Test(durability, sweep_syncs_data_before_each_progress_record)
{
#ifdef UNDER_ASAN
    cr_skip("LD_PRELOAD ahead of the ASan runtime: not run under make sanitize");
#endif
    char shim[PATH_MAX + 32], dir[64], out[128], log[128];
    shim_path(shim, sizeof shim);
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(log, sizeof log, "%s/events.log", dir);

    /* about a second of points: several checkpoints (one per 0.2 s at most) */
    setenv("COOP_SHIM_LOG", log, 1);
    setenv("LD_PRELOAD", shim, 1);
    e2e_result *r = e2e_run("sweep tests/data/sweep_long.cfg --replicates 4 --threads 1 "
                            "--quiet -o %s", out);
    unsetenv("LD_PRELOAD");
    unsetenv("COOP_SHIM_LOG");
    cr_assert_eq(r->status, 0, "%s", r->err);

    /* The data files: the .part files renamed into place at the end. */
    char part[MAX_PARTS][256];
    int n_part = 0;
    char progress[160];
    snprintf(progress, sizeof progress, "%s/progress.csv", out);
    FILE *f = fopen(log, "r");
    cr_assert_not_null(f, "%s: no event log (was the shim loaded?)", log);
    char line[8400];
    while (fgets(line, sizeof line, f)) {
        char from[4096], to[4096];
        if (sscanf(line, "rename %4095s %4095s", from, to) == 2 && ends_with(from, ".part")
            && strncmp(from, out, strlen(out)) == 0) {
            cr_assert(n_part < MAX_PARTS);
            snprintf(part[n_part++], sizeof part[0], "%s", from);
        }
    }
    cr_assert_eq(n_part, 3, "renamed .part files: %d", n_part);

    /* Walk the events: synced[k] says data file k was fsync'ed since the last
     * record; record_synced says the last record was fsync'ed. */
    rewind(f);
    int synced[MAX_PARTS] = {0}, records = 0, record_synced = 1, renamed = 0, ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char what[16], path[4096], arg[4096];
        int nf = sscanf(line, "%15s %4095s %4095s", what, path, arg);
        if (nf < 2)
            continue;
        if (strcmp(what, "fsync") == 0 || strcmp(what, "fdatasync") == 0) {
            for (int k = 0; k < n_part; k++)
                if (strcmp(path, part[k]) == 0)
                    synced[k] = 1;
            if (strcmp(path, progress) == 0)
                record_synced = 1;
        } else if (strcmp(what, "write") == 0 && strcmp(path, progress) == 0 && nf == 3
                   && arg[0] >= '0' && arg[0] <= '9') {
            cr_assert(!renamed, "event %d: a progress record after the data files were renamed", ln);
            cr_assert(record_synced, "event %d: a progress record before the previous one was "
                      "fsync'ed", ln);
            for (int k = 0; k < n_part; k++) {
                cr_assert(synced[k], "event %d: progress record %d written before %s was "
                          "fsync'ed", ln, records + 1, part[k]);
                synced[k] = 0;
            }
            records++, record_synced = 0;
        } else if (strcmp(what, "rename") == 0 && ends_with(path, ".part")) {
            cr_assert(records > 0 && record_synced, "event %d: %s renamed before the last "
                      "progress record was fsync'ed", ln, path);
            renamed = 1;
        }
    }
    fclose(f);
    cr_assert(records >= 2, "only %d progress records: too few checkpoints to test", records);
    e2e_rmrf(dir);
}
