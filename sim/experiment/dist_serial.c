/* dist_serial.c: the experiment's processes in build/coopsim (coop_dist.h): one
 * process, rank 0 of 1, no worker ranks, so every hook does nothing.  The Makefile
 * links it instead of sim/experiment/dist_mpi.c and dist_farm.c in every build but
 * build/coopsim-mpi. */
#include "coop_dist.h"

#include <limits.h>

int coop_experiment_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return COOP_OK;
}

int coop_experiment_rank(void)
{
    return 0;
}

int coop_experiment_ranks(void)
{
    return 1;
}

void coop_experiment_set_stop(const volatile sig_atomic_t *stop)
{
    (void)stop; /* the progress sink checks the flag itself */
}

int coop_experiment_worker(const coop_work *work, int threads, coop_err *err)
{
    (void)work;
    (void)threads;
    (void)err;
    return COOP_OK; /* no process is a worker */
}

int coop_experiment_finish(int status, const coop_err *err)
{
    (void)err;
    return status;
}

int coop_dist_start(coop_engine *e)
{
    e->rm = NULL;
    return COOP_OK;
}

void coop_dist_loop(coop_engine *e)
{
    (void)e; /* never called: there is no worker to serve */
}

void coop_dist_end(coop_engine *e)
{
    (void)e;
}

int coop_dist_placed(coop_engine *e, long long i, long long n, coop_block *b,
                     const long long *at, const size_t *len, coop_err *err)
{
    (void)e; /* never called: without workers there are no direct writes */
    (void)i;
    (void)n;
    (void)b;
    (void)at;
    (void)len;
    (void)err;
    return COOP_OK;
}

int coop_experiment_durable_points(void)
{
    return INT_MAX; /* every row is written by this process, synced at its checkpoints */
}

double coop_dist_clock(void)
{
    return 0.0;
}

void coop_dist_point_done(double t0)
{
    (void)t0;
}

void coop_dist_wrote(double t0, long long n)
{
    (void)t0;
    (void)n;
}

void coop_dist_delivered(double t0, long long n)
{
    (void)t0;
    (void)n;
}

double coop_dist_aside(void)
{
    return 0.0;
}

double coop_dist_ran(double t0, double aside0, long long n)
{
    (void)t0;
    (void)aside0;
    (void)n;
    return 0.0;
}

int coop_dist_farm_start(coop_farm_run *fr)
{
    fr->rm = NULL;
    return COOP_OK;
}

void coop_dist_farm_loop(coop_farm_run *fr)
{
    (void)fr; /* never called: there is no worker to serve */
}
