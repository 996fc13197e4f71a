/* plot_infer.c: the figures of `coopsim infer` (docs/FIGURES.md): `posterior`, the
 * prior (generation 0, which draws from the priors) and posterior (the last
 * generation, weighted) marginal densities of every model's parameters, from
 * posterior.csv; and `models`, the models' posterior probabilities per
 * generation, from models.csv, when there are competing models. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define BINS 20
#define MAX_PANELS 24

/* posterior.csv in memory. */
typedef struct post {
    size_t n, n_params;
    size_t cap[4];   /* capacities of gen, model, w, v (elements) */
    long *gen;
    int *model;      /* index into models */
    double *w, *v;   /* v[i * n_params + j] */
    char **param;
    strtab models;
    long last;       /* the last generation */
} post;

static void post_free(post *d)
{
    for (size_t j = 0; d->param && j < d->n_params; j++)
        free(d->param[j]);
    free(d->param);
    free(d->gen);
    free(d->model);
    free(d->w);
    free(d->v);
    strtab_free(&d->models);
}

static int post_row(post *d, const coop_csv_reader *c, const int *idx, coop_err *err)
{
    size_t need = d->n + 1;
    long *gen = coop_grow(d->gen, &d->cap[0], need, sizeof *gen);
    if (gen)
        d->gen = gen;
    int *model = coop_grow(d->model, &d->cap[1], need, sizeof *model);
    if (model)
        d->model = model;
    double *w = coop_grow(d->w, &d->cap[2], need, sizeof *w);
    if (w)
        d->w = w;
    double *v = coop_grow(d->v, &d->cap[3], need * (d->n_params ? d->n_params : 1), sizeof *v);
    if (v)
        d->v = v;
    if (!gen || !model || !w || !v)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading posterior.csv");
    int st = coop_csv_reader_int(c, idx[0], &d->gen[d->n], err);
    if (!st)
        st = coop_csv_reader_num(c, idx[3], &d->w[d->n], err);
    for (size_t j = 0; !st && j < d->n_params; j++)
        st = coop_csv_reader_num(c, 5 + (int)j, &d->v[d->n * d->n_params + j], err);
    if (st)
        return st;
    if ((d->model[d->n] = strtab_add(&d->models, c->fld[idx[1]])) < 0)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading posterior.csv");
    if (d->gen[d->n] > d->last)
        d->last = d->gen[d->n];
    d->n++;
    return COOP_OK;
}

