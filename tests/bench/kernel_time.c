/* kernel_time.c: for tests/bench/kernel.sh, the time per cell-update of the node
 * kernel's two forms (docs/ODD.md, "Node kernel"): the bit-sliced kernel
 * (sim/model/kernel_bits.c) and the byte kernel, on one model of the given
 * configuration, measured in the same process, interleaved (bits, bytes, bits,
 * ...), REPEAT times each; prints the best and the median nanoseconds per
 * cell-update of each and their ratio.  The set-up (network, alloc, init) is
 * outside the timed steps.  The model runs as coopsim runs it (cumulative gains
 * skipped) with a record of the population series (series = 1) or none (0), and
 * checks that both forms end in the same state.  Output, one line: "bits BEST
 * MEDIAN bytes BEST MEDIAN ratio BYTES/BITS same|DIFFER peak_bytes_per_node P".
 * Wall-clock time, or the process's CPU time with KERNEL_CPU_TIME set (one
 * thread on a busy machine).
 *
 *   kernel_time CONFIG GENERATIONS THREADS REPEAT SERIES [--set KEY=VALUE]... */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "coop_config.h"
#include "coop_model.h"
#include "coop_population.h"

static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec t;
    clock_gettime(clock_id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: kernel_time CONFIG GENERATIONS THREADS REPEAT SERIES [--set K=V]...\n");
        return 2;
    }
    int gens = atoi(argv[2]), threads = atoi(argv[3]), repeat = atoi(argv[4]);
    int series = atoi(argv[5]);
    if (getenv("KERNEL_CPU_TIME")) /* CPU time of the process: robust on a busy machine */
        clock_id = CLOCK_PROCESS_CPUTIME_ID;
    const char *ov[64];
    size_t n_ov = 0;
    for (int a = 6; a + 1 < argc && n_ov < 63; a += 2)
        ov[n_ov++] = argv[a + 1];
    char end[64];
    snprintf(end, sizeof end, "time.end=%d", gens);
    ov[n_ov++] = end;
    coop_config cfg;
    coop_err err = {0};
    if (coop_population_load(argv[1], ov, n_ov, &cfg, &err) != COOP_OK) {
        fprintf(stderr, "kernel_time: %s\n", err.text);
        return 2;
    }
    coop_model *m = coop_model_alloc(&cfg, &err);
    coop_record *rec = series ? coop_record_alloc(&cfg, 1) : NULL;
    if (!m || (series && !rec)) {
        fprintf(stderr, "kernel_time: %s\n", m ? "out of memory" : err.text);
        return 2;
    }
    coop_model_set_kernel(m, 2);
    coop_model_set_threads(m, threads);
    double *t[2];
    int used[2] = {0, 0};
    double share[2] = {0, 0};
    for (int k = 0; k < 2; k++)
        t[k] = calloc((size_t)repeat, sizeof(double));
    for (int r = 0; r < repeat; r++)
        for (int k = 0; k < 2; k++) { /* k = 0: bits, 1: bytes */
            coop_model_set_bits(m, k == 0);
            coop_model_init(m, 1);
            double t0 = now();
            for (int s = 0; s < gens; s++)
                coop_model_step(m, rec);
            t[k][r] = (now() - t0) / ((double)cfg.n_actors * gens) * 1e9;
            used[k] = coop_model_kernel_bits(m) * 2 + coop_model_kernel_on(m);
            share[k] = 0.0;
            for (size_t i = 0; i < cfg.n_actors; i += 97)
                share[k] += coop_model_last_action(m, (int)i, (int)(i + 1) % (int)cfg.n_actors, 0);
        }
    int ok = used[0] == 3 && used[1] == 1 && share[0] == share[1];
    for (int k = 0; k < 2; k++)
        qsort(t[k], (size_t)repeat, sizeof(double), cmp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bits %.4f %.4f bytes %.4f %.4f ratio %.2f %s peak_bytes_per_node %.0f\n", t[0][0],
           t[0][repeat / 2], t[1][0], t[1][repeat / 2], t[1][0] / t[0][0], ok ? "same" : "DIFFER",
           1024.0 * (double)ru.ru_maxrss / (double)cfg.n_actors);
    coop_record_free(rec);
    coop_model_free(m);
    coop_config_destroy(&cfg);
    return ok ? 0 : 1;
}
