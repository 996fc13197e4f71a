/* cmd_validate.c: `coopsim validate` run (coop_validate_run): the replicates of
 * every point scored by validate.c's metrics as the experiment delivers them (and,
 * when the scenario has a motivator role, those of a second world without it,
 * the no_role baseline: it is scored only, never written as a run's results),
 * validation.csv written point by point into a results directory that output.c
 * owns (the usual files of a run, or for a sweep manifest.cfg and points.csv
 * only), a sweep's points driven by drive.c, and the tables printed. */
#include "coop_cmd.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coop_drive.h"
#include "coop_experiment.h"
#include "coop_hypothesis.h"
#include "coop_output.h"
#include "coop_progress.h"
#include "coop_sweep.h"
#include "coop_validate.h"

typedef struct vrun {
    const coop_validation *v;
    const coop_sink *inner;     /* the results directory's sink */
    coop_acc acc[COOP_V_N];
    coop_acc chance[COOP_V_N];  /* random-order expectations of world 0 */
    coop_acc no_role[COOP_V_N]; /* metrics of world 1, the model without the role */
    int n_worlds;               /* 2 with the no_role world, else 1 */
    FILE *csv;
    int sweep;                  /* rows carry a point column */
    const coop_sweep *sw;
    FILE *table;
    int best_point;
    double best_score;
    coop_validation_row best[COOP_V_N + 1];
    coop_validation_row last[COOP_V_N + 1];
} vrun;

static void put_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("NA", f);
    else
        fprintf(f, "%.10g", x);
}

static void csv_rows(FILE *f, int point, const coop_validation_row *rows)
{
    for (int t = 0; t <= COOP_V_N; t++) {
        const coop_validation_row *r = &rows[t];
        if (point >= 0)
            fprintf(f, "%d,", point);
        fprintf(f, "%s", r->target);
        const double head[] = {r->observed, r->mean, r->ci_lo, r->ci_hi, r->score, r->tolerance};
        for (size_t k = 0; k < sizeof head / sizeof *head; k++) {
            fputc(',', f);
            put_num(f, head[k]);
        }
        fprintf(f, ",%s,%s,%s,", r->pass < 0 ? "NA" : r->pass ? "true" : "false", r->status,
                r->baseline);
        put_num(f, r->baseline_mean);
        fputc(',', f);
        put_num(f, r->baseline_score);
        fputc(',', f);
        put_num(f, r->skill);
        fputc('\n', f);
    }
}

static int on_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    vrun *r = ctx;
    double x[COOP_V_N], ch[COOP_V_N];
    coop_validate_replicate(r->v, it->cfg, rec, x);
    if (it->world > 0) { /* the no_role world: a baseline, not a result */
        for (int t = 0; t < COOP_V_N; t++)
            coop_acc_add(&r->no_role[t], x[t]);
        return COOP_OK;
    }
    coop_validate_replicate_chance(r->v, it->cfg, rec, ch);
    for (int t = 0; t < COOP_V_N; t++) {
        coop_acc_add(&r->acc[t], x[t]);
        coop_acc_add(&r->chance[t], ch[t]);
    }
    return r->inner && r->inner->replicate ? r->inner->replicate(r->inner->ctx, it, rec, err)
                                           : COOP_OK;
}

static int on_point_done(void *ctx, int point, int world, const char *world_name,
                         const coop_config *cfg, coop_err *err)
{
    vrun *r = ctx;
    if (world < r->n_worlds - 1) /* the factual world; the no_role one follows */
        return r->inner && r->inner->point_done
                   ? r->inner->point_done(r->inner->ctx, point, world, world_name, cfg, err)
                   : COOP_OK;
    coop_validate_summarise(r->v, r->acc, r->chance, r->n_worlds > 1 ? r->no_role : NULL,
                            r->last);
    for (int t = 0; t < COOP_V_N; t++) {
        coop_acc_init(&r->acc[t]);
        coop_acc_init(&r->chance[t]);
        coop_acc_init(&r->no_role[t]);
    }
    csv_rows(r->csv, r->sweep ? point : -1, r->last);
    double sc = r->last[COOP_V_N].score;
    if (r->best_point < 0 || sc > r->best_score) {
        r->best_point = point, r->best_score = sc;
        memcpy(r->best, r->last, sizeof r->best);
    }
    if (r->sweep && r->table) {
        fprintf(r->table, "%7d  %8.4f ", point, sc);
        for (int t = 0; t < COOP_V_N; t++)
            if (r->v->in_combined[t])
                fprintf(r->table, " %7.3f", r->last[t].score);
        fputc('\n', r->table);
    }
    if (ferror(r->csv))
        return COOP_FAIL(err, COOP_EIO, "validation.csv: write failed");
    return r->inner && r->inner->point_done && world == 0
               ? r->inner->point_done(r->inner->ctx, point, world, world_name, cfg, err)
               : COOP_OK;
}

