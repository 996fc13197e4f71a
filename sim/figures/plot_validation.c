/* plot_validation.c: the validation figure of `coopsim plot` (validation.csv
 * of one point): each target's score on the one scale they share, with its
 * baseline's score (chance, the initial values or the model without the
 * motivator role) as a cross beside it, and the observed and simulated values as
 * text in their own units. */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_validate.h"

/* ---------------------------------------------------------------- validation */

#define BASE_C "#0072B2" /* the baselines' crosses (Okabe-Ito blue) */

/* What each validation target measures, in words a reader of the figure needs
 * (docs/VALIDATION.md, "Targets"), its units and the decimals its values get.
 * The actors are named by their roles (leader, blocked, late, early states) here;
 * vlabels names them when the manifest's validation group loads. */
static const struct vtarget {
    const char *what, *unit;
    int dec, diagnostic;
} vtargets[COOP_V_N] = {
    [COOP_V_TAU_SIGNED] = {"order of the signing dates", "Kendall's tau-b (-1 to 1)", 2, 0},
    [COOP_V_TAU_IN_FORCE] = {"order of the dates in force", "Kendall's tau-b (-1 to 1)", 2, 0},
    [COOP_V_ORDER_SIGNED] = {"early states sign before blocked before late",
                             "share of replicates", 2, 0},
    [COOP_V_LEADER_FIRST] = {"leader first to the enhanced level", "share of replicates", 2, 0},
    [COOP_V_LEADER_YEAR] = {"leader's enhanced agreement", "year", 1, 0},
    [COOP_V_BLOCKED] = {"blocked state not in force by the deadline", "share of replicates", 2,
                        0},
    [COOP_V_LATE_DELAY] = {"late state's signing delay", "years after the early states", 1, 0},
    [COOP_V_SHARE_MAE] = {"states' shares of trade", "mean absolute error vs the record", 3, 0},
    [COOP_V_SHARE_MAE_IMPORTS] = {"states' shares of trade: imports only",
                                  "mean absolute error (diagnostic: not in combined)", 3, 1},
    [COOP_V_SHARE_MAE_EXPORTS] = {"states' shares of trade: exports only",
                                  "mean absolute error (diagnostic: not in combined)", 3, 1},
    [COOP_V_DECLINE] = {"change of total trade over the decline years", "relative change", 2,
                        0},
};

/* The labels of the targets that are about particular states, with their names,
 * from the manifest's validation group (into lab[k]; "" where the generic words
 * of vtargets stay), and each target's pass mark on the score axis, 1 - tolerance
 * / range (into mark[k]; NaN when the group does not load, e.g. a directory moved
 * away from its trade file). */
static void vlabels(const coop_config *cfg, char lab[COOP_V_N][320], double mark[COOP_V_N])
{
    coop_validation v;
    coop_err e = {0};
    for (int k = 0; k < COOP_V_N; k++)
        lab[k][0] = '\0', mark[k] = NAN;
    if (coop_validation_load(cfg, &v, &e) != COOP_OK)
        return;
#define VNAME(i) (coop_cfg_actor_name(cfg, v.state[i]))
    char early[160] = "";
    for (int i = 0; i < v.n_early; i++)
        snprintf(early + strlen(early), sizeof early - strlen(early), "%s%s",
                 i == 0 ? "" : "/", VNAME(v.early[i])); /* no commas: put_text */
    snprintf(lab[COOP_V_ORDER_SIGNED], 320, "%s sign before %s before %s", early,
             VNAME(v.blocked), VNAME(v.late));
    snprintf(lab[COOP_V_LEADER_FIRST], 320, "%s first to the enhanced level", VNAME(v.leader));
    snprintf(lab[COOP_V_LEADER_YEAR], 320, "%s's enhanced agreement", VNAME(v.leader));
    snprintf(lab[COOP_V_BLOCKED], 320, "%s not in force by %g", VNAME(v.blocked), v.blocked_by);
    snprintf(lab[COOP_V_LATE_DELAY], 320, "%s's signing delay", VNAME(v.late));
#undef VNAME
    for (int k = 0; k < COOP_V_N; k++)
        if (v.range[k] > 0)
            mark[k] = fmax(0.0, fmin(1.0, 1.0 - v.tolerance[k] / v.range[k]));
}

