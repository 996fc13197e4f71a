/* plot_infer.c: the figures of `coopsim infer` (docs/FIGURES.md): `posterior`, the
 * prior (generation 0, which draws from the priors) and posterior (the last
 * generation, weighted) marginal densities of every model's parameters, from
 * posterior.csv; `pairs`, every pair of a model's parameters, the last
 * generation's particles sized by weight over generation 0's; `models`, the
 * models' posterior probabilities per generation, when there are competing
 * models; and `predictive`, each target's observed value against the posterior
 * predictive interval of each model, from predictive.csv. */
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

/* The parameters model m gives values to in the last generation. */
static size_t free_params(const post *d, int m, size_t *j_of)
{
    size_t k = 0;
    for (size_t j = 0; j < d->n_params; j++)
        for (size_t i = 0; i < d->n; i++)
            if (d->model[i] == m && d->gen[i] == d->last && !isnan(d->v[i * d->n_params + j])) {
                j_of[k++] = j;
                break;
            }
    return k;
}

/* Block k of the pairs' data file: x, y, size, generation (0: the prior draws;
 * 1: the last generation, size growing with the square root of the weight). */
static void pair_block(FILE *o, const post *d, int m, size_t a, size_t b)
{
    double wmax = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->model[i] == m && d->gen[i] == d->last)
            wmax = fmax(wmax, d->w[i]);
    fprintf(o, "# model %s, %s against %s\n", d->models.s[m], d->param[b], d->param[a]);
    for (int pass = 0; pass < 2; pass++) /* the prior's cloud first, under the posterior */
        for (size_t i = 0; i < d->n; i++) {
            double x = d->v[i * d->n_params + a], y = d->v[i * d->n_params + b];
            long want = pass ? d->last : 0;
            if (d->model[i] != m || d->gen[i] != want || isnan(x) || isnan(y) ||
                (pass && !(d->w[i] > 0)))
                continue;
            fprintf(o, "%.10g", x);
            put_num(o, y);
            put_num(o, pass ? 0.4 + 1.6 * sqrt(d->w[i] / wmax) : 0.35);
            fprintf(o, ",%d\n", pass);
        }
    fputs("\n\n", o);
}

/* The `pairs` figure: every pair of the free parameters of each model, up to
 * MAX_PANELS panels. */
static int plot_pairs(plot *p, const post *d, coop_err *err)
{
    const char *file = "posterior_pairs.csv";
    int panel_m[MAX_PANELS], n = 0, st;
    size_t pa[MAX_PANELS], pb[MAX_PANELS], *j_of = malloc((d->n_params + 1) * sizeof *j_of);
    if (!j_of)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    for (int m = 0; m < (int)d->models.n; m++) {
        size_t k = free_params(d, m, j_of);
        for (size_t a = 0; a < k; a++)
            for (size_t b = a + 1; b < k && n < MAX_PANELS; b++)
                panel_m[n] = m, pa[n] = j_of[a], pb[n++] = j_of[b];
    }
    free(j_of);
    if (n == 0) /* no model has two free parameters */
        return COOP_OK;
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    for (int k = 0; k < n; k++)
        pair_block(o, d, panel_m[k], pa[k], pb[k]);
    if ((st = data_close(p, o, file, err)))
        return st;
    fig f;
    const char *what = "pairs: each pair of a model's parameters, the posterior's particles "
                       "(last generation, sized by weight) over the prior's (generation 0)";
    if ((st = fig_open(p, &f, "pairs", what, file, "posterior.csv", err)))
        return st;
    FILE *g = f.gp;
    char title[512];
    snprintf(title, sizeof title, "Pairwise posterior of the inferred parameters (generation "
             "%ld, weighted)", d->last);
    page pg;
    page_open(p, g, &pg, n, PAGE_UNITS, title, 2, 34);
    for (int k = 0; k < n; k++) {
        char pt[COOP_NAME_MAX + 8];
        snprintf(pt, sizeof pt, "%s", d->models.n > 1 ? d->models.s[panel_m[k]] : "");
        page_panel(g, &pg, k, pt, d->param[pa[k]], d->param[pb[k]], 1);
        fprintf(g, "plot '%s' index %d using 1:($4 == 0 ? $2 : NaN) with points pt 7 ps 0.35 "
                   "lc rgb '#c8c8c8' notitle, \\\n     '' index %d using 1:($4 == 1 ? $2 : NaN):3 "
                   "with points pt 7 ps variable lc rgb '%s' notitle\n",
                file, k, k, colour[0]);
    }
    if (page_legend(g, &pg))
        fprintf(g, ", \\\n     keyentry with points pt 7 ps 1 lc rgb '#c8c8c8' title 'prior "
                   "(generation 0)', \\\n     keyentry with points pt 7 ps 1.5 lc rgb '%s' "
                   "title 'posterior (generation %ld; size: weight)'\n", colour[0], d->last);
    page_close(g);
    st = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return st;
}