static const char *yn(int pass)
{
    return pass < 0 ? "NA" : pass ? "yes" : "no";
}

static void print_table(FILE *f, const coop_validation_row *rows)
{
    fprintf(f, "%-26s %10s %10s %21s %7s %7s %5s  %-16s %8s %7s %7s\n", "target", "observed",
            "simulated", "95% CI", "score", "tol", "pass", "status", "b.mean", "b.score",
            "skill");
    for (int t = 0; t <= COOP_V_N; t++) {
        const coop_validation_row *r = &rows[t];
        char ci[48];
        if (isnan(r->ci_lo))
            snprintf(ci, sizeof ci, "%s", "");
        else
            snprintf(ci, sizeof ci, "[%.4g, %.4g]", r->ci_lo, r->ci_hi);
        fprintf(f, "%-26s %10.4g %10.4g %21s %7.3f %7.3g %5s  %-16s %8.4g %7.3f %7.3f\n",
                r->target, r->observed, r->mean, ci, r->score, r->tolerance, yn(r->pass),
                r->status, r->baseline_mean, r->baseline_score, r->skill);
    }
    fputs("b.mean, b.score: the target's mean and score under its baseline: random_order for "
          "tau_signed, tau_in_force, order_signed and late_delay_years, initial_values for the "
          "trade shares, no_role (the motivator's strengths at 0) for the others; skill = "
          "(score - b.score) / (1 - b.score) (docs/VALIDATION.md, \"Chance baselines\").\n",
          f);
}

/* The per-state milestone dates behind the order metrics (printed, not in the csv). */
typedef struct dates_sink {
    const coop_validation *v;
    const coop_sink *inner;
    coop_acc date[3][COOP_V_MAX_STATES], reached[3][COOP_V_MAX_STATES];
} dates_sink;

static int dates_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    dates_sink *d = ctx;
    const coop_validation *v = d->v;
    if (it->world > 0) /* the no_role baseline */
        return d->inner->replicate(d->inner->ctx, it, rec, err);
    int lv[3] = {v->signed_level, v->in_force_level, v->enhanced_level};
    for (int i = 0; i < v->n_states; i++)
        for (int l = 0; l < 3; l++) {
            int s = rec->milestone[(size_t)v->tie[i] * rec->n_levels + (size_t)lv[l]];
            coop_acc_add(&d->date[l][i], coop_validate_milestone_date(it->cfg, s));
            coop_acc_add(&d->reached[l][i], s >= 0);
        }
    return d->inner->replicate(d->inner->ctx, it, rec, err);
}

static int dates_point_done(void *ctx, int point, int world, const char *world_name,
                            const coop_config *cfg, coop_err *err)
{
    dates_sink *d = ctx;
    return d->inner->point_done(d->inner->ctx, point, world, world_name, cfg, err);
}

static void print_dates(FILE *f, const coop_config *cfg, const dates_sink *d)
{
    const coop_validation *v = d->v;
    static const char *const lname[3] = {"signed", "in force", "enhanced"};
    fprintf(f, "\nMilestones of the ties with %s: mean date (never = %g) and share of replicates "
            "that reached it; observed in brackets.\n%-6s", coop_cfg_actor_name(cfg, v->target),
            cfg->end, "");
    for (int l = 0; l < 3; l++)
        fprintf(f, " %-26s", lname[l]);
    fputc('\n', f);
    for (int i = 0; i < v->n_states; i++) {
        fprintf(f, "%-6s", coop_cfg_actor_name(cfg, v->state[i]));
        for (int l = 0; l < 3; l++) {
            double obs = l == 0   ? v->obs_signed[i]
                         : l == 1 ? v->obs_in_force[i]
                                  : (i == v->leader ? v->obs_leader_year : INFINITY);
            char o[16];
            if (isfinite(obs))
                snprintf(o, sizeof o, "%.0f", obs);
            else
                snprintf(o, sizeof o, "never");
            fprintf(f, " %7.1f %5.0f%% [%-5s]%s", d->date[l][i].mean,
                    100 * d->reached[l][i].mean, o, l < 2 ? "     " : "");
        }
        fputc('\n', f);
    }
}