/* One row of validation.csv, with what the figure shows of it. */
typedef struct vrow {
    char target[COOP_NAME_MAX * 2];
    double observed, mean, lo, hi, score, tol;
    double base;         /* baseline_score; NaN when the file has none */
    char status[24];     /* status ("" when the file has none) */
    int pass;            /* 1, 0, -1 for NA */
    int combined;
    const struct vtarget *vt;  /* NULL: a target this version does not describe */
    int k;               /* its COOP_V_ index, -1 for combined or unknown */
} vrow;

/* Text for a data file that gnuplot reads field by field: gnuplot does not honour
 * CSV quoting, so a comma becomes a semicolon (and a double quote a single one). */
static void put_text(FILE *o, const char *s)
{
    for (; *s; s++)
        fputc(*s == ',' ? ';' : *s == '"' ? '\'' : (unsigned char)*s < 32 ? ' ' : *s, o);
}

/* A value with dec decimals, NA for NaN. */
static void vnum(char *buf, size_t size, double x, int dec)
{
    if (isnan(x))
        snprintf(buf, size, "NA");
    else
        snprintf(buf, size, "%.*f", dec, x == 0 ? 0.0 : x);
}

/* Reads validation.csv into *v (n rows); *many = 1 when it holds several points
 * (a calibration sweep). */
static int load_validation(plot *p, vrow **v, size_t *n, int *many, coop_err *err)
{
    static const char *const cols[] = {"target",  "observed",  "simulated_mean", "ci_lo",
                                       "ci_hi",   "score",     "tolerance",      "pass"};
    int ix[8], got, status;
    size_t cap = 0;
    char first_point[64] = "";
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "validation.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 8, err)))
        goto out;
    int pcol = coop_csv_reader_col(&c, "point");
    int bcol = coop_csv_reader_col(&c, "baseline_score"), scol = coop_csv_reader_col(&c, "status");
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        if (pcol >= 0) {
            long pt;
            if ((status = coop_csv_reader_int(&c, pcol, &pt, err)))
                goto out;
            if (!first_point[0])
                snprintf(first_point, sizeof first_point, "%ld", pt);
            else if (strcmp(first_point, c.fld[pcol]) != 0)
                *many = 1;
        }
        vrow *q = coop_grow(*v, &cap, *n + 1, sizeof *q);
        if (!q) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        *v = q;
        vrow *r = &q[*n];
        memset(r, 0, sizeof *r);
        if ((status = coop_csv_reader_num(&c, ix[1], &r->observed, err)) ||
            (status = coop_csv_reader_num(&c, ix[2], &r->mean, err)) ||
            (status = coop_csv_reader_num(&c, ix[3], &r->lo, err)) ||
            (status = coop_csv_reader_num(&c, ix[4], &r->hi, err)) ||
            (status = coop_csv_reader_num(&c, ix[5], &r->score, err)) ||
            (status = coop_csv_reader_num(&c, ix[6], &r->tol, err)))
            goto out;
        r->base = NAN;
        if (bcol >= 0 && (status = coop_csv_reader_num(&c, bcol, &r->base, err)))
            goto out;
        if (scol >= 0)
            safe_name(r->status, sizeof r->status, c.fld[scol]);
        const char *ps = c.fld[ix[7]];
        if (strcmp(ps, "true") == 0)
            r->pass = 1;
        else if (strcmp(ps, "false") == 0)
            r->pass = 0;
        else if (!*ps || strcmp(ps, "NA") == 0)
            r->pass = -1;
        else {
            status = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: pass = '%s' is not true, false or NA",
                               c.path, c.line, ps);
            goto out;
        }
        safe_name(r->target, sizeof r->target, c.fld[ix[0]]);
        r->combined = strcmp(r->target, "combined") == 0;
        r->k = -1;
        for (int k = 0; k < COOP_V_N; k++)
            if (strcmp(r->target, coop_validate_target_names[k]) == 0)
                r->vt = &vtargets[k], r->k = k;
        (*n)++;
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* Where the rows went in the figure's data file (top to bottom in file order,
 * the combined score after a gap), and how many targets passed. */
typedef struct vlayout {
    double y, ysep, comb_y;   /* the last row; the separator; the combined row */
    const vrow *comb;
    int n_pass, n_scored;
} vlayout;

/* 1 when the row is out of the combined score: a diagnostic, or a target the
 * validation group marks input-determined. */
static int left_out(const vrow *r)
{
    return !r->combined && ((r->vt && r->vt->diagnostic) || strcmp(r->status, "diagnostic") == 0
                            || strcmp(r->status, "input-determined") == 0);
}

