/* dist_farm.c: task farms under MPI (coop_experiment_farm, sim/experiment/farm.c;
 * docs/CLUSTER.md, "Task farms"): rank 0's side (the farm's start, its blocks of
 * tasks handed out, the workers' results put in place) and a worker's
 * (dist_serve_farm).  A farm's messages are described below; the plans' and MPI's
 * start and end are dist_mpi.c's, whose helpers this file shares
 * (dist_mpi_internal.h).  Linked into build/coopsim-mpi only. */
#include "coop_dist.h"
#include "dist_mpi_internal.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

enum { FARM_WORDS = 3, FARM_PER_THREAD = 2, FARM_BLOCK_MAX = 4096 };
#define FARM_NAP_MIN 200000L  /* ns: rank 0's nap in a farm when nothing came, at first */
#define FARM_NAP_MAX 2000000L /* ns: ... and at most */

/* Rank 0's accounting of farms (COOPSIM_MPI_STATS; dist_farm_stats). */
static long long st_tasks, st_task_remote, st_task_blocks;
static long long st_payloads, st_payload_bytes, st_farm_workers; /* payloads sent; workers in farms */
static double st_farm_s;     /* the farms' messages */
static double st_result_s;   /* ... of it, putting results in place (unpacking) */
static long long st_result_bytes; /* the results' bytes received */

/* A farm's messages, beside a plan's (rank 0 runs one plan or one farm at a time,
 * and each ends only when every worker taking part is idle):
 *   root -> worker  FARM         long long[3]: tasks, result size, payload bytes
 *                   FARM_PAYLOAD the payload, before the worker's first BLOCK only: a
 *                                worker given no task never receives it (a hypothesis
 *                                test's payload is every item's scalars, and a point's
 *                                few tasks go to one or two workers, not to all)
 *                   BLOCK        long long[2]: run tasks [a, b)
 *                   CHUNK_DONE   no more blocks in this farm
 *   worker -> root  REQUEST      long long: the worker's threads; it wants a block
 *                   FARM_RESULT  long long[2]: a, b; then the results of [a, b) in order
 *                                (a farm with pack: each as its bytes' count, a long
 *                                long, and the bytes pack wrote)
 *                   FAIL, LEAVE, IDLE as for plans
 * As in a plan, a worker asks twice when a farm starts and once more after each
 * block, so it holds its next block while it runs the current one (no round trip
 * between blocks); every request is answered (BLOCK, or CHUNK_DONE when no task
 * is left) and a worker sends IDLE once it has all its answers.  Block sizes are
 * guided (Polychronopoulos & Kuck 1987): the tasks left over twice the ranks, at
 * least FARM_PER_THREAD per worker thread and at most FARM_BLOCK_MAX (a block's
 * results are one message, about 1 kB per particle of infer), so short tasks
 * travel in few messages while rank 0's own threads take one task at a time, and
 * the tail stays short.
 * While nothing comes rank 0 naps twice as long each time, from 0.2 ms to 2 ms
 * (FARM_NAP_MIN, FARM_NAP_MAX): a worker's next block is already in its hands.
 * After a failure or the stop flag every request is answered CHUNK_DONE and rank
 * 0 waits for the busy workers as after a failed plan; a worker without the
 * farm's work (coop_work.farm) or after a failure answers FARM with LEAVE. */

struct coop_farm_remote {
    wstate *w;                   /* [ranks], index 0 unused */
    long long (*blk)[4];         /* [ranks]: the blocks each worker holds, oldest first
                                  * ([0], [1]: the first; [2], [3]: the next; a = b: none) */
    unsigned char *buf;
    size_t cap;
    unsigned char *msg;          /* the payload (a copy), sent to a worker with its first block */
    MPI_Request *req;            /* [ranks]: its sends (MPI_REQUEST_NULL: none) */
    unsigned char *has;          /* [ranks]: the worker has been sent the payload */
};

static void farm_remote_free(coop_farm_remote *rm)
{
    if (!rm)
        return;
    free(rm->w);
    free(rm->blk);
    free(rm->buf);
    free(rm->msg);
    free(rm->req);
    free(rm->has);
    free(rm);
}

