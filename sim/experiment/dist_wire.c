/* dist_wire.c: what crosses between ranks besides plain words (coop_dist.h): a
 * record, packed whole, and a worker's block descriptor under direct writes
 * (docs/CLUSTER.md, "Who writes the rows"), what rank 0 needs of a block of
 * prepared items whose rows the worker writes itself, laid out so that rank 0's
 * serial work is per block, not per item.  Items of a block are consecutive, so
 * no index is sent; their heads share one layout, so one head is sent; the byte
 * counts and the outcome scalars travel as columns (one per file, one per
 * scalar), which the sink's commit_run folds with a copy per column (coop_run).
 * The scalars come in one segment per (point, world) the block covers (what one
 * commit_run takes): a column whose items all hold the same value there (bit for
 * bit: an outcome a scenario fixes, a state that never engages) is sent once,
 * and a world whose per-state scalars the sink does not read sends none.  A sink that reads
 * no scalars (coop_sink.no_scalars) gets none: a block then costs a few bytes per
 * item.  No MPI here: dist_mpi.c sends and receives the
 * bytes (compiled in both builds, so the tests run it in one process).
 *
 * Layout, in 8-byte words and native byte order (the ranks share one
 * architecture, as for every message):
 *   long long[DESC_WORDS]: magic, a, n, segments, scalars (0 or 1), head bytes,
 *                          files, the item (0 .. n-1) whose head is sent
 *   the head, padded to 8
 *   files x n uint32_t byte counts (file by file), padded to 8
 *   with scalars, a segment per (point, world) the block covers, in order:
 *     long long[SEG_WORDS]: its first item j0 (0 .. n-1), items m, states S (none
 *                           for a world whose per-state scalars the sink does not
 *                           read: coop_sink.state_worlds)
 *     C = COOP_N_OUTCOMES x (1 + S) bytes (1: the column is constant), padded
 *     to 8, then each column: 1 double if constant, else m */
#include "coop_dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { DESC_WORDS = 8, SEG_WORDS = 3 };
#define DESC_MAGIC 0x31435344504f4fLL /* "OOPDSC1" */

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* The bytes of the head and the byte counts (after the words). */
static size_t fixed_bytes(long long n, size_t head, int files)
{
    return pad8(head) + pad8((size_t)files * (size_t)n * sizeof(uint32_t));
}

static size_t n_cols(int n_states)
{
    return COOP_N_OUTCOMES * (size_t)(1 + n_states);
}

/* Whether two heads agree but for their byte counts. */
static int same_layout(const coop_sink_files *fs, const unsigned char *x,
                       const unsigned char *y)
{
    size_t lo = fs->len_at, hi = fs->len_at + 4 * (size_t)fs->n;
    return memcmp(x, y, lo) == 0 && memcmp(x + hi, y + hi, fs->head - hi) == 0;
}

/* Scalar c of prepared item p (NaN beyond its states). */
static double item_scalar(const unsigned char *p, size_t c)
{
    coop_prepared v = coop_engine_prepared_view(p);
    return c < n_cols(v.n_states) ? v.outcome[c] : NAN;
}

/* The segment of block [a, a + n) that starts at j: its items (to the end of
 * their (point, world) or of the block). */
static long long seg_len(const coop_desc_shape *sh, long long a, long long n, long long j)
{
    long long to_end = sh->replicates - (a + j) % sh->replicates;
    return n - j < to_end ? n - j : to_end;
}

/* The scalars of a segment: the states of its items (none for a world whose
 * per-state scalars the sink does not read), its column map (1: constant) and
 * its bytes. */
