/* plot_series.c: the time-series figures of `coopsim plot` (figures 1, 2 and 6,
 * from summary.csv: cooperation toward the target, the target's engagement, the
 * cooperator share) and the agreements figure (figure 3, from milestones.csv,
 * with the observed milestones of configs/data/eu_ca_timeline.csv). */
#include "plot_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CURVES 8       /* (point, world) curves one time-series figure overlays */
#define BAND_CURVES 4      /* up to this many curves get a shaded CI band */
#define SERIES_PANELS 9    /* panels per page of a time-series figure */
#define TIE_PANELS 6       /* panels per page of the agreements figure */

/* ---------------------------------------------------------------- time series */

/* The summary.csv metrics the time-series figures draw. */
enum { MET_COOP_TARGET, MET_ENGAGEMENT, MET_COOP_SHARE };

typedef struct srow {
    int curve, step, panel, metric;
    double mean, lo, hi;
} srow;

/* The (point, world) curves of the time-series figures. */
typedef struct curves {
    int n;
    long point[MAX_CURVES];
    int world[MAX_CURVES];
    long dropped;          /* rows of further curves, not kept */
} curves;

typedef struct sdata {
    srow *row;
    size_t n, cap;
    curves cv;
} sdata;

static int n_distinct_points(const curves *cv)
{
    int n = 0;
    for (int i = 0; i < cv->n; i++)
        n += i == 0 || cv->point[i] != cv->point[i - 1];
    return n;
}

/* Colour and dash of curve c: with one point, colour by world; with several,
 * colour by point and dash by world. */
static void curve_style(const plot *p, const curves *cv, int c, const char **col, int *dt)
{
    int pi = 0;
    for (int i = 1; i <= c; i++)
        pi += cv->point[i] != cv->point[i - 1];
    *col = colour[(n_distinct_points(cv) == 1 ? c : pi) % N_COLOURS];
    *dt = world_dash(p, cv->world[c]);
}

/* The legend text of curve c, and its key in column names. */
static void curve_label(const plot *p, const curves *cv, int c, char *label, size_t lsize,
                        char *key, size_t ksize)
{
    int many_points = n_distinct_points(cv) > 1;
    int many_worlds = 0;
    for (int i = 0; i < cv->n; i++)
        many_worlds |= cv->world[i] != cv->world[0];
    const char *w = p->worlds.s[cv->world[c]];
    char pl[256];
    point_label(p, point_row(p, cv->point[c]), pl, sizeof pl);
    if (!many_points)
        snprintf(label, lsize, "%s", w);
    else if (!many_worlds)
        snprintf(label, lsize, "%s", pl);
    else
        snprintf(label, lsize, "%s, %s", pl, w);
    char raw[256];
    if (many_points)
        snprintf(raw, sizeof raw, "p%ld %s", cv->point[c], w);
    else
        snprintf(raw, sizeof raw, "%s", w);
    safe_name(key, ksize, raw);
}

static int srow_cmp_curve(const plot *p, const curves *cv, int a, int b)
{
    if (cv->point[a] != cv->point[b])
        return cv->point[a] < cv->point[b] ? -1 : 1;
    int ra = world_rank(p, cv->world[a]), rb = world_rank(p, cv->world[b]);
    return (ra > rb) - (ra < rb);
}

/* Reads the rows of summary.csv the time-series figures use: coop_target of every
 * actor, engagement of the hypothesis target, coop_share of the population. */
