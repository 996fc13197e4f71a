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

/* Replicate r: the draw's parameters set, then the factual and counterfactual
 * runs with the key of (seed, 0, r); their outcomes into f and c. */
static int run_pair(const coop_config *cfg, const draws *d, int k, int r, double *f, double *c,
                    coop_err *err)
{
    coop_config w[2];
    memset(w, 0, sizeof w);
    int st = coop_config_copy(&w[0], cfg, err);
    for (int j = 0; !st && j < d->n_params; j++)
        st = coop_config_set_param(&w[0], &d->ref[j], COOP_OP_SET,
                                   d->theta[(size_t)k * d->n_params + j], err);
    if (!st && !(st = coop_config_copy(&w[1], &w[0], err)))
        st = coop_hypothesis_remove_role(&w[1], cfg->hyp.motivator, err);
    uint64_t key = coop_rng_key((uint32_t)cfg->seed, 0, (uint32_t)r);
    for (int x = 0; x < 2 && !st; x++) {
        coop_record *rec = coop_record_alloc(&w[x], 0);
        coop_model *m = rec ? coop_model_alloc(&w[x], err) : NULL;
        if (!m)
            st = rec ? (err->code ? err->code : COOP_ENOMEM)
                     : COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        else {
            coop_model_set_threads(m, 1);
            coop_model_run(m, key, rec);
            memcpy(x ? c : f, rec->outcome, sizeof rec->outcome);
        }
        coop_model_free(m);
        coop_record_free(rec);
    }
    coop_config_destroy(&w[0]);
    coop_config_destroy(&w[1]);
    return st;
}

/* Per outcome: the paired differences, oriented so that the thesis predicts > 0
 * (as hypothesis.csv's diff: factual - counterfactual, but counterfactual -
 * factual for years_to_enhanced and censored_share): their mean with its 95% t
 * interval, sd and 2.5/50/97.5% quantiles, and the share that exceeds the SESOI. */
static int write_table(const coop_config *cfg, const double *f, const double *c, int n,
                       FILE *csv, FILE *table)
{
    double *d = malloc((size_t)n * sizeof *d), *one = malloc((size_t)n * sizeof *one);
    if (!d || !one) {
        free(d);
        free(one);
        return COOP_ENOMEM;
    }
    fputs("outcome,mean_factual,mean_counterfactual,diff,ci_lo,ci_hi,sd,q2.5,q50,q97.5,sesoi,"
          "p_beyond_sesoi,n\n", csv);
    if (table)
        fprintf(table, "%-22s %10s %10s %10s %10s %10s %10s %8s\n", "outcome", "diff", "ci_lo",
                "ci_hi", "q2.5", "q97.5", "sesoi", "P>sesoi");
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        int m = 0, beyond = 0, orient = coop_hypothesis_orientation(o);
        coop_acc af, ac;
        coop_acc_init(&af);
        coop_acc_init(&ac);
        for (int r = 0; r < n; r++) {
            double a = f[r * COOP_N_OUTCOMES + o], b = c[r * COOP_N_OUTCOMES + o];
            coop_acc_add(&af, a);
            coop_acc_add(&ac, b);
            if (!isnan(a) && !isnan(b)) { /* oriented as hypothesis.csv's diff */
                d[m] = orient * (a - b);
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
        fprintf(csv, "%s,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%d\n",
                coop_outcome_names[o], sf.mean, sc.mean, s.mean, s.ci_lo, s.ci_hi, s.sd, q[0],
                q[1], q[2], cfg->hyp.sesoi[o], p, m);
        if (table)
            fprintf(table, "%-22s %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %8.3f\n",
                    coop_outcome_names[o], s.mean, s.ci_lo, s.ci_hi, q[0], q[2],
                    cfg->hyp.sesoi[o], p);
    }
    free(d);
    free(one);
    return ferror(csv) ? COOP_EIO : COOP_OK;
}

/* Runs every replicate (in parallel; outcomes by replicate index, so the table is
 * the same for any thread count). */
static int run_all(const coop_config *cfg, const draws *d, int threads, double *f, double *c,
                   coop_err *err)
{
    int n = cfg->replicates, st = COOP_OK;
    int *idx = malloc((size_t)n * sizeof *idx), *status = calloc((size_t)n, sizeof *status);
    coop_err *errs = calloc((size_t)n, sizeof *errs);
    if (!idx || !status || !errs)
        st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    if (!st) {
        double u = coop_rng_seed((uint32_t)cfg->seed, COOP_INFER_HYP_POINT, 0, COOP_STREAM_ABC) /
                   4294967296.0;
        coop_abc_systematic(d->w, d->n, n, u, idx);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int r = 0; r < n; r++)
            status[r] = run_pair(cfg, d, idx[r], r, &f[(size_t)r * COOP_N_OUTCOMES],
                                 &c[(size_t)r * COOP_N_OUTCOMES], &errs[r]);
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

int coop_infer_hypothesis_write(const coop_config *cfg, const coop_infer_draws *d, int threads,
                                const char *post_dir, const char *dir, FILE *table,
                                coop_err *err)
{
    double *f = malloc((size_t)cfg->replicates * COOP_N_OUTCOMES * sizeof *f);
    double *c = malloc((size_t)cfg->replicates * COOP_N_OUTCOMES * sizeof *c);
    int st = (!f || !c) ? COOP_FAIL(err, COOP_ENOMEM, "out of memory")
                        : run_all(cfg, d, threads, f, c, err);
    if (!st) {
        char path[COOP_PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/posterior_hypothesis.csv", dir);
        FILE *csv = fopen(path, "w");
        if (table)
            fprintf(table, "coopsim hypothesis --posterior %s: %d replicates, parameters "
                    "drawn from model %s's posterior (%d particles)\n", post_dir,
                    cfg->replicates, d->model, d->n);
        st = csv ? write_table(cfg, f, c, cfg->replicates, csv, table) : COOP_EIO;
        int bad = !csv;
        if (csv) {
            bad = fflush(csv) != 0 || fsync(fileno(csv)) != 0;
            bad |= fclose(csv) != 0;
        }
        if (bad || st)
            st = COOP_FAIL(err, st == COOP_ENOMEM ? st : COOP_EIO, "cannot write %s", path);
    }
    free(f);
    free(c);
    return st;
}