static size_t seg_scalars(const coop_desc_shape *sh, const unsigned char *const *item,
                          long long a, long long j0, long long m, int *n_states,
                          unsigned char *constant)
{
    long long world = (a + j0) / sh->replicates % sh->n_worlds;
    int ns = 0;
    if (!sh->state_worlds || world < sh->state_worlds)
        for (long long j = j0; j < j0 + m; j++) {
            int k = coop_engine_prepared_view(item[j]).n_states;
            ns = k > ns ? k : ns;
        }
    *n_states = ns;
    size_t cols = n_cols(ns), n_doubles = 0;
    for (size_t c = 0; c < cols; c++) {
        double x0 = item_scalar(item[j0], c);
        constant[c] = 1;
        for (long long j = j0 + 1; j < j0 + m && constant[c]; j++) {
            double x = item_scalar(item[j], c);
            constant[c] = memcmp(&x, &x0, sizeof x) == 0;
        }
        n_doubles += constant[c] ? 1 : (size_t)m;
    }
    return SEG_WORDS * sizeof(long long) + pad8(cols) + n_doubles * sizeof(double);
}

int coop_desc_make(const unsigned char *items, size_t n_bytes, long long a, long long n,
                   const coop_sink_files *fs, const coop_desc_shape *sh, coop_bytes *out)
{
    const unsigned char *item[COOP_BLOCK_MAX];
    if (n < 1 || n > COOP_BLOCK_MAX || fs->head > COOP_DESC_HEAD_MAX || fs->n < 1 ||
        fs->n > COOP_SINK_FILES || fs->len_at + 4 * (size_t)fs->n > fs->head ||
        sh->replicates < 1 || sh->n_worlds < 1 || a < 0)
        return COOP_EINVAL;
    size_t at = 0;
    for (long long j = 0; j < n; j++) { /* the items, whole and in order */
        long long i;
        size_t size = at < n_bytes ? coop_engine_prepared_whole(items + at, n_bytes - at, &i) : 0;
        if (!size || i != a + j || coop_engine_prepared_view(items + at).n_bytes < fs->head)
            return COOP_EINVAL;
        item[j] = items + at;
        at += size;
    }
    long long head_item = 0;
    const unsigned char *head0 = coop_engine_prepared_view(item[0]).bytes;
    for (long long j = 1; j < n && !head_item; j++)
        if (!same_layout(fs, head0, coop_engine_prepared_view(item[j]).bytes))
            head_item = j; /* rank 0 refuses the block, naming what it refuses */
    long long n_seg = 0;
    size_t body = fixed_bytes(n, fs->head, fs->n);
    unsigned char constant[COOP_RUN_COLS];
    int ns;
    for (long long j = 0; sh->scalars && j < n; j += seg_len(sh, a, n, j), n_seg++)
        body += seg_scalars(sh, item, a, j, seg_len(sh, a, n, j), &ns, constant);
    long long w[DESC_WORDS] = {DESC_MAGIC, a, n, n_seg, sh->scalars != 0, (long long)fs->head,
                               fs->n, head_item};
    size_t start = out->n;
    if (coop_bytes_reserve(out, sizeof w + body))
        return COOP_ENOMEM;
    unsigned char *p = out->p + start;
    memset(p, 0, sizeof w + body);
    memcpy(p, w, sizeof w);
    p += sizeof w;
    memcpy(p, coop_engine_prepared_view(item[head_item]).bytes, fs->head);
    p += pad8(fs->head);
    uint32_t *len = (uint32_t *)(void *)p;
    for (long long j = 0; j < n; j++) {
        size_t l[COOP_SINK_FILES];
        coop_engine_lens(fs, coop_engine_prepared_view(item[j]).bytes, l);
        for (int k = 0; k < fs->n; k++)
            len[(size_t)k * (size_t)n + (size_t)j] = (uint32_t)l[k];
    }
    p += pad8((size_t)fs->n * (size_t)n * sizeof(uint32_t));
    for (long long j = 0, m; sh->scalars && j < n; j += m) {
        m = seg_len(sh, a, n, j);
        seg_scalars(sh, item, a, j, m, &ns, constant);
        long long seg[SEG_WORDS] = {j, m, ns};
        memcpy(p, seg, sizeof seg);
        p += sizeof seg;
        size_t cols = n_cols(ns);
        memcpy(p, constant, cols);
        double *d = (double *)(void *)(p + pad8(cols));
        for (size_t c = 0; c < cols; c++)
            for (long long k = j; k < (constant[c] ? j + 1 : j + m); k++)
                *d++ = item_scalar(item[k], c);
        p = (unsigned char *)d;
    }
    out->n = start + sizeof w + body;
    return COOP_OK;
}

