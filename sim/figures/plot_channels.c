/* plot_channels.c: the channel decomposition of a hypothesis test at one point
 * (channels.csv, hypothesis.channels; docs/FIGURES.md): for the primary outcome,
 * the total effect and its Shapley split among the motivator's channels (left),
 * and the main effects and interactions of the factorial design (right), each
 * with its bootstrap confidence interval. */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 64

/* One row of channels.csv for the figure's outcome. */
typedef struct crow {
    char term[COOP_NAME_MAX * 2];
    double est, lo, hi, share;
} crow;

/* Reads the rows of the first point's outcome `outcome` from channels.csv. */
static int load_terms(plot *p, const char *outcome, crow *rows, int *n, coop_err *err)
{
    static const char *const cols[] = {"point", "outcome", "term", "estimate", "ci_lo", "ci_hi",
                                       "share"};
    int ix[7], got, status;
    long first = -1;
    coop_csv_reader c;
    *n = 0;
    if ((status = coop_csv_reader_open(&c, p->dir, "channels.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 7, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point;
        crow r;
        if ((status = coop_csv_reader_int(&c, ix[0], &point, err)))
            goto out;
        if (first < 0)
            first = point;
        if (point != first || strcmp(c.fld[ix[1]], outcome) != 0 || *n >= MAX_TERMS)
            continue;
        safe_name(r.term, sizeof r.term, c.fld[ix[2]]);
        if ((status = coop_csv_reader_num(&c, ix[3], &r.est, err)) ||
            (status = coop_csv_reader_num(&c, ix[4], &r.lo, err)) ||
            (status = coop_csv_reader_num(&c, ix[5], &r.hi, err)) ||
            (status = coop_csv_reader_num(&c, ix[6], &r.share, err)))
            goto out;
        rows[(*n)++] = r;
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* Panel 0 holds the total and the Shapley values, panel 1 the factorial terms. */
static int panel_of(const crow *r)
{
    return strncmp(r->term, "main:", 5) == 0 || strncmp(r->term, "interaction:", 12) == 0;
}

/* figures/channels_terms.csv: panel, row in the panel, interval-excludes-0 flag. */
static int terms_data(plot *p, const crow *rows, int n, int *row_in, const char *file,
                      coop_err *err)
{
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("term,panel,row,clear,estimate,ci_lo,ci_hi,share\n", o);
    int count[2] = {0, 0};
    for (int i = 0; i < n; i++) {
        int pn = panel_of(&rows[i]);
        row_in[i] = ++count[pn];
        int clear = rows[i].lo > 0 || rows[i].hi < 0;
        fprintf(o, "%s,%d,%d,%d", rows[i].term, pn, row_in[i], clear);
        put_num(o, rows[i].est);
        put_num(o, rows[i].lo);
        put_num(o, rows[i].hi);
        put_num(o, rows[i].share);
        fputc('\n', o);
    }
    return data_close(p, o, file, err);
}

/* One panel: its rows labelled, on a common x range (the same units in both
 * panels) padded around 0 and every interval of either. */
static void draw_panel(FILE *g, const page *pg, int k, const crow *rows, int n,
                       const int *row_in, const char *title, const char *xl, const char *file)
{
    int nr = 0;
    double lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        double x[3] = {rows[i].est, rows[i].lo, rows[i].hi};
        for (int j = 0; j < 3; j++)
            if (isfinite(x[j])) {
                lo = x[j] < lo ? x[j] : lo;
                hi = x[j] > hi ? x[j] : hi;
            }
    }
    page_panel(g, pg, k, title, xl, NULL, 1);
    fputs("set ytics (", g);
    for (int i = 0; i < n; i++) {
        if (panel_of(&rows[i]) != k)
            continue;
        char lab[COOP_NAME_MAX * 2 + 32];
        const char *t = strchr(rows[i].term, ':');
        t = t ? t + 1 : rows[i].term;
        if (isfinite(rows[i].share))
            snprintf(lab, sizeof lab, "%s (%.0f%%%%)", t, 100.0 * rows[i].share); /* %% in a tic label: gnuplot formats it */
        else
            snprintf(lab, sizeof lab, "%s%s", strncmp(rows[i].term, "main:", 5) == 0 ? "main " : "",
                     t);
        fputs(nr++ ? ", " : "", g);
        gq(g, lab);
        fprintf(g, " %d", row_in[i]);
    }
    double span = hi - lo > 1e-12 ? hi - lo : 1e-3;
    lo -= 0.08 * span;
    hi += 0.08 * span;
    fprintf(g, ")\nset yrange [%d.5:0.5]\nset xrange [%.6g:%.6g]\nset xtics %.6g\n",
            nr > 0 ? nr : 1, lo, hi, nice_step(hi - lo, 4));
    fputs("set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb '#606060'\n", g);
    for (int clear = 0; clear < 2; clear++)
        fprintf(g, "%s'%s' using (column('panel') == %d && column('clear') == %d ? "
                   "column('estimate') : NaN):'row':'ci_lo':'ci_hi' with xerrorbars pt 7 "
                   "ps 1.8 lw 2.5 lc rgb '%s' notitle",
                clear ? ", \\\n     " : "plot ", file, k, clear,
                clear ? colour[0] : verdict_colour[V_INCONCLUSIVE]);
    fputs("\nunset arrow 1\n", g);
}

/* The channel figure of a hypothesis test with hypothesis.channels (one point). */
int plot_channels(plot *p, coop_err *err)
{
    const char *prim = primary_outcome(p), *file = "channels_terms.csv";
    crow *rows = calloc(MAX_TERMS, sizeof *rows);
    int n = 0, row_in[MAX_TERMS], status;
    if (!rows)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading channels.csv");
    if (!prim || (status = load_terms(p, prim, rows, &n, err)) || n == 0 ||
        (status = terms_data(p, rows, n, row_in, file, err))) {
        free(rows);
        return !prim || n == 0 ? COOP_OK : status;
    }
    char hyp[256], title[1024], xl[256];
    int fewer;
    const char *unit = outcome_unit(prim, &fewer);
    hypothesis_name(p, hyp, sizeof hyp);
    snprintf(title, sizeof title,
             "Which channel carries the effect?  %s: %s\n"
             "factorial design over the channels (each factual or 0), common random numbers; "
             "estimate with its 95%% CI (blue: the CI excludes 0)", hyp, prim);
    snprintf(xl, sizeof xl, "%s%s", unit, fewer ? " (counterfactual - factual direction)" : "");
    fig f;
    const char *what = "channel decomposition of the hypothesis test";
    if ((status = fig_open(p, &f, "channels", what, file, "channels.csv", err))) {
        free(rows);
        return status;
    }
    FILE *g = f.gp;
    page pg;
    fputs("set grid noytics\nset ytics scale 0\n", g);
    page_open(p, g, &pg, 2, PAGE_FOREST, title, 0, 0);
    pg.left = 320; /* the longest label, interaction:F*G*H, at 11 pt */
    pg.xsp = 340;
    page_fit(&pg);
    fputs("set ytics font ',11'\n", g);
    draw_panel(g, &pg, 0, rows, n, row_in, "total and its Shapley split (share of total)", xl,
               file);
    draw_panel(g, &pg, 1, rows, n, row_in, "main effects and interactions", xl, file);
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    free(rows);
    return status;
}
