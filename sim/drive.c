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

/* The plan of points point0 .. n-1 of sw, with the worlds and cfg's replicates,
 * seed and series mode. */
static coop_plan sweep_plan(const coop_config *cfg, const coop_sweep *sw, int point0,
                            int n_worlds, const char *const *world_names)
{
    coop_plan plan = {
        .n_points = coop_sweep_size(sw) - point0,
        .point0 = point0,
        .n_worlds = n_worlds,
        .world_name = world_names,
        .replicates = cfg->replicates,
        .seed = (uint32_t)cfg->seed,
        .keep_series = cfg->series != COOP_SERIES_NONE,
    };
    return plan;
}

coop_work coop_drive_sweep_work(const coop_config *cfg, const coop_sweep *sw, int n_worlds,
                                const char *const *world_names, coop_point_cfg_fn make,
                                void *ctx)
{
    coop_work work = {sweep_plan(cfg, sw, 0, n_worlds, world_names), make, ctx};
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
    long long per_point = (long long)cfg->replicates * n_worlds;
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
    coop_progress *pg = coop_progress_alloc(o->progress, n, done, per_point, o->stop);
    if (!pg) {
        coop_output_abort(out);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    coop_sink osink = coop_output_sink(out), sink = coop_progress_sink(pg, &osink);
    int status = COOP_OK;
    if (done < n) {
        coop_plan plan = sweep_plan(cfg, sw, done, n_worlds, world_names);
        status = coop_experiment_run_lazy(&plan, make, ctx, threads, &sink, err);
    }
    int points = (int)(coop_progress_runs(pg) / per_point);
    coop_progress_free(pg);
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
