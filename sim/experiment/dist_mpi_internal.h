/* dist_mpi_internal.h: what the MPI layer's two files share (dist_mpi.c: MPI's
 * start and end, plans and the workers' entry point; dist_farm.c: task farms):
 * the message tags, a worker's state as rank 0 keeps it, and the helpers both
 * call.  Included by those two files only; linked into build/coopsim-mpi only. */
#ifndef COOP_DIST_MPI_INTERNAL_H
#define COOP_DIST_MPI_INTERNAL_H

#include <mpi.h>
#include <stddef.h>
#include <time.h>

#include "coop_dist.h"

/* The messages (their layouts: the top of dist_mpi.c for plans, dist_farm.c for
 * task farms). */
enum {
    TAG_START = 1, TAG_BLOCK, TAG_CHUNK_DONE, TAG_BYE,
    TAG_REQUEST, TAG_RESULT, TAG_PREPARED, TAG_FAIL, TAG_LEAVE, TAG_IDLE,
    TAG_FARM, TAG_FARM_RESULT, TAG_DESC, TAG_PLACED, TAG_SYNCED, TAG_DESC_AT, TAG_FARM_PAYLOAD
};

/* Rank 0's view of a worker in a plan or a farm. */
typedef struct wstate {
    int in, pending, done;       /* serves this plan; requests not yet answered; sent IDLE */
    long long threads;           /* its threads */
} wstate;

/* The stop flag of coop_experiment_set_stop is set. */
int dist_stopping(void);

/* The calling thread's CPU time in seconds under COOPSIM_MPI_STATS, else 0. */
double dist_cpu_s(void);

/* Sleeps ns nanoseconds. */
void dist_nap(long ns);

/* Receives the probed message into *buf (grown as needed); its size in *count. */
void dist_recv_probed(const MPI_Status *st, unsigned char **buf, size_t *cap, int *count);

/* Sends n long longs to rank dest with tag. */
void dist_send_ll(int dest, int tag, const long long *v, int n);

/* Worker: waits (polling) for rank 0's next message; its tag, payload in *buf. */
int dist_recv_root(unsigned char **buf, size_t *cap, int *count);

/* Root: whether worker r still takes part; how many do; whether every one that
 * takes part (w[r].in) has said IDLE (w[r].done). */
int dist_worker_in(int r);
int dist_workers_in(void);
int dist_workers_idle(const wstate *w);

/* Root: worker src's REQUEST, IDLE or LEAVE (buf, count: the message) into *w. */
void dist_worker_says(wstate *w, int src, int tag, const unsigned char *buf, int count);

/* Root: worker src's FAIL message (int status, then the error text) into err. */
void dist_worker_failed(int src, const unsigned char *buf, int count, coop_err *err);

/* Root, after a failure: whether the busy workers have had their time to answer
 * (failed_at: when the wait began); if so they are abandoned. */
int dist_grace_over(struct timespec *failed_at, wstate *w);

/* Worker: one farm rank 0 started (its FARM message, msg and count). */
int dist_serve_farm(const coop_farm *farm, const unsigned char *msg, int count, int threads,
                    coop_err *err);

/* Root: the farms' lines of COOPSIM_MPI_STATS. */
void dist_farm_stats(void);

#endif