static int load_posterior(plot *p, post *d, coop_err *err)
{
    static const char *const need[] = {"generation", "model", "particle", "weight", "distance"};
    int idx[5], got = 1;
    coop_csv_reader c;
    memset(d, 0, sizeof *d);
    int st = coop_csv_reader_open(&c, p->dir, "posterior.csv", err);
    if (!st)
        st = coop_csv_reader_need(&c, need, idx, 5, err);
    if (!st) {
        d->n_params = c.nhead - 5;
        if (!(d->param = calloc(d->n_params + 1, sizeof *d->param)))
            st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        for (size_t j = 0; !st && j < d->n_params; j++)
            if (!(d->param[j] = strdup(c.head[5 + j])))
                st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    while (!st && !(st = coop_csv_reader_next(&c, &got, err)) && got)
        st = post_row(d, &c, idx, err);
    coop_csv_reader_close(&c);
    return st;
}

/* The densities of parameter j of model m: generation 0 (unweighted, the prior)
 * and the last generation (weighted), on BINS bins over both samples' range, as
 * block k of the data file (x, prior, posterior).  0 when the model has no
 * values of j (it fixes the parameter). */
static int panel_block(FILE *o, const post *d, int m, size_t j)
{
    double lo = INFINITY, hi = -INFINITY, h0[BINS] = {0}, h1[BINS] = {0}, s0 = 0, s1 = 0;
    for (size_t i = 0; i < d->n; i++) {
        double x = d->v[i * d->n_params + j];
        if (d->model[i] == m && !isnan(x) && (d->gen[i] == 0 || d->gen[i] == d->last)) {
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
    }
    if (!(lo <= hi))
        return 0;
    if (hi - lo < 1e-12 * (1 + fabs(lo))) {
        lo -= 0.5;
        hi += 0.5;
    }
    double width = (hi - lo) / BINS;
    for (size_t i = 0; i < d->n; i++) {
        double x = d->v[i * d->n_params + j];
        if (d->model[i] != m || isnan(x))
            continue;
        int b = (int)((x - lo) / width);
        b = b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
        if (d->gen[i] == 0) {
            h0[b] += 1;
            s0 += 1;
        }
        if (d->gen[i] == d->last) {
            h1[b] += d->w[i];
            s1 += d->w[i];
        }
    }
    fprintf(o, "# model %s, %s\n", d->models.s[m], d->param[j]);
    for (int b = 0; b <= BINS; b++) { /* steps: the last bin repeated to close it */
        int c = b < BINS ? b : BINS - 1;
        fprintf(o, "%.10g", lo + b * width); /* put_num writes its own leading comma */
        put_num(o, s0 > 0 ? h0[c] / (s0 * width) : NAN);
        put_num(o, s1 > 0 ? h1[c] / (s1 * width) : NAN);
        fputc('\n', o);
    }
    fputs("\n\n", o);
    return 1;
}

/* The `posterior` figure. */
static int plot_marginals(plot *p, const post *d, coop_err *err)
{
    const char *file = "posterior_marginals.csv";
    int panel_m[MAX_PANELS], n = 0, st;
    size_t panel_j[MAX_PANELS];
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    for (int m = 0; m < (int)d->models.n; m++)
        for (size_t j = 0; j < d->n_params && n < MAX_PANELS; j++)
            if (panel_block(o, d, m, j)) {
                panel_m[n] = m;
                panel_j[n++] = j;
            }
    if ((st = data_close(p, o, file, err)) || n == 0)
        return st;
    fig f;
    const char *what = "posterior: prior (generation 0) and posterior (last generation) "
                       "marginal densities of each model's parameters";
    if ((st = fig_open(p, &f, "posterior", what, file, "posterior.csv", err)))
        return st;
    FILE *g = f.gp;
    char title[512];
    snprintf(title, sizeof title, "Prior and posterior of the inferred parameters "
             "(generation %ld)", d->last);
    page pg;
    page_open(p, g, &pg, n, PAGE_PLAIN, title, 2, 34);
    for (int k = 0; k < n; k++) {
        char pt[COOP_PATH_MAX + COOP_NAME_MAX + 8];
        snprintf(pt, sizeof pt, d->models.n > 1 ? "%s: %s" : "%.0s%s",
                 d->models.s[panel_m[k]], d->param[panel_j[k]]);
        page_panel(g, &pg, k, pt, "value", "density", 1);
        fprintf(g, "plot '%s' index %d using 1:2 with steps lw 2 lc rgb '#909090' notitle, \\\n"
                   "     '' index %d using 1:3 with steps lw 2 lc rgb '%s' notitle\n",
                file, k, k, colour[0]);
    }
    if (page_legend(g, &pg))
        fprintf(g, ", \\\n     keyentry with lines lw 2 lc rgb '#909090' title 'prior "
                   "(generation 0)', \\\n     keyentry with lines lw 2 lc rgb '%s' title "
                   "'posterior (generation %ld)'\n", colour[0], d->last);
    page_close(g);
    st = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return st;
}

/* The `models` figure: P(model) per generation (the sums of the models' weights in
 * posterior.csv, as models.csv gives them), with two or more models. */
static int plot_models(plot *p, const post *d, coop_err *err)
{
    if (d->models.n < 2)
        return COOP_OK;
    const char *file = "model_probabilities.csv";
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("generation", o);
    for (size_t m = 0; m < d->models.n; m++)
        fprintf(o, ",%s", d->models.s[m]);
    fputc('\n', o);
    for (long gnr = 0; gnr <= d->last; gnr++) {
        double s[COOP_NAME_MAX] = {0}, total = 0;
        for (size_t i = 0; i < d->n; i++)
            if (d->gen[i] == gnr && d->model[i] < COOP_NAME_MAX) {
                s[d->model[i]] += d->w[i];
                total += d->w[i];
            }
        fprintf(o, "%ld", gnr);
        for (size_t m = 0; m < d->models.n; m++)
            put_num(o, total > 0 ? s[m] / total : NAN);
        fputc('\n', o);
    }
    int st = data_close(p, o, file, err);
    if (st)
        return st;
    fig f;
    const char *what = "models: the posterior probability of each model per generation";
    if ((st = fig_open(p, &f, "models", what, file, "posterior.csv", err)))
        return st;
    FILE *g = f.gp;
    char title[512];
    snprintf(title, sizeof title, "Posterior model probabilities (ABC-SMC model selection)\n%s",
             p->about);
    fputs("set title ", g);
    gq(g, title);
    fputs("\nset xlabel 'generation'\nset ylabel 'posterior probability'\nset yrange [0:1]\n"
          "set key outside below\nplot ", g);
    for (size_t m = 0; m < d->models.n; m++)
        fprintf(g, "%s'%s' using 1:%zu with linespoints lw 2 pt 7 lc rgb '%s' title '%s'",
                m ? ", \\\n     " : "", file, m + 2, colour[m % N_COLOURS], d->models.s[m]);
    fputs("\n", g);
    st = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return st;
}

int plot_infer(plot *p, coop_err *err)
{
    post d;
    int st = load_posterior(p, &d, err);
    if (!st)
        st = plot_marginals(p, &d, err);
    if (!st)
        st = plot_models(p, &d, err);
    post_free(&d);
    return st;
}
