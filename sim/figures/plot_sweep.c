/* plot_sweep.c: the sweep figures of `coopsim plot` (figure 5: outcomes, effect
 * and verdict against the swept parameters, as lines, grid maps or one panel per
 * parameter) and the calibration figure of a validation sweep (figure 5d). */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 4        /* worlds or comparisons one sweep panel overlays */

/* ---------------------------------------------------------------- sweeps */

/* SW_LINE: one parameter varies (lines against it); SW_GRID: the first two of
 * two or more form a full grid (heat maps over them); SW_PANELS: anything else
 * (Latin hypercube, Sobol, lists, grids of three or more): one panel per varied
 * parameter, the plotted value against that parameter. */
enum { SW_LINE, SW_GRID, SW_PANELS };

#define MAX_SWEPT 64

typedef struct sweep {
    int mode;
    size_t px, py;          /* the parameters on the x (and y) axis */
    int *order;             /* rows by x (line) or by (y, x) (maps) */
    int *xi, *yi;           /* rank of each row's values among the distinct values */
    double *xs, *ys;        /* distinct values, ascending */
    int nx, ny;
    int logx;               /* SW_LINE: the parameter is sampled on a log scale */
    size_t var[MAX_SWEPT];  /* the parameters that vary, in points.csv's order */
    int nv;
} sweep;