/* predictive.csv in memory: per row the model, the target, the observed value,
 * the 2.5/50/97.5% quantiles and whether the observed value lies inside (-1 NA). */
typedef struct pred {
    size_t n, cap;
    struct prow {
        int model, target, inside;
        double obs, q[3];
    } *r;
    strtab models, targets;
} pred;

static int load_predictive(plot *p, pred *d, coop_err *err)
{
    static const char *const need[] = {"model", "target", "observed", "q2.5", "q50", "q97.5",
                                       "inside"};
    int idx[7], got = 1;
    coop_csv_reader c;
    int st = coop_csv_reader_open(&c, p->dir, "predictive.csv", err);
    if (!st)
        st = coop_csv_reader_need(&c, need, idx, 7, err);
    while (!st && !(st = coop_csv_reader_next(&c, &got, err)) && got) {
        struct prow *r = coop_grow(d->r, &d->cap, d->n + 1, sizeof *r);
        if (!r)
            st = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading predictive.csv");
        else
            d->r = r, r = &d->r[d->n];
        for (int k = 0; !st && k < 4; k++)
            st = coop_csv_reader_num(&c, idx[2 + k], k ? &r->q[k - 1] : &r->obs, err);
        if (st)
            break;
        const char *in = c.fld[idx[6]];
        r->inside = strcmp(in, "true") == 0 ? 1 : strcmp(in, "false") == 0 ? 0 : -1;
        r->model = strtab_add(&d->models, c.fld[idx[0]]);
        r->target = strtab_add(&d->targets, c.fld[idx[1]]);
        if (r->model < 0 || r->target < 0)
            st = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading predictive.csv");
        else
            d->n++;
    }
    coop_csv_reader_close(&c);
    return st;
}

/* The `predictive` figure's panel of target t: a row per model, its 95%
 * predictive interval with the median (green: the observed value inside it,
 * vermillion: outside) and the observed value as a diamond and a dashed line. */
static void predictive_panel(FILE *g, const pred *d, int t, int k, const char *file)
{
    double obs = NAN;
    for (size_t i = 0; i < d->n; i++)
        if (d->r[i].target == t)
            obs = d->r[i].obs;
    fprintf(g, "unset arrow\nset offsets graph 0.04, graph 0.04, 0, 0\nset yrange [%zu.5:0.5]\n"
               "set ytics (", d->models.n);
    for (size_t m = 0; m < d->models.n; m++)
        fprintf(g, "%s\"%s\" %zu", m ? ", " : "", d->models.s[m], m + 1);
    fputs(")\n", g);
    if (isfinite(obs))
        fprintf(g, "set arrow from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lw 1.5 "
                   "lc rgb '#404040'\n", obs, obs);
    fprintf(g, "plot '%s' index %d using ($7 == 1 ? $5 : NaN):1:4:6 with xerrorbars pt 7 ps 1.6 "
               "lw 2.5 lc rgb '%s' notitle, \\\n     '' index %d using ($7 == 0 ? $5 : NaN):1:4:6 "
               "with xerrorbars pt 7 ps 1.6 lw 2.5 lc rgb '%s' notitle, \\\n     '' index %d "
               "using 3:1 with points pt 12 ps 2.2 lw 2 lc rgb '#404040' notitle\n",
            file, k, verdict_colour[V_SUPPORTED], k, verdict_colour[V_CONTRADICTED], k);
}