/* Reads segment s's column map into r (columns from item j of the segment on). */
static void seg_columns(const coop_desc *d, int s, long long j, coop_run *r)
{
    const unsigned char *p = d->base + d->seg_at[s];
    long long seg[SEG_WORDS];
    memcpy(seg, p, sizeof seg);
    size_t cols = n_cols((int)seg[2]);
    const unsigned char *map = p + sizeof seg;
    const double *x = (const double *)(const void *)(map + pad8(cols));
    r->n_states = (int)seg[2];
    for (size_t c = 0; c < cols; c++) {
        r->constant[c] = map[c];
        r->col[c] = map[c] ? x : x + j;
        x += map[c] ? 1 : seg[1];
    }
}

int coop_desc_read(const unsigned char *buf, size_t count, const coop_sink_files *fs,
                   const coop_desc_shape *sh, coop_desc *d)
{
    long long w[DESC_WORDS];
    if (count < sizeof w || sh->replicates < 1)
        return COOP_EIO;
    memcpy(w, buf, sizeof w);
    if (w[0] != DESC_MAGIC || w[1] < 0 || w[2] < 1 || w[2] > COOP_BLOCK_MAX ||
        w[3] != (sh->scalars ? w[3] : 0) || w[3] < 0 || w[3] > w[2] ||
        w[4] != (sh->scalars != 0) || w[5] != (long long)fs->head || w[6] != fs->n ||
        w[7] < 0 || w[7] >= w[2])
        return COOP_EIO;
    size_t at = sizeof w + fixed_bytes(w[2], fs->head, fs->n);
    if (count < at)
        return COOP_EIO;
    memset(d, 0, sizeof *d);
    d->base = buf;
    d->a = w[1];
    d->n = w[2];
    d->head_item = w[7];
    d->scalars = sh->scalars != 0;
    d->head = buf + sizeof w;
    for (int k = 0; k < fs->n; k++)
        d->len[k] = (const uint32_t *)(const void *)(d->head + pad8(fs->head)) +
                    (size_t)k * (size_t)d->n;
    /* the segments: one per (point, world) of the block, in order, whole */
    long long j = 0;
    for (int s = 0; s < (int)w[3]; s++) {
        long long seg[SEG_WORDS];
        if (count - at < sizeof seg)
            return COOP_EIO;
        memcpy(seg, buf + at, sizeof seg);
        if (seg[0] != j || seg[1] != seg_len(sh, d->a, d->n, j) || seg[2] < 0 ||
            seg[2] > COOP_MAX_STATES)
            return COOP_EIO;
        size_t cols = n_cols((int)seg[2]), n_doubles = 0;
        if (count - at - sizeof seg < pad8(cols))
            return COOP_EIO;
        const unsigned char *map = buf + at + sizeof seg;
        for (size_t c = 0; c < cols; c++) {
            if (map[c] > 1)
                return COOP_EIO;
            n_doubles += map[c] ? 1 : (size_t)seg[1];
        }
        size_t size = sizeof seg + pad8(cols) + n_doubles * sizeof(double);
        if (count - at < size)
            return COOP_EIO;
        d->seg_j0[s] = (uint16_t)j;
        d->seg_at[s] = (uint32_t)at;
        at += size;
        j += seg[1];
    }
    if (at != count || (sh->scalars && j != d->n))
        return COOP_EIO;
    d->n_seg = (int)w[3];
    return COOP_OK;
}

coop_run coop_desc_run(const coop_desc *d, int files, long long j0, int m)
{
    coop_run r = {.n = m, .head = d->head, .scalars = d->scalars};
    for (int k = 0; k < files; k++) {
        r.len[k] = d->len[k] + j0;
        for (int j = 0; j < m; j++)
            r.total[k] += r.len[k][j];
    }
    if (d->scalars) { /* the segment holding j0: the last that starts at or before it */
        int lo = 0, hi = d->n_seg - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (d->seg_j0[mid] <= j0)
                lo = mid;
            else
                hi = mid - 1;
        }
        seg_columns(d, lo, j0 - d->seg_j0[lo], &r);
    }
    return r;
}