static void sweep_free(sweep *s)
{
    free(s->order);
    free(s->xi);
    free(s->yi);
    free(s->xs);
    free(s->ys);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The distinct values of parameter j, ascending, and each row's rank among them. */
static int distinct(const plot *p, size_t j, double **vals, int *n, int *rank)
{
    size_t np = p->n_points;
    double *v = malloc(np * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < np; i++)
        v[i] = p->pv[i * p->n_params + j];
    qsort(v, np, sizeof *v, cmp_double);
    int k = 0;
    for (size_t i = 0; i < np; i++)
        if (i == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    for (size_t i = 0; i < np; i++) {
        double x = p->pv[i * p->n_params + j];
        const double *at = bsearch(&x, v, (size_t)k, sizeof *v, cmp_double);
        rank[i] = at ? (int)(at - v) : 0; /* NaN: rank 0 */
    }
    *vals = v;
    *n = k;
    return 0;
}

/* Whether parameter j of points.csv is sampled on a log scale: the sweep group
 * says so (`log = true`, lhs and sobol only); grids and lists give their values
 * as they are, on the parameter's own (linear) scale. */
static int param_log(const plot *p, size_t j)
{
    const coop_sweep_cfg *sw = &p->cfg.sweep;
    if (!sw->present || (sw->method != COOP_SWEEP_LHS && sw->method != COOP_SWEEP_SOBOL))
        return 0;
    for (size_t k = 0; k < sw->n_params; k++)
        if (strcmp(sw->params[k].path, p->param[j]) == 0)
            return sw->params[k].log;
    return 0;
}

static int sweep_design(const plot *p, sweep *s, coop_err *err)
{
    size_t np = p->n_points;
    memset(s, 0, sizeof *s);
    s->nv = p->n_params <= MAX_SWEPT ? (int)varying_params(p, s->var) : 0;
    if (s->nv == 0)
        return COOP_OK;
    s->order = malloc(np * sizeof *s->order);
    s->xi = malloc(np * sizeof *s->xi);
    s->yi = calloc(np, sizeof *s->yi);
    if (!s->order || !s->xi || !s->yi)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    s->px = s->var[0];
    if (distinct(p, s->px, &s->xs, &s->nx, s->xi))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    s->logx = param_log(p, s->px);
    if (s->nv == 1) {
        s->mode = SW_LINE;
        s->ny = 1;
    } else {
        s->py = s->var[1];
        if (distinct(p, s->py, &s->ys, &s->ny, s->yi))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        int unique = 1;
        for (size_t a = 0; a < np && unique; a++)
            for (size_t b = a + 1; b < np && unique; b++)
                unique = !(s->xi[a] == s->xi[b] && s->yi[a] == s->yi[b]);
        s->mode = unique && (size_t)s->nx * s->ny == np ? SW_GRID : SW_PANELS;
    }
    for (size_t i = 0; i < np; i++)
        s->order[i] = (int)i;
    if (s->mode == SW_PANELS)
        return COOP_OK;
    for (size_t i = 1; i < np; i++) /* insertion sort: by (yi, xi, point) */
        for (size_t k = i; k > 0; k--) {
            int a = s->order[k - 1], b = s->order[k];
            if (s->yi[a] < s->yi[b] || (s->yi[a] == s->yi[b] && s->xi[a] <= s->xi[b]))
                break;
            s->order[k - 1] = b;
            s->order[k] = a;
        }
    return COOP_OK;
}

/* Tick labels of a categorical (rank) axis: the parameter values, at most ~12. */
static void rank_tics(FILE *g, const char *axis, const double *v, int n)
{
    int every = (n + 11) / 12;
    fprintf(g, "set %stics (", axis);
    for (int i = 0, k = 0; i < n; i += every, k++)
        fprintf(g, "%s\"%g\" %d", k ? ", " : "", v[i], i);
    fprintf(g, ")\nset %srange [-0.5:%d.5]\n", axis, n - 1);
}

/* The axes of a sweep panel: the parameter's values for lines (log only when
 * the sweep samples it so), ranks labelled with the values for grid maps. */
static void sweep_axes(const sweep *s, FILE *g)
{
    if (s->mode == SW_GRID) {
        rank_tics(g, "x", s->xs, s->nx);
        rank_tics(g, "y", s->ys, s->ny);
        /* A hatched background: a cell with no value (NA) shows it, unlike a zero. */
        fputs("set grid noxtics noytics\nset tics scale 0\n"
              "set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind "
              "fillcolor rgb '#BDBDBD' fillstyle pattern 4 noborder\n",
              g);
        return;
    }
    fprintf(g, "%s", s->logx ? "set logscale x\n" : "");
    fputs("set autoscale xfix\nset offsets graph 0.03, graph 0.03, 0, 0\n", g);
}

/* The worlds that have outcome data, in drawing order, at most MAX_LINES. */
static int outcome_worlds(const plot *p, const odata *od, int *w)
{
    int n = 0, r[MAX_WORLDS];
    for (size_t k = 0; k < p->worlds.n && k < MAX_WORLDS; k++) {
        int any = 0;
        for (size_t i = 0; i < p->n_points && !any; i++)
            for (size_t o = 0; o < p->outcomes.n && o < MAX_OUTCOMES && !any; o++)
                any = oacc(od, (int)i, (int)k, (int)o)->n > 0;
        if (any)
            r[n++] = (int)k;
    }
    for (int i = 1; i < n; i++) /* by rank */
        for (int j = i; j > 0 && world_rank(p, r[j - 1]) > world_rank(p, r[j]); j--) {
            int t = r[j];
            r[j] = r[j - 1];
            r[j - 1] = t;
        }
    for (int i = 0; i < n && i < MAX_LINES; i++)
        w[i] = r[i];
    return n < MAX_LINES ? n : MAX_LINES;
}

/* Writes the first columns of a sweep data row: point, ranks and values. */
static void sweep_row(const plot *p, const sweep *s, FILE *o, int r)
{
    fprintf(o, "%ld,%d,%d", p->point_id[r], s->xi[r], s->yi[r]);
    put_num(o, p->pv[r * p->n_params + s->px]);
    put_num(o, s->mode == SW_LINE ? NAN : p->pv[r * p->n_params + s->py]);
}

/* Grid maps whose cells rest on different numbers of replicates (an outcome
 * undefined in some replicates: NA) say so: the title line and the label style. */
#define N_NOTE "\nn=K in a cell: the replicates behind it; outlined: fewer than the run's"
#define N_STYLE "set style textbox opaque fillcolor rgb 'white' noborder margins 1, 1\n"

/* One panel of a sweep figure per outcome: lines with CI bands along one
 * parameter (columns "NAME lo/hi/VALUE" of `file` for each of the n keys), or a
 * map of the first key's VALUE over two. */
static void sweep_panels(const plot *p, const sweep *s, FILE *g, const page *pg,
                         const char *file, char (*on)[COOP_NAME_MAX * 2], const int *outs, int no,
                         char (*key)[COOP_NAME_MAX * 2], const char *const *colours,
                         const int *dash, int n, const char *value, int effect,
                         const double *range, int show_n)
{
    const char *xl = p->param[s->px], *yl = s->mode == SW_LINE ? NULL : p->param[s->py];
    for (int k = 0; k < no; k++) {
        int fewer;
        const char *unit = outcome_unit(p->outcomes.s[outs[k]], &fewer);
        char lab[128];
        snprintf(lab, sizeof lab, "%s%s", unit, effect && fewer ? " (other - factual)" : "");
        page_panel(g, pg, k, p->outcomes.s[outs[k]], xl, s->mode == SW_LINE ? lab : yl, 0);
        if (s->mode == SW_LINE) {
            fputs("plot ", g);
            for (int q = 0; q < n; q++)
                fprintf(g, "%s'%s' using 'x':'%s %s lo':'%s %s hi' with filledcurves lc rgb '%s'",
                        q ? ", \\\n     " : "", file, on[k], key[q], on[k], key[q], colours[q]);
            for (int q = 0; q < n; q++)
                fprintf(g, ", \\\n     '%s' using 'x':'%s %s %s' with linespoints lw %d pt 7 "
                           "ps 1.2 dt %d lc rgb '%s'",
                        file, on[k], key[q], value, dash[q] == 1 ? 3 : 2, dash[q], colours[q]);
            fputc('\n', g);
            continue;
        }
        if (effect) {
            double m = range[k] > 0 ? range[k] : 1;
            fprintf(g, "set cbrange [%.6g:%.6g]\n", -m, m);
        }
        fputs("set cblabel ", g);
        gq(g, lab);
        fputc('\n', g);
        fprintf(g, "plot '%s' using 'i':'j':(0.5):(0.5):'%s %s %s' with boxxyerror "
                   "fs solid 1.0 noborder lc palette",
                file, on[k], key[0], value);
        /* Cells behind fewer replicates than the run has: outlined, and labelled
         * with their number (on grids small enough to read a label per cell). */
        if (show_n) {
            fprintf(g, ", \\\n     '%s' using (column('%s %s n') < %d ? column('i') : NaN):'j':"
                       "(0.47):(0.47) with boxxyerror fs empty lw 2.5 lc rgb '#000000'",
                    file, on[k], key[0], p->cfg.replicates);
            if (s->nx * s->ny <= 150)
                fprintf(g, ", \\\n     '%s' using 'i':'j':(sprintf('n=%%d', column('%s %s n')))"
                           " with labels boxed font ',9'",
                        file, on[k], key[0]);
        }
        fputc('\n', g);
    }
}

/* The legend of a line sweep figure: one entry per key, and the CI band. */
static void sweep_legend(FILE *g, const page *pg, const char *const *labels,
                         const char *const *colours, const int *dash, int n)
{
    if (!page_legend(g, pg))
        return;
    for (int q = 0; q < n; q++) {
        fprintf(g, ", \\\n     keyentry with linespoints lw %d pt 7 dt %d lc rgb '%s' title ",
                dash[q] == 1 ? 3 : 2, dash[q], colours[q]);
        gq(g, labels[q]);
    }
    fputs(", \\\n     keyentry with filledcurves lc rgb '#808080' title '95% CI'\n", g);
}

/* A figure of one value per sweep point against each swept parameter (Latin
 * hypercube, Sobol, lists; calibration): one panel per varied parameter, the
 * points as small translucent markers (overlaps darken instead of hiding each
 * other), coloured by class when classes are given, a binned mean (black line)
 * over them and optionally one point ringed. */
typedef struct scatter {
    const char *name, *what, *source, *title, *ylabel;
    const double *y;                /* per row of points.csv; NaN: no value */
    const int *cls;                 /* per row: 0..ncls-1, -1 none; NULL: one class */
    int ncls;
    const char *const *cls_name, *const *cls_colour;
    int best;                       /* row to ring, -1 none */
    const char *best_label;
    int zero;                       /* a dashed line at y = 0 */
} scatter;

/* Binned means of y against parameter j into `o` ("parameter,x,mean,n" rows):
 * one bin per distinct value when there are at most 12, else 4 to 12 equal bins
 * (about 15 points each) on the parameter's own scale, log when sampled so. */
static int scatter_bins(const plot *p, size_t j, int logj, const double *y, FILE *o)
{
    size_t np = p->n_points;
    int nd, *rank = malloc(np * sizeof *rank);
    double *vals = NULL;
    if (!rank || distinct(p, j, &vals, &nd, rank)) {
        free(rank);
        return -1;
    }
    int nb = nd <= 12 ? nd : (int)(np / 15) < 4 ? 4 : np / 15 > 12 ? 12 : (int)(np / 15);
    double sx[12] = {0}, sy[12] = {0};
    long cnt[12] = {0};
    double t0 = logj ? log(vals[0]) : vals[0], t1 = logj ? log(vals[nd - 1]) : vals[nd - 1];
    for (size_t i = 0; i < np; i++) {
        double x = p->pv[i * p->n_params + j], t = logj ? log(x) : x;
        if (!isfinite(y[i]) || !isfinite(t))
            continue;
        int b = nd <= 12 ? rank[i] : (int)((t - t0) / (t1 - t0) * nb);
        b = b < 0 ? 0 : b >= nb ? nb - 1 : b;
        sx[b] += t;
        sy[b] += y[i];
        cnt[b]++;
    }
    char pn[COOP_PATH_MAX];
    safe_name(pn, sizeof pn, p->param[j]);
    for (int b = 0; b < nb; b++) {
        if (!cnt[b])
            continue;
        double t = sx[b] / cnt[b];
        fprintf(o, "%s", pn);
        put_num(o, logj ? exp(t) : t);
        put_num(o, sy[b] / cnt[b]);
        fprintf(o, ",%ld\n", cnt[b]);
    }
    free(vals);
    free(rank);
    return 0;
}

/* The data files of a scatter figure: NAME.csv (a row per point: its varied
 * parameters, y and class) and NAME_bins.csv (the binned means per parameter). */
static int scatter_data(plot *p, const sweep *s, const scatter *sc, const char *file,
                        const char *bfile, coop_err *err)
{
    size_t np = p->n_points;
    int status;
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("point", o);
    for (int k = 0; k < s->nv; k++) {
        char pn[COOP_PATH_MAX];
        safe_name(pn, sizeof pn, p->param[s->var[k]]);
        fprintf(o, ",%s", pn);
    }
    fputs(",y,class\n", o);
    for (size_t i = 0; i < np; i++) {
        fprintf(o, "%ld", p->point_id[i]);
        for (int k = 0; k < s->nv; k++)
            put_num(o, p->pv[i * p->n_params + s->var[k]]);
        put_num(o, sc->y[i]);
        if (sc->cls && sc->cls[i] >= 0)
            fprintf(o, ",%d\n", sc->cls[i]);
        else
            fputs(sc->cls ? ",NA\n" : ",0\n", o);
    }
    if ((status = data_close(p, o, file, err)))
        return status;
    if (!(o = data_open(p, bfile, err)))
        return err->code;
    fputs("parameter,x,mean,n\n", o);
    for (int k = 0; k < s->nv; k++)
        if (scatter_bins(p, s->var[k], param_log(p, s->var[k]), sc->y, o)) {
            fclose(o);
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        }
    return data_close(p, o, bfile, err);
}

/* Panel k of a scatter figure: the points against varied parameter k (by class,
 * markers of size ps and transparency alpha), the binned means, the best point. */
static void scatter_panel(const plot *p, FILE *g, const sweep *s, const scatter *sc,
                          const page *pg, int k, const char *file, const char *bfile, double ps,
                          const char *alpha)
{
    size_t np = p->n_points, j = s->var[k];
    int ncls = sc->cls ? sc->ncls : 1;
    char pn[COOP_PATH_MAX];
    safe_name(pn, sizeof pn, p->param[j]);
    /* The x label names the parameter: its path, without leading components
     * while it is wider than the panel (about 7.5 px a character). */
    const char *xl = p->param[j], *dot;
    while (strlen(xl) * 7.5 > pg->pw && (dot = strchr(xl, '.')) && strchr(dot + 1, '.'))
        xl = dot + 1;
    page_panel(g, pg, k, "", xl, sc->ylabel, 1);
    if (param_log(p, j))
        fputs("set logscale x\nset xtics auto\n", g);
    else {
        double vmin = INFINITY, vmax = -INFINITY;
        for (size_t i = 0; i < np; i++) {
            double x = p->pv[i * p->n_params + j];
            vmin = x < vmin ? x : vmin;
            vmax = x > vmax ? x : vmax;
        }
        fprintf(g, "unset logscale x\nset xtics %.6g\n",
                nice_step(vmax - vmin, pg->cols >= 4 ? 3 : 4));
    }
    fputs("plot ", g);
    for (int c = 0; c < ncls; c++) {
        const char *col = sc->cls ? sc->cls_colour[c] : colour[0];
        fprintf(g, "%s'%s' using '%s':", c ? ", \\\n     " : "", file, pn);
        if (sc->cls)
            fprintf(g, "(column('class') == %d ? column('y') : NaN)", c);
        else
            fputs("'y'", g);
        fprintf(g, " with points pt 7 ps %.1f lc rgb '#%s%s'", ps, alpha, col + 1);
    }
    fprintf(g, ", \\\n     '%s' using (strcol('parameter') eq '%s' ? column('x') : NaN):"
               "'mean' with linespoints lw 2.5 pt 7 ps 0.6 lc rgb '#000000'",
            bfile, pn);
    if (sc->best >= 0)
        fprintf(g, ", \\\n     '%s' using '%s':(column('point') == %ld ? column('y') : "
                   "NaN) with points pt 6 ps 2.4 lw 2.5 lc rgb '%s'",
                file, pn, p->point_id[sc->best], colour[1]);
    fputc('\n', g);
}

static int sweep_scatter(plot *p, const sweep *s, const scatter *sc, coop_err *err)
{
    size_t np = p->n_points;
    int status, any = 0;
    char file[160], bfile[160];
    snprintf(file, sizeof file, "%s.csv", sc->name);
    snprintf(bfile, sizeof bfile, "%s_bins.csv", sc->name);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < np; i++)
        if (isfinite(sc->y[i])) {
            lo = sc->y[i] < lo ? sc->y[i] : lo;
            hi = sc->y[i] > hi ? sc->y[i] : hi;
            any = 1;
        }
    if (!any)
        return COOP_OK;
    if (sc->zero) {
        lo = lo > 0 ? 0 : lo;
        hi = hi < 0 ? 0 : hi;
    }
    double pad = hi > lo ? 0.06 * (hi - lo) : fabs(hi) > 0 ? 0.1 * fabs(hi) : 0.5;
    lo -= pad;
    hi += pad;

    if ((status = scatter_data(p, s, sc, file, bfile, err)))
        return status;

    fig f;
    if ((status = fig_open(p, &f, sc->name, sc->what, file, sc->source, err)))
        return status;
    FILE *g = f.gp;
    /* Many points: smaller and more transparent markers (alpha in '#AARRGGBB'). */
    const char *alpha = np > 500 ? "B8" : np > 100 ? "90" : "60";
    double ps = np > 500 ? 0.5 : np > 100 ? 0.7 : 0.9;
    int ncls = sc->cls ? sc->ncls : 1;
    int n_keys = ncls + 1 + (sc->best >= 0), kc = 14;
    for (int c = 0; c < ncls && sc->cls; c++)
        kc = (int)strlen(sc->cls_name[c]) > kc ? (int)strlen(sc->cls_name[c]) : kc;
    if (sc->best >= 0 && (int)strlen(sc->best_label) > kc)
        kc = (int)strlen(sc->best_label);
    fprintf(g, "set yrange [%.6g:%.6g]\nset autoscale xfix\nset offsets graph 0.03, graph "
               "0.03, 0, 0\n%s",
            lo, hi, sc->zero ? "set xzeroaxis lt 1 dt 2 lc rgb '#606060'\n" : "");
    page pg;
    page_open(p, g, &pg, s->nv, PAGE_PLAIN, sc->title, n_keys, kc + 8);
    /* Parameters side by side (up to three a row, four from ten on). */
    pg.cols = s->nv <= 3 ? s->nv : s->nv == 4 ? 2 : s->nv <= 9 ? 3 : 4;
    pg.rows = (s->nv + pg.cols - 1) / pg.cols;
    pg.ysp = 80; /* room for each panel's x label (every panel has one) */
    page_fit(&pg);
    int most = (int)(pg.ph / 40); /* y tic labels at least 40 px apart */
    fprintf(g, "set ytics %.6g\n", nice_step(hi - lo, most < 3 ? 3 : most > 8 ? 8 : most));
    for (int k = 0; k < s->nv; k++)
        scatter_panel(p, g, s, sc, &pg, k, file, bfile, ps, alpha);
    if (page_legend(g, &pg)) {
        for (int c = 0; c < ncls; c++) {
            fprintf(g, ", \\\n     keyentry with points pt 7 ps 1.2 lc rgb '%s' title ",
                    sc->cls ? sc->cls_colour[c] : colour[0]);
            gq(g, sc->cls ? sc->cls_name[c] : "one sweep point (translucent)");
        }
        fputs(", \\\n     keyentry with linespoints lw 2.5 pt 7 ps 0.6 lc rgb '#000000' "
              "title 'binned mean'",
              g);
        if (sc->best >= 0) {
            fprintf(g, ", \\\n     keyentry with points pt 6 ps 2 lw 2.5 lc rgb '%s' title ",
                    colour[1]);
            gq(g, sc->best_label);
        }
        fputc('\n', g);
    }
    page_close(g);
    status = fig_draw(p, &f, sc->what, err);
    fig_discard(&f);
    return status;
}

/* The outcome a panels figure shows: the primary outcome when it is among
 * outs[0..no), else the first. */
static int panel_outcome(const plot *p, const int *outs, int no)
{
    const char *prim = primary_outcome(p);
    for (int k = 0; k < no; k++)
        if (prim && strcmp(p->outcomes.s[outs[k]], prim) == 0)
            return outs[k];
    return outs[0];
}

/* Figure 5a: every outcome against the swept parameter(s), mean over replicates. */
static int sweep_outcomes(plot *p, const sweep *s, const odata *od, coop_err *err)
{
    int w[MAX_LINES], nw = outcome_worlds(p, od, w), status;
    int outs[MAX_OUTCOMES], no = 0;
    if (nw == 0)
        return COOP_OK;
    if (s->mode != SW_LINE)
        nw = 1; /* maps: the factual (first) world */
    for (size_t o = 0; o < p->outcomes.n && o < MAX_OUTCOMES; o++) {
        int any = 0;
        for (size_t i = 0; i < p->n_points && !any; i++)
            for (int k = 0; k < nw && !any; k++) {
                coop_summary sm;
                coop_acc_summary(oacc(od, (int)i, w[k], (int)o), &sm);
                any = isfinite(sm.mean);
            }
        if (any)
            outs[no++] = (int)o;
    }
    if (no == 0)
        return COOP_OK;
    if (s->mode == SW_PANELS) {
        int po = panel_outcome(p, outs, no), fewer;
        double *y = malloc(p->n_points * sizeof *y);
        if (!y)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        for (size_t i = 0; i < p->n_points; i++) {
            coop_summary sm;
            coop_acc_summary(oacc(od, (int)i, w[0], po), &sm);
            y[i] = sm.mean;
        }
        char title[512];
        snprintf(title, sizeof title,
                 "Sweep: %s of the %s world (mean over replicates) against each swept parameter",
                 p->outcomes.s[po], p->worlds.s[w[0]]);
        scatter sc = {"sweep_outcomes", "outcome against each swept parameter",
                      "outcomes.csv and points.csv", title, outcome_unit(p->outcomes.s[po], &fewer),
                      y, NULL, 0, NULL, NULL, -1, NULL, 0};
        int status2 = sweep_scatter(p, s, &sc, err);
        free(y);
        return status2;
    }

    const char *file = "sweep_outcomes.csv";
    char on[MAX_OUTCOMES][COOP_NAME_MAX * 2], wn[MAX_LINES][COOP_NAME_MAX * 2];
    const char *colours[MAX_LINES], *labels[MAX_LINES];
    int dash[MAX_LINES];
    for (int k = 0; k < no; k++)
        safe_name(on[k], sizeof on[k], p->outcomes.s[outs[k]]);
    for (int q = 0; q < nw; q++) {
        safe_name(wn[q], sizeof wn[q], p->worlds.s[w[q]]);
        colours[q] = colour[q % N_COLOURS];
        dash[q] = world_dash(p, w[q]);
        labels[q] = p->worlds.s[w[q]];
    }
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("point,i,j,x,y", o);
    for (int k = 0; k < no; k++)
        for (int q = 0; q < nw; q++)
            fprintf(o, ",%s %s mean,%s %s lo,%s %s hi,%s %s n", on[k], wn[q], on[k], wn[q], on[k],
                    wn[q], on[k], wn[q]);
    fputc('\n', o);
    for (size_t i = 0; i < p->n_points; i++) {
        int r = s->order[i];
        sweep_row(p, s, o, r);
        for (int k = 0; k < no; k++)
            for (int q = 0; q < nw; q++) {
                coop_summary sm;
                const coop_acc *a = oacc(od, r, w[q], outs[k]);
                if (outcome_is_share(p->outcomes.s[outs[k]])) /* a band inside [0, 1] */
                    coop_acc_summary_share(a, coop_t_critical(0.95, a->n - 1), &sm);
                else
                    coop_acc_summary(a, &sm);
                put_num(o, sm.mean);
                put_num(o, sm.ci_lo);
                put_num(o, sm.ci_hi);
                fprintf(o, ",%ld", sm.n);
            }
        fputc('\n', o);
    }
    if ((status = data_close(p, o, file, err)))
        return status;
    /* Maps: does any cell rest on fewer replicates than the run has? */
    int show_n = 0;
    for (size_t i = 0; i < p->n_points && s->mode == SW_GRID; i++)
        for (int k = 0; k < no; k++)
            show_n |= oacc(od, (int)i, w[0], outs[k])->n < p->cfg.replicates;

    fig f;
    const char *what = s->mode == SW_LINE ? "outcomes against the swept parameter"
                                          : "outcomes over the swept parameters (maps)";
    if ((status = fig_open(p, &f, "sweep_outcomes", what, file, "outcomes.csv and points.csv",
                           err)))
        return status;
    FILE *g = f.gp;
    char title[512];
    if (s->mode == SW_LINE)
        snprintf(title, sizeof title,
                 "Sweep: outcomes against %s (mean over replicates, 95%% CI)", p->param[s->px]);
    else
        snprintf(title, sizeof title, "Sweep: outcomes of the %s world (mean over replicates)%s",
                 p->worlds.s[w[0]], show_n ? N_NOTE : "");
    page pg;
    if (show_n)
        fputs(N_STYLE, g);
    sweep_axes(s, g);
    if (s->mode != SW_LINE)
        fprintf(g, "set style fill solid 1.0 noborder\n%s", seq_palette);
    page_open(p, g, &pg, no, s->mode == SW_LINE ? PAGE_UNITS : PAGE_MAP, title,
              s->mode == SW_LINE && nw > 1 ? nw + 1 : 0, 16);
    sweep_panels(p, s, g, &pg, file, on, outs, no, wn, colours, dash, nw, "mean", 0, NULL,
                 show_n);
    if (s->mode == SW_LINE)
        sweep_legend(g, &pg, labels, colours, dash, nw);
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}

/* The comparisons with data at more than one point, at most MAX_LINES. */
static int sweep_comparisons(const hdata *h, int *c)
{
    int n = 0;
    for (size_t k = 0; k < h->cmp.n && n < MAX_LINES; k++) {
        int first = -1, rows = 0;
        for (size_t i = 0; i < h->n && rows < 2; i++) {
            if (h->r[i].cmp != (int)k)
                continue;
            if (first < 0) {
                first = h->r[i].row;
                rows = 1;
            } else if (h->r[i].row != first) {
                rows = 2;
            }
        }
        if (rows >= 2)
            c[n++] = (int)k;
    }
    return n;
}

/* The effect figure of a sweep with one panel per parameter: the primary outcome
 * against comparison cmp (the counterfactual), each point coloured by its
 * verdict. */
static int effect_scatter(plot *p, const sweep *s, const hdata *h, int cmp, const int *outs,
                          int no, coop_err *err)
{
    int po = panel_outcome(p, outs, no), fewer;
    double *y = malloc(p->n_points * sizeof *y);
    int *cls = malloc(p->n_points * sizeof *cls);
    if (!y || !cls) {
        free(y);
        free(cls);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < p->n_points; i++) {
        const hrow *x = hfind(h, (int)i, cmp, po);
        y[i] = x ? x->diff : NAN;
        cls[i] = x ? x->verdict : -1;
    }
    char title[768], hyp[256], yl[128], names[N_VERDICTS][64];
    const char *vn[N_VERDICTS];
    hypothesis_name(p, hyp, sizeof hyp);
    const char *unit = outcome_unit(p->outcomes.s[po], &fewer);
    snprintf(yl, sizeof yl, "%s%s", unit, fewer ? " (other - factual)" : "");
    snprintf(title, sizeof title,
             "Sweep: effect on %s, factual vs %s (mean paired difference; > 0 supports the "
             "thesis) against each swept parameter\nHypothesis: %s",
             p->outcomes.s[po], h->cmp.s[cmp], hyp);
    for (int v = 0; v < N_VERDICTS; v++) {
        snprintf(names[v], sizeof names[v], "point: %s", verdict_name[v]);
        vn[v] = names[v];
    }
    scatter sc = {"sweep_effect", "effect against each swept parameter",
                  "hypothesis.csv and points.csv", title, yl, y, cls, N_VERDICTS, vn,
                  verdict_colour, -1, NULL, 1};
    int status = sweep_scatter(p, s, &sc, err);
    free(y);
    free(cls);
    return status;
}

/* figures/sweep_effect.csv: per point (in the sweep's order) and per outcome and
 * comparison the difference, its CI and n; the largest |difference| per outcome
 * into range[]; *show_n when a grid cell rests on fewer replicates than the run. */
static int effect_data(plot *p, const sweep *s, const hdata *h, const char *file,
                       const int *cmp, int nc, const int *outs, int no,
                       char (*on)[COOP_NAME_MAX * 2], char (*cn)[COOP_NAME_MAX * 2],
                       double *range, int *show_n, coop_err *err)
{
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("point,i,j,x,y", o);
    for (int k = 0; k < no; k++)
        for (int q = 0; q < nc; q++)
            fprintf(o, ",%s %s diff,%s %s lo,%s %s hi,%s %s n", on[k], cn[q], on[k], cn[q], on[k],
                    cn[q], on[k], cn[q]);
    fputc('\n', o);
    for (size_t i = 0; i < p->n_points; i++) {
        int r = s->order[i];
        sweep_row(p, s, o, r);
        for (int k = 0; k < no; k++)
            for (int q = 0; q < nc; q++) {
                const hrow *x = hfind(h, r, cmp[q], outs[k]);
                put_num(o, x ? x->diff : NAN);
                put_num(o, x ? x->lo : NAN);
                put_num(o, x ? x->hi : NAN);
                if (x && x->n >= 0)
                    fprintf(o, ",%ld", x->n);
                else
                    fputs(x ? ",NA" : ",0", o);
                if (x && isfinite(x->diff) && fabs(x->diff) > range[k])
                    range[k] = fabs(x->diff);
                *show_n |= s->mode == SW_GRID && q == 0 &&
                           (!x || (x->n >= 0 && x->n < p->cfg.replicates));
            }
        fputc('\n', o);
    }
    return data_close(p, o, file, err);
}

/* Figure 5b: the effect (paired difference, factual against each other world)
 * of every outcome against the swept parameter(s). */
static int sweep_effect(plot *p, const sweep *s, const hdata *h, coop_err *err)
{
    int cmp[MAX_LINES], nc = sweep_comparisons(h, cmp), status;
    int outs[MAX_OUTCOMES], no = 0;
    if (nc == 0)
        return COOP_OK;
    if (s->mode != SW_LINE)
        nc = 1; /* maps: the first comparison (counterfactual) */
    for (size_t o = 0; o < p->outcomes.n && o < MAX_OUTCOMES; o++) {
        int any = 0;
        for (size_t i = 0; i < h->n && !any; i++)
            for (int q = 0; q < nc && !any; q++)
                any = h->r[i].outcome == (int)o && h->r[i].cmp == cmp[q] &&
                      isfinite(h->r[i].diff);
        if (any)
            outs[no++] = (int)o;
    }
    if (no == 0)
        return COOP_OK;
    if (s->mode == SW_PANELS)
        return effect_scatter(p, s, h, cmp[0], outs, no, err);

    const char *file = "sweep_effect.csv";
    char on[MAX_OUTCOMES][COOP_NAME_MAX * 2], cn[MAX_LINES][COOP_NAME_MAX * 2];
    char lab[MAX_LINES][COOP_NAME_MAX * 2 + 16];
    const char *colours[MAX_LINES], *labels[MAX_LINES];
    int dash[MAX_LINES];
    double range[MAX_OUTCOMES];
    for (int k = 0; k < no; k++) {
        safe_name(on[k], sizeof on[k], p->outcomes.s[outs[k]]);
        range[k] = 0;
    }
    for (int q = 0; q < nc; q++) {
        safe_name(cn[q], sizeof cn[q], h->cmp.s[cmp[q]]);
        snprintf(lab[q], sizeof lab[q], "factual vs %s", h->cmp.s[cmp[q]]);
        labels[q] = lab[q];
        colours[q] = colour[(q + 1) % N_COLOURS];
        dash[q] = q == 0 ? 1 : q == 1 ? 4 : 5;
    }
    int show_n = 0; /* maps: a cell rests on fewer replicates than the run has */
    if ((status = effect_data(p, s, h, file, cmp, nc, outs, no, on, cn, range, &show_n, err)))
        return status;

    fig f;
    const char *what = s->mode == SW_LINE ? "effect against the swept parameter"
                                          : "effect over the swept parameters (maps)";
    if ((status = fig_open(p, &f, "sweep_effect", what, file, "hypothesis.csv and points.csv",
                           err)))
        return status;
    FILE *g = f.gp;
    char title[768], hyp[256];
    hypothesis_name(p, hyp, sizeof hyp);
    if (s->mode == SW_LINE)
        snprintf(title, sizeof title,
                 "Sweep: effect on each outcome against %s (mean paired difference, 95%% CI; "
                 "> 0 supports the thesis)\nHypothesis: %s",
                 p->param[s->px], hyp);
    else
        snprintf(title, sizeof title,
                 "Sweep: effect on each outcome, factual vs %s (mean paired difference; > 0 "
                 "supports the thesis)\nHypothesis: %s%s",
                 h->cmp.s[cmp[0]], hyp, show_n ? N_NOTE : "");
    page pg;
    if (show_n)
        fputs(N_STYLE, g);
    sweep_axes(s, g);
    if (s->mode == SW_LINE)
        fputs("set xzeroaxis lt 1 dt 2 lc rgb '#606060'\n", g);
    else
        fputs("set style fill solid 1.0 noborder\n"
              "set palette defined (-1 '#D55E00', 0 '#F7F7F7', 1 '#0072B2')\n",
              g);
    page_open(p, g, &pg, no, s->mode == SW_LINE ? PAGE_UNITS : PAGE_MAP, title,
              s->mode == SW_LINE ? nc + 1 : 0, 30);
    sweep_panels(p, s, g, &pg, file, on, outs, no, cn, colours, dash, nc, "diff", 1, range,
                 show_n);
    if (s->mode == SW_LINE)
        sweep_legend(g, &pg, labels, colours, dash, nc);
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}

/* Figure 5c: the verdict on the primary outcome at each point, a categorical map
 * (one row per comparison along one parameter; one panel per comparison over two). */
static int sweep_verdict(plot *p, const sweep *s, const hdata *h, coop_err *err)
{
    int cmp[MAX_LINES], nc = sweep_comparisons(h, cmp), status;
    const char *prim = primary_outcome(p);
    int po = prim ? strtab_find(&p->outcomes, prim) : -1;
    if (nc == 0 || po < 0 || s->mode == SW_PANELS) /* panels: sweep_effect's colours */
        return COOP_OK;
    const char *file = "sweep_verdict.csv";
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    int any = 0;
    fputs("point,i,j,x,y,comparison,row,verdict,mark\n", o);
    for (int q = 0; q < nc; q++)
        for (size_t i = 0; i < p->n_points; i++) {
            int r = s->order[i];
            const hrow *x = hfind(h, r, cmp[q], po);
            char cn[COOP_NAME_MAX * 2];
            safe_name(cn, sizeof cn, h->cmp.s[cmp[q]]);
            sweep_row(p, s, o, r);
            fprintf(o, ",%s,%d", cn, q);
            if (x && x->verdict >= 0) {
                fprintf(o, ",%d,%s\n", x->verdict, verdict_mark[x->verdict]);
                any = 1;
            } else {
                fputs(",NA,\n", o);
            }
        }
    if ((status = data_close(p, o, file, err)) || !any)
        return status;

    fig f;
    const char *what = "verdict on the primary outcome at each sweep point";
    if ((status = fig_open(p, &f, "sweep_verdict", what, file, "hypothesis.csv and points.csv",
                           err)))
        return status;
    FILE *g = f.gp;
    char title[768], hyp[256];
    hypothesis_name(p, hyp, sizeof hyp);
    snprintf(title, sizeof title,
             "Sweep: verdict on the primary outcome (%s) at each point (+ supported, "
             "? inconclusive, - contradicted)\nHypothesis: %s",
             prim, hyp);
    fprintf(g, "set style fill solid 1.0 border lc rgb 'white'\n"
               "set palette defined (0 '%s', 1 '%s', 2 '%s')\nset palette maxcolors 3\n"
               "set cbrange [-0.5:2.5]\nset cbtics ('%s' 0, '%s' 1, '%s' 2) scale 0\n",
            verdict_colour[0], verdict_colour[1], verdict_colour[2], verdict_name[0],
            verdict_name[1], verdict_name[2]);
    int cells = (int)p->n_points * (s->mode == SW_LINE ? nc : 1);
    int marks = cells <= 400;
    page pg;
    if (s->mode == SW_LINE) {
        /* One row per comparison, one column per point, in a band of the page. */
        rank_tics(g, "x", s->xs, s->nx);
        fputs("set ytics (", g);
        for (int q = 0; q < nc; q++) {
            char t[COOP_NAME_MAX * 2 + 16];
            snprintf(t, sizeof t, "vs %s", h->cmp.s[cmp[q]]);
            fputs(q ? ", " : "", g);
            gq(g, t);
            fprintf(g, " %d", q);
        }
        fprintf(g, ")\nset yrange [%d.5:-0.5]\nset tics scale 0\nset grid noxtics noytics\n",
                nc - 1);
        page_open(p, g, &pg, 1, PAGE_MAP, title, 0, 0);
        pg.left = 180;
        pg.right = 200;
        page_fit(&pg);
        double band = 110.0 * nc;
        if (band < pg.ph) { /* a band of rows in the middle of the page */
            pg.top += (pg.ph - band) / 2;
            pg.ph = band;
        }
        page_panel(g, &pg, 0, "", p->param[s->px], NULL, 0);
        fprintf(g, "plot '%s' using 'i':'row':(0.5):(0.5):'verdict' with boxxyerror lc palette",
                file);
        if (marks)
            fprintf(g, ", \\\n     '%s' using 'i':'row':'mark' with labels font ',16'", file);
        fputc('\n', g);
    } else {
        sweep_axes(s, g);
        page_open(p, g, &pg, nc, PAGE_MAP, title, 0, 0);
        pg.right = 200; /* room for the verdict names beside the colour box */
        pg.xsp = 300;
        page_fit(&pg);
        for (int q = 0; q < nc; q++) {
            char t[COOP_NAME_MAX * 2 + 16], cn[COOP_NAME_MAX * 2];
            safe_name(cn, sizeof cn, h->cmp.s[cmp[q]]);
            snprintf(t, sizeof t, "factual vs %s", h->cmp.s[cmp[q]]);
            page_panel(g, &pg, q, t, p->param[s->px], p->param[s->py], 0);
            const char *xc = s->mode == SW_GRID ? "i" : "x", *yc = s->mode == SW_GRID ? "j" : "y";
            fprintf(g, "plot '%s' using (strcol('comparison') eq '%s' ? column('%s') : NaN):'%s'",
                    file, cn, xc, yc);
            fputs(s->mode == SW_GRID ? ":(0.5):(0.5):'verdict' with boxxyerror lc palette"
                                     : ":'verdict' with points pt 5 ps 3 lc palette",
                  g);
            if (marks)
                fprintf(g, ", \\\n     '%s' using (strcol('comparison') eq '%s' ? column('%s') : "
                           "NaN):'%s':'mark' with labels font ',14'",
                        file, cn, xc, yc);
            fputc('\n', g);
        }
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}

/* Figure 5: the sweep figures. */
int plot_sweep(plot *p, const odata *od, const hdata *h, coop_err *err)
{
    sweep s;
    int status = sweep_design(p, &s, err);
    if (!status && s.nx > 0) {
        if (od->acc)
            status = sweep_outcomes(p, &s, od, err);
        if (!status && h->n)
            status = sweep_effect(p, &s, h, err);
        if (!status && h->n)
            status = sweep_verdict(p, &s, h, err);
    }
    sweep_free(&s);
    return status;
}

/* Figure 5d: a calibration sweep (`coopsim validate` with a sweep group): the
 * combined validation score of every point against each swept parameter, the
 * best point ringed. */
int plot_calibration(plot *p, coop_err *err)
{
    static const char *const cols[] = {"point", "target", "score"};
    int ix[3], got, status;
    sweep s;
    coop_csv_reader c;
    double *y = malloc(p->n_points * sizeof *y);
    if (!y)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->n_points; i++)
        y[i] = NAN;
    if ((status = sweep_design(p, &s, err)) ||
        (status = coop_csv_reader_open(&c, p->dir, "validation.csv", err)))
        goto out;
    if ((status = coop_csv_reader_need(&c, cols, ix, 3, err)))
        goto close;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point;
        double v;
        if (strcmp(c.fld[ix[1]], "combined") != 0)
            continue;
        if ((status = coop_csv_reader_int(&c, ix[0], &point, err)) ||
            (status = coop_csv_reader_num(&c, ix[2], &v, err)))
            goto close;
        int row = point_row(p, point);
        if (row >= 0)
            y[row] = v;
    }
    if (status || s.nv == 0)
        goto close;
    int best = -1;
    for (size_t i = 0; i < p->n_points; i++)
        if (isfinite(y[i]) && (best < 0 || y[i] > y[best]))
            best = (int)i;
    if (best < 0)
        goto close;
    char title[512], lab[160];
    snprintf(title, sizeof title,
             "Calibration: combined validation score of each point against each swept parameter"
             "\nbest point %ld (score %.3f) ringed",
             p->point_id[best], y[best]);
    snprintf(lab, sizeof lab, "best point (%ld)", p->point_id[best]);
    scatter sc = {"calibration", "combined validation score against each swept parameter",
                  "validation.csv and points.csv", title, "combined score (0-1)", y, NULL, 0,
                  NULL, NULL, best, lab, 0};
    status = sweep_scatter(p, &s, &sc, err);
close:
    coop_csv_reader_close(&c);
out:
    sweep_free(&s);
    free(y);
    return status;
}