static int load_summary(plot *p, sdata *d, coop_err *err)
{
    static const char *const cols[] = {"point", "world", "step", "actor",
                                       "metric", "mean", "ci_lo", "ci_hi"};
    int ix[8], got, status;
    coop_csv_reader c;
    memset(d, 0, sizeof *d);
    if ((status = coop_csv_reader_open(&c, p->dir, "summary.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 8, err)))
        goto out;
    const coop_config *cfg = &p->cfg;
    const char *target = cfg->hyp.target >= 0 ? coop_cfg_actor_name(cfg, cfg->hyp.target) : NULL;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        const char *metric = c.fld[ix[4]], *actor = c.fld[ix[3]];
        int m, panel;
        if (strcmp(metric, "coop_target") == 0) {
            m = MET_COOP_TARGET;
            if ((panel = coop_config_actor(cfg, actor)) < 0)
                continue;
        } else if (strcmp(metric, "engagement") == 0 && target && strcmp(actor, target) == 0) {
            m = MET_ENGAGEMENT;
            panel = cfg->hyp.target;
        } else if (strcmp(metric, "coop_share") == 0 && strcmp(actor, "population") == 0) {
            m = MET_COOP_SHARE;
            panel = 0;
        } else {
            continue;
        }
        long point, step;
        double v[3];
        if ((status = coop_csv_reader_int(&c, ix[0], &point, err)) ||
            (status = coop_csv_reader_int(&c, ix[2], &step, err)) ||
            (status = coop_csv_reader_num(&c, ix[5], &v[0], err)) ||
            (status = coop_csv_reader_num(&c, ix[6], &v[1], err)) ||
            (status = coop_csv_reader_num(&c, ix[7], &v[2], err)))
            goto out;
        if (step >= cfg->n_steps)
            continue;
        int world = strtab_add(&p->worlds, c.fld[ix[1]]);
        if (world < 0) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        if (strncmp(c.fld[ix[1]], "placebo:", 8) == 0)
            continue; /* placebo worlds: in the forest plot, not in the time series */
        int cv = -1;
        for (int i = 0; i < d->cv.n && cv < 0; i++)
            if (d->cv.point[i] == point && d->cv.world[i] == world)
                cv = i;
        if (cv < 0) {
            if (d->cv.n == MAX_CURVES) {
                d->cv.dropped++;
                continue;
            }
            cv = d->cv.n++;
            d->cv.point[cv] = point;
            d->cv.world[cv] = world;
        }
        srow *r = coop_grow(d->row, &d->cap, d->n + 1, sizeof *r);
        if (!r) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        d->row = r;
        d->row[d->n++] = (srow){cv, (int)step, panel, m, v[0], v[1], v[2]};
    }
    if (status)
        goto out;

    /* Curves in (point, world) order. */
    int order[MAX_CURVES], rank[MAX_CURVES];
    for (int i = 0; i < d->cv.n; i++)
        order[i] = i;
    for (int i = 1; i < d->cv.n; i++)
        for (int j = i; j > 0 && srow_cmp_curve(p, &d->cv, order[j - 1], order[j]) > 0; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    curves sorted = d->cv;
    for (int i = 0; i < d->cv.n; i++) {
        sorted.point[i] = d->cv.point[order[i]];
        sorted.world[i] = d->cv.world[order[i]];
        rank[order[i]] = i;
    }
    d->cv = sorted;
    for (size_t i = 0; i < d->n; i++)
        d->row[i].curve = rank[d->row[i].curve];
out:
    coop_csv_reader_close(&c);
    return status;
}

/* Whether any row of metric in one of the n panels has a confidence interval
 * (summary.csv writes NA below 2 replicates). */
static int has_interval(const sdata *d, int metric, const int *panel, int n)
{
    for (size_t i = 0; i < d->n; i++)
        for (int k = 0; k < n; k++)
            if (d->row[i].metric == metric && d->row[i].panel == panel[k] &&
                !isnan(d->row[i].lo) && !isnan(d->row[i].hi))
                return 1;
    return 0;
}

/* figures/NAME.csv of a time-series figure: year, then per panel and curve the
 * mean, lo and hi of the metric (columns "PANEL KEY mean", ...). */
static int series_data(plot *p, const sdata *d, int metric, const int *panel, int n_panels,
                       const char *name, const char *file, char (*pnames)[COOP_NAME_MAX],
                       char (*keys)[128], coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    int S = cfg->n_steps, nc = d->cv.n;
    size_t cells = (size_t)n_panels * nc * S * 3;
    double *v = malloc(cells * sizeof *v);
    if (!v)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory drawing %s", name);
    for (size_t i = 0; i < cells; i++)
        v[i] = NAN;
    for (size_t i = 0; i < d->n; i++) {
        const srow *r = &d->row[i];
        if (r->metric != metric)
            continue;
        for (int k = 0; k < n_panels; k++)
            if (panel[k] == r->panel) {
                double *x = &v[(((size_t)k * nc + r->curve) * S + r->step) * 3];
                x[0] = r->mean;
                x[1] = r->lo;
                x[2] = r->hi;
            }
    }
    FILE *o = data_open(p, file, err);
    if (!o) {
        free(v);
        return err->code;
    }
    fputs("year", o);
    for (int k = 0; k < n_panels; k++)
        for (int c = 0; c < nc; c++)
            fprintf(o, ",%s %s mean,%s %s lo,%s %s hi", pnames[k], keys[c], pnames[k], keys[c],
                    pnames[k], keys[c]);
    fputc('\n', o);
    for (int s = 0; s < S; s++) {
        fprintf(o, "%.10g", coop_config_date(cfg, s));
        for (int k = 0; k < n_panels; k++)
            for (int c = 0; c < nc; c++)
                for (int j = 0; j < 3; j++)
                    put_num(o, v[(((size_t)k * nc + c) * S + s) * 3 + j]);
        fputc('\n', o);
    }
    free(v);
    return data_close(p, o, file, err);
}

/* The plot command of one panel (columns "PNAME KEY ..."): the CI bands, then the
 * mean lines. */
static void series_panel(const plot *p, FILE *g, const sdata *d, const char *file,
                         const char *pname, char (*keys)[128], int bands)
{
    int nc = d->cv.n;
    fputs("plot ", g);
    int n_el = 0;
    if (bands)
        for (int c = 0; c < nc; c++, n_el++) {
            const char *col;
            int dt;
            curve_style(p, &d->cv, c, &col, &dt);
            fprintf(g, "%s'%s' using 'year':'%s %s lo':'%s %s hi' with filledcurves "
                       "lc rgb '%s'",
                    n_el ? ", \\\n     " : "", file, pname, keys[c], pname, keys[c], col);
        }
    for (int c = 0; c < nc; c++, n_el++) {
        const char *col;
        int dt;
        curve_style(p, &d->cv, c, &col, &dt);
        fprintf(g, "%s'%s' using 'year':'%s %s mean' with lines lw %d dt %d lc rgb '%s'",
                n_el ? ", \\\n     " : "", file, pname, keys[c], dt == 1 ? 3 : 2, dt, col);
    }
    fputc('\n', g);
}

/* A time-series figure of one metric: one panel per entry of panel[] (actor
 * index, or 0 for the population), every curve in each panel, mean lines over
 * shaded 95% CI bands (no band, and no "95% CI" in the title or the legend,
 * when summary.csv has no interval: fewer than 2 replicates).  Several pages
 * (NAME_1, NAME_2, ...) beyond SERIES_PANELS panels. */
static int draw_series(plot *p, const sdata *d, const char *name, int metric, const int *panel,
                       char (*ptitle)[COOP_NAME_MAX + 32], int n_panels, const char *title,
                       const char *ylabel, const char *what, coop_err *err)
{
    int nc = d->cv.n, status = COOP_OK;
    char file[160], keys[MAX_CURVES][128], labels[MAX_CURVES][320];
    char(*pnames)[COOP_NAME_MAX] = malloc((size_t)n_panels * sizeof *pnames);
    if (!pnames)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory drawing %s", name);
    snprintf(file, sizeof file, "%s.csv", name);
    for (int c = 0; c < nc; c++)
        curve_label(p, &d->cv, c, labels[c], sizeof labels[c], keys[c], sizeof keys[c]);
    for (int k = 0; k < n_panels; k++)
        safe_name(pnames[k], sizeof pnames[k], ptitle[k]);
    if ((status = series_data(p, d, metric, panel, n_panels, name, file, pnames, keys, err))) {
        free(pnames);
        return status;
    }

    int pages = (n_panels + SERIES_PANELS - 1) / SERIES_PANELS;
    for (int pg = 0; pg < pages && !status; pg++) {
        char fname[128];
        if (pages == 1)
            snprintf(fname, sizeof fname, "%s", name);
        else
            snprintf(fname, sizeof fname, "%s_%d", name, pg + 1);
        int first = pg * SERIES_PANELS;
        int np = n_panels - first < SERIES_PANELS ? n_panels - first : SERIES_PANELS;
        fig f;
        if ((status = fig_open(p, &f, fname, what, file, "summary.csv", err)))
            break;
        FILE *g = f.gp;
        char t[560];
        page pgl;
        fputs("set yrange [0:1]\nset ytics 0.2\n", g);
        /* A band only where summary.csv has an interval (none below 2 replicates). */
        int bands = nc <= BAND_CURVES && has_interval(d, metric, panel + first, np);
        char ttl[512];
        snprintf(ttl, sizeof ttl, "%s", title);
        char *ci = strstr(ttl, ", 95% CI)");
        if (ci && !bands)
            memmove(ci, ci + strlen(", 95% CI"), strlen(ci + strlen(", 95% CI")) + 1);
        if (pages > 1)
            snprintf(t, sizeof t, "%s (%d of %d)", ttl, pg + 1, pages);
        else
            snprintf(t, sizeof t, "%s", ttl);
        int kc = 6;
        for (int c = 0; c < nc; c++)
            kc = (int)strlen(labels[c]) > kc ? (int)strlen(labels[c]) : kc;
        page_open(p, g, &pgl, np, PAGE_PLAIN, t, nc > 1 ? nc + bands : 0, kc);
        time_axis(p, g, pgl.cols);
        for (int k = first; k < first + np; k++) {
            page_panel(g, &pgl, k - first, np > 1 ? ptitle[k] : "", time_label(p), ylabel, 0);
            series_panel(p, g, d, file, pnames[k], keys, bands);
        }
        if (page_legend(g, &pgl)) {
            for (int c = 0; c < nc; c++) {
                const char *col;
                int dt;
                curve_style(p, &d->cv, c, &col, &dt);
                fprintf(g, ", \\\n     keyentry with lines lw %d dt %d lc rgb '%s' title ",
                        dt == 1 ? 3 : 2, dt, col);
                gq(g, labels[c]);
            }
            if (bands)
                fputs(", \\\n     keyentry with filledcurves lc rgb '#808080' title '95% CI'", g);
            fputc('\n', g);
        }
        page_close(g);
        status = fig_draw(p, &f, what, err);
        fig_discard(&f);
    }
    free(pnames);
    return status;
}

/* Whether any row of metric for panel has a mean. */
static int has_data(const sdata *d, int metric, int panel)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->row[i].metric == metric && d->row[i].panel == panel && !isnan(d->row[i].mean))
            return 1;
    return 0;
}

/* Figures 1, 2 and 6: cooperation toward the target per actor, the target's
 * engagement, the population's cooperator share. */
int plot_series(plot *p, coop_err *err)
{
    sdata d;
    int status = load_summary(p, &d, err);
    const coop_config *cfg = &p->cfg;
    if (status)
        goto out;
    if (d.cv.dropped) {
        if (p->log)
            fprintf(p->log, "%s: more than %d (point, world) series in summary.csv: no "
                            "time-series figures (see the sweep figures)\n",
                    p->dir, MAX_CURVES);
        goto out;
    }
    int *panel = malloc((cfg->n_actors + 1) * sizeof *panel);
    char(*pt)[COOP_NAME_MAX + 32] = malloc((cfg->n_actors + 1) * sizeof *pt);
    if (!panel || !pt) {
        free(panel);
        free(pt);
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        goto out;
    }
    const char *target =
        cfg->hyp.target >= 0 ? coop_cfg_actor_name(cfg, cfg->hyp.target) : "the target";
    char title[512], ylabel[256], what[512];

    int n = 0;
    for (size_t a = 0; a < cfg->n_actors; a++)
        if (has_data(&d, MET_COOP_TARGET, (int)a)) {
            panel[n] = (int)a;
            snprintf(pt[n++], sizeof pt[0], "%s", coop_cfg_actor_name(cfg, a));
        }
    if (n > 0) {
        snprintf(title, sizeof title,
                 "Cooperation toward %s: share of C actions of each actor (mean over replicates, "
                 "95%% CI)", target);
        snprintf(ylabel, sizeof ylabel, "share of C actions toward %s", target);
        snprintf(what, sizeof what, "cooperation toward %s per actor over time", target);
        status = draw_series(p, &d, "series_coop_target", MET_COOP_TARGET, panel, pt, n, title,
                             ylabel, what, err);
    }
    if (!status && cfg->hyp.target >= 0 && has_data(&d, MET_ENGAGEMENT, cfg->hyp.target)) {
        panel[0] = cfg->hyp.target;
        snprintf(pt[0], sizeof pt[0], "%s", target);
        snprintf(title, sizeof title,
                 "Engagement of %s with its partners (mean over replicates, 95%% CI)", target);
        snprintf(ylabel, sizeof ylabel, "engagement of %s (mean over partners, 0-1)", target);
        snprintf(what, sizeof what, "engagement of %s over time", target);
        status = draw_series(p, &d, "engagement", MET_ENGAGEMENT, panel, pt, 1, title, ylabel,
                             what, err);
    }
    if (!status && has_data(&d, MET_COOP_SHARE, 0)) {
        panel[0] = 0;
        snprintf(pt[0], sizeof pt[0], "population");
        status = draw_series(p, &d, "population", MET_COOP_SHARE, panel, pt, 1,
                             "Share of C actions in the whole population (mean over replicates, "
                             "95% CI)",
                             "share of C actions", "cooperator share of the population over time",
                             err);
    }
    free(panel);
    free(pt);
out:
    free(d.row);
    return status;
}

/* ---------------------------------------------------------------- agreements */

int coop_plot_timeline_level(const char *kind, const char *what, int n_levels)
{
    if (!kind || !what || n_levels < 2)
        return 0;
    int signed_ = strcmp(kind, "agreement_signed") == 0;
    int in_force = strcmp(kind, "agreement_in_force") == 0;
    if (!signed_ && !in_force)
        return 0;
    if (strncmp(what, "Enhanced Partnership", 20) == 0 || strncmp(what, "EPCA", 4) == 0)
        return signed_ ? n_levels - 1 : 0;
    if (strncmp(what, "PCA", 3) != 0 &&
        strncmp(what, "Partnership and Cooperation Agreement", 37) != 0)
        return 0;
    if (signed_)
        return 1;
    return n_levels > 2 ? 2 : 1;
}

/* An observed milestone to overlay. */
typedef struct observed {
    int tie, level;
    double from, to;      /* the years it covers: [year_from, year_to + 1) */
} observed;

/* Reads the observed milestones of the scenario's ties from the timeline file, if
 * one is found (configs/data/eu_ca_timeline.csv from the working directory, or
 * from the repository that holds results/NAME/).  Nothing found: *n = 0. */
static int load_timeline(plot *p, observed **obs, size_t *n, coop_err *err)
{
    coop_err quiet = {0}; /* a timeline that does not read is skipped, not an error */
    static const char *const name = "configs/data/eu_ca_timeline.csv";
    char path[BUF], dir[BUF];
    const coop_config *cfg = &p->cfg;
    *obs = NULL;
    *n = 0;
    snprintf(path, sizeof path, "%s", name);
    snprintf(dir, sizeof dir, ".");
    if (!plot_is_file(path)) {
        snprintf(dir, sizeof dir, "%s/../..", p->dir);
        if (plot_join(path, sizeof path, dir, name, &quiet) || !plot_is_file(path))
            return COOP_OK;
    }
    coop_csv_reader c;
    static const char *const cols[] = {"year_from", "year_to", "actors", "kind", "what"};
    int ix[5], got, status = COOP_OK;
    size_t cap = 0;

    /* The file opens with comment lines: skip them before the header. */
    memset(&c, 0, sizeof c);
    if (plot_join(c.path, sizeof c.path, dir, name, &quiet))
        return COOP_OK;
    if (!(c.f = fopen(c.path, "r")))
        return COOP_OK;
    c.next_line = 1;
    for (;;) {
        int ch = fgetc(c.f);
        if (ch != '#') {
            if (ch != EOF)
                ungetc(ch, c.f);
            break;
        }
        while ((ch = fgetc(c.f)) != EOF && ch != '\n')
            ;
        c.next_line++;
    }
    if (coop_csv_reader_record(&c, &got, &quiet) || !got)
        goto out; /* status is COOP_OK: no overlay */
    if (!(c.head = calloc(c.n, sizeof *c.head))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        goto out;
    }
    for (c.nhead = 0; c.nhead < c.n; c.nhead++)
        if (!(c.head[c.nhead] = strdup(c.fld[c.nhead]))) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
    if (coop_csv_reader_need(&c, cols, ix, 5, &quiet)) {
        status = COOP_OK; /* not the file we know: no overlay */
        goto out;
    }
    while (!(status = coop_csv_reader_next(&c, &got, &quiet)) && got) {
        int level = coop_plot_timeline_level(c.fld[ix[3]], c.fld[ix[4]], cfg->inst.n_levels);
        double from, to;
        if (!level || coop_csv_reader_num(&c, ix[0], &from, &quiet) ||
            coop_csv_reader_num(&c, ix[1], &to, &quiet) ||
            isnan(from) || isnan(to))
            continue;
        to += 1;
        if (to <= cfg->start || from >= cfg->end)
            continue;
        char a[COOP_NAME_MAX], *b = strchr(c.fld[ix[2]], ';');
        if (!b || (size_t)(b - c.fld[ix[2]]) >= sizeof a || strchr(b + 1, ';'))
            continue;
        memcpy(a, c.fld[ix[2]], (size_t)(b - c.fld[ix[2]]));
        a[b - c.fld[ix[2]]] = '\0';
        int tie = coop_config_tie(cfg, a, b + 1);
        if (tie < 0)
            continue;
        observed *q = coop_grow(*obs, &cap, *n + 1, sizeof *q);
        if (!q) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
        *obs = q;
        (*obs)[(*n)++] = (observed){tie, level, from, to};
    }
    if (status) { /* a malformed timeline is not the results' fault: no overlay */
        status = COOP_OK;
        *n = 0;
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* The agreements figure's data: when each replicate first reached each level on
 * each tie, the observed milestones, the worlds and ties shown and their names. */
typedef struct agree {
    int L, R, S;            /* levels, replicates, steps */
    size_t T;               /* ties */
    int *first;             /* [slot][tie][level][replicate]: first step at >= level */
    observed *obs;
    size_t n_obs;
    int w[2], slot[2], nw;  /* the worlds present (index in p->worlds), by slot */
    int *ties, nt;          /* the ties shown */
    char (*tie_name)[2 * COOP_NAME_MAX + 2];
    char wn[2][COOP_NAME_MAX + 16], ln[COOP_MAX_LEVELS][COOP_NAME_MAX];
} agree;

static const char *const slot_name[2] = {"factual", "counterfactual"};

/* Reads milestones.csv into a->first (the factual and counterfactual worlds of
 * the first point). */
static int load_milestones(plot *p, agree *a, coop_err *err)
{
    static const char *const cols[] = {"point", "world", "replicate", "a", "b", "level", "step"};
    const coop_config *cfg = &p->cfg;
    int L = a->L, R = a->R, S = a->S, ix[7], got, status;
    size_t T = a->T, cells = 2 * T * (size_t)L * (size_t)R;
    long point0 = p->n_points ? p->point_id[0] : 0;
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "milestones.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 7, err)))
        goto out;
    if (!(a->first = malloc(cells * sizeof *a->first))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory drawing agreements");
        goto out;
    }
    for (size_t i = 0; i < cells; i++)
        a->first[i] = INT_MAX; /* never */
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point, rep, level, step;
        if ((status = coop_csv_reader_int(&c, ix[0], &point, err)) ||
            (status = coop_csv_reader_int(&c, ix[2], &rep, err)) ||
            (status = coop_csv_reader_int(&c, ix[5], &level, err)) ||
            (status = coop_csv_reader_int(&c, ix[6], &step, err)))
            goto out;
        if (strtab_add(&p->worlds, c.fld[ix[1]]) < 0) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
        int slot = strcmp(c.fld[ix[1]], slot_name[0]) == 0   ? 0
                   : strcmp(c.fld[ix[1]], slot_name[1]) == 0 ? 1
                                                             : -1;
        int tie = coop_config_tie(cfg, c.fld[ix[3]], c.fld[ix[4]]);
        if (slot < 0 || tie < 0 || point != point0 || rep >= R || level < 1 || level >= L ||
            step >= S)
            continue;
        for (long l = 1; l <= level; l++) {
            int *x = &a->first[(((size_t)slot * T + tie) * L + l) * R + rep];
            if (step < *x)
                *x = (int)step;
        }
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* The ties shown, into a->ties: those that reached a level in some replicate, or
 * with an observed milestone; the hypothesis target's ties first. */
static int agreement_ties(const plot *p, agree *a, coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    size_t T = a->T;
    if (!(a->ties = malloc(T * sizeof *a->ties)) ||
        !(a->tie_name = malloc(T * sizeof *a->tie_name)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    a->nt = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t t = 0; t < T; t++) {
            int tg = cfg->hyp.target;
            int ta, tb;
            coop_cfg_tie_ends(cfg, t, &ta, &tb);
            int with_target = tg >= 0 && (ta == tg || tb == tg);
            if (tg >= 0 ? (pass == 0) != with_target : pass == 1)
                continue;
            int any = 0;
            for (int k = 0; k < a->nw && !any; k++)
                for (int r = 0; r < a->R && !any; r++)
                    any = a->first[(((size_t)a->slot[k] * T + t) * a->L + 1) * a->R + r] < a->S;
            for (size_t i = 0; i < a->n_obs && !any; i++)
                any = a->obs[i].tie == (int)t;
            if (any)
                a->ties[a->nt++] = (int)t;
        }
    return COOP_OK;
}

/* figures/agreements.csv (year, then per tie, world and level the share of
 * replicates) and agreements_observed.csv (the observed milestones). */
static int agreement_data(plot *p, agree *a, const char *file, const char *ofile, coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    int L = a->L, R = a->R, S = a->S;
    for (size_t t = 0; t < a->T; t++) {
        char raw[2 * COOP_NAME_MAX + 2];
        snprintf(raw, sizeof raw, "%s-%s", coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, t).a),
                 coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, t).b));
        safe_name(a->tie_name[t], sizeof a->tie_name[t], raw);
    }
    for (int k = 0; k < a->nw; k++)
        safe_name(a->wn[k], sizeof a->wn[k], p->worlds.s[a->w[k]]);
    for (int l = 1; l < L; l++)
        safe_name(a->ln[l], sizeof a->ln[l], cfg->inst.level_name[l]);
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("year", o);
    for (int i = 0; i < a->nt; i++)
        for (int k = 0; k < a->nw; k++)
            for (int l = 1; l < L; l++)
                fprintf(o, ",%s %s %d", a->tie_name[a->ties[i]], a->wn[k], l);
    fputc('\n', o);
    /* A step function drawn as one polyline (so that dash patterns run along it):
     * at the date of step s the share before the step, then the share with it. */
    for (int s = 0; s <= S; s++) {
        for (int half = s == 0; half < 2; half++) {
            fprintf(o, "%.10g", coop_config_date(cfg, s));
            for (int i = 0; i < a->nt; i++)
                for (int k = 0; k < a->nw; k++)
                    for (int l = 1; l < L; l++) {
                        const int *x =
                            &a->first[(((size_t)a->slot[k] * a->T + a->ties[i]) * L + l) * R];
                        int cnt = 0;
                        for (int r = 0; r < R; r++)
                            cnt += x[r] < s + half;
                        put_num(o, (double)cnt / R);
                    }
            fputc('\n', o);
        }
    }
    int status = data_close(p, o, file, err);
    if (status || !a->n_obs)
        return status;
    if (!(o = data_open(p, ofile, err)))
        return err->code;
    fputs("tie,level,year,from,to\n", o);
    for (size_t i = 0; i < a->n_obs; i++) {
        const observed *ob = &a->obs[i];
        fprintf(o, "%s,%d", a->tie_name[ob->tie], ob->level);
        put_num(o, (ob->from + ob->to) / 2);
        put_num(o, ob->from);
        put_num(o, ob->to);
        fputc('\n', o);
    }
    return data_close(p, o, ofile, err);
}

/* The panel of tie t: a line per world and level, the observed milestones. */
static void agreement_panel(FILE *g, const agree *a, int t, const char *file, const char *ofile)
{
    static const int pt[] = {5, 7, 9, 11, 13, 15, 4};
    fputs("plot ", g);
    int n_el = 0;
    for (int k = 0; k < a->nw; k++)
        for (int l = 1; l < a->L; l++, n_el++)
            fprintf(g, "%s'%s' using 'year':'%s %s %d' with lines lw 2 dt %d lc rgb '%s' "
                       "notitle",
                    n_el ? ", \\\n     " : "", file, a->tie_name[t], a->wn[k], l,
                    a->slot[k] ? 2 : 1, level_colour[(l - 1) % 5]);
    for (int l = 1; l < a->L; l++) {
        int any = 0;
        for (size_t j = 0; j < a->n_obs && !any; j++)
            any = a->obs[j].tie == t && a->obs[j].level == l;
        if (any)
            fprintf(g, "%s'%s' using (strcol('tie') eq '%s' && column('level') == %d ? "
                       "column('year') : NaN):(0.5):'from':'to' with xerrorbars pt %d "
                       "ps 1.6 lw 1.5 lc rgb '%s' notitle",
                    n_el++ ? ", \\\n     " : "", ofile, a->tie_name[t], l,
                    pt[(l - 1) % 7], level_colour[(l - 1) % 5]);
    }
    fputc('\n', g);
}

/* The shared legend: levels by colour, worlds by dash, the observed marker. */
static void agreement_legend(FILE *g, const page *pgl, const agree *a, int page_obs)
{
    if (!page_legend(g, pgl))
        return;
    for (int l = 1; l < a->L; l++) {
        fprintf(g, ", \\\n     keyentry with lines lw 2 lc rgb '%s' title ",
                level_colour[(l - 1) % 5]);
        gq(g, a->ln[l]);
    }
    for (int k = 0; k < a->nw && a->nw > 1; k++) {
        fprintf(g, ", \\\n     keyentry with lines lw 2 dt %d lc rgb '#404040' title ",
                a->slot[k] ? 2 : 1);
        gq(g, a->wn[k]);
    }
    if (page_obs)
        fputs(", \\\n     keyentry with points pt 7 ps 1.5 lc rgb '#404040' "
              "title 'observed date (timeline)'",
              g);
    fputc('\n', g);
}

/* Page pg of pages (ties first_t .. first_t + np - 1) of the agreements figure. */
static int agreement_page(plot *p, const agree *a, int pg, int pages, int first_t, int np,
                          const char *file, const char *ofile, coop_err *err)
{
    char fname[64], title[512], what[256];
    int L = a->L, nw = a->nw;
    snprintf(fname, sizeof fname, pages == 1 ? "agreements" : "agreements_%d", pg + 1);
    snprintf(what, sizeof what, "agreement levels reached per tie over time%s",
             pages > 1 ? " (one page of ties)" : "");
    fig f;
    int status = fig_open(p, &f, fname, what,
                          a->n_obs ? "agreements.csv and agreements_observed.csv"
                                   : "agreements.csv",
                          a->n_obs ? "milestones.csv and configs/data/eu_ca_timeline.csv"
                                   : "milestones.csv",
                          err);
    if (status)
        return status;
    FILE *g = f.gp;
    int page_obs = 0; /* observed milestones on this page's ties */
    for (size_t j = 0; j < a->n_obs; j++)
        for (int i = first_t; i < first_t + np; i++)
            page_obs |= a->obs[j].tie == a->ties[i];
    snprintf(title, sizeof title,
             "Agreements: share of replicates that have reached each level by each date%s",
             page_obs ? "; markers: observed date (timeline), drawn at 50%" : "");
    if (pages > 1) {
        size_t len = strlen(title);
        snprintf(title + len, sizeof title - len, " (%d of %d)", pg + 1, pages);
    }
    fputs("set yrange [0:1.02]\nset ytics 0.2\n", g);
    page pgl;
    int n_keys = (L - 1) + (nw > 1 ? nw : 0) + page_obs, kc = page_obs ? 24 : 0;
    for (int l = 1; l < L; l++)
        kc = (int)strlen(a->ln[l]) > kc ? (int)strlen(a->ln[l]) : kc;
    for (int k = 0; k < nw && nw > 1; k++)
        kc = (int)strlen(a->wn[k]) > kc ? (int)strlen(a->wn[k]) : kc;
    page_open(p, g, &pgl, np, PAGE_PLAIN, title, n_keys, kc);
    if (pgl.key_rows) {
        /* gnuplot sizes a key column by its own measure (about 10 px a character
         * of the longest title, plus the sample) and wraps entries that do not
         * fit into more rows than page_open made room for, below the page's
         * edge: lay the legend out by that measure, and give the last tic label
         * of the right-hand panels room. */
        int cols = (int)((FIG_W - 40) / ((kc + 8) * 10.0));
        cols = cols < 1 ? 1 : cols > n_keys ? n_keys : cols;
        pgl.key_rows = (n_keys + cols - 1) / cols;
        pgl.key_cols = (n_keys + pgl.key_rows - 1) / pgl.key_rows;
        pgl.bottom = 64.0 + pgl.key_rows * 22.0 + 16.0;
    }
    pgl.right = 45.0;
    page_fit(&pgl);
    time_axis(p, g, pgl.cols);
    for (int i = first_t; i < first_t + np; i++) {
        int t = a->ties[i];
        page_panel(g, &pgl, i - first_t, a->tie_name[t], time_label(p), "share of replicates", 0);
        agreement_panel(g, a, t, file, ofile);
    }
    agreement_legend(g, &pgl, a, page_obs);
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}

/* Figure 3: per tie, the share of replicates that have reached each agreement
 * level by each date (from milestones.csv), with the observed milestones.  The
 * factual world (solid) and, in hypothesis results, the counterfactual (dashed):
 * placebo worlds are left to the forest plot. */
int plot_agreements(plot *p, coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    agree a;
    memset(&a, 0, sizeof a);
    a.L = cfg->inst.n_levels;
    a.R = cfg->replicates;
    a.S = cfg->n_steps;
    a.T = cfg->n_ties;
    if (a.L < 2 || a.T == 0 || a.R < 1)
        return COOP_OK;
    int status = load_milestones(p, &a, err);
    if (status || (status = load_timeline(p, &a.obs, &a.n_obs, err)))
        goto out;

    /* The worlds present (in outcomes.csv or milestones.csv), by slot. */
    for (int k = 0; k < 2; k++)
        if ((a.w[a.nw] = strtab_find(&p->worlds, slot_name[k])) >= 0)
            a.slot[a.nw++] = k;
    if (a.nw == 0 || (status = agreement_ties(p, &a, err)) || a.nt == 0)
        goto out;
    const char *file = "agreements.csv", *ofile = "agreements_observed.csv";
    if ((status = agreement_data(p, &a, file, ofile, err)))
        goto out;

    /* Pages of at most TIE_PANELS ties, balanced (15 ties: 5, 5, 5). */
    int pages = (a.nt + TIE_PANELS - 1) / TIE_PANELS, per = (a.nt + pages - 1) / pages;
    for (int pg = 0; pg < pages && !status; pg++) {
        int first_t = pg * per, np = a.nt - first_t < per ? a.nt - first_t : per;
        status = agreement_page(p, &a, pg, pages, first_t, np, file, ofile, err);
    }
out:
    free(a.first);
    free(a.obs);
    free(a.ties);
    free(a.tie_name);
    return status;
}
