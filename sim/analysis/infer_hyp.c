/* infer_hyp.c: `coopsim hypothesis CONFIG --posterior DIR` (coop_infer.h): the
 * factual/counterfactual comparison of docs/HYPOTHESIS.md with each replicate's
 * parameters drawn from the inference posterior in DIR (the last generation of
 * DIR/posterior.csv, the particles of its first model), the same draw and the
 * same random numbers in both worlds of a replicate.  Writes
 * posterior_hypothesis.csv and prints its table (docs/INFERENCE.md, "Verdicts
 * over the posterior"); the results directory is the command's
 * (sim/cli/cmd_infer.c). */
#include "coop_infer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coop_channels.h"
#include "coop_csv.h"
#include "coop_hypothesis.h"
#include "coop_rng.h"
#include "coop_stats.h"

/* The last generation's particles of the first model (models.csv) in
 * DIR/posterior.csv. */
typedef struct coop_infer_draws {
    int n, n_params;
    char path[COOP_ABC_MAX_PARAMS][COOP_PATH_MAX];
    coop_param_ref ref[COOP_ABC_MAX_PARAMS];
    double *theta, *w;  /* theta[i * n_params + j] */
    char model[COOP_NAME_MAX];
} draws;

static int read_row(coop_csv_reader *c, draws *d, long *gen, int *cap, coop_err *err)
{
    long g;
    double w;
    int st = coop_csv_reader_int(c, 0, &g, err);
    if (!st)
        st = coop_csv_reader_num(c, 3, &w, err);
    if (st)
        return st;
    if (strcmp(c->fld[1], d->model) != 0)
        return COOP_OK;
    if (g > *gen) { /* a later generation: start again */
        *gen = g;
        d->n = 0;
    }
    if (d->n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        double *t = realloc(d->theta, (size_t)*cap * (size_t)d->n_params * sizeof *t);
        if (t)
            d->theta = t;
        double *ww = realloc(d->w, (size_t)*cap * sizeof *ww);
        if (ww)
            d->w = ww;
        if (!t || !ww)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    for (int j = 0; j < d->n_params && !st; j++)
        st = coop_csv_reader_num(c, 5 + j, &d->theta[(size_t)d->n * d->n_params + j], err);
    d->w[d->n++] = w;
    return st;
}

/* The first model, infer.models.0: the model of models.csv's first row (each
 * generation lists the models in configuration order). */
static int first_model(const char *dir, draws *d, coop_err *err)
{
    coop_csv_reader c;
    int got = 0, col = -1, st = coop_csv_reader_open(&c, dir, "models.csv", err);
    if (!st && (col = coop_csv_reader_col(&c, "model")) < 0)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/models.csv: no `model` column", dir);
    if (!st && !(st = coop_csv_reader_next(&c, &got, err)) && !got)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/models.csv: no rows", dir);
    if (!st)
        snprintf(d->model, sizeof d->model, "%s", c.fld[col]);
    coop_csv_reader_close(&c);
    return st;
}

static int read_draws(const char *dir, const coop_config *cfg, draws *d, coop_err *err)
{
    coop_csv_reader c;
    int st = first_model(dir, d, err), got = 1, cap = 0;
    if (!st)
        st = coop_csv_reader_open(&c, dir, "posterior.csv", err);
    else
        memset(&c, 0, sizeof c);
    long gen = -1;
    if (!st && (c.nhead < 6 || strcmp(c.head[0], "generation") || strcmp(c.head[1], "model") ||
                strcmp(c.head[3], "weight")))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: not a coopsim infer posterior "
                       "(generation,model,particle,weight,distance, then parameters)", dir);
    if (!st && c.nhead - 5 > COOP_ABC_MAX_PARAMS)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: too many parameters", dir);
    for (size_t j = 0; !st && j + 5 < c.nhead; j++) {
        snprintf(d->path[j], sizeof d->path[j], "%s", c.head[5 + j]);
        if ((st = coop_config_resolve(cfg, d->path[j], &d->ref[j], err)))
            COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: parameter %s is not a parameter of "
                      "%s", dir, d->path[j], cfg->source);
        d->n_params++;
    }
    while (!st && !(st = coop_csv_reader_next(&c, &got, err)) && got)
        st = read_row(&c, d, &gen, &cap, err);
    coop_csv_reader_close(&c);
    if (!st && d->n == 0)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: no particles", dir);
    for (int j = 0; !st && j < d->n_params; j++)
        if (isnan(d->theta[j]))
            st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: model %s fixes %s: the "
                           "posterior of the first model must give every parameter", dir,
                           d->model, d->path[j]);
    return st;
}

/* The outcomes of every world and replicate: out[(w * R + r) * O + o] pooled and
 * sv[((w * R + r) * S + x) * O + o] per state (S = COOP_MAX_STATES rows). */
