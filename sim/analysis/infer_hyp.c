/* infer_hyp.c: `coopsim hypothesis CONFIG --posterior DIR` (coop_infer.h): the
 * factual/counterfactual comparison of docs/HYPOTHESIS.md with parameters drawn
 * from the inference posterior in DIR (the last generation of DIR/posterior.csv:
 * the particles of its first model, or of every model in proportion to its
 * posterior probability), K draws of m replicates each, the same draw and the
 * same random numbers in every world of a replicate.  Writes
 * posterior_hypothesis.csv (the effects' distributions and the posterior
 * probabilities of the verdict regions) and prints its table (docs/INFERENCE.md,
 * "Verdicts over the posterior"); the results directory is the command's
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

/* The last generation's particles of DIR/posterior.csv: of the first model
 * (models.csv), or of every model (hypothesis.posterior_models = "all"), each
 * particle's weight then its model's posterior probability times its weight
 * normalised within the model, and its model's overrides (the configuration's
 * infer group) set before its parameters. */
typedef struct coop_infer_draws {
    int n, n_params, all;
    char path[COOP_ABC_MAX_PARAMS][COOP_PATH_MAX];
    coop_param_ref ref[COOP_ABC_MAX_PARAMS];
    double *theta, *w;  /* theta[i * n_params + j] */
    int *model;         /* all: the particle's model, an index into inf->model */
    char model_name[COOP_NAME_MAX];  /* the first model */
    double prob[COOP_ABC_MAX_MODELS]; /* all: models.csv's last generation */
    coop_infer *inf;    /* all: the configuration's infer group (the overrides) */
} draws;

/* The index of model `name` in the configuration's infer group, -1 if none. */
static int model_index(const coop_infer *inf, const char *name)
{
    for (int i = 0; inf && i < inf->n_models; i++)
        if (strcmp(inf->model[i].name, name) == 0)
            return i;
    return -1;
}

static int read_row(coop_csv_reader *c, const char *dir, draws *d, long *gen, int *cap,
                    coop_err *err)
{
    long g;
    double w;
    int st = coop_csv_reader_int(c, 0, &g, err);
    if (!st)
        st = coop_csv_reader_num(c, 3, &w, err);
    if (st)
        return st;
    int mi = model_index(d->inf, c->fld[1]);
    if (d->all ? mi < 0 : strcmp(c->fld[1], d->model_name) != 0)
        return d->all ? COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: model %s is not a model "
                                  "of the configuration's infer group", dir, c->fld[1])
                      : COOP_OK;
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
        int *mm = realloc(d->model, (size_t)*cap * sizeof *mm);
        if (mm)
            d->model = mm;
        if (!t || !ww || !mm)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    for (int j = 0; j < d->n_params && !st; j++)
        st = coop_csv_reader_num(c, 5 + j, &d->theta[(size_t)d->n * d->n_params + j], err);
    d->model[d->n] = mi;
    d->w[d->n++] = w;
    return st;
}

/* models.csv: the first model (its first row: each generation lists the models
 * in configuration order) and, for "all", every model's probability in the last
 * generation. */
static int read_models(const char *dir, draws *d, coop_err *err)
{
    coop_csv_reader c;
    int got = 0, col = -1, pc = -1, st = coop_csv_reader_open(&c, dir, "models.csv", err);
    if (!st && ((col = coop_csv_reader_col(&c, "model")) < 0 ||
                (pc = coop_csv_reader_col(&c, "probability")) < 0))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/models.csv: no `model` or `probability` column",
                       dir);
    if (!st && !(st = coop_csv_reader_next(&c, &got, err)) && !got)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/models.csv: no rows", dir);
    if (!st)
        snprintf(d->model_name, sizeof d->model_name, "%s", c.fld[col]);
    for (long gen = -1, g; !st && got && d->all;
         st = st ? st : coop_csv_reader_next(&c, &got, err)) {
        int mi = model_index(d->inf, c.fld[col]);
        double p;
        if ((st = coop_csv_reader_int(&c, 0, &g, err)) ||
            (st = coop_csv_reader_num(&c, pc, &p, err)))
            break;
        if (mi < 0)
            st = COOP_FAIL(err, COOP_ECONFIG, "%s/models.csv: model %s is not a model of the "
                           "configuration's infer group", dir, c.fld[col]);
        else if (g > gen) { /* a later generation: start again */
            gen = g;
            memset(d->prob, 0, sizeof d->prob);
        }
        if (!st)
            d->prob[mi] = p;
    }
    coop_csv_reader_close(&c);
    return st;
}

