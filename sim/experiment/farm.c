/* farm.c: task farms (coop_experiment_farm, coop_experiment.h): a round of tasks
 * that are pure functions of one payload and their index, run on this process's
 * threads and, under MPI, on the worker ranks (sim/experiment/dist_farm.c hands
 * them out; sim/experiment/dist_serial.c has none).  Every result lands at its
 * task's index, so the results do not depend on who ran what. */
#include "coop_dist.h"

#include <string.h>

void coop_farm_fail(coop_farm_run *fr, int status, const coop_err *err)
{
    if (fr->status)
        return;
    fr->status = status;
    if (err)
        fr->err = *err;
}

/* This rank's thread: takes the next task until none is left (or the farm failed). */
static void local_tasks(coop_farm_run *fr)
{
    size_t size = fr->farm->result_size;
    for (;;) {
        omp_set_lock(&fr->lock);
        long long i = fr->next;
        int stop = fr->status || i >= fr->n_tasks;
        if (!stop)
            fr->next++;
        omp_unset_lock(&fr->lock);
        if (stop)
            return;
        coop_err e = {0};
        unsigned char *res = fr->results + (size_t)i * size;
        memset(res, 0, size);
        int st = fr->farm->run(fr->state, i, res, &e);
        omp_set_lock(&fr->lock);
        if (st)
            coop_farm_fail(fr, st, &e);
        fr->done++;
        omp_unset_lock(&fr->lock);
    }
}

int coop_farm_block(const coop_farm *farm, void *state, long long a, long long b, int threads,
                    unsigned char *out, coop_err *err)
{
    long long n = b - a;
    int status = COOP_OK, nt = coop_experiment_threads(threads);
    if (nt > n)
        nt = n > 0 ? (int)n : 1;
    memset(out, 0, (size_t)n * farm->result_size);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (long long k = 0; k < n; k++) {
        int failed;
#pragma omp atomic read
        failed = status;
        if (failed)
            continue;
        coop_err e = {0};
        int st = farm->run(state, a + k, out + (size_t)k * farm->result_size, &e);
        if (st) {
#pragma omp critical(coop_farm_block_fail)
            if (!status) {
                status = st;
                *err = e;
            }
        }
    }
    return status;
}

int coop_experiment_farm(const coop_farm *farm, const void *payload, size_t n, long long n_tasks,
                         int threads, unsigned char *results, coop_err *err)
{
    coop_farm_run fr;
    memset(&fr, 0, sizeof fr);
    fr.farm = farm;
    fr.payload = payload;
    fr.n_payload = n;
    fr.n_tasks = n_tasks;
    fr.results = results;
    if (!(fr.state = farm->begin(farm->ctx, payload, n, err)))
        return err && err->code ? err->code : COOP_ENOMEM;
    int st = coop_dist_farm_start(&fr);
    if (st) {
        farm->end(fr.state);
        if (err)
            *err = fr.err;
        return st;
    }
    int nt = coop_experiment_threads(threads), remote = fr.rm != NULL;
    omp_init_lock(&fr.lock);
    /* With workers, thread 0 talks to them (MPI funneled) and threads 1 .. nt run
     * tasks here. */
#pragma omp parallel num_threads(nt + remote)
    {
        if (remote && omp_get_thread_num() == 0)
            coop_dist_farm_loop(&fr);
        else
            local_tasks(&fr);
    }
    omp_destroy_lock(&fr.lock);
    farm->end(fr.state);
    if (fr.status && err)
        *err = fr.err;
    return fr.status;
}
