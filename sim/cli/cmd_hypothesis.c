/* cmd_hypothesis.c: the `coopsim hypothesis` driver (coop_cmd.h): the worlds of
 * coop_hypothesis.h run into a results directory that output.c owns.  Without a
 * sweep, one experiment of every world through the hypothesis collector into the
 * directory's temporary directory, hypothesis.csv (and channels.csv) beside the
 * run's files, all renamed into place together, then the verdict table.  With a
 * sweep, the points driven by drive.c into a resumable directory, and once the
 * sweep is complete hypothesis.csv computed from its outcomes.csv
 * (coop_hypothesis_from_outcomes), written to a temporary name and renamed, with
 * a verdict line per point.  Also the work a worker rank of build/coopsim-mpi
 * serves for this command (coop_hypothesis_work: the plans' items and the task
 * farm of the statistics, coop_hyp_farm).  The statistics, the
 * collector, the worlds and the file formats are sim/analysis/hypothesis.c's. */
#include "coop_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_drive.h"
#include "coop_hypothesis.h"
#include "coop_output.h"
#include "coop_progress.h"
#include "coop_sweep.h"

/* The plan of a hypothesis test without a sweep: the worlds of w at point 0, with
 * cfg's replicates, seed and series mode (its cfg left to the caller). */
static coop_plan plain_plan(const coop_config *cfg, const coop_hyp_worlds *w)
{
    coop_plan plan = {
        .n_points = 1,
        .point0 = 0,
        .n_worlds = w->n,
        .world_name = w->names,
        .replicates = cfg->replicates,
        .seed = (uint32_t)cfg->seed,
        .keep_series = cfg->series != COOP_SERIES_NONE,
    };
    return plan;
}

/* One experiment's comparisons: rows into hypothesis.csv, the last point kept for
 * the table, a verdict line per point for sweeps. */
typedef struct run_ctx {
    coop_hyp_csv *csv;
    const coop_hyp_point *last; /* the collector's last point (valid while it lives) */
    int points;
    const coop_sweep *sweep;  /* sweeps: the points' values for the lines */
    FILE *table;
    int count[COOP_N_VERDICTS]; /* verdicts of the hypothesis by coop_verdict */
    coop_chan_csv *chan;      /* channels.csv (hypothesis.channels); NULL when off */
    coop_chan_point *chan_last;  /* the last point's decomposition, for the report */
} run_ctx;

/* The channel decomposition of a point: its rows, and a copy for the report. */
static int chan_point(run_ctx *rc, const coop_hyp_point *res, coop_err *err)
{
    if (!res->channels || !rc->chan)
        return COOP_OK;
    *rc->chan_last = *res->channels;
    return coop_chan_csv_write(rc->chan, res->channels, err);
}

/* channels.csv at path (hypothesis.channels), and room for the report's copy. */
static int chan_open(run_ctx *rc, const char *path, coop_err *err)
{
    if (!(rc->chan_last = malloc(sizeof *rc->chan_last)))
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    rc->chan = coop_chan_csv_open(path, err);
    return rc->chan ? COOP_OK : err && err->code ? err->code : COOP_EIO;
}

/* Removes an unfinished channels.csv; releases the report's copy. */
static void chan_abort(run_ctx *rc)
{
    coop_chan_csv_abort(rc->chan);
    rc->chan = NULL;
    free(rc->chan_last);
    rc->chan_last = NULL;
}

/* Closes hypothesis.csv and channels.csv (when open), synced: the first failure. */
static int files_close(run_ctx *rc, coop_err *err)
{
    int status = coop_hyp_csv_close(rc->csv, err);
    rc->csv = NULL;
    if (!status)
        status = coop_chan_csv_close(rc->chan, err);
    rc->chan = NULL;
    return status;
}

static int on_point(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    (void)cfg;
    run_ctx *rc = ctx;
    rc->last = res;
    rc->points++;
    if ((int)res->cmp[0].verdict >= 0 && (int)res->cmp[0].verdict < COOP_N_VERDICTS)
        rc->count[res->cmp[0].verdict]++;
    if (rc->sweep && rc->table)
        coop_hypothesis_sweep_line(rc->table, res, rc->sweep);
    int st = chan_point(rc, res, err);
    return st ? st : coop_hyp_csv_write(rc->csv, res, err);
}