/* "all": each particle's weight its model's probability times its weight within
 * the model. */
static void average_models(draws *d)
{
    double sum[COOP_ABC_MAX_MODELS] = {0};
    for (int i = 0; i < d->n; i++)
        sum[d->model[i]] += d->w[i];
    for (int i = 0; i < d->n; i++)
        d->w[i] = sum[d->model[i]] > 0 ? d->prob[d->model[i]] * d->w[i] / sum[d->model[i]] : 0;
}

static int read_draws(const char *dir, const coop_config *cfg, draws *d, coop_err *err)
{
    coop_csv_reader c;
    int st = COOP_OK, got = 1, cap = 0;
    if ((d->all = cfg->hyp.posterior_models == COOP_POST_MODELS_ALL) &&
        !(d->inf = malloc(sizeof *d->inf)))
        st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    if (!st && d->all && (st = coop_infer_load(cfg, d->inf, err))) {
        char why[sizeof err->text];
        snprintf(why, sizeof why, "%s", err->text);
        COOP_FAIL(err, COOP_ECONFIG, "hypothesis.posterior_models = \"all\" needs the models of "
                  "the configuration's infer group: %s", why);
    }
    if (!st)
        st = read_models(dir, d, err);
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
        st = read_row(&c, dir, d, &gen, &cap, err);
    coop_csv_reader_close(&c);
    if (!st && d->n == 0)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: no particles", dir);
    for (int j = 0; !st && !d->all && j < d->n_params; j++)
        if (isnan(d->theta[j]))
            st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: model %s fixes %s: the "
                           "posterior of the first model must give every parameter", dir,
                           d->model_name, d->path[j]);
    double total = 0;
    if (!st && d->all)
        average_models(d);
    for (int i = 0; !st && i < d->n; i++)
        total += d->w[i];
    if (!st && !(total > 0))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv: the particles' weights sum to 0",
                       dir);
    return st;
}

/* The outcomes of every world and replicate: out[(w * R + r) * O + o] pooled and
 * sv[((w * R + r) * S + x) * O + o] per state (S = COOP_MAX_STATES rows). */