/* One row of the figure's data file, at height y. */
static void vrow_write(FILE *o, const vrow *r, double y, char lab[COOP_V_N][320],
                       const double *mark)
{
    int dec = r->combined ? 2 : r->vt ? r->vt->dec : 3;
    const char *kind = r->combined ? "combined" : left_out(r) ? "diagnostic" : "target";
    const char *label = r->combined            ? "combined score"
                        : r->k >= 0 && lab[r->k][0] ? lab[r->k]
                        : r->vt                     ? r->vt->what
                                                    : r->target;
    char unit[320];
    const char *u = r->combined ? "mean of the scores above but the grey ones"
                    : strcmp(r->status, "input-determined") == 0
                        ? "input-determined: not in the combined score"
                    : r->vt ? r->vt->unit
                            : "the target's units";
    snprintf(unit, sizeof unit, "%s%s", u,
             strcmp(r->status, "structural") == 0 ? "; structural: beyond the model" : "");
    char ot[64], st[256], tt[64], a[64], b[64], m[64];
    vnum(ot, sizeof ot, r->observed, dec);
    vnum(m, sizeof m, r->mean, dec);
    vnum(a, sizeof a, r->lo, dec);
    vnum(b, sizeof b, r->hi, dec);
    if (isnan(r->mean))
        snprintf(st, sizeof st, "not defined in any replicate");
    else if (isnan(r->lo) || isnan(r->hi))
        snprintf(st, sizeof st, "%s", m);
    else
        snprintf(st, sizeof st, "%s [%s to %s]", m, a, b);
    if (r->combined)
        snprintf(tt, sizeof tt, "score \xe2\x89\xa5 %g", r->tol);
    else
        snprintf(tt, sizeof tt, "\xc2\xb1%.*f", dec, r->tol);
    fprintf(o, "%.1f,%s,%s,", y, r->target, kind);
    put_text(o, label);
    fputc(',', o);
    put_text(o, unit);
    put_num(o, r->observed);
    put_num(o, r->mean);
    put_num(o, r->lo);
    put_num(o, r->hi);
    put_num(o, r->score);
    put_num(o, r->tol);
    fprintf(o, ",%s", r->pass < 0 ? "NA" : r->pass ? "true" : "false");
    put_num(o, r->combined ? r->tol : r->k >= 0 ? mark[r->k] : NAN);
    fputc(',', o);
    put_text(o, ot);
    fputc(',', o);
    put_text(o, st);
    fputc(',', o);
    put_text(o, tt);
    fprintf(o, ",%s", r->pass < 0 ? "n/a" : r->pass ? "yes" : "no");
    put_num(o, r->base);
    fputc('\n', o);
}

/* figures/validation.csv: the targets, then the combined score after a gap. */
static int validation_data(plot *p, const vrow *v, size_t n, const char *file, vlayout *lay,
                           coop_err *err)
{
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    char lab[COOP_V_N][320];
    double mark[COOP_V_N];
    vlabels(&p->cfg, lab, mark);
    fputs("row,target,kind,label,unit,observed,simulated_mean,ci_lo,ci_hi,score,tolerance,pass,"
          "pass_mark,observed_text,simulated_text,tolerance_text,pass_text,baseline_score\n",
          o);
    memset(lay, 0, sizeof *lay);
    for (int pass2 = 0; pass2 < 2; pass2++)
        for (size_t i = 0; i < n; i++) {
            const vrow *r = &v[i];
            if (r->combined != pass2)
                continue;
            if (r->combined && !lay->ysep) {
                lay->ysep = lay->y + 0.7;
                lay->y += 0.9;
                lay->comb = r;
            }
            lay->y += 1;
            if (r->combined)
                lay->comb_y = lay->y;
            if (!r->combined && !left_out(r) && !isnan(r->score)) {
                lay->n_scored++;
                lay->n_pass += r->pass == 1;
            }
            vrow_write(o, r, lay->y, lab, mark);
        }
    return data_close(p, o, file, err);
}

/* The score panel: a dot per target (filled: pass, open: fail), each target's
 * pass mark as a short dashed tick, its baseline's score as a cross, the combined
 * score apart below. */
