/* drive.c: a resumable sweep driven from start to finish (coop_drive.h): the
 * directory, the progress bar and the experiment wired together, and the
 * messages that say how to finish an interrupted or failed sweep. */
#include "coop_drive.h"

#include <string.h>

#include "coop_output.h"
#include "coop_progress.h"

const char *coop_drive_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

const char *const coop_drive_factual[1] = {"factual"};

int coop_drive_sweep_point(void *sw, int point, int world, coop_config *cfg, coop_err *err)
{
    (void)world;
    return coop_sweep_config(sw, point, cfg, err);
}

/* The plan of points point0 .. n-1 of sw, with the worlds and cfg's replicates
 * and seed; keep_series: the records carry the per-step arrays. */
static coop_plan sweep_plan(const coop_config *cfg, const coop_sweep *sw, int point0,
                            int n_worlds, const char *const *world_names, int keep_series)
{
    coop_plan plan = {
        .n_points = coop_sweep_size(sw) - point0,
        .point0 = point0,
        .n_worlds = n_worlds,
        .world_name = world_names,
        .replicates = cfg->replicates,
        .seed = (uint32_t)cfg->seed,
        .keep_series = keep_series,
    };
    return plan;
}

/* Runs points done .. n-1 of sw through a progress bar (o->progress, o->stop) into
 * sink; *points: the points complete when it returned. */
static int run_points(const coop_config *cfg, coop_sweep *sw, int done, int n_worlds,
                      const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                      int keep_series, const coop_drive_opts *o, const coop_sink *sink,
                      int *points, coop_err *err)
{
    int n = coop_sweep_size(sw), threads = coop_experiment_threads(o->threads);
    long long per_point = (long long)cfg->replicates * n_worlds;
    *points = done;
    coop_progress *pg = coop_progress_alloc(o->progress, n, done, per_point, o->stop);
    if (!pg)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    coop_sink psink = coop_progress_sink(pg, sink);
    int status = COOP_OK;
    if (done < n) {
        coop_plan plan = sweep_plan(cfg, sw, done, n_worlds, world_names, keep_series);
        status = coop_experiment_run_lazy(&plan, make, ctx, threads, &psink, err);
    }
    *points = (int)(coop_progress_runs(pg) / per_point);
    coop_progress_free(pg);
    return status;
}

int coop_drive_points(const coop_config *cfg, coop_sweep *sw, int n_worlds,
                      const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                      int keep_series, const coop_drive_opts *o, const coop_sink *sink,
                      coop_err *err)
{
    return coop_drive_points_from(cfg, sw, 0, n_worlds, world_names, make, ctx, keep_series, o,
                                  sink, err);
}

int coop_drive_points_from(const coop_config *cfg, coop_sweep *sw, int done, int n_worlds,
                           const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                           int keep_series, const coop_drive_opts *o, const coop_sink *sink,
                           coop_err *err)
{
    int points;
    return run_points(cfg, sw, done, n_worlds, world_names, make, ctx, keep_series, o, sink,
                      &points, err);
}

coop_work coop_drive_sweep_work(const coop_config *cfg, const coop_sweep *sw, int n_worlds,
                                const char *const *world_names, coop_point_cfg_fn make,
                                void *ctx)
{
    coop_work work = {sweep_plan(cfg, sw, 0, n_worlds, world_names,
                                  cfg->series != COOP_SERIES_NONE),
                       make, ctx};
    return work;
}

int coop_drive_sweep(const coop_config *cfg, coop_sweep *sw, int n_worlds,
                     const char *const *world_names, coop_point_cfg_fn make, void *ctx,
                     const coop_drive_opts *o, int *ran, coop_err *err)
{
    *ran = 0;
    if (o->force && o->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--force and --resume exclude each other (--force "
                         "starts the sweep afresh)");
    int threads = coop_experiment_threads(o->threads), n = coop_sweep_size(sw), done = 0;
    coop_run_info info;
    coop_run_info_start(&info, o->command_line, threads);
    info.subcommand = o->command;
    coop_sweep_output_opts so = {sw, n_worlds, o->force, o->resume, &info};
    err->code = COOP_OK;
    coop_output *out = coop_output_open_sweep(o->dir, cfg, &so, &done, err);
    if (!out) {
        if (!err->code && !o->quiet)
            fprintf(stderr, "coopsim: %s: the sweep is complete (%d points): nothing to resume\n",
                    o->dir, n);
        return err->code;
    }
    *ran = 1;
    coop_sink osink = coop_output_sink(out);
    int points, status = run_points(cfg, sw, done, n_worlds, world_names, make, ctx,
                                    cfg->series != COOP_SERIES_NONE, o, &osink, &points, err);
    if (status == COOP_EINTR) {
        coop_run_info_finish(&info, "interrupted");
        if (!(status = coop_output_close(out, &info, err)))
            status = COOP_FAIL(err, COOP_EINTR, "interrupted by %s after %d of %d points, written "
                               "to %s/; finish the sweep with: coopsim %s %s/manifest.cfg "
                               "--resume", coop_drive_signal_name(o->stop ? *o->stop : 0),
                               points, n, o->dir, o->command, o->dir);
    } else if (status) {
        coop_output_abort(out);
        char why[COOP_ERR_MAX];
        snprintf(why, sizeof why, "%s", err->text);
        COOP_FAIL(err, status, "%s\ncoopsim: the complete points are kept in %s/; once the "
                  "cause is fixed, finish the sweep with: coopsim %s %s/manifest.cfg --resume",
                  why, o->dir, o->command, o->dir);
    } else {
        coop_run_info_finish(&info, "complete");
        status = coop_output_close(out, &info, err);
    }
    return status;
}
