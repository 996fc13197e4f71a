/* dist_files.c: the file side of direct writes under MPI ("offset on commit",
 * docs/CLUSTER.md; coop_dist.h): how COOPSIM_MPI_WRITE chooses the path, rank 0's
 * token file that shows a worker it sees the results directory, and a worker's
 * blocks of rows from the moment rank 0 offers the files to the moment they are
 * written at the offsets rank 0 gave and synced; and rank 0's queue of the
 * workers' blocks that are committed but not yet durable.  No MPI here: dist_mpi.c
 * carries the messages (compiled in both builds; build/coopsim never calls it). */
#define _DEFAULT_SOURCE /* pwritev */
#include "coop_dist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define TOKEN_NAME ".coopsim-mpi.tmp" /* in the directory of the results files */

int coop_direct_mode(void)
{
    const char *s = getenv("COOPSIM_MPI_WRITE");
    if (!s || !*s || strcmp(s, "auto") == 0)
        return 0;
    return strcmp(s, "root") == 0 ? 1 : strcmp(s, "ranks") == 0 ? 2 : -1;
}

int coop_dist_block_size(void)
{
    const char *s = getenv("COOPSIM_MPI_BLOCK");
    if (!s || !*s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 1 || v > COOP_BLOCK_MAX ? -1 : (int)v;
}

long long coop_dist_put_slot(void)
{
    const char *s = getenv("COOPSIM_MPI_PUT");
    if (!s || !*s || strcmp(s, "auto") == 0)
        return COOP_PUT_SLOT;
    if (strcmp(s, "off") == 0)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v < COOP_PUT_SLOT_MIN || v > COOP_PUT_SLOT_MAX ? -1 : v;
}

char *coop_direct_token(const coop_sink_files *fs, char *text, size_t size)
{
    const char *slash = strrchr(fs->path[0], '/');
    int dir = slash ? (int)(slash - fs->path[0]) : 1;
    size_t n = (size_t)dir + sizeof TOKEN_NAME + 2;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%.*s/%s", dir, slash ? fs->path[0] : ".", TOKEN_NAME);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(text, size, "coopsim-mpi %ld %lld.%09ld\n", (long)getpid(), (long long)ts.tv_sec,
             ts.tv_nsec);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    size_t len = strlen(text);
    int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

void coop_direct_close(coop_direct *d)
{
    for (int k = 0; k < COOP_UNWRITTEN_MAX; k++)
        coop_bytes_free(&d->held[k].buf);
    for (int k = 0; k < d->fs.n; k++)
        if (d->fs.fd[k] >= 0)
            close(d->fs.fd[k]);
    free(d->path);
    memset(d, 0, sizeof *d);
}

int coop_direct_open(coop_direct *d, const unsigned char *msg, int count, coop_err *err)
{
    long long w[COOP_DIRECT_WORDS];
    const char *s = (const char *)msg + sizeof w, *end = (const char *)msg + count;
    if (count < (int)sizeof w + 1 || end[-1] != '\0')
        return COOP_FAIL(err, COOP_EIO, "a damaged message from rank 0");
    memcpy(w, msg, sizeof w);
    if (w[0] < 1 || w[0] > COOP_SINK_FILES || !(d->path = malloc((size_t)(end - s))))
        return COOP_FAIL(err, COOP_EIO, "a damaged message from rank 0");
    memcpy(d->path, s, (size_t)(end - s));
    const char *str[2 + COOP_SINK_FILES], *p = d->path;
    int n = 0;
    for (; n < 2 + w[0] && p < d->path + (end - s); n++, p += strlen(p) + 1)
        str[n] = p;
    if (n != 2 + w[0])
        return COOP_FAIL(err, COOP_EIO, "a damaged message from rank 0");
    d->fs.n = (int)w[0];
    d->fs.head = (size_t)w[1];
    d->fs.len_at = (size_t)w[2];
    for (int k = 0; k < d->fs.n; k++) {
        d->fs.path[k] = str[2 + k];
        d->fs.fd[k] = -1;
    }
    /* The token's text, read back, shows that this rank sees rank 0's directory
     * (the same path on a node-local disk would hold no such file, or another). */
    const char *why = coop_direct_mode() == 1 ? "COOPSIM_MPI_WRITE=root here" : NULL;
    char text[128] = "";
    int fd = why ? -1 : open(str[0], O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (!why && (got < 0 || strncmp(text, str[1], sizeof text) != 0))
        why = "rank 0's token file is not there";
    for (int k = 0; k < d->fs.n && !why; k++)
        if ((d->fs.fd[k] = open(d->fs.path[k], O_WRONLY | O_CLOEXEC)) < 0)
            why = "cannot open the results files";
    if (why) {
        int ranks = w[3] == 2;
        if (ranks)
            COOP_FAIL(err, COOP_EIO, "cannot write the results files in the directory of %s "
                      "(COOPSIM_MPI_WRITE=ranks): %s", d->fs.path[0], why);
        coop_direct_close(d);
        return ranks ? COOP_EIO : COOP_OK;
    }
    d->on = 1;
    clock_gettime(CLOCK_MONOTONIC, &d->synced_at);
    return COOP_OK;
}

/* Writes the iovecs iov[0, n) at off of fd, whole; 0, or -1 with errno. */
static int pwrite_all(int fd, struct iovec *iov, int n, off_t off)
{
    long iov_max = sysconf(_SC_IOV_MAX);
    if (iov_max < 16)
        iov_max = 16; /* POSIX's least */
    for (;;) {
        while (n > 0 && iov->iov_len == 0)
            iov++, n--;
        if (n == 0)
            return 0;
        ssize_t w = pwritev(fd, iov, n > iov_max ? (int)iov_max : n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += w;
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
}

int coop_direct_write(coop_direct *d, const long long *w, int n_words, coop_err *err)
{
    int nf = d->fs.n;
    if (w[0] < 0) { /* rank 0 wants no more rows */
        for (int k = 0; k < d->n_held; k++)
            d->held[k].buf.n = 0;
        d->n_held = 0;
        d->held_items = 0;
        d->dropped = 1;
        return COOP_OK;
    }
    if (!d->n_held || d->held[0].a != w[0] || d->held[0].n != w[1] || n_words != 2 + nf)
        return COOP_FAIL(err, COOP_EIO, "rank 0 placed items [%lld, %lld), which this rank "
                         "does not hold", w[0], w[0] + w[1]);
    coop_wblock *h = &d->held[0];
    struct iovec iov[COOP_BLOCK_MAX];
    for (int k = 0; k < nf; k++) {
        int n = 0;
        for (size_t at = 0; at < h->buf.n && n < COOP_BLOCK_MAX; n++) {
            long long i;
            coop_prepared v = coop_engine_prepared_view(h->buf.p + at);
            size_t len[COOP_SINK_FILES], skip = d->fs.head;
            coop_engine_lens(&d->fs, v.bytes, len);
            for (int j = 0; j < k; j++)
                skip += len[j];
            iov[n].iov_base = (void *)(v.bytes + skip);
            iov[n].iov_len = len[k];
            at += coop_engine_prepared_size(h->buf.p + at, &i);
        }
        errno = 0;
        if (pwrite_all(d->fs.fd[k], iov, n, (off_t)w[2 + k]) != 0)
            return COOP_FAIL(err, COOP_EIO, "%s: write failed: %s", d->fs.path[k],
                             strerror(errno ? errno : EIO));
    }
    coop_wblock done = *h; /* its buffer goes to the end, for the next block */
    done.buf.n = 0;
    memmove(d->held, d->held + 1, (size_t)(COOP_UNWRITTEN_MAX - 1) * sizeof *d->held);
    d->held[COOP_UNWRITTEN_MAX - 1] = done;
    d->n_held--;
    d->held_items -= w[1];
    d->unsynced++;
    return COOP_OK;
}

int coop_direct_sync_due(const coop_direct *d)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - d->synced_at.tv_sec) +
               1e-9 * (double)(t1.tv_nsec - d->synced_at.tv_nsec);
    return d->unsynced > 0 && s >= COOP_SYNC_SECONDS;
}

long long coop_direct_sync(coop_direct *d, coop_err *err)
{
    long long n = d->unsynced;
    for (int k = 0; k < d->fs.n && n; k++)
        if (fdatasync(d->fs.fd[k]) != 0) {
            COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", d->fs.path[k], strerror(errno));
            return -1;
        }
    d->unsynced = 0;
    clock_gettime(CLOCK_MONOTONIC, &d->synced_at);
    return n;
}

int coop_placed_commit(coop_placed_queue *pq, const coop_sink_files *fs, long long i,
                       long long n, coop_block *b, const long long *at, const size_t *len,
                       coop_err *err)
{
    int nf = fs->n;
    if (b->committed == 0) { /* its first item: the block waits for its worker's sync */
        if (pq->n == pq->cap) {
            long long cap = pq->cap ? 2 * pq->cap : 64;
            coop_placed *q = realloc(pq->q, (size_t)cap * sizeof *q);
            if (!q)
                return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            pq->q = q;
            pq->cap = cap;
        }
        coop_placed *q = &pq->q[pq->n++];
        memset(q, 0, sizeof *q);
        q->a = b->a;
        q->n = b->n;
        q->src = b->src;
        memcpy(b->at0, at, (size_t)nf * sizeof *at);
        memcpy(b->next, at, (size_t)nf * sizeof *at);
    }
    for (int k = 0; k < nf; k++) {
        if (at[k] != b->next[k])
            return COOP_FAIL(err, COOP_EIO, "the rows of item %lld of rank %d's block do not "
                             "follow those before them in %s", i, b->src, fs->path[k]);
        b->next[k] += (long long)len[k];
    }
    if ((b->committed += n) == b->n) /* whole: rank 0 tells the worker where it goes */
        for (long long k = pq->n - 1; k >= 0; k--)
            if (pq->q[k].a == b->a) {
                pq->q[k].complete = 1;
                memcpy(pq->q[k].at0, b->at0, sizeof b->at0);
                break;
            }
    return COOP_OK;
}

void coop_placed_synced(coop_placed_queue *pq, int src, long long k)
{
    for (long long j = 0; j < pq->n && k > 0; j++)
        if (pq->q[j].src == src && pq->q[j].answered && !pq->q[j].acked) {
            pq->q[j].acked = 1;
            k--;
        }
    long long gone = 0;
    while (gone < pq->n && pq->q[gone].acked)
        gone++;
    if (gone) {
        memmove(pq->q, pq->q + gone, (size_t)(pq->n - gone) * sizeof *pq->q);
        pq->n -= gone;
    }
}

int coop_placed_durable(const coop_placed_queue *pq, const coop_engine *e)
{
    long long f = pq->n ? pq->q[0].a : e->next_deliver;
    long long per_point = (long long)e->plan->n_worlds * e->plan->replicates;
    return e->plan->point0 + (int)(f / per_point);
}