static void validation_scores(FILE *g, const char *file, const vrow *v, size_t n,
                              const vlayout *lay, const char *pass_c, const char *fail_c)
{
    const double dot_l = 386, dot_r = 636;   /* pixels */
    fprintf(g, "# the scores\nset lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set border 1 lc rgb '#404040'\nset xtics 0,0.25,1 nomirror\n"
               "set ytics (",
            dot_l / FIG_W, dot_r / FIG_W);
    double yy = 0;
    int k = 0, sep = 0;
    for (int pass2 = 0; pass2 < 2; pass2++)
        for (size_t i = 0; i < n; i++)
            if (v[i].combined == pass2) {
                if (v[i].combined && !sep) {
                    yy += 0.9;
                    sep = 1;
                }
                yy += 1;
                fprintf(g, "%s\"\" %.1f", k++ ? ", " : "", yy);
            }
    fputs(") scale 0\nset grid xtics ytics lc rgb '#e6e6e6' lt 1 lw 1\n"
          "set xrange [-0.03:1.03]\n"
          "set xlabel \"score: 1 = the simulated mean equals the observed value\"\n",
          g);
    fputs("set label 1 \"score\" at graph 0.5, graph 1 center offset 0,1.2 font 'Sans Bold,12'\n",
          g);
    const vrow *comb = lay->comb;
    if (comb) {
        fprintf(g, "set arrow 1 from screen 0.01, first %.1f to screen 0.99, first %.1f nohead "
                   "lc rgb '#9AA5B1'\n",
                lay->ysep, lay->ysep);
        fprintf(g, "set arrow 2 from %g, first %.1f to %g, first %.1f nohead dt 2 lw 1.5 "
                   "lc rgb '#404040'\n",
                comb->tol, lay->comb_y - 0.42, comb->tol, lay->comb_y + 0.42);
        fprintf(g, "set label 2 \"pass mark\" at %g, first %.2f center "
                   "font 'Sans,9' tc rgb '#404040'\n",
                comb->tol, lay->comb_y - 0.7);
    }
    const char *sel = "(strcol('kind') %s 'combined' && strcol('pass') eq '%s' ? "
                      "column('score') : NaN):'row'";
    /* each target's pass mark (1 - tolerance / range): a short dashed tick */
    fprintf(g, "plot '%s' using (strcol('kind') ne 'combined' ? column('pass_mark') : NaN):"
               "(column('row') - 0.3):(0):(0.6) with vectors nohead dt 2 lw 1.5 "
               "lc rgb '#404040', \
     '%s' using ",
            file, file);
    fprintf(g, sel, "ne", "true");
    fprintf(g, " with points pt 7 ps 2.2 lc rgb '%s', \\\n     '%s' using ", pass_c, file);
    fprintf(g, sel, "ne", "false");
    fprintf(g, " with points pt 6 ps 2.2 lw 2.5 lc rgb '%s', \\\n     '%s' using ", fail_c, file);
    fprintf(g, sel, "eq", "true");
    fprintf(g, " with points pt 13 ps 3.2 lc rgb '%s', \\\n     '%s' using ", pass_c, file);
    fprintf(g, sel, "eq", "false");
    fprintf(g, " with points pt 12 ps 3.2 lw 2.5 lc rgb '%s', \\\n", fail_c);
    fprintf(g, "     '%s' using (column('baseline_score')):'row' with points pt 2 ps 1.8 lw 2 "
               "lc rgb '%s'\n", file, BASE_C);
}

/* The values as text in each target's own units, then the legend below. */
static void validation_values(FILE *g, const char *file, const char *pass_c, const char *fail_c)
{
    const double tab_l = 660;   /* pixels */
    static const struct {
        const char *col, *head;
        double x;       /* pixels */
        const char *align;
    } tc[] = {{"observed_text", "observed", 745, "right"},
              {"simulated_text", "simulated mean [95% CI]", 765, "left"},
              {"tolerance_text", "tolerance", 1012, "left"},
              {"pass_text", "pass", 1120, "left"}};
    fprintf(g, "# the values in their own units\nset lmargin at screen %.4f\n"
               "set rmargin at screen 1\nunset border\nunset tics\nunset grid\nunset xlabel\n"
               "unset label\nunset arrow\nset xrange [%g:%d]\n",
            tab_l / FIG_W, tab_l, FIG_W);
    for (size_t k = 0; k < sizeof tc / sizeof tc[0]; k++)
        fprintf(g, "set label %zu \"%s\" at %g, graph 1 %s offset 0,1.2 font 'Sans Bold,12'\n",
                k + 1, tc[k].head, tc[k].x, tc[k].align);
    fputs("plot ", g);
    for (size_t k = 0; k < sizeof tc / sizeof tc[0]; k++)
        fprintf(g, "%s'%s' using (%g):'row':'%s' with labels %s", k ? ", \\\n     " : "", file,
                tc[k].x, tc[k].col, tc[k].align);
    fputc('\n', g);

    fprintf(g, "# the legend\nset lmargin at screen 0\nset rmargin at screen 1\n"
               "set bmargin at screen 0\nset tmargin at screen %.4f\nunset label\n"
               "set key at screen 0.5,%.4f center center horizontal reverse Left maxcols 4 "
               "samplen 1 width 2\nset xrange [0:1]\nset yrange [0:1]\n"
               "plot NaN notitle, \\\n"
               "     keyentry with points pt 7 ps 2 lc rgb '%s' "
               "title 'pass: within tolerance', \\\n"
               "     keyentry with points pt 6 ps 2 lw 2.5 lc rgb '%s' "
               "title 'fail: outside tolerance', \\\n"
               "     keyentry with points pt 12 ps 2.6 lw 2 lc rgb '#404040' "
               "title 'combined score', \\\n"
               "     keyentry with points pt 2 ps 1.8 lw 2 lc rgb '%s' "
               "title 'baseline: chance, initial values or no role'\n",
            34.0 / FIG_H, 20.0 / FIG_H, pass_c, fail_c, BASE_C);
}