typedef struct runs {
    int n_worlds, replicates, n_states;
    int draws, per_draw; /* replicates = draws * per_draw; draw k runs k * m .. k * m + m - 1 */
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

/* Replicate r: draw k's parameters set (after its model's overrides; a model
 * whose draw leaves the motivator no role runs the counterfactual in every world,
 * docs/INFERENCE.md), then every world of docs/HYPOTHESIS.md
 * built from that (coop_hyp_make_world: the counterfactual zeroes the drawn
 * strengths, a placebo moves them) and run with the key of (seed, 0, r). */
static int run_worlds(const coop_config *cfg, const draws *d, int k, int r, const runs *u,
                      coop_err *err)
{
    coop_config base, w;
    memset(&base, 0, sizeof base);
    memset(&w, 0, sizeof w);
    int st = coop_config_copy(&base, cfg, err);
    const coop_infer_model *md = d->all ? &d->inf->model[d->model[k]] : NULL;
    for (int j = 0; !st && md && j < md->n_set; j++) /* the model's overrides */
        st = coop_config_set_param(&base, &md->set_ref[j], COOP_OP_SET, md->set_value[j], err);
    for (int j = 0; !st && j < d->n_params; j++) /* then the particle's parameters */
        if (!isnan(d->theta[(size_t)k * d->n_params + j]))
            st = coop_config_set_param(&base, &d->ref[j], COOP_OP_SET,
                                       d->theta[(size_t)k * d->n_params + j], err);
    uint64_t key = coop_rng_key((uint32_t)cfg->seed, 0, (uint32_t)r);
    /* a draw of a model without the role (model averaging): its effect is 0 by
     * construction, every world the counterfactual (run once, copied) */
    int no_role = !st && md
                  && !coop_hyp_has_role(&coop_cfg_actor(&base, cfg->hyp.motivator)->motivator);
    for (int x = 0; x < (no_role ? 1 : u->n_worlds) && !st; x++) {
        coop_config_destroy(&w);
        if ((st = coop_config_copy(&w, &base, err)) ||
            (st = coop_hyp_make_world(&w, &cfg->hyp, no_role ? COOP_HYP_COUNTERFACTUAL : x,
                                      err)))
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
    for (int x = 1; no_role && !st && x < u->n_worlds; x++) {
        memcpy(pooled(u, x, r), pooled(u, 0, r), sizeof(double) * COOP_N_OUTCOMES);
        memcpy(per_state(u, x, r), per_state(u, 0, r),
               sizeof(double) * COOP_MAX_STATES * COOP_N_OUTCOMES);
    }
    coop_config_destroy(&w);
    coop_config_destroy(&base);
    return st;
}

/* The posterior probabilities of the verdict regions from the oriented paired
 * differences dd[r] (NaN: undefined) of K draws of m replicates: draw k's
 * expected effect estimated by the mean of its defined differences, in region
 * above (> +sesoi), within (|mean| <= sesoi) or below (< -sesoi); out[] = the
 * draws with a defined mean, P(above), P(within), P(below), the binomial Monte
 * Carlo error sqrt(p (1 - p) / K) of each, and the share of draws within 2
 * standard errors s_k / sqrt(n_k) of a region's boundary (NaN when no draw has
 * two defined replicates: one run gives no within-draw noise). */
static void regions(const double *dd, int draws, int m, double sesoi, double out[8])
{
    int n = 0, cnt[3] = {0, 0, 0}, near = 0, with_sd = 0;
    for (int k = 0; k < draws; k++) {
        coop_acc a;
        coop_acc_init(&a);
        for (int j = 0; j < m; j++)
            if (!isnan(dd[(size_t)k * m + j]))
                coop_acc_add(&a, dd[(size_t)k * m + j]);
        coop_summary s;
        coop_acc_summary(&a, &s);
        if (s.n == 0)
            continue;
        n++;
        cnt[s.mean > sesoi ? 0 : s.mean < -sesoi ? 2 : 1]++;
        if (s.n >= 2) {
            double two_se = 2 * s.sd / sqrt((double)s.n);
            with_sd++;
            near += fabs(s.mean - sesoi) < two_se || fabs(s.mean + sesoi) < two_se;
        }
    }
    out[0] = n;
    for (int i = 0; i < 3; i++) {
        double p = n > 0 ? (double)cnt[i] / n : NAN;
        out[1 + i] = p;
        out[4 + i] = n > 0 ? sqrt(p * (1 - p) / n) : NAN;
    }
    out[7] = with_sd > 0 ? (double)near / with_sd : NAN;
}

/* Scratch for one row: d and one the defined differences (and their weights 1),
 * dd every replicate's (NaN where undefined), n replicates. */
typedef struct rowbuf {
    double *d, *one, *dd;
    const runs *u;
} rowbuf;

/* One row of posterior_hypothesis.csv and the table: the paired differences of
 * world w against world 0 in a[] / b[] (stride from the outcome o), oriented as
 * hypothesis.csv's diff, their mean with its 95% t interval, sd, quantiles and
 * the share beyond the SESOI over every replicate, then the verdict regions over
 * the draws (regions()) (table: NULL for a row the table leaves out; it leaves
 * out undefined rows too). */
static void dist_row(const coop_config *cfg, int o, const char *cmp, const char *state,
                     const double *a, const double *b, size_t stride, const rowbuf *rb,
                     FILE *csv, FILE *table)
{
    int n = rb->u->replicates, m = 0, beyond = 0, orient = coop_hypothesis_orientation(o);
    double *d = rb->d, *one = rb->one;
    coop_acc af, ac;
    coop_acc_init(&af);
    coop_acc_init(&ac);
    for (int r = 0; r < n; r++) {
        double x = a[(size_t)r * stride + (size_t)o], y = b[(size_t)r * stride + (size_t)o];
        coop_acc_add(&af, x);
        coop_acc_add(&ac, y);
        rb->dd[r] = NAN;
        if (!isnan(x) && !isnan(y)) { /* oriented as hypothesis.csv's diff */
            d[m] = rb->dd[r] = orient * (x - y);
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
    double p = m > 0 ? (double)beyond / m : NAN, reg[8];
    regions(rb->dd, rb->u->draws, rb->u->per_draw, cfg->hyp.sesoi[o], reg);
    double col[11] = {sf.mean, sc.mean, s.mean, s.ci_lo, s.ci_hi, s.sd, q[0], q[1], q[2],
                      cfg->hyp.sesoi[o], p};
    fputs(coop_outcome_names[o], csv);
    for (int k = 0; k < 11; k++)
        if (isnan(col[k]))
            fputs(",NA", csv);
        else
            fprintf(csv, ",%.10g", col[k]);
    fprintf(csv, ",%d,%s,%s,%d,%d", m, cmp, state, (int)reg[0], rb->u->per_draw);
    for (int k = 1; k < 8; k++)
        if (isnan(reg[k]))
            fputs(",NA", csv);
        else
            fprintf(csv, ",%.10g", reg[k]);
    fputc('\n', csv);
    if (table && m > 0)
        fprintf(table, "%-18s %-6s %-22s %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %8.3f "
                "%7.3f %7.3f %7.3f %6.3f\n", cmp, state, coop_outcome_names[o], s.mean, s.ci_lo,
                s.ci_hi, q[0], q[2], cfg->hyp.sesoi[o], p, reg[1], reg[2], reg[3], reg[7]);
}

/* Per comparison (world 0 against each other compared world) and outcome: the
 * pooled row (state "all"), then the counterfactual's per-state rows (in the
 * table for the primary outcome only). */
static int write_table(const coop_config *cfg, const runs *u, int n_cmp,
                       const char *const *names, FILE *csv, FILE *table)
{
    size_t n = (size_t)u->replicates;
    rowbuf rb = {malloc(n * sizeof *rb.d), malloc(n * sizeof *rb.one), malloc(n * sizeof *rb.dd),
                 u};
    int st = rb.d && rb.one && rb.dd ? COOP_OK : COOP_ENOMEM, actors[COOP_MAX_STATES];
    int n_states = coop_outcome_states(cfg, actors, COOP_MAX_STATES);
    if (n_states > COOP_MAX_STATES)
        n_states = COOP_MAX_STATES;
    if (!st) {
        fputs("outcome,mean_factual,mean_counterfactual,diff,ci_lo,ci_hi,sd,q2.5,q50,q97.5,"
              "sesoi,p_beyond_sesoi,n,comparison,state,draws,replicates_per_draw,p_above,"
              "p_within,p_below,p_above_se,p_within_se,p_below_se,uncertain_share\n", csv);
        if (table)
            fprintf(table, "%-18s %-6s %-22s %10s %10s %10s %10s %10s %10s %8s %7s %7s %7s "
                    "%6s\n", "comparison", "state", "outcome", "diff", "ci_lo", "ci_hi", "q2.5",
                    "q97.5", "sesoi", "P>sesoi", "P(E>+s)", "P(|E|<s)", "P(E<-s)", "unsure");
    }
    for (int w = 1; w < n_cmp && !st; w++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            dist_row(cfg, o, names[w], "all", pooled(u, 0, 0), pooled(u, w, 0), COOP_N_OUTCOMES,
                     &rb, csv, table);
    /* per state, factual vs counterfactual: the state's row x of each replicate */
    size_t stride = (size_t)COOP_MAX_STATES * COOP_N_OUTCOMES;
    for (int x = 0; x < n_states && !st; x++)
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            dist_row(cfg, o, names[COOP_HYP_COUNTERFACTUAL], coop_cfg_actor_name(cfg, actors[x]),
                     per_state(u, 0, 0) + (size_t)x * COOP_N_OUTCOMES,
                     per_state(u, COOP_HYP_COUNTERFACTUAL, 0) + (size_t)x * COOP_N_OUTCOMES,
                     stride, &rb, csv, o == cfg->hyp.primary ? table : NULL);
    free(rb.d);
    free(rb.one);
    free(rb.dd);
    return st ? st : ferror(csv) ? COOP_EIO : COOP_OK;
}

/* Runs every replicate (in parallel; outcomes by replicate index, so the table is
 * the same for any thread count): the K draws a systematic resample of the
 * particles, replicate r = k * m + j the j-th of draw k, with the key of replicate
 * r of `coopsim hypothesis` (so K = experiment.replicates, m = 1 is one draw per
 * replicate). */
static int run_all(const coop_config *cfg, const draws *d, int threads, const runs *u,
                   coop_err *err)
{
    int n = u->replicates, st = COOP_OK;
    int *idx = malloc((size_t)u->draws * sizeof *idx), *status = calloc((size_t)n, sizeof *status);
    coop_err *errs = calloc((size_t)n, sizeof *errs);
    if (!idx || !status || !errs)
        st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    if (!st) {
        double u0 = coop_rng_seed((uint32_t)cfg->seed, COOP_INFER_HYP_POINT, 0, COOP_STREAM_ABC) /
                    4294967296.0;
        coop_abc_systematic(d->w, d->n, u->draws, u0, idx);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int r = 0; r < n; r++)
            status[r] = run_worlds(cfg, d, idx[r / u->per_draw], r, u, &errs[r]);
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
        free(d->model);
        free(d->inf);
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
                         const char *dir, int threads, verdicts *v, coop_err *err)
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
    if (col) /* the statistics as tasks on the threads (and ranks: coop_hyp_farm) */
        coop_hyp_collector_farm(col, threads, COOP_HYP_BATCH);
    for (int w = 0; w < u->n_worlds && !st; w++)
        for (int r = 0; r < u->replicates && !st; r++)
            if (!(st = coop_hyp_collector_add(col, 0, w, hw->names[w], r, cfg, pooled(u, w, r),
                                              err)))
                coop_hyp_collector_add_states(
                    col, w, r, COOP_MAX_STATES,
                    (const double (*)[COOP_N_OUTCOMES])per_state(u, w, r));
    if (!st)
        st = coop_hyp_collector_done(col, 0, u->n_worlds - 1, err);
    if (!st)
        st = coop_hyp_collector_flush(col, err);
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

/* The table's first lines: the design and where the draws come from. */
static void print_head(FILE *table, const draws *d, const runs *u, const char *post_dir)
{
    fprintf(table, "coopsim hypothesis --posterior %s: %d replicates per world (%d draws x %d "
            "replicates per draw), parameters drawn from ", post_dir, u->replicates, u->draws,
            u->per_draw);
    if (!d->all)
        fprintf(table, "model %s's posterior (%d particles)", d->model_name, d->n);
    else {
        fputs("every model's posterior in proportion to its probability (", table);
        for (int i = 0; i < d->inf->n_models; i++)
            fprintf(table, "%s%s %.3g", i ? ", " : "", d->inf->model[i].name, d->prob[i]);
        fprintf(table, "; %d particles)", d->n);
    }
    fputs(", the same draw in every world of a replicate\n\nThe effects' distributions over "
          "the posterior (posterior_hypothesis.csv):\n", table);
}

int coop_infer_hypothesis_write(const coop_config *cfg, const coop_infer_draws *d, int threads,
                                const char *post_dir, const char *dir, FILE *table,
                                coop_err *err)
{
    int m = cfg->hyp.replicates_per_draw;
    int k = cfg->hyp.posterior_draws > 0 ? cfg->hyp.posterior_draws : cfg->replicates;
    if ((long long)k * m > COOP_MAX_REPLICATES)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: hypothesis.posterior_draws (%d) x "
                         "hypothesis.replicates_per_draw (%d) = %lld runs per world: at most %d",
                         cfg->source, k, m, (long long)k * m, COOP_MAX_REPLICATES);
    coop_hyp_worlds *hw = coop_hyp_worlds_alloc(cfg, err);
    if (!hw)
        return err->code ? err->code : COOP_ENOMEM;
    runs u = {hw->n, k * m, COOP_MAX_STATES, k, m, NULL, NULL};
    size_t cells = (size_t)u.n_worlds * (size_t)u.replicates * COOP_N_OUTCOMES;
    u.out = malloc(cells * sizeof *u.out);
    u.sv = malloc(cells * COOP_MAX_STATES * sizeof *u.sv);
    verdicts *v = calloc(1, sizeof *v);
    int st = (!u.out || !u.sv || !v) ? COOP_FAIL(err, COOP_ENOMEM, "out of memory")
                                     : run_all(cfg, d, threads, &u, err);
    if (!st && table)
        print_head(table, d, &u, post_dir);
    if (!st)
        st = dist_file(cfg, &u, hw, dir, table, err);
    if (!st)
        st = verdict_files(cfg, &u, hw, dir, threads, v, err);
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