int coop_dist_farm_start(coop_farm_run *fr)
{
    fr->rm = NULL;
    if (!dist_workers_in())
        return COOP_OK;
    coop_farm_remote *rm = calloc(1, sizeof *rm);
    if (!rm || fr->n_payload > (size_t)INT_MAX ||
        !(rm->msg = malloc(fr->n_payload ? fr->n_payload : 1)) ||
        !(rm->w = calloc((size_t)coop_experiment_ranks(), sizeof *rm->w)) ||
        !(rm->blk = calloc((size_t)coop_experiment_ranks(), sizeof *rm->blk)) ||
        !(rm->has = calloc((size_t)coop_experiment_ranks(), 1)) ||
        !(rm->req = malloc((size_t)coop_experiment_ranks() * sizeof *rm->req))) {
        farm_remote_free(rm);
        return COOP_FAIL(&fr->err, COOP_ENOMEM, "out of memory for a task farm's payload of "
                         "%zu bytes", fr->n_payload);
    }
    long long hdr[FARM_WORDS] = {fr->n_tasks, (long long)fr->farm->result_size,
                                 (long long)fr->n_payload};
    if (fr->n_payload)
        memcpy(rm->msg, fr->payload, fr->n_payload);
    for (int r = 0; r < coop_experiment_ranks(); r++) {
        rm->req[r] = MPI_REQUEST_NULL;
        if (r > 0 && dist_worker_in(r)) {
            rm->w[r].in = 1;
            dist_send_ll(r, TAG_FARM, hdr, FARM_WORDS);
            st_farm_workers++;
        }
    }
    fr->rm = rm;
    st_tasks += fr->n_tasks;
    return COOP_OK;
}

/* Root: a worker's FARM_RESULT (in rm->buf, count bytes) put in place.  Called with
 * the lock held. */
static void farm_result(coop_farm_run *fr, int src, int count)
{
    coop_farm_remote *rm = fr->rm;
    long long ab[2] = {-1, -1}, *held = rm->blk[src];
    size_t size = fr->farm->result_size;
    coop_err err = {0};
    if (count >= (int)sizeof ab)
        memcpy(ab, rm->buf, sizeof ab);
    int ok = ab[0] == held[0] && ab[1] == held[1] && held[0] != held[1] && ab[0] >= 0 &&
             ab[1] <= fr->n_tasks;
    const unsigned char *in = rm->buf + sizeof ab, *end = rm->buf + (count > 0 ? count : 0);
    if (ok && !fr->farm->pack) {
        ok = (size_t)count == sizeof ab + (size_t)(ab[1] - ab[0]) * size;
        if (ok)
            memcpy(fr->results + (size_t)ab[0] * size, in, (size_t)(ab[1] - ab[0]) * size);
    }
    for (long long k = ab[0]; ok && fr->farm->pack && k < ab[1]; k++) {
        long long n = -1;
        if (end - in >= (ptrdiff_t)sizeof n)
            memcpy(&n, in, sizeof n);
        in += sizeof n;
        ok = n >= 0 && (size_t)n <= size && end - in >= n &&
             fr->farm->unpack(in, (size_t)n, fr->results + (size_t)k * size);
        in += ok ? n : 0;
    }
    if (!ok || (fr->farm->pack && in != end)) {
        COOP_FAIL(&err, COOP_EIO, "rank %d sent the results of tasks [%lld, %lld) in %d bytes, "
                  "which it was not given (do all ranks run the same program?)", src, ab[0],
                  ab[1], count);
        coop_farm_fail(fr, err.code, &err);
        return;
    }
    fr->done += ab[1] - ab[0];
    held[0] = held[2]; /* the next block, if any, is now the oldest */
    held[1] = held[3];
    held[2] = held[3] = 0;
    st_task_remote += ab[1] - ab[0];
    st_task_blocks++;
}

/* Root, thread 0: one message from a worker during a farm. */
static void farm_message(coop_farm_run *fr, const MPI_Status *st)
{
    coop_farm_remote *rm = fr->rm;
    int src = st->MPI_SOURCE, count = 0;
    dist_recv_probed(st, &rm->buf, &rm->cap, &count);
    wstate *w = &rm->w[src];
    coop_err err = {0};
    omp_set_lock(&fr->lock);
    switch (st->MPI_TAG) {
    case TAG_REQUEST:
    case TAG_IDLE:
        dist_worker_says(w, src, st->MPI_TAG, rm->buf, count);
        break;
    case TAG_FARM_RESULT: {
        double t0 = dist_cpu_s();
        farm_result(fr, src, count);
        st_result_s += dist_cpu_s() - t0;
        st_result_bytes += count;
        break;
    }
    case TAG_FAIL: {
        dist_worker_failed(src, rm->buf, count, &err);
        coop_farm_fail(fr, err.code, &err);
    }
        /* fall through */
    case TAG_LEAVE:
        if (rm->blk[src][0] != rm->blk[src][1] && !fr->status) { /* its blocks are lost */
            COOP_FAIL(&err, COOP_EIO, "rank %d left with tasks [%lld, %lld)", src,
                      rm->blk[src][0], rm->blk[src][1]);
            coop_farm_fail(fr, err.code, &err);
        }
        dist_worker_says(w, src, TAG_LEAVE, NULL, 0);
        break;
    default: /* nothing else is sent to rank 0 */
        break;
    }
    omp_unset_lock(&fr->lock);
}