typedef struct runs {
    int n_worlds, replicates, n_states;
    double *out, *sv;
} runs;

static double *pooled(const runs *u, int w, int r)
{
    return &u->out[((size_t)w * (size_t)u->replicates + (size_t)r) * COOP_N_OUTCOMES];
}

static double *per_state(const runs *u, int w, int r)
{
    return &u->sv[((size_t)w * (size_t)u->replicates + (size_t)r) * COOP_MAX_STATES *
                  COOP_N_OUTCOMES];
}

/* Replicate r: the draw's parameters set, then every world of docs/HYPOTHESIS.md
 * built from that (coop_hyp_make_world: the counterfactual zeroes the drawn
 * strengths, a placebo moves them) and run with the key of (seed, 0, r). */
static int run_worlds(const coop_config *cfg, const draws *d, int k, int r, const runs *u,
                      coop_err *err)
{
    coop_config base, w;
    memset(&base, 0, sizeof base);
    memset(&w, 0, sizeof w);
    int st = coop_config_copy(&base, cfg, err);
    for (int j = 0; !st && j < d->n_params; j++)
        st = coop_config_set_param(&base, &d->ref[j], COOP_OP_SET,
                                   d->theta[(size_t)k * d->n_params + j], err);
    uint64_t key = coop_rng_key((uint32_t)cfg->seed, 0, (uint32_t)r);
    for (int x = 0; x < u->n_worlds && !st; x++) {
        coop_config_destroy(&w);
        if ((st = coop_config_copy(&w, &base, err)) ||
            (st = coop_hyp_make_world(&w, &cfg->hyp, x, err)))
            break;
        coop_record *rec = coop_record_alloc(&w, 0);
        coop_model *m = rec ? coop_model_alloc(&w, err) : NULL;
        if (!m)
            st = rec ? (err->code ? err->code : COOP_ENOMEM)
                     : COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        else {
            coop_model_set_threads(m, 1);
            coop_model_run(m, key, rec);
            memcpy(pooled(u, x, r), rec->outcome, sizeof rec->outcome);
            memcpy(per_state(u, x, r), rec->state_outcome, sizeof rec->state_outcome);
        }
        coop_model_free(m);
        coop_record_free(rec);
    }
    coop_config_destroy(&w);
    coop_config_destroy(&base);
    return st;
}

/* One row of posterior_hypothesis.csv and the table: the n oriented paired
 * differences of world w against world 0 in a[] / b[] (stride O from the
 * outcome), their mean with its 95% t interval, sd, quantiles and the share beyond
 * the SESOI (table: NULL for a row the table leaves out; it leaves out undefined
 * rows too). */
static void dist_row(const coop_config *cfg, int o, const char *cmp, const char *state,
                     const double *a, const double *b, size_t stride, int n, double *d,
                     double *one, FILE *csv, FILE *table)
{
    int m = 0, beyond = 0, orient = coop_hypothesis_orientation(o);
    coop_acc af, ac;
    coop_acc_init(&af);
    coop_acc_init(&ac);
    for (int r = 0; r < n; r++) {
        double x = a[(size_t)r * stride + (size_t)o], y = b[(size_t)r * stride + (size_t)o];
        coop_acc_add(&af, x);
        coop_acc_add(&ac, y);
        if (!isnan(x) && !isnan(y)) { /* oriented as hypothesis.csv's diff */
            d[m] = orient * (x - y);
            beyond += d[m] > cfg->hyp.sesoi[o];
            one[m++] = 1.0;
        }
    }
    coop_summary s, sf, sc;
    coop_summary_of(d, (size_t)m, 1, &s);
    coop_acc_summary(&af, &sf);
    coop_acc_summary(&ac, &sc);
    double q[3] = {coop_abc_quantile(d, one, m, 0.025), coop_abc_quantile(d, one, m, 0.5),
                   coop_abc_quantile(d, one, m, 0.975)};
    double p = m > 0 ? (double)beyond / m : NAN;
    double col[11] = {sf.mean, sc.mean, s.mean, s.ci_lo, s.ci_hi, s.sd, q[0], q[1], q[2],
                      cfg->hyp.sesoi[o], p};
    fputs(coop_outcome_names[o], csv);
    for (int k = 0; k < 11; k++)
        if (isnan(col[k]))
            fputs(",NA", csv);
        else
            fprintf(csv, ",%.10g", col[k]);
    fprintf(csv, ",%d,%s,%s\n", m, cmp, state);
    if (table && m > 0)
        fprintf(table, "%-18s %-6s %-22s %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %8.3f\n", cmp,
                state, coop_outcome_names[o], s.mean, s.ci_lo, s.ci_hi, q[0], q[2],
                cfg->hyp.sesoi[o], p);
}

