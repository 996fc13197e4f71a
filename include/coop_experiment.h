/* coop_experiment.h: points x worlds x replicates, run in parallel.
 *
 * An experiment is a list of work items (point p, world w, replicate r).  Item
 * (p, w, r) runs the configuration of world w at point p with the seed
 * coop_rng_seed(seed, p, r): the worlds of one replicate share their seed (common
 * random numbers).  Items run in parallel (OpenMP, schedule dynamic); completed
 * records are handed to a sink strictly in item order, p outermost, then w, then
 * r, one call at a time, through a bounded reorder buffer: at most 2 x threads
 * records exist at once, whatever the number of items.  So everything a sink
 * writes is the same for any thread count.
 *
 * This module does not write files: the output module provides a sink (data flows
 * config -> model -> experiment -> stats -> output).  It is the only module that
 * uses OpenMP. */
#ifndef COOP_EXPERIMENT_H
#define COOP_EXPERIMENT_H

#include <stdint.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_model.h"

/* One work item, as a sink sees it. */
typedef struct coop_item {
    int point;                 /* absolute point index (plan->point0 + p) */
    int world;                 /* world index */
    const char *world_name;    /* e.g. "factual" */
    int replicate;
    uint32_t seed;             /* coop_rng_seed(seed, point, replicate) */
    const coop_config *cfg;    /* the configuration the item ran */
} coop_item;

/* Where completed work goes.  Calls come one at a time (never concurrently, though
 * not always from the same thread), in item order.  A callback returns COOP_OK or
 * an error code with err filled; the experiment then stops starting items and
 * returns that code.  (To stop on a signal, return COOP_EINTR from a callback.)
 * Either callback may be NULL. */
typedef struct coop_sink {
    void *ctx;
    /* A finished replicate; rec is valid only during the call. */
    int (*replicate)(void *ctx, const coop_item *item, const coop_record *rec, coop_err *err);
    /* Every replicate of world `world` at `point` has been delivered. */
    int (*point_done)(void *ctx, int point, int world, const char *world_name,
                      const coop_config *cfg, coop_err *err);
} coop_sink;

/* What to run: n_points x n_worlds x replicates items. */
typedef struct coop_plan {
    int n_points;                    /* >= 1 */
    int point0;                      /* index of the first point: point0 + n_points <= COOP_MAX_POINTS */
    int n_worlds;                    /* >= 1 */
    const coop_config *const *cfg;   /* [n_points * n_worlds]: world w of point p at p * n_worlds + w;
                                      * each must outlive the call */
    const char *const *world_name;   /* [n_worlds] */
    int replicates;                  /* [1, COOP_MAX_REPLICATES] */
    uint32_t seed;                   /* master seed */
    int keep_series;                 /* records keep per-step arrays (summary or full series) */
} coop_plan;

/* The thread count an experiment uses for `requested`: requested when > 0, else
 * OpenMP's default (OMP_NUM_THREADS, else all cores). */
int coop_experiment_threads(int requested);

/* Runs every item of plan on coop_experiment_threads(threads) threads and delivers
 * each record to sink.  Returns COOP_OK; COOP_EINVAL for a bad plan; COOP_ENOMEM
 * when a model or record cannot be allocated; or the code a sink returned.  On
 * error err holds the first failure (in time); sink calls may have been made for
 * a prefix of the items. */
int coop_experiment_run_plan(const coop_plan *plan, int threads, const coop_sink *sink,
                             coop_err *err);

/* Builds the configuration of world `world` at absolute point `point` into *cfg
 * (zeroed on entry; the experiment releases it with coop_config_destroy).
 * Returns COOP_OK or an error code with err filled. */
typedef int (*coop_point_cfg_fn)(void *ctx, int point, int world, coop_config *cfg,
                                 coop_err *err);

/* Like coop_experiment_run_plan, for plans too long to hold every configuration:
 * plan->cfg is ignored and make(ctx, point, world, ...) builds the configurations
 * of a chunk of points at a time (points in increasing order, each built once),
 * which are released when the chunk is done, so memory holds at most one chunk
 * of configurations (a few hundred points at most) however many points there
 * are.  The items, their seeds and the sink calls are exactly those of
 * coop_experiment_run_plan on the whole plan, so the output is the same for any
 * thread count and chunk size.  A sink error stops the run at once (the points of
 * later chunks are not built). */
int coop_experiment_run_lazy(const coop_plan *plan, coop_point_cfg_fn make, void *ctx,
                             int threads, const coop_sink *sink, coop_err *err);

/* `coopsim run`: cfg->replicates replicates of point 0, world "factual", seed
 * cfg->seed, per-step arrays kept unless cfg->series is COOP_SERIES_NONE. */
int coop_experiment_run(const coop_config *cfg, int threads, const coop_sink *sink,
                        coop_err *err);

#endif