/* Root: answers the workers' requests: a block of tasks, or CHUNK_DONE when none
 * is left.  Called with the lock held. */
static void farm_hand_out(coop_farm_run *fr)
{
    coop_farm_remote *rm = fr->rm;
    for (int r = 1; r < coop_experiment_ranks(); r++) {
        wstate *w = &rm->w[r];
        if (!w->in || w->pending <= 0)
            continue;
        w->pending--;
        long long left = fr->n_tasks - fr->next;
        if (fr->status || left <= 0) {
            long long none = 0;
            dist_send_ll(r, TAG_CHUNK_DONE, &none, 1);
            continue;
        }
        long long size = left / (2LL * coop_experiment_ranks()), least = w->threads * FARM_PER_THREAD;
        size = size < least ? least : size > FARM_BLOCK_MAX ? FARM_BLOCK_MAX : size;
        size = size > left ? left : size;
        long long blk[2] = {fr->next, fr->next + size}, *held = rm->blk[r];
        fr->next += size;
        int k = held[0] == held[1] ? 0 : 2; /* a worker asks for two blocks at most */
        held[k] = blk[0];
        held[k + 1] = blk[1];
        /* Its first block: the payload goes first (MPI keeps their order).  Not
         * MPI_Send: a payload larger than the eager limit waits for its receiver,
         * and rank 0 must keep polling the stop flag should a worker have died. */
        if (!rm->has[r] && fr->n_payload) {
            MPI_Isend(rm->msg, (int)fr->n_payload, MPI_BYTE, r, TAG_FARM_PAYLOAD,
                      MPI_COMM_WORLD, &rm->req[r]);
            st_payloads++;
            st_payload_bytes += (long long)fr->n_payload;
        }
        rm->has[r] = 1;
        dist_send_ll(r, TAG_BLOCK, blk, 2);
    }
}

void coop_dist_farm_loop(coop_farm_run *fr)
{
    coop_farm_remote *rm = fr->rm;
    struct timespec failed_at = {0, 0};
    long nap = FARM_NAP_MIN;
    for (;;) {
        int flag = 0, any = 0;
        MPI_Status st;
        while (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) ==
                   MPI_SUCCESS && flag) {
            double t0 = dist_cpu_s();
            farm_message(fr, &st);
            st_farm_s += dist_cpu_s() - t0;
            any = 1;
        }
        omp_set_lock(&fr->lock);
        if (dist_stopping()) {
            coop_err stop = {0};
            COOP_FAIL(&stop, COOP_EINTR, "interrupted");
            coop_farm_fail(fr, COOP_EINTR, &stop);
        }
        farm_hand_out(fr);
        int finished = fr->status || fr->done >= fr->n_tasks;
        omp_unset_lock(&fr->lock);
        int all_done = dist_workers_idle(rm->w), sent = 0;
        MPI_Testall(coop_experiment_ranks(), rm->req, &sent, MPI_STATUSES_IGNORE);
        if (finished && all_done && sent) /* an idle worker has had the payload */
            break;
        if (finished && fr->status && dist_grace_over(&failed_at, rm->w)) {
            if (!sent) /* a send to an abandoned worker: the job ends with MPI_Abort */
                rm->msg = NULL;
            break;
        }
        /* Workers hold a block in advance, so answers may wait: nap longer while
         * nothing comes, and leave the cores to the threads that run tasks. */
        nap = any ? FARM_NAP_MIN : nap * 2 > FARM_NAP_MAX ? FARM_NAP_MAX : nap * 2;
        if (!any)
            dist_nap(nap);
    }
    farm_remote_free(rm);
    fr->rm = NULL;
}

/* Worker: the message of a block's n results (out: its two words, then the
 * results) packed into *pk (room *cap): the two words, then each result as its
 * count and pack's bytes; its length into *bytes. */
static int pack_block(const coop_farm *farm, const unsigned char *out, long long n,
                      unsigned char **pk, size_t *cap, size_t *bytes, coop_err *err)
{
    size_t size = farm->result_size, head = 2 * sizeof(long long);
    size_t need = head + (size_t)n * (sizeof(long long) + size);
    if (need > *cap) {
        unsigned char *p = need <= (size_t)INT_MAX ? realloc(*pk, need) : NULL;
        if (!p)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory for the results of %lld tasks", n);
        *pk = p, *cap = need;
    }
    memcpy(*pk, out, head);
    unsigned char *w = *pk + head;
    for (long long k = 0; k < n; k++) {
        long long m = (long long)farm->pack(out + head + (size_t)k * size, w + sizeof m);
        memcpy(w, &m, sizeof m);
        w += sizeof m + (size_t)m;
    }
    *bytes = (size_t)(w - *pk);
    return COOP_OK;
}