/* The header of the sweep's table: one column per target in the combined score. */
static void print_sweep_header(FILE *f, const coop_validation *v, int n_points)
{
    fprintf(f, "Validation over a sweep of %d points (scores of the targets in the "
            "combined score, in validation.csv order):\n%7s  %8s ", n_points, "point",
            "combined");
    for (int t = 0; t < COOP_V_N; t++)
        if (v->in_combined[t])
            fprintf(f, " %.7s", coop_validate_target_names[t]);
    fputc('\n', f);
}

/* The table after a complete validation: the best point's rows for a sweep, else
 * the rows and the milestone dates. */
static int print_result(const coop_validate_opts *opts, const coop_config *cfg, int sweep,
                        const vrun *r, const dates_sink *ds, coop_err *err)
{
    if (sweep)
        fprintf(opts->table, "\nBest point: %d (combined score %.4f)\n", r->best_point,
                r->best_score);
    else
        fprintf(opts->table, "Validation of '%s' against the record (%d replicates; "
                "docs/VALIDATION.md):\n", cfg->name, cfg->replicates);
    print_table(opts->table, sweep ? r->best : r->last);
    if (!sweep)
        print_dates(opts->table, cfg, ds);
    if (fflush(opts->table) != 0)
        return COOP_FAIL(err, COOP_EIO, "cannot write the validation table");
    return COOP_OK;
}

/* Flushes, syncs and closes validation.csv. */
static int close_csv(FILE *csv, coop_err *err)
{
    int bad = fflush(csv) != 0 || fsync(fileno(csv)) != 0 || ferror(csv);
    if (fclose(csv) != 0 || bad)
        return COOP_FAIL(err, COOP_EIO, "validation.csv: write failed");
    return COOP_OK;
}

/* Opens the results directory: for a sweep, manifest.cfg, points.csv and
 * validation.csv only (the per-replicate files of a calibration search would run
 * to gigabytes; rerun `coopsim validate` on the chosen point for them), else the
 * usual files of a run (coop_output.h) and validation.csv.  Both through
 * coop_output.h: written into a temporary directory and renamed at close. */