/* Per comparison (world 0 against each other compared world) and outcome: the
 * pooled row (state "all"), then the counterfactual's per-state rows (in the
 * table for the primary outcome only). */
static int write_table(const coop_config *cfg, const runs *u, int n_cmp,
                       const char *const *names, FILE *csv, FILE *table)
{
    int n = u->replicates;
    double *d = malloc((size_t)n * sizeof *d), *one = malloc((size_t)n * sizeof *one);
    int st = d && one ? COOP_OK : COOP_ENOMEM, actors[COOP_MAX_STATES];
    int n_states = coop_outcome_states(cfg, actors, COOP_MAX_STATES);
    if (n_states > COOP_MAX_STATES)
        n_states = COOP_MAX_STATES;
    if (!st) {
        fputs("outcome,mean_factual,mean_counterfactual,diff,ci_lo,ci_hi,sd,q2.5,q50,q97.5,"
              "sesoi,p_beyond_sesoi,n,comparison,state\n", csv);
        if (table)
            fprintf(table, "%-18s %-6s %-22s %10s %10s %10s %10s %10s %10s %8s\n", "comparison",
                    "state", "outcome", "diff", "ci_lo", "ci_hi", "q2.5", "q97.5", "sesoi",
                    "P>sesoi");
    }
    for (int w = 1; w < n_cmp && !st; w++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            dist_row(cfg, o, names[w], "all", pooled(u, 0, 0), pooled(u, w, 0), COOP_N_OUTCOMES,
                     n, d, one, csv, table);
    /* per state, factual vs counterfactual: the state's row x of each replicate */
    size_t stride = (size_t)COOP_MAX_STATES * COOP_N_OUTCOMES;
    for (int x = 0; x < n_states && !st; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            dist_row(cfg, o, names[COOP_HYP_COUNTERFACTUAL], cfg->actors[actors[x]].name,
                     per_state(u, 0, 0) + (size_t)x * COOP_N_OUTCOMES,
                     per_state(u, COOP_HYP_COUNTERFACTUAL, 0) + (size_t)x * COOP_N_OUTCOMES,
                     stride, n, d, one, csv, o == cfg->hyp.primary ? table : NULL);
    free(d);
    free(one);
    return st ? st : ferror(csv) ? COOP_EIO : COOP_OK;
}

/* Runs every replicate (in parallel; outcomes by replicate index, so the table is
 * the same for any thread count). */
static int run_all(const coop_config *cfg, const draws *d, int threads, const runs *u,
                   coop_err *err)
{
    int n = cfg->replicates, st = COOP_OK;
    int *idx = malloc((size_t)n * sizeof *idx), *status = calloc((size_t)n, sizeof *status);
    coop_err *errs = calloc((size_t)n, sizeof *errs);
    if (!idx || !status || !errs)
        st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    if (!st) {
        double u0 = coop_rng_seed((uint32_t)cfg->seed, COOP_INFER_HYP_POINT, 0, COOP_STREAM_ABC) /
                    4294967296.0;
        coop_abc_systematic(d->w, d->n, n, u0, idx);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int r = 0; r < n; r++)
            status[r] = run_worlds(cfg, d, idx[r], r, u, &errs[r]);
        for (int r = 0; r < n && !st; r++)
            if ((st = status[r]))
                *err = errs[r];
    }
    free(idx);
    free(status);
    free(errs);
    return st;
}

coop_infer_draws *coop_infer_draws_read(const char *post_dir, const coop_config *cfg,
                                        coop_err *err)
{
    draws *d = calloc(1, sizeof *d);
    int st = !d ? COOP_FAIL(err, COOP_ENOMEM, "out of memory") : read_draws(post_dir, cfg, d, err);
    if (st) {
        coop_infer_draws_free(d);
        return NULL;
    }
    return d;
}

void coop_infer_draws_free(coop_infer_draws *d)
{
    if (d) {
        free(d->theta);
        free(d->w);
    }
    free(d);
}

/* The plain test's report over the posterior runs: hypothesis.csv (and
 * channels.csv) written, the point kept for the printed table. */
typedef struct verdicts {
    coop_hyp_csv *csv;
    coop_chan_csv *chan;
    coop_hyp_point last;
    coop_chan_point chan_last;
    int has_chan;
} verdicts;

static int on_point(void *ctx, const coop_hyp_point *res, const coop_config *cfg, coop_err *err)
{
    (void)cfg;
    verdicts *v = ctx;
    v->last = *res;
    if (res->channels && v->chan) {
        v->chan_last = *res->channels;
        v->has_chan = 1;
        int st = coop_chan_csv_write(v->chan, res->channels, err);
        if (st)
            return st;
    }
    return coop_hyp_csv_write(v->csv, res, err);
}

/* The runs fed to the collector of `coopsim hypothesis` in item order (world,
 * then replicate): its comparisons, per-state rows, placebos and channels, with
 * the verdicts, into dir/hypothesis.csv (dir/channels.csv). */
static int verdict_files(const coop_config *cfg, const runs *u, const coop_hyp_worlds *hw,
                         const char *dir, verdicts *v, coop_err *err)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/hypothesis.csv", dir);
    int st = (v->csv = coop_hyp_csv_open(path, err)) ? COOP_OK : err->code ? err->code : COOP_EIO;
    snprintf(path, sizeof path, "%s/channels.csv", dir);
    if (!st && cfg->hyp.channels && !(v->chan = coop_chan_csv_open(path, err)))
        st = err->code ? err->code : COOP_EIO;
    coop_hyp_collector *col = st ? NULL
                                 : coop_hyp_collector_alloc(u->n_worlds, u->replicates,
                                                            (uint32_t)cfg->seed, NULL, on_point,
                                                            v, err);
    if (!st && !col)
        st = err->code ? err->code : COOP_ENOMEM;
    for (int w = 0; w < u->n_worlds && !st; w++)
        for (int r = 0; r < u->replicates && !st; r++)
            if (!(st = coop_hyp_collector_add(col, 0, w, hw->names[w], r, cfg, pooled(u, w, r),
                                              err)))
                coop_hyp_collector_add_states(
                    col, w, r, COOP_MAX_STATES,
                    (const double (*)[COOP_N_OUTCOMES])per_state(u, w, r));
    if (!st)
        st = coop_hyp_collector_done(col, 0, u->n_worlds - 1, err);
    coop_hyp_collector_free(col);
    if (!st && !(st = coop_hyp_csv_close(v->csv, err)))
        st = coop_chan_csv_close(v->chan, err);
    else {
        coop_hyp_csv_abort(v->csv);
        coop_chan_csv_abort(v->chan);
    }
    v->csv = NULL, v->chan = NULL;
    return st;
}