/* Worker: one farm that rank 0 started (its FARM message in msg, count bytes):
 * blocks of tasks, one at a time, until rank 0 has none left; the farm begins on
 * its payload, which comes before the first block (a worker given none never
 * receives it). */
int dist_serve_farm(const coop_farm *farm, const unsigned char *msg, int count, int threads,
                      coop_err *err)
{
    long long hdr[FARM_WORDS];
    size_t head = sizeof hdr;
    if (count < (int)head)
        return COOP_FAIL(err, COOP_EIO, "a damaged task farm message of %d bytes", count);
    memcpy(hdr, msg, head);
    if (hdr[1] != (long long)farm->result_size)
        return COOP_FAIL(err, COOP_ECONFIG, "rank 0's tasks have results of %lld bytes, this "
                         "rank's %zu (do all ranks run the same program?)", hdr[1],
                         farm->result_size);
    void *state = NULL;
    if (hdr[2] == 0 && !(state = farm->begin(farm->ctx, msg + head, 0, err)))
        return err->code ? err->code : COOP_ENOMEM;
    unsigned char *buf = NULL, *out = NULL, *payload = NULL, *pk = NULL;
    size_t cap = 0, out_cap = 0, pk_cap = 0;
    long long nt = coop_experiment_threads(threads), none = 0;
    int status = COOP_OK, got = 0, asked = 2;
    dist_send_ll(0, TAG_REQUEST, &nt, 1);
    dist_send_ll(0, TAG_REQUEST, &nt, 1);
    while (asked > 0) {
        int tag = dist_recv_root(&buf, &cap, &got);
        if (tag == TAG_BYE) {
            status = COOP_FAIL(err, COOP_EINTR, "stopped by rank 0");
            break;
        }
        if (tag == TAG_FARM_PAYLOAD && !state && got == hdr[2]) { /* kept until the end */
            payload = buf;
            buf = NULL;
            cap = 0;
            if (!(state = farm->begin(farm->ctx, payload, (size_t)got, err))) {
                status = err->code ? err->code : COOP_ENOMEM;
                break;
            }
            continue;
        }
        if (tag == TAG_CHUNK_DONE || tag == TAG_BLOCK)
            asked--;
        if (tag != TAG_BLOCK || got < 2 * (int)sizeof(long long))
            continue;
        if (!state) {
            status = COOP_FAIL(err, COOP_EIO, "rank 0 sent a block of tasks without their "
                               "payload (do all ranks run the same program?)");
            break;
        }
        long long ab[2];
        memcpy(ab, buf, sizeof ab);
        size_t bytes = sizeof ab + (size_t)(ab[1] - ab[0]) * farm->result_size;
        if (bytes > out_cap) {
            unsigned char *o = bytes <= (size_t)INT_MAX ? realloc(out, bytes) : NULL;
            if (!o) {
                status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for the results of %lld "
                                   "tasks", ab[1] - ab[0]);
                break;
            }
            out = o;
            out_cap = bytes;
        }
        memcpy(out, ab, sizeof ab);
        if ((status = coop_farm_block(farm, state, ab[0], ab[1], threads, out + sizeof ab, err)))
            break;
        if (farm->pack &&
            (status = pack_block(farm, out, ab[1] - ab[0], &pk, &pk_cap, &bytes, err)))
            break;
        MPI_Send(farm->pack ? pk : out, (int)bytes, MPI_BYTE, 0, TAG_FARM_RESULT,
                 MPI_COMM_WORLD);
        dist_send_ll(0, TAG_REQUEST, &nt, 1);
        asked++;
    }
    if (!status)
        dist_send_ll(0, TAG_IDLE, &none, 1);
    if (state)
        farm->end(state);
    free(payload);
    free(out);
    free(pk);
    free(buf);
    return status;
}

void dist_farm_stats(void)
{
    if (st_tasks > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: %lld farm tasks, %lld of them run by "
                "the workers in %lld blocks; their messages took %.3f ms (%.0f bytes of "
                "results per task, put in place in %.3f ms)\n", coop_experiment_ranks(),
                st_tasks, st_task_remote, st_task_blocks, 1e3 * st_farm_s,
                st_task_remote ? (double)st_result_bytes / (double)st_task_remote : 0.0,
                1e3 * st_result_s);
    if (st_farm_workers > 0)
        fprintf(stderr, "coopsim-mpi: rank 0 of %d: farm payloads sent to %lld of %lld workers "
                "taking part, over every farm (%.0f bytes each)\n", coop_experiment_ranks(), st_payloads,
                st_farm_workers,
                st_payloads ? (double)st_payload_bytes / (double)st_payloads : 0.0);
}
