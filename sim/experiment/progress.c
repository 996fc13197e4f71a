/* progress.c: the progress bar and the stop check (see coop_progress.h).
 *
 * The bar is one line redrawn in place with a carriage return and "erase to end
 * of line" (ESC [ K), short enough for an 80-column terminal:
 *
 *   [###.......]  35% 3500/10000 points 35000/100000 runs 4120 runs/s 0:27 left
 *
 * The rate is over this invocation only (a resumed sweep starts it afresh); the
 * time left is the runs left at that rate.  Drawing happens in the sink call, on
 * whichever thread delivers (one at a time), at most every 0.2 s. */
#include "coop_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REDRAW_SECONDS 0.2

struct coop_progress {
    FILE *tty;
    const volatile sig_atomic_t *stop;
    coop_sink inner;
    int total_points;
    long long per_point, total, done, done0;
    struct timespec t0, last;
    int drawn;
};

static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* "1:02:03", "2:03" */
static void fmt_time(char *buf, size_t size, double s)
{
    long t = s < 0 ? 0 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void draw(coop_progress *p, const struct timespec *now)
{
    enum { WIDTH = 10 };
    double frac = p->total > 0 ? (double)p->done / (double)p->total : 1.0;
    char bar[WIDTH + 1], line[256], left[32] = "";
    int full = (int)(frac * WIDTH);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < full ? '#' : '.';
    bar[WIDTH] = '\0';
    double t = elapsed(&p->t0, now);
    double rate = t > 0 ? (double)(p->done - p->done0) / t : 0;
    int n = snprintf(line, sizeof line, "[%s] %3d%% ", bar, (int)(frac * 100));
    if (p->total_points > 1)
        n += snprintf(line + n, sizeof line - (size_t)n, "%lld/%d points ",
                      p->done / p->per_point, p->total_points);
    n += snprintf(line + n, sizeof line - (size_t)n, "%lld/%lld runs", p->done, p->total);
    if (rate > 0 && p->done > p->done0) {
        fmt_time(left, sizeof left, (double)(p->total - p->done) / rate);
        snprintf(line + n, sizeof line - (size_t)n, " %.0f runs/s %s left", rate, left);
    }
    fprintf(p->tty, "\r%s\033[K", line);
    fflush(p->tty);
    p->last = *now;
    p->drawn = 1;
}

/* One more run delivered: the bar is redrawn when due. */
static int count_run(coop_progress *p)
{
    p->done++;
    if (p->tty) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (elapsed(&p->last, &now) >= REDRAW_SECONDS)
            draw(p, &now);
    }
    return COOP_OK;
}

static int on_replicate(void *ctx, const coop_item *item, const coop_record *rec, coop_err *err)
{
    coop_progress *p = ctx;
    if (p->stop && *p->stop)
        return COOP_FAIL(err, COOP_EINTR, "interrupted");
    int status = p->inner.replicate ? p->inner.replicate(p->inner.ctx, item, rec, err) : COOP_OK;
    return status ? status : count_run(p);
}

static int on_commit(void *ctx, const coop_item *item, const coop_prepared *pr, coop_err *err)
{
    coop_progress *p = ctx;
    if (p->stop && *p->stop)
        return COOP_FAIL(err, COOP_EINTR, "interrupted");
    int status = p->inner.commit(p->inner.ctx, item, pr, err);
    return status ? status : count_run(p);
}

static int on_commit_run(void *ctx, const coop_item *first, const coop_run *run,
                         long long *at, coop_err *err)
{
    coop_progress *p = ctx;
    if (p->stop && *p->stop)
        return COOP_FAIL(err, COOP_EINTR, "interrupted");
    int status = coop_sink_commit_run(&p->inner, first, run, at, err);
    if (!status) {
        p->done += run->n - 1; /* count_run counts the last one and redraws when due */
        status = count_run(p);
    }
    return status;
}

static int on_point_done(void *ctx, int point, int world, const char *world_name,
                         const coop_config *cfg, coop_err *err)
{
    coop_progress *p = ctx;
    return p->inner.point_done ? p->inner.point_done(p->inner.ctx, point, world, world_name, cfg,
                                                     err)
                               : COOP_OK;
}

coop_progress *coop_progress_alloc(FILE *tty, int total_points, int done_points,
                                   long long runs_per_point, const volatile sig_atomic_t *stop)
{
    coop_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->tty = tty;
    p->stop = stop;
    p->total_points = total_points;
    p->per_point = runs_per_point > 0 ? runs_per_point : 1;
    p->total = (long long)total_points * p->per_point;
    p->done = p->done0 = (long long)done_points * p->per_point;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    p->last = p->t0;
    if (tty)
        draw(p, &p->t0);
    return p;
}

coop_sink coop_progress_sink(coop_progress *p, const coop_sink *inner)
{
    p->inner = *inner;
    coop_sink sink = {.ctx = p, .replicate = on_replicate, .point_done = on_point_done};
    if (inner->prepare && inner->commit) { /* the inner sink's split, passed on */
        sink.prepare = inner->prepare;
        sink.commit = on_commit;
        sink.round_scalars = inner->round_scalars;
        sink.files = inner->files;
        sink.commit_run = inner->files ? on_commit_run : NULL;
        sink.no_scalars = inner->no_scalars;
        sink.state_worlds = inner->state_worlds;
    }
    return sink;
}

long long coop_progress_runs(const coop_progress *p)
{
    return p ? p->done : 0;
}

void coop_progress_free(coop_progress *p)
{
    if (!p)
        return;
    if (p->tty && p->drawn) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        draw(p, &now);
        fputc('\n', p->tty);
        fflush(p->tty);
    }
    free(p);
}