/* posterior_hypothesis.csv: the effects' distributions over the posterior. */
static int dist_file(const coop_config *cfg, const runs *u, const coop_hyp_worlds *hw,
                     const char *dir, FILE *table, coop_err *err)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/posterior_hypothesis.csv", dir);
    FILE *csv = fopen(path, "w");
    int n_cmp = 2 + cfg->hyp.n_placebo;
    int st = csv ? write_table(cfg, u, n_cmp, hw->names, csv, table) : COOP_EIO;
    int bad = !csv;
    if (csv) {
        bad = fflush(csv) != 0 || fsync(fileno(csv)) != 0;
        bad |= fclose(csv) != 0;
    }
    if (bad || st)
        st = COOP_FAIL(err, st == COOP_ENOMEM ? st : COOP_EIO, "cannot write %s", path);
    return st;
}

int coop_infer_hypothesis_write(const coop_config *cfg, const coop_infer_draws *d, int threads,
                                const char *post_dir, const char *dir, FILE *table,
                                coop_err *err)
{
    coop_hyp_worlds *hw = coop_hyp_worlds_alloc(cfg, err);
    if (!hw)
        return err->code ? err->code : COOP_ENOMEM;
    runs u = {hw->n, cfg->replicates, COOP_MAX_STATES, NULL, NULL};
    size_t cells = (size_t)u.n_worlds * (size_t)u.replicates * COOP_N_OUTCOMES;
    u.out = malloc(cells * sizeof *u.out);
    u.sv = malloc(cells * COOP_MAX_STATES * sizeof *u.sv);
    verdicts *v = calloc(1, sizeof *v);
    int st = (!u.out || !u.sv || !v) ? COOP_FAIL(err, COOP_ENOMEM, "out of memory")
                                     : run_all(cfg, d, threads, &u, err);
    if (!st && table)
        fprintf(table, "coopsim hypothesis --posterior %s: %d replicates per world, parameters "
                "drawn from model %s's posterior (%d particles), the same draw in every world "
                "of a replicate\n\nThe effects' distributions over the posterior "
                "(posterior_hypothesis.csv):\n", post_dir, cfg->replicates, d->model, d->n);
    if (!st)
        st = dist_file(cfg, &u, hw, dir, table, err);
    if (!st)
        st = verdict_files(cfg, &u, hw, dir, v, err);
    if (!st && table) {
        fprintf(table, "\nThe test of docs/HYPOTHESIS.md on the same runs (hypothesis.csv; its "
                "intervals include the parameter uncertainty):\n");
        if (coop_hypothesis_print(table, &v->last, cfg) != COOP_OK ||
            (v->has_chan && coop_channels_print(table, &v->chan_last, cfg) != COOP_OK))
            st = COOP_FAIL(err, COOP_EIO, "cannot write the verdict table to standard output");
    }
    free(v);
    free(u.out);
    free(u.sv);
    coop_hyp_worlds_free(hw);
    return st;
}