/* The `predictive` figure: a panel per target (up to MAX_PANELS), from
 * predictive.csv when the inference wrote one. */
static int plot_predictive(plot *p, const post *dp, coop_err *err)
{
    char path[2 * COOP_PATH_MAX];
    if (plot_join(path, sizeof path, p->dir, "predictive.csv", err) || !plot_is_file(path))
        return COOP_OK; /* infer.predictive = 0 */
    pred d;
    memset(&d, 0, sizeof d);
    const char *file = "predictive_checks.csv";
    int st = load_predictive(p, &d, err), n = (int)d.targets.n;
    n = n < MAX_PANELS ? n : MAX_PANELS;
    FILE *o = st || n == 0 ? NULL : data_open(p, file, err);
    if (!st && n > 0 && !o)
        st = err->code;
    for (int t = 0; o && t < n; t++) {
        fprintf(o, "# target %s\n", d.targets.s[t]);
        for (size_t i = 0; i < d.n; i++)
            if (d.r[i].target == t) {
                fprintf(o, "%d,%s", d.r[i].model + 1, d.models.s[d.r[i].model]);
                put_num(o, d.r[i].obs);
                for (int q = 0; q < 3; q++)
                    put_num(o, d.r[i].q[q]);
                fprintf(o, ",%d\n", d.r[i].inside);
            }
        fputs("\n\n", o);
    }
    fig f;
    const char *what = "predictive: each target's observed value against each model's 95% "
                       "posterior predictive interval";
    if (o && !(st = data_close(p, o, file, err)) &&
        !(st = fig_open(p, &f, "predictive", what, file, "predictive.csv", err))) {
        FILE *g = f.gp;
        char title[512];
        snprintf(title, sizeof title, "Posterior predictive checks (generation %ld): the "
                 "observed value (diamond) against the 95%% interval and median of each model",
                 dp->last);
        fputs("set grid noytics\nset ytics scale 0\n", g);
        page pg;
        page_open(p, g, &pg, n, PAGE_FOREST, title, 2, 40);
        for (int t = 0; t < n; t++) {
            page_panel(g, &pg, t, d.targets.s[t], "value", NULL, 1);
            predictive_panel(g, &d, t, t, file);
        }
        if (page_legend(g, &pg))
            fprintf(g, ", \\\n     keyentry with points pt 7 ps 1.5 lc rgb '%s' title 'observed "
                       "inside the interval', \\\n     keyentry with points pt 7 ps 1.5 lc rgb "
                       "'%s' title 'observed outside', \\\n     keyentry with points pt 12 ps 2 "
                       "lc rgb '#404040' title 'observed value'\n",
                    verdict_colour[V_SUPPORTED], verdict_colour[V_CONTRADICTED]);
        page_close(g);
        st = fig_draw(p, &f, what, err);
        fig_discard(&f);
    }
    free(d.r);
    strtab_free(&d.models);
    strtab_free(&d.targets);
    return st;
}

int plot_infer(plot *p, coop_err *err)
{
    post d;
    int st = load_posterior(p, &d, err);
    if (!st)
        st = plot_marginals(p, &d, err);
    if (!st)
        st = plot_pairs(p, &d, err);
    if (!st)
        st = plot_models(p, &d, err);
    if (!st)
        st = plot_predictive(p, &d, err);
    post_free(&d);
    return st;
}