static coop_output *open_results(const coop_config *cfg, const coop_sweep *sw,
                                 const coop_validate_opts *opts, FILE **csv, coop_err *err)
{
    coop_output *out = sw ? coop_output_open_bare(opts->dir, cfg, opts->force, err)
                          : coop_output_open(opts->dir, cfg, opts->force, err);
    if (!out) {
        if (!err->code)
            COOP_FAIL(err, COOP_EIO, "%s: cannot create the results directory", opts->dir);
        return NULL;
    }
    char path[2 * COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/validation.csv", coop_output_tmpdir(out));
    if (!(*csv = fopen(path, "w"))) {
        COOP_FAIL(err, COOP_EIO, "%s: cannot create: %s", path, strerror(errno));
    } else if (!sw || !coop_output_write_points(coop_output_tmpdir(out), sw, err)) {
        fprintf(*csv, "%s\n", sw ? coop_validate_csv_header_point : coop_validate_csv_header);
        return out;
    }
    if (*csv)
        fclose(*csv);
    *csv = NULL;
    coop_output_abort(out);
    return NULL;
}

/* The worlds: the factual one and, when the scenario has a motivator, the
 * model without its role (the counterfactual of `coopsim hypothesis`). */
static const char *const world_names[2] = {"factual", "no_role"};

static int has_role(const coop_config *cfg)
{
    int m = cfg->hyp.motivator;
    return m >= 0 && (size_t)m < cfg->n_actors;
}

/* Point p's world w of a sweep (coop_point_cfg_fn): the point, without the role in
 * world 1. */
static int sweep_world(void *sw, int point, int world, coop_config *cfg, coop_err *err)
{
    int st = coop_sweep_config(sw, point, cfg, err);
    return st || world == 0 ? st : coop_hypothesis_remove_role(cfg, cfg->hyp.motivator, err);
}

/* Runs the n_worlds worlds of every point into sink: a sweep through the sweep
 * driver (coop_drive.h), one point as a plan. */
static int run_points(const coop_config *cfg, coop_sweep *sw, int n_worlds,
                      const coop_validate_opts *opts, const coop_sink *inner, coop_err *err)
{
    coop_drive_opts o = {.threads = opts->threads, .progress = opts->progress,
                         .stop = opts->stop};
    if (sw) /* keep_series: the trade metrics read the per-step observables */
        return coop_drive_points(cfg, sw, n_worlds, world_names, sweep_world, sw, 1, &o, inner,
                                 err);
    coop_config no_role;
    memset(&no_role, 0, sizeof no_role);
    int st = n_worlds < 2 ? COOP_OK : coop_config_copy(&no_role, cfg, err);
    if (!st && n_worlds > 1)
        st = coop_hypothesis_remove_role(&no_role, cfg->hyp.motivator, err);
    coop_progress *pg = st ? NULL
                           : coop_progress_alloc(opts->progress, 1, 0,
                                                 n_worlds * cfg->replicates, opts->stop);
    if (!st && !pg)
        st = COOP_FAIL(err, COOP_ENOMEM, "validate: out of memory");
    if (!st) {
        coop_sink sink = coop_progress_sink(pg, inner);
        const coop_config *cfgs[] = {cfg, &no_role};
        coop_plan plan = {
            .n_points = 1,
            .n_worlds = n_worlds,
            .cfg = cfgs,
            .world_name = world_names,
            .replicates = cfg->replicates,
            .seed = (uint32_t)cfg->seed,
            .keep_series = 1,
        };
        st = coop_experiment_run_plan(&plan, coop_experiment_threads(opts->threads), &sink, err);
    }
    coop_progress_free(pg);
    coop_config_destroy(&no_role);
    return st;
}

int coop_validate_run(const coop_config *cfg, const coop_validate_opts *opts, coop_err *err)
{
    coop_validation v;
    int st = coop_validation_load(cfg, &v, err);
    if (st)
        return st;
    coop_sweep *sw = NULL;
    if (cfg->sweep.present && !(sw = coop_sweep_alloc(cfg, err)))
        return err->code ? err->code : COOP_ENOMEM;
    int n_points = sw ? coop_sweep_size(sw) : 1;
    coop_output *out = NULL;
    vrun *r = calloc(1, sizeof *r);
    dates_sink *ds = calloc(1, sizeof *ds);
    if (!r || !ds) {
        st = COOP_FAIL(err, COOP_ENOMEM, "validate: out of memory");
        goto done;
    }
    if (!(out = open_results(cfg, sw, opts, &r->csv, err))) {
        st = err->code;
        goto done;
    }
    r->sweep = sw != NULL;
    r->n_worlds = has_role(cfg) ? 2 : 1;
    r->v = &v;
    r->table = opts->table;
    r->best_point = -1;
    coop_sink osink = coop_output_sink(out);
    r->inner = sw ? NULL : &osink;
    coop_sink vsink = {.ctx = r, .replicate = on_replicate, .point_done = on_point_done};
    ds->v = &v;
    ds->inner = &vsink;
    coop_sink dsink = {.ctx = ds, .replicate = dates_replicate,
                       .point_done = dates_point_done};
    if (sw && opts->table)
        print_sweep_header(opts->table, &v, n_points);
    coop_run_info info;
    coop_run_info_start(&info, opts->command, coop_experiment_threads(opts->threads));
    info.subcommand = "validate";
    if ((st = run_points(cfg, sw, r->n_worlds, opts, sw ? &vsink : &dsink, err)) == COOP_EINTR)
        COOP_FAIL(err, st, "interrupted: nothing written");
    FILE *csv = r->csv;
    r->csv = NULL;
    if (st || (st = close_csv(csv, err)))
        goto done;
    coop_run_info_finish(&info, "complete");
    st = coop_output_close(out, &info, err);
    out = NULL;
    if (!st && opts->table)
        st = print_result(opts, cfg, sw != NULL, r, ds, err);
    if (!st && !opts->quiet)
        fprintf(stderr, "coopsim: %d point%s x %d replicates of '%s' validated, written to %s/\n",
                n_points, n_points == 1 ? "" : "s", cfg->replicates, cfg->name, opts->dir);
done:
    if (r && r->csv)
        fclose(r->csv);
    coop_output_abort(out);
    coop_sweep_free(sw);
    free(r);
    free(ds);
    return st;
}
