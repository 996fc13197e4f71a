/* plot_hypothesis.c: outcomes.csv and hypothesis.csv read for the figures of
 * `coopsim plot` (summarised over replicates, indexed by point, comparison and
 * outcome; the sweep figures reuse them), and the forest plot of a hypothesis
 * test at one point (figure 4). */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_output.h"

/* ---------------------------------------------------------------- outcomes and hypothesis */

coop_acc *oacc(const odata *od, int row, int world, int outcome)
{
    return &od->acc[((size_t)row * MAX_WORLDS + world) * MAX_OUTCOMES + outcome];
}

int load_outcomes(plot *p, odata *od, coop_err *err)
{
    static const char *const cols[] = {"point", "world", "replicate", "outcome", "value"};
    int ix[5], got, status;
    coop_csv_reader c;
    size_t cells = p->n_points * MAX_WORLDS * MAX_OUTCOMES;
    if (!(od->acc = calloc(cells, sizeof *od->acc)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading outcomes.csv");
    if ((status = coop_csv_reader_open(&c, p->dir, "outcomes.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 5, err)))
        goto out;
    int scol = coop_csv_reader_col(&c, "state"); /* -1 in files without per-state rows */
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point;
        double v;
        if (scol >= 0 && strcmp(c.fld[scol], "all") != 0)
            continue; /* the figures summarise the pooled outcomes */
        if ((status = coop_csv_reader_int(&c, ix[0], &point, err)) ||
            (status = coop_csv_reader_num(&c, ix[4], &v, err)))
            goto out;
        int row = point_row(p, point);
        int w = strtab_add(&p->worlds, c.fld[ix[1]]);
        int o = strtab_add(&p->outcomes, c.fld[ix[3]]);
        if (w < 0 || o < 0) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        if (row >= 0 && w < MAX_WORLDS && o < MAX_OUTCOMES)
            coop_acc_add(oacc(od, row, w, o), v);
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* The numbers of the current row of hypothesis.csv (columns ix of load_hypothesis). */
static int read_hrow(plot *p, hdata *h, coop_csv_reader *c, const int *ix, hrow *r,
                     coop_err *err)
{
    long point;
    int status;
    if ((status = coop_csv_reader_int(c, ix[0], &point, err)) ||
        (status = coop_csv_reader_num(c, ix[3], &r->mean_a, err)) ||
        (status = coop_csv_reader_num(c, ix[4], &r->mean_b, err)) ||
        (status = coop_csv_reader_num(c, ix[5], &r->diff, err)) ||
        (status = coop_csv_reader_num(c, ix[6], &r->lo, err)) ||
        (status = coop_csv_reader_num(c, ix[7], &r->hi, err)))
        return status;
    r->row = point_row(p, point);
    r->outcome = strtab_add(&p->outcomes, c->fld[ix[1]]);
    r->cmp = strtab_add(&h->cmp, c->fld[ix[2]]);
    if (r->outcome < 0 || r->cmp < 0)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c->path);
    r->verdict = -1;
    for (int v = 0; v < N_VERDICTS; v++)
        if (strcmp(c->fld[ix[8]], verdict_name[v]) == 0)
            r->verdict = v;
    return COOP_OK;
}

/* A per-state or like-for-like row of hypothesis.csv (state column scol): kept
 * in h->sr for the per-state figure. */
static int load_state_row(plot *p, hdata *h, coop_csv_reader *c, const int *ix, int scol,
                          coop_err *err)
{
    hrow r = {.n = -1};
    int status = read_hrow(p, h, c, ix, &r, err);
    if (status || r.row < 0)
        return status;
    r.state = strtab_add(&h->states, c->fld[scol]);
    hrow *q = r.state < 0 ? NULL : coop_grow(h->sr, &h->scap, h->sn + 1, sizeof *q);
    if (!q)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c->path);
    h->sr = q;
    h->sr[h->sn++] = r;
    return COOP_OK;
}

int load_hypothesis(plot *p, hdata *h, coop_err *err)
{
    static const char *const cols[] = {"point", "outcome", "comparison", "mean_a", "mean_b",
                                       "diff", "ci_lo", "ci_hi", "verdict"};
    int ix[9], got, status;
    coop_csv_reader c;
    unsigned char *seen = calloc(p->n_points, 1);
    if (!seen)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory reading hypothesis.csv");
    if ((status = coop_csv_reader_open(&c, p->dir, "hypothesis.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 9, err)))
        goto out;
    int ncol = coop_csv_reader_col(&c, "n");
    int scol = coop_csv_reader_col(&c, "state"); /* -1 in files without per-state rows */
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point;
        hrow r;
        if (scol >= 0 && strcmp(c.fld[scol], "all") != 0) {
            if ((status = load_state_row(p, h, &c, ix, scol, err)))
                goto out;
            continue;
        }
        r.n = -1;
        r.state = -1;
        if (ncol >= 0 && (status = coop_csv_reader_int(&c, ncol, &r.n, err)))
            goto out;
        if ((status = coop_csv_reader_int(&c, ix[0], &point, err)) ||
            (status = coop_csv_reader_num(&c, ix[3], &r.mean_a, err)) ||
            (status = coop_csv_reader_num(&c, ix[4], &r.mean_b, err)) ||
            (status = coop_csv_reader_num(&c, ix[5], &r.diff, err)) ||
            (status = coop_csv_reader_num(&c, ix[6], &r.lo, err)) ||
            (status = coop_csv_reader_num(&c, ix[7], &r.hi, err)))
            goto out;
        if ((r.row = point_row(p, point)) < 0)
            continue;
        r.outcome = strtab_add(&p->outcomes, c.fld[ix[1]]);
        r.cmp = strtab_add(&h->cmp, c.fld[ix[2]]);
        if (r.outcome < 0 || r.cmp < 0) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        r.verdict = -1;
        for (int v = 0; v < N_VERDICTS; v++)
            if (strcmp(c.fld[ix[8]], verdict_name[v]) == 0)
                r.verdict = v;
        hrow *q = coop_grow(h->r, &h->cap, h->n + 1, sizeof *q);
        if (!q) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        h->r = q;
        h->r[h->n++] = r;
        h->n_rows += !seen[r.row];
        seen[r.row] = 1;
    }
    if (status)
        goto out;

    /* The index hfind looks rows up in (the last row wins a duplicate). */
    size_t cells = p->n_points * (h->cmp.n ? h->cmp.n : 1) * MAX_OUTCOMES;
    if (!(h->index = malloc(cells * sizeof *h->index))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
        goto out;
    }
    for (size_t i = 0; i < cells; i++)
        h->index[i] = -1;
    for (size_t i = 0; i < h->n; i++)
        if (h->r[i].outcome < MAX_OUTCOMES)
            h->index[((size_t)h->r[i].row * h->cmp.n + h->r[i].cmp) * MAX_OUTCOMES +
                     h->r[i].outcome] = (int)i;
out:
    free(seen);
    coop_csv_reader_close(&c);
    return status;
}

/* The row of hypothesis.csv for (point row, comparison, outcome), or NULL. */
const hrow *hfind(const hdata *h, int row, int cmp, int outcome)
{
    if (!h->index || row < 0 || cmp < 0 || (size_t)cmp >= h->cmp.n || outcome < 0 ||
        outcome >= MAX_OUTCOMES)
        return NULL;
    int i = h->index[((size_t)row * h->cmp.n + cmp) * MAX_OUTCOMES + outcome];
    return i < 0 ? NULL : &h->r[i];
}

/* Units of an outcome (docs/ODD.md, "7.8 Observation") and whether the thesis predicts it
 * smaller (then hypothesis.csv orients its difference as other - factual; see
 * coop_hypothesis_orientation). */
/* The outcomes the figures know: unit, whether fewer is better, whether every
 * value is a share in [0, 1]. */
static const struct {
    const char *name, *unit;
    int fewer, share;
} outcome_info[] = {
    {"others_coop_target", "share of C actions", 0, 1},
    {"target_engagement", "engagement (0-1)", 0, 1},
    {"others_level", "agreement level", 0, 0},
    {"rmst_enhanced", "years (restricted mean)", 1, 0},
    {"engaged_share", "share of states", 0, 1},
    {"regional_cohesion", "share of C actions", 0, 1},
};
#define N_OUTCOME_INFO (sizeof outcome_info / sizeof outcome_info[0])

const char *outcome_unit(const char *name, int *fewer)
{
    for (size_t i = 0; i < N_OUTCOME_INFO; i++)
        if (strcmp(name, outcome_info[i].name) == 0) {
            *fewer = outcome_info[i].fewer;
            return outcome_info[i].unit;
        }
    *fewer = 0;
    return "outcome units";
}

int outcome_is_share(const char *name)
{
    for (size_t i = 0; i < N_OUTCOME_INFO; i++)
        if (strcmp(name, outcome_info[i].name) == 0)
            return outcome_info[i].share;
    return 0;
}

/* The name of the primary outcome (cfg->hyp.primary), or NULL. */
const char *primary_outcome(const plot *p)
{
    int k = p->cfg.hyp.primary;
    return k >= 0 && k < COOP_N_OUTCOMES ? coop_outcome_names[k] : NULL;
}

/* "Hypothesis: KZ's motivator role raises cooperation with EU" */
void hypothesis_name(const plot *p, char *buf, size_t size)
{
    const coop_config *cfg = &p->cfg;
    if (cfg->hyp.motivator >= 0 && cfg->hyp.target >= 0)
        snprintf(buf, size, "%s's motivator role raises cooperation with %s",
                 coop_cfg_actor_name(cfg, cfg->hyp.motivator),
                 coop_cfg_actor_name(cfg, cfg->hyp.target));
    else
        snprintf(buf, size, "the motivator's role raises cooperation with the target");
}

/* A range [lo, hi] that holds 0 and every finite value, padded, never narrower
 * than 1e-3 of `scale` (so a difference of rounding error reads as zero). */
static void pad_range(double *lo, double *hi, double scale)
{
    if (!(*lo <= 0))
        *lo = 0;
    if (!(*hi >= 0))
        *hi = 0;
    double min_w = 1e-3 * (scale > 0 && isfinite(scale) ? scale : 1.0);
    if (*hi - *lo < min_w) {
        double mid = (*hi + *lo) / 2;
        *lo = mid - min_w / 2;
        *hi = mid + min_w / 2;
    }
    double pad = 0.08 * (*hi - *lo);
    *lo -= pad;
    *hi += pad;
}

/* figures/forest.csv: a row per (outcome, comparison) of the point in row `row`. */
static int forest_data(plot *p, const hdata *h, int row, const int *outs, int no,
                       const char *file, coop_err *err)
{
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("outcome,comparison,row,verdict,mean_a,mean_b,diff,ci_lo,ci_hi\n", o);
    for (int k = 0; k < no; k++)
        for (size_t c = 0; c < h->cmp.n; c++) {
            const hrow *r = hfind(h, row, (int)c, outs[k]);
            char on[COOP_NAME_MAX * 2], cn[COOP_NAME_MAX * 2];
            if (!r)
                continue;
            safe_name(on, sizeof on, p->outcomes.s[outs[k]]);
            safe_name(cn, sizeof cn, h->cmp.s[c]);
            fprintf(o, "%s,%s,%zu,%s", on, cn, c + 1,
                    r->verdict >= 0 ? verdict_name[r->verdict] : "NA");
            put_num(o, r->mean_a);
            put_num(o, r->mean_b);
            put_num(o, r->diff);
            put_num(o, r->lo);
            put_num(o, r->hi);
            fputc('\n', o);
        }
    return data_close(p, o, file, err);
}

/* The row labels of outcome `out`'s panel (`set ytics (...`, left open): each
 * comparison with its verdict, on `lines` lines, cut to max_chars; the range of
 * the differences and CIs into lo, hi and the largest mean into scale. */
static void forest_rows(FILE *g, const hdata *h, int row, int out, int lines, int max_chars,
                        double *lo, double *hi, double *scale)
{
    fputs("set ytics (", g);
    for (int c = 0; c < (int)h->cmp.n; c++) {
        const hrow *r = hfind(h, row, c, out);
        char name[256], lab[sizeof name + 32]; /* the name, a separator and a verdict */
        snprintf(name, sizeof name, "%s", h->cmp.s[c]);
        if ((int)strlen(name) > max_chars && max_chars > 4)
            snprintf(name + max_chars - 3, sizeof name - (size_t)max_chars + 3, "...");
        if (lines == 2)
            snprintf(lab, sizeof lab, "%s\n%s", name,
                     r && r->verdict >= 0 ? verdict_name[r->verdict] : "no verdict");
        else
            snprintf(lab, sizeof lab, "%s %s", name,
                     r && r->verdict >= 0 ? verdict_mark[r->verdict] : "");
        fputs(c ? ", " : "", g);
        gq(g, lab);
        fprintf(g, " %d", c + 1);
        if (!r)
            continue;
        double x[3] = {r->diff, r->lo, r->hi};
        for (int j = 0; j < 3; j++)
            if (isfinite(x[j])) {
                *lo = x[j] < *lo ? x[j] : *lo;
                *hi = x[j] > *hi ? x[j] : *hi;
            }
        double m = fabs(r->mean_a) > fabs(r->mean_b) ? fabs(r->mean_a) : fabs(r->mean_b);
        if (isfinite(m) && m > *scale)
            *scale = m;
    }
}

/* The plot command of outcome `out`'s panel: per verdict, the differences with
 * their CIs (where there are any) and the points, in the verdict's colour. */
static void forest_points(FILE *g, const hdata *h, int row, int out, const char *file,
                          const char *onsafe)
{
    fputs("plot ", g);
    int n_el = 0;
    for (int vd = 0; vd < N_VERDICTS; vd++) {
        int bars = 0, pts = 0;
        for (int c = 0; c < (int)h->cmp.n; c++) {
            const hrow *r = hfind(h, row, c, out);
            if (r && r->verdict == vd && isfinite(r->diff)) {
                pts = 1;
                bars |= isfinite(r->lo) && isfinite(r->hi);
            }
        }
        const char *sel = "strcol('outcome') eq '%s' && strcol('verdict') eq '%s'";
        if (bars) {
            fprintf(g, "%s'%s' using (", n_el++ ? ", \\\n     " : "", file);
            fprintf(g, sel, onsafe, verdict_name[vd]);
            fprintf(g, " ? column('diff') : NaN):'row':'ci_lo':'ci_hi' with xerrorbars "
                       "pt 7 ps 1.8 lw 2.5 lc rgb '%s' notitle",
                    verdict_colour[vd]);
        }
        if (pts) {
            fprintf(g, "%s'%s' using (", n_el++ ? ", \\\n     " : "", file);
            fprintf(g, sel, onsafe, verdict_name[vd]);
            fprintf(g, " ? column('diff') : NaN):'row' with points pt 7 ps 1.8 "
                       "lc rgb '%s' notitle",
                    verdict_colour[vd]);
        }
    }
    if (n_el == 0)
        fputs("NaN notitle", g);
}

/* Figure 4: the forest plot of a hypothesis test at one point. */
int plot_forest(plot *p, const hdata *h, coop_err *err)
{
    int status;
    const char *file = "forest.csv", *prim = primary_outcome(p);
    int outs[MAX_OUTCOMES], no = 0, row = h->r[0].row;
    for (size_t o = 0; o < p->outcomes.n && no < MAX_OUTCOMES; o++) {
        int any = 0;
        for (size_t i = 0; i < h->n && !any; i++)
            any = h->r[i].outcome == (int)o && h->r[i].row == row;
        if (any)
            outs[no++] = (int)o;
    }
    if (no == 0 || h->cmp.n == 0)
        return COOP_OK;
    if ((status = forest_data(p, h, row, outs, no, file, err)))
        return status;

    /* The verdict of the hypothesis: the primary outcome against the counterfactual. */
    int cf = strtab_find(&h->cmp, "counterfactual");
    int po = prim ? strtab_find(&p->outcomes, prim) : -1;
    const hrow *v = cf >= 0 && po >= 0 ? hfind(h, row, cf, po) : NULL;
    char hyp[256], title[1024];
    hypothesis_name(p, hyp, sizeof hyp);
    snprintf(title, sizeof title,
             "Hypothesis: %s.  Verdict: %s (primary outcome %s, factual vs counterfactual)\n"
             "mean paired difference with its 95%% CI, oriented so that > 0 supports the thesis",
             hyp, v && v->verdict >= 0 ? verdict_name[v->verdict] : "not available",
             prim ? prim : "not given");

    fig f;
    const char *what = "forest plot of the hypothesis test";
    if ((status = fig_open(p, &f, "forest", what, file, "hypothesis.csv", err)))
        return status;
    FILE *g = f.gp;
    int nc = (int)h->cmp.n;
    page pg;
    fprintf(g, "set yrange [%d.5:0.5]\nset grid noytics\nset ytics scale 0\n", nc);
    page_open(p, g, &pg, no, PAGE_FOREST, title, 0, 0);
    /* Row labels that fit their row (a line is about 1.5 times the font size):
     * the comparison over its verdict at 12 pt when two lines fit, else one line
     * (the verdict's mark after the name), smaller as the rows get thinner; and
     * never wider than the room left of the panel. */
    double row_px = pg.ph / nc;
    int lines = row_px >= 2 * 1.5 * 12 + 4 ? 2 : 1;
    int font = lines == 2 ? 12 : (int)((row_px - 4) / 1.5);
    font = font > 12 ? 12 : font < 6 ? 6 : font;
    size_t longest = 0;
    for (int c = 0; c < nc; c++)
        longest = strlen(h->cmp.s[c]) > longest ? strlen(h->cmp.s[c]) : longest;
    double need = (longest + (lines == 2 ? 0 : 2)) * 0.72 * font + 24; /* ~0.72 em a character */
    if (need > pg.left) { /* widen the room for the labels, up to 260 px */
        pg.left = need < 260 ? need : 260;
        pg.xsp = pg.left + 20;
        page_fit(&pg);
    }
    int max_chars = (int)((pg.left - 24) / (0.72 * font)) - (lines == 2 ? 0 : 2);
    fprintf(g, "set ytics font ',%d'\n", font);
    for (int k = 0; k < no; k++) {
        const char *on = p->outcomes.s[outs[k]];
        char t[256], xl[256], onsafe[COOP_NAME_MAX * 2];
        int fewer;
        const char *unit = outcome_unit(on, &fewer);
        safe_name(onsafe, sizeof onsafe, on);
        snprintf(t, sizeof t, "%s%s", on, prim && strcmp(on, prim) == 0 ? " (primary)" : "");
        snprintf(xl, sizeof xl, "%s%s", unit, fewer ? " (other - factual)" : "");
        page_panel(g, &pg, k, t, xl, NULL, 1);
        double lo = 0, hi = 0, scale = 0;
        forest_rows(g, h, row, outs[k], lines, max_chars, &lo, &hi, &scale);
        pad_range(&lo, &hi, scale);
        fprintf(g, ")\nset xrange [%.6g:%.6g]\nset xtics %.6g\n", lo, hi,
                nice_step(hi - lo, 4));
        fputs("set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb '#606060'\n", g);
        forest_points(g, h, row, outs[k], file, onsafe);
        fputs("\nunset arrow 1\n", g);
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}

/* ---------------------------------------------------------------- per state */

/* The rows of the per-state figure for comparison c of the point in row `row`,
 * outcome o: the states' rows, the common set's, then the pooled one.  At most
 * max; their number. */
static int state_rows(const hdata *h, int row, int c, int o, const hrow **out, int max)
{
    int n = 0, common = strtab_find(&h->states, "common");
    for (size_t i = 0; i < h->sn && n < max; i++) {
        const hrow *r = &h->sr[i];
        if (r->row == row && r->cmp == c && r->outcome == o && r->state != common)
            out[n++] = r;
    }
    for (size_t i = 0; i < h->sn && n < max; i++) {
        const hrow *r = &h->sr[i];
        if (r->row == row && r->cmp == c && r->outcome == o && r->state == common)
            out[n++] = r;
    }
    const hrow *pooled = hfind(h, row, c, o);
    if (pooled && n < max)
        out[n++] = pooled;
    return n;
}

static const char *state_label(const hdata *h, const hrow *r)
{
    if (r->state < 0)
        return "pooled";
    return strcmp(h->states.s[r->state], "common") == 0 ? "common set" : h->states.s[r->state];
}

/* figures/states.csv: a row per (comparison, state) of the outcome o. */
static int states_data(plot *p, const hdata *h, int row, int o, const char *file, coop_err *err)
{
    FILE *f = data_open(p, file, err);
    if (!f)
        return err->code;
    fputs("comparison,state,row,verdict,diff,ci_lo,ci_hi\n", f);
    for (int c = 0; c < (int)h->cmp.n; c++) {
        const hrow *rs[COOP_MAX_STATES + 2];
        int n = state_rows(h, row, c, o, rs, COOP_MAX_STATES + 2);
        for (int k = 0; k < n; k++) {
            char cn[COOP_NAME_MAX * 2], sn[COOP_NAME_MAX * 2];
            safe_name(cn, sizeof cn, h->cmp.s[c]);
            safe_name(sn, sizeof sn, state_label(h, rs[k]));
            fprintf(f, "%s,%s,%d,%s", cn, sn, k + 1,
                    rs[k]->verdict >= 0 ? verdict_name[rs[k]->verdict] : "NA");
            put_num(f, rs[k]->diff);
            put_num(f, rs[k]->lo);
            put_num(f, rs[k]->hi);
            fputc('\n', f);
        }
    }
    return data_close(p, f, file, err);
}

/* One panel: comparison c's rows rs[0..n-1] (labels, range, points by verdict). */
static void states_panel(FILE *g, const hdata *h, int c, const hrow *const *rs, int n,
                         const char *file)
{
    fprintf(g, "set yrange [%d.5:0.5]\nset ytics (", n);
    double lo = 0, hi = 0, scale = 0;
    for (int k = 0; k < n; k++) {
        char lab[COOP_NAME_MAX + 16];
        snprintf(lab, sizeof lab, "%s %s", state_label(h, rs[k]),
                 rs[k]->verdict >= 0 ? verdict_mark[rs[k]->verdict] : "");
        fputs(k ? ", " : "", g);
        gq(g, lab);
        fprintf(g, " %d", k + 1);
        double x[3] = {rs[k]->diff, rs[k]->lo, rs[k]->hi};
        for (int j = 0; j < 3; j++)
            if (isfinite(x[j]))
                lo = x[j] < lo ? x[j] : lo, hi = x[j] > hi ? x[j] : hi;
        double m = fabs(rs[k]->mean_a) > fabs(rs[k]->mean_b) ? fabs(rs[k]->mean_a)
                                                              : fabs(rs[k]->mean_b);
        if (isfinite(m) && m > scale)
            scale = m;
    }
    pad_range(&lo, &hi, scale);
    fprintf(g, ")\nset xrange [%.6g:%.6g]\nset xtics %.6g\n", lo, hi, nice_step(hi - lo, 4));
    fputs("set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb '#606060'\nplot ", g);
    char cn[COOP_NAME_MAX * 2];
    safe_name(cn, sizeof cn, h->cmp.s[c]);
    int n_el = 0;
    for (int vd = 0; vd < N_VERDICTS; vd++) {
        int any = 0;
        for (int k = 0; k < n; k++)
            any |= rs[k]->verdict == vd && isfinite(rs[k]->diff);
        if (!any)
            continue;
        const char *sel = "strcol('comparison') eq '%s' && strcol('verdict') eq '%s'";
        fprintf(g, "%s'%s' using (", n_el++ ? ", \\\n     " : "", file);
        fprintf(g, sel, cn, verdict_name[vd]);
        fprintf(g, " ? column('diff') : NaN):'row':'ci_lo':'ci_hi' with xerrorbars pt 7 ps 1.8 "
                   "lw 2.5 lc rgb '%s' notitle", verdict_colour[vd]);
        fprintf(g, ", \\\n     '%s' using (", file);
        fprintf(g, sel, cn, verdict_name[vd]);
        fprintf(g, " ? column('diff') : NaN):'row' with points pt 7 ps 1.8 lc rgb '%s' notitle",
                verdict_colour[vd]);
    }
    if (n_el == 0)
        fputs("NaN notitle", g);
    fputs("\nunset arrow 1\n", g);
}

int plot_states(plot *p, const hdata *h, coop_err *err)
{
    const char *file = "states.csv", *prim = primary_outcome(p);
    int o = prim ? strtab_find(&p->outcomes, prim) : -1, row = h->r[0].row, status;
    if (o < 0 || h->sn == 0 || h->cmp.n == 0)
        return COOP_OK;
    int any = 0;
    for (size_t i = 0; i < h->sn && !any; i++)
        any = h->sr[i].row == row && h->sr[i].outcome == o;
    if (!any)
        return COOP_OK;
    if ((status = states_data(p, h, row, o, file, err)))
        return status;
    char hyp[256], title[1024], xl[256];
    int fewer;
    const char *unit = outcome_unit(prim, &fewer);
    hypothesis_name(p, hyp, sizeof hyp);
    snprintf(title, sizeof title,
             "%s, per state: primary outcome %s\n"
             "mean paired difference with its 95%% CI per state, on the placebo's common set "
             "and pooled (> 0 supports the thesis)", hyp, prim);
    snprintf(xl, sizeof xl, "%s%s", unit, fewer ? " (other - factual)" : "");
    fig f;
    const char *what = "per-state effects of the hypothesis test";
    if ((status = fig_open(p, &f, "states", what, file, "hypothesis.csv", err)))
        return status;
    FILE *g = f.gp;
    int nc = (int)h->cmp.n;
    page pg;
    fputs("set grid noytics\nset ytics scale 0 font ',11'\n", g);
    page_open(p, g, &pg, nc, PAGE_FOREST, title, 0, 0);
    for (int c = 0; c < nc; c++) {
        const hrow *rs[COOP_MAX_STATES + 2];
        int n = state_rows(h, row, c, o, rs, COOP_MAX_STATES + 2);
        page_panel(g, &pg, c, h->cmp.s[c], xl, NULL, 1);
        if (n == 0) {
            fputs("set yrange [1.5:0.5]\nset ytics ()\nplot NaN notitle\n", g);
            continue;
        }
        states_panel(g, h, c, rs, n, file);
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}