/* COOPSIM_MPI_STATS: what the statistics cost (items: the run's work items). */
static void print_cost(const coop_hyp_cost *c, const char *serial, double items)
{
    fprintf(stderr, "coopsim: hypothesis statistics: %lld tasks in %.3f s (wall), %.3f s of CPU, "
            "the largest %.3f s; %s: %.3f us per item\n", c->tasks, c->tasks_s, c->task_cpu_s,
            c->task_max_s, serial, 1e6 * c->serial_s / items);
}

static int plain_run(const coop_config *cfg, const coop_hyp_opts *opts, coop_hyp_worlds *w,
                     coop_err *err)
{
    if (opts->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--resume finishes an interrupted sweep; a "
                         "hypothesis test without a sweep group is never left half done");
    int status = COOP_OK, threads = coop_experiment_threads(opts->threads);
    run_ctx *rc = calloc(1, sizeof *rc);
    coop_hyp_collector *col = NULL;
    coop_progress *pg = NULL;
    coop_output *out = NULL;
    char *path = NULL;
    if (!rc) {
        status = COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
        goto out;
    }
    if (!(out = coop_output_open(opts->dir, cfg, opts->force, err))) {
        status = err && err->code ? err->code : COOP_EIO;
        goto out;
    }
    const char *tmp = coop_output_tmpdir(out);
    size_t len = strlen(tmp) + sizeof "/hypothesis.csv";
    if (!(path = malloc(len))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
        goto out;
    }
    snprintf(path, len, "%s/hypothesis.csv", tmp);
    if (!(rc->csv = coop_hyp_csv_open(path, err))) {
        status = err && err->code ? err->code : COOP_EIO;
        goto out;
    }
    snprintf(path, len, "%s/channels.csv", tmp); /* no longer than hypothesis.csv */
    if (cfg->hyp.channels && (status = chan_open(rc, path, err)))
        goto out;
    coop_sink inner = coop_output_sink(out);
    if (!(col = coop_hyp_collector_alloc(w->n, cfg->replicates, (uint32_t)cfg->seed, &inner,
                                         on_point, rc, err))) {
        status = err && err->code ? err->code : COOP_ENOMEM;
        goto out;
    }
    /* the statistics once every item is done, as tasks on the threads and ranks */
    coop_hyp_collector_farm(col, threads, 0);
    coop_hyp_collector_compared_states(col, &cfg->hyp);
    coop_sink csink = coop_hyp_collector_sink(col);
    if (!(pg = coop_progress_alloc(opts->progress, 1, 0, (long long)cfg->replicates * w->n,
                                   opts->stop))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
        goto out;
    }
    const coop_config *cfgs[COOP_HYP_MAX_WORLDS];
    for (int k = 0; k < w->n; k++)
        cfgs[k] = &w->cfg[k];
    coop_plan plan = plain_plan(cfg, w);
    plan.cfg = cfgs;
    coop_run_info info;
    coop_run_info_start(&info, opts->command, threads);
    info.subcommand = "hypothesis";
    coop_sink sink = coop_progress_sink(pg, &csink);
    status = coop_experiment_run_plan(&plan, threads, &sink, err);
    coop_progress_free(pg);
    pg = NULL;
    if (status == COOP_EINTR)
        COOP_FAIL(err, status, "interrupted: nothing written");
    if (!status)
        status = coop_hyp_collector_flush(col, err);
    if (!status && getenv("COOPSIM_MPI_STATS") && *getenv("COOPSIM_MPI_STATS")) {
        coop_hyp_cost cost;
        coop_hyp_collector_cost(col, &cost);
        print_cost(&cost, "the serial part (queue, assemble, write)",
                   (double)cfg->replicates * w->n);
    }
    if (status)
        goto out;
    status = files_close(rc, err);
    if (status)
        goto out;
    coop_run_info_finish(&info, "complete");
    status = coop_output_close(out, &info, err);
    out = NULL; /* released by close, whatever happened */
    if (status)
        goto out;
    if (opts->table && (coop_hypothesis_print(opts->table, rc->last, cfg) != COOP_OK ||
                        (rc->chan_last && cfg->hyp.channels &&
                         coop_channels_print(opts->table, rc->chan_last, cfg) != COOP_OK)))
        status = COOP_FAIL(err, COOP_EIO, "cannot write the verdict table to standard output");
    if (!opts->quiet)
        fprintf(stderr, "coopsim: %d worlds x %d replicates of '%s' written to %s/\n", w->n,
                cfg->replicates, cfg->name, opts->dir);
out:
    coop_progress_free(pg);
    if (rc) {
        coop_hyp_csv_abort(rc->csv);
        chan_abort(rc);
    }
    coop_output_abort(out);
    coop_hyp_collector_free(col);
    free(path);
    free(rc);
    return status;
}