int coop_run_view(const coop_sink_files *fs, const coop_run *run, int j, unsigned char *head,
                  double *scalars, coop_prepared *v)
{
    if (fs->head > COOP_DESC_HEAD_MAX || fs->len_at + 4 * (size_t)fs->n > fs->head)
        return COOP_EINVAL;
    memcpy(head, run->head, fs->head);
    for (int k = 0; k < fs->n; k++)
        memcpy(head + fs->len_at + 4 * (size_t)k, &run->len[k][j], sizeof(uint32_t));
    memset(v, 0, sizeof *v);
    v->bytes = head;
    v->n_bytes = fs->head;
    if (run->scalars) {
        for (size_t c = 0; c < n_cols(run->n_states); c++)
            scalars[c] = coop_run_scalar(run, (int)c, j);
        v->outcome = scalars;
        v->n_states = run->n_states;
        v->state_outcome = (const double (*)[COOP_N_OUTCOMES])(scalars + COOP_N_OUTCOMES);
    }
    return COOP_OK;
}

/* ---- a record, whole ---- */

size_t coop_rec_wire_bytes(const coop_record *rec, size_t n[5])
{
    size_t steps = rec->n_steps > 0 ? (size_t)rec->n_steps : 0;
    n[0] = rec->keep_series ? steps * rec->n_actors * COOP_ACTOR_METRICS : 0;
    n[1] = rec->keep_series ? steps * rec->n_ties * (COOP_TIE_METRICS + rec->n_obs) : 0;
    n[2] = rec->keep_series ? steps * COOP_POP_METRICS : 0;
    n[3] = rec->n_ties * rec->n_levels;
    n[4] = rec->snap ? rec->n_snaps * rec->n_snap_nodes : 0;
    return sizeof(long long) + sizeof rec->outcome + sizeof rec->state_outcome +
           sizeof(double) * (n[0] + n[1] + n[2] + n[4]) + sizeof(int) * n[3];
}

void coop_rec_pack(const coop_record *rec, long long item, unsigned char *buf)
{
    size_t n[5];
    coop_rec_wire_bytes(rec, n);
    memcpy(buf, &item, sizeof item);
    buf += sizeof item;
    memcpy(buf, rec->outcome, sizeof rec->outcome);
    buf += sizeof rec->outcome;
    memcpy(buf, rec->state_outcome, sizeof rec->state_outcome);
    buf += sizeof rec->state_outcome;
    if (n[0]) memcpy(buf, rec->actor, n[0] * sizeof(double));
    buf += n[0] * sizeof(double);
    if (n[1]) memcpy(buf, rec->tie, n[1] * sizeof(double));
    buf += n[1] * sizeof(double);
    if (n[2]) memcpy(buf, rec->pop, n[2] * sizeof(double));
    buf += n[2] * sizeof(double);
    if (n[3]) memcpy(buf, rec->milestone, n[3] * sizeof(int));
    buf += n[3] * sizeof(int);
    if (n[4]) memcpy(buf, rec->snap, n[4] * sizeof(double));
}

void coop_rec_unpack(coop_record *rec, const unsigned char *buf)
{
    size_t n[5];
    coop_rec_wire_bytes(rec, n);
    buf += sizeof(long long);
    memcpy(rec->outcome, buf, sizeof rec->outcome);
    buf += sizeof rec->outcome;
    memcpy(rec->state_outcome, buf, sizeof rec->state_outcome);
    buf += sizeof rec->state_outcome;
    if (n[0]) memcpy(rec->actor, buf, n[0] * sizeof(double));
    buf += n[0] * sizeof(double);
    if (n[1]) memcpy(rec->tie, buf, n[1] * sizeof(double));
    buf += n[1] * sizeof(double);
    if (n[2]) memcpy(rec->pop, buf, n[2] * sizeof(double));
    buf += n[2] * sizeof(double);
    if (n[3]) memcpy(rec->milestone, buf, n[3] * sizeof(int));
    buf += n[3] * sizeof(int);
    if (n[4]) memcpy(rec->snap, buf, n[4] * sizeof(double));
}