/* The validation figure at one point: per target a dot at its score (0-1, the
 * one scale every target shares), filled when it passes and open when it does
 * not, the combined score apart below; beside it, as text in each target's own
 * units, the observed value, the simulated mean with its 95% CI, the tolerance
 * and the verdict. */
int plot_validation(plot *p, coop_err *err)
{
    vrow *v = NULL;
    size_t n = 0;
    int many = 0;
    vlayout lay;
    const char *file = "validation.csv";
    int status = load_validation(p, &v, &n, &many, err);
    /* A calibration sweep validates many points: one figure would not show them. */
    if (status || n == 0 || many || (status = validation_data(p, v, n, file, &lay, err)))
        goto out;

    /* Pixels: labels | score dots | the values in their own units. */
    const double lab_r = 372, top = 132, bottom = 104;
    char title[1024], verdict[256] = "";
    const vrow *comb = lay.comb;
    if (comb && !isnan(comb->score))
        snprintf(verdict, sizeof verdict, "; combined score %.2f %s (needs %g)", comb->score,
                 comb->pass == 1 ? "passes" : "fails", comb->tol);
    snprintf(title, sizeof title,
             "Validation against the historical record: %d of %d targets within tolerance%s\n"
             "%s",
             lay.n_pass, lay.n_scored, verdict, p->about);
    fig f;
    const char *what = "validation: the score of each target, and its observed and simulated "
                       "values";
    if ((status = fig_open(p, &f, "validation", what, file, "validation.csv", err)))
        goto out;
    FILE *g = f.gp;
    fputs("set multiplot title ", g);
    gq(g, title);
    fprintf(g, "\nunset key\nset yrange [%.1f:0.4]\nset tmargin at screen %.4f\n"
               "set bmargin at screen %.4f\n",
            lay.y + 0.6, 1 - top / FIG_H, bottom / FIG_H);
    const char *pass_c = verdict_colour[V_SUPPORTED], *fail_c = verdict_colour[V_CONTRADICTED];

    /* The labels, right-aligned: what the target measures, its units below in grey. */
    fprintf(g, "# the row labels\nset lmargin at screen 0\nset rmargin at screen %.4f\n"
               "unset border\nunset tics\nunset grid\nset xrange [0:1]\n",
            lab_r / FIG_W);
    fprintf(g, "plot '%s' using (1):'row':(strcol('kind') eq 'target' ? strcol('label') : '') "
               "with labels right offset 0,0.5, \\\n"
               "     '%s' using (1):'row':(strcol('kind') eq 'diagnostic' ? strcol('label') : '') "
               "with labels right offset 0,0.5 tc rgb '#606060', \\\n"
               "     '%s' using (1):'row':(strcol('kind') eq 'combined' ? strcol('label') : '') "
               "with labels right offset 0,0.5 font 'Sans Bold,12', \\\n"
               "     '%s' using (1):'row':'unit' with labels right offset 0,-0.6 font 'Sans,10' "
               "tc rgb '#707070'\n",
            file, file, file, file);
    validation_scores(g, file, v, n, &lay, pass_c, fail_c);
    validation_values(g, file, pass_c, fail_c);
    fputs("unset multiplot\n", g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
out:
    free(v);
    return status;
}