/* The configuration of world `world` at sweep point `point`. */
typedef struct sweep_ctx {
    const coop_sweep *sweep;
    const coop_hypothesis_cfg *hyp;
} sweep_ctx;

static int sweep_world_cfg(void *ctx, int point, int world, coop_config *cfg, coop_err *err)
{
    const sweep_ctx *sc = ctx;
    int st = coop_sweep_config(sc->sweep, point, cfg, err);
    if (!st)
        st = coop_hyp_make_world(cfg, sc->hyp, world, err);
    return st;
}

/* hypothesis.csv of a complete sweep directory, from its outcomes.csv: written to
 * hypothesis.csv.tmp, synced, renamed. */
static int sweep_hypothesis_csv(const coop_config *cfg, const coop_hyp_opts *opts,
                                const coop_sweep *sw, int n_worlds, coop_err *err)
{
    char tmp[COOP_PATH_MAX + 32], final[COOP_PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s/hypothesis.csv.tmp", opts->dir);
    snprintf(final, sizeof final, "%s/hypothesis.csv", opts->dir);
    run_ctx *rc = calloc(1, sizeof *rc);
    if (!rc)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    rc->sweep = sw;
    rc->table = opts->table;
    int status = COOP_OK;
    if (!(rc->csv = coop_hyp_csv_open(tmp, err))) {
        status = err && err->code ? err->code : COOP_EIO;
        goto out;
    }
    const coop_hypothesis_cfg *h = &cfg->hyp;
    char ctmp[COOP_PATH_MAX + 32], cfinal[COOP_PATH_MAX + 32];
    snprintf(ctmp, sizeof ctmp, "%s/channels.csv.tmp", opts->dir);
    snprintf(cfinal, sizeof cfinal, "%s/channels.csv", opts->dir);
    if (h->channels && (status = chan_open(rc, ctmp, err)))
        goto out;
    if (rc->table)
        coop_hypothesis_sweep_header(rc->table, cfg, sw);
    coop_hyp_cost cost;
    if ((status = coop_hypothesis_from_outcomes_farm(opts->dir, cfg, n_worlds, opts->threads,
                                                     on_point, rc, &cost, err)))
        goto out;
    if (getenv("COOPSIM_MPI_STATS") && *getenv("COOPSIM_MPI_STATS")) {
        char what[128] = "outcomes.csv read by its tasks; the serial part (find, queue, "
                         "assemble, write)";
        if (cost.serial_from >= 0)
            snprintf(what, sizeof what, "outcomes.csv read by this process from point %lld; "
                     "the serial part (read, queue, assemble, write)", cost.serial_from);
        print_cost(&cost, what, (double)coop_sweep_size(sw) * cfg->replicates * n_worlds);
    }
    status = files_close(rc, err);
    if (!status && rename(tmp, final) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", final, tmp,
                           strerror(errno));
    if (!status && h->channels && rename(ctmp, cfinal) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", cfinal, ctmp,
                           strerror(errno));
    if (!status && rc->table) {
        coop_hypothesis_sweep_footer(rc->table, rc->points, rc->count, final);
        if (fflush(rc->table) != 0 || ferror(rc->table))
            status = COOP_FAIL(err, COOP_EIO, "cannot write the verdict table to standard "
                               "output");
    }
out:
    if (rc->csv)
        coop_hyp_csv_abort(rc->csv);
    chan_abort(rc);
    free(rc);
    return status;
}

static int sweep_run(const coop_config *cfg, const coop_hyp_opts *opts, coop_hyp_worlds *w,
                     coop_err *err)
{
    coop_sweep *sw = coop_sweep_alloc(cfg, err);
    if (!sw)
        return err && err->code ? err->code : COOP_ENOMEM;
    sweep_ctx sc = {sw, &cfg->hyp};
    coop_drive_opts o = {opts->dir, "hypothesis", opts->command, opts->threads, opts->force,
                         opts->resume, opts->progress, opts->quiet, opts->stop};
    int ran, status = coop_drive_sweep(cfg, sw, w->n, w->names, sweep_world_cfg, &sc, &o, &ran,
                                       err);
    /* The sweep is complete: its hypothesis.csv (again, if it was complete already:
     * the same bytes). */
    if (!status)
        status = sweep_hypothesis_csv(cfg, opts, sw, w->n, err);
    if (!status && !opts->quiet && ran)
        fprintf(stderr, "coopsim: %d points x %d worlds x %d replicates of '%s' written to %s/\n",
                coop_sweep_size(sw), w->n, cfg->replicates, cfg->name, opts->dir);
    coop_sweep_free(sw);
    return status;
}

/* The work of a hypothesis test for a worker rank (coop_hypothesis_work): the
 * worlds, and the sweep when there is one. */
typedef struct hyp_work {
    coop_hyp_worlds *worlds;
    coop_sweep *sweep;
    sweep_ctx sc;
    coop_farm farm;           /* the statistics' tasks (coop_hyp_farm) */
} hyp_work;

/* World `world` of point `point`, as rank 0 runs it: of the sweep's point, or a
 * copy of the world without a sweep. */
static int work_world_cfg(void *ctx, int point, int world, coop_config *cfg, coop_err *err)
{
    hyp_work *hw = ctx;
    if (hw->sweep)
        return sweep_world_cfg(&hw->sc, point, world, cfg, err);
    return coop_config_copy(cfg, &hw->worlds->cfg[world], err);
}

void coop_hypothesis_work_free(coop_work *work)
{
    hyp_work *hw = work ? work->ctx : NULL;
    if (hw) {
        coop_hyp_worlds_free(hw->worlds);
        coop_sweep_free(hw->sweep);
        free(hw);
    }
    if (work)
        memset(work, 0, sizeof *work);
}

int coop_hypothesis_work(const coop_config *cfg, coop_work *work, coop_err *err)
{
    memset(work, 0, sizeof *work);
    hyp_work *hw = calloc(1, sizeof *hw);
    if (!hw)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    work->ctx = hw;
    if (!(hw->worlds = coop_hyp_worlds_alloc(cfg, err)) ||
        (cfg->sweep.present && !(hw->sweep = coop_sweep_alloc(cfg, err)))) {
        coop_hypothesis_work_free(work);
        return err && err->code ? err->code : COOP_ENOMEM;
    }
    const coop_hyp_worlds *w = hw->worlds;
    if (hw->sweep) {
        hw->sc = (sweep_ctx){hw->sweep, &cfg->hyp};
        *work = coop_drive_sweep_work(cfg, hw->sweep, w->n, w->names, work_world_cfg, hw);
    } else {
        work->plan = plain_plan(cfg, w);
        work->make = work_world_cfg;
    }
    hw->farm = coop_hyp_farm();
    work->farm = &hw->farm;
    return COOP_OK;
}

int coop_hypothesis_run(const coop_config *cfg, const coop_hyp_opts *opts, coop_err *err)
{
    if (!cfg || !opts || !opts->dir)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: no configuration or results directory");
    int parts, st = coop_hyp_parts_env(&parts, err);
    if (st)
        return st;
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(cfg, err);
    if (!w)
        return err && err->code ? err->code : COOP_ENOMEM;
    const coop_motivator_cfg *role = &coop_cfg_actor(cfg, cfg->hyp.motivator)->motivator;
    if (!opts->quiet && !cfg->sweep.present && !coop_hyp_has_role(role))
        fprintf(stderr, "coopsim: note: actor '%s' has no motivator strength above 0: the "
                "counterfactual world is the factual one\n",
                coop_cfg_actor_name(cfg, cfg->hyp.motivator));
    int status = cfg->sweep.present ? sweep_run(cfg, opts, w, err) : plain_run(cfg, opts, w, err);
    coop_hyp_worlds_free(w);
    return status;
}
