/* plot_classic.c: the figures of the classic evolutionary-game models in
 * `coopsim plot`: the tournament (ranking bars from tournament.csv, the per-pair
 * heat map from matrix.csv) and the lattice snapshots (snapshots.csv). */
#include "plot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- tournament */

/* One row of tournament.csv. */
typedef struct trow {
    char name[COOP_NAME_MAX * 2];   /* safe_name of the strategy */
    char label[64];                 /* "1. grim", cut to fit beside the bars */
    double score, mean;             /* median and mean score per turn per opponent */
    long rank;
} trow;

/* Breaks a line longer than `width` characters after its last ", " that fits
 * (once); returns the number of lines. */
static int wrap_once(char *s, size_t width)
{
    if (strlen(s) <= width)
        return 1;
    char *cut = NULL;
    for (char *c = s; c + 1 < s + width; c++)
        if (c[0] == ',' && c[1] == ' ')
            cut = c + 1;
    if (!cut)
        return 1;
    *cut = '\n';
    return 2;
}

/* Decimals that show `x`'s magnitude with about four significant digits (at
 * most 3 decimals: 2.772, 27.72, 277.2, 2772). */
static int decimals_for(double x)
{
    if (!(x > 0) || !isfinite(x))
        return 3;
    int d = 3 - (int)floor(log10(x));
    return d < 0 ? 0 : d > 3 ? 3 : d;
}

/* The second line of a tournament figure's title: the experiment, its seed, the
 * repetitions, the turns per match and the noise. */
static void tournament_about(const coop_config *cfg, char *run, size_t size)
{
    char noise[64] = "";
    if (cfg->noise > 0)
        snprintf(noise, sizeof noise, ", noise %g", cfg->noise);
    snprintf(run, size, "%s, seed %lu, %d repetition%s of the round robin, %d turns per match%s",
             cfg->name, cfg->seed, cfg->replicates, cfg->replicates == 1 ? "" : "s",
             cfg->n_steps, noise);
}

static int plot_tournament_matrix(plot *p, coop_err *err);

/* Reads tournament.csv into *t (n rows), in rank order, with the bars' labels;
 * *namelen: the longest label. */
static int load_tournament(plot *p, trow **t, size_t *n, int *namelen, coop_err *err)
{
    static const char *const cols[] = {"strategy", "mean", "median", "rank"};
    int ix[4], got, status;
    size_t cap = 0;
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "tournament.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 4, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        trow *q = coop_grow(*t, &cap, *n + 1, sizeof *q);
        if (!q) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        *t = q;
        trow *r = &q[*n];
        if ((status = coop_csv_reader_num(&c, ix[1], &r->mean, err)) ||
            (status = coop_csv_reader_num(&c, ix[2], &r->score, err)) ||
            (status = coop_csv_reader_int(&c, ix[3], &r->rank, err)))
            goto out;
        safe_name(r->name, sizeof r->name, c.fld[ix[0]]);
        (*n)++;
    }
    if (status)
        goto out;
    /* Rows in rank order; equal ranks keep file order (an insertion sort: qsort is
     * not stable). */
    trow *v = *t;
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && v[j - 1].rank > v[j].rank; j--) {
            trow x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    *namelen = 0;
    for (size_t i = 0; i < *n; i++) {
        int len = snprintf(v[i].label, sizeof v[i].label, "%ld. %s", v[i].rank, v[i].name);
        if (len > 40) /* a long name would push the bars off the page */
            len = snprintf(v[i].label + 37, sizeof v[i].label - 37, "...") + 37;
        *namelen = len > *namelen ? len : *namelen;
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* figures/tournament.csv: the rows in rank order. */
static int tournament_data(plot *p, const trow *t, size_t n, const char *file, coop_err *err)
{
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("row,rank,strategy,label,median,mean\n", o);
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "%zu,%ld,%s,%s", i + 1, t[i].rank, t[i].name, t[i].label);
        put_num(o, t[i].score);
        put_num(o, t[i].mean);
        fputc('\n', o);
    }
    return data_close(p, o, file, err);
}

/* The reference lines of the payoffs R and P behind the bars, named above the
 * plot: the label of the smaller payoff ends at its line and the other starts at
 * its own, unless that runs off the figure; labels that would still overlap go
 * on two lines.  The plot spans [lo, hi] between left and right (pixels). */
static void tournament_refs(FILE *g, double R, double P, double lo, double hi, double left,
                            double right)
{
    double v[2] = {fmin(R, P), fmax(R, P)}, x0[2], x1[2];
    char lab[2][96];
    const char *align[2] = {"right", "left"};
    snprintf(lab[0], sizeof lab[0], "%s = %g (mutual %s)", P <= R ? "P" : "R", v[0],
             P <= R ? "defection" : "cooperation");
    snprintf(lab[1], sizeof lab[1], "%s = %g (mutual %s)", P <= R ? "R" : "P", v[1],
             P <= R ? "cooperation" : "defection");
    for (int k = 0; k < 2; k++) {
        double x = left + (v[k] - lo) / (hi - lo) * (FIG_W - left - right);
        double w = 7.5 * (double)strlen(lab[k]) + 8;
        if (k == 0 && x - w < 5)
            align[0] = "left";
        if (k == 1 && x + w > FIG_W - 5)
            align[1] = "right";
        x0[k] = align[k][0] == 'l' ? x : x - w;
        x1[k] = x0[k] + w;
    }
    int stack = x1[0] + 10 > x0[1] && x1[1] + 10 > x0[0];
    for (int k = 0; k < 2; k++) {
        fprintf(g, "set arrow %d from %.10g, graph 0 to %.10g, graph 1.02 nohead back "
                   "dt 2 lw 1.5 lc rgb '#9AA5B1'\n",
                k + 1, v[k], v[k]);
        fprintf(g, "set label %d \"%s\" at %.10g, graph 1.02 %s offset %s,%s "
                   "tc rgb '#606060'\n",
                k + 1, lab[k], v[k], align[k], align[k][0] == 'l' ? "0.4" : "-0.4",
                stack && k == 1 ? "1.7" : "0.6");
    }
}

/* The bars, and (values) their values past the bar ends: right of a bar that
 * ends >= 0, left of one that ends < 0 (boxed: they mask a reference line they
 * cross). */
static void tournament_bars(FILE *g, const char *file, double half, int values, int neg,
                            int dec, int font)
{
    fprintf(g, "plot '%s' using (column('median')/2):'row':(0):'median':"
               "(column('row')-%.3g):(column('row')+%.3g):ytic(strcol('label')) \\\n"
               "     with boxxyerror fs solid 1.0 noborder lc rgb '%s'",
            file, half, half, colour[0]);
    if (values) {
        fprintf(g, ", \\\n     '%s' using (column('median') >= 0 ? "
                   "column('median') : NaN):'row':(sprintf('%%.%df', "
                   "column('median'))) with labels left boxed offset 0.8,0 "
                   "font 'Sans,%d'",
                file, dec, font);
        if (neg)
            fprintf(g, ", \\\n     '%s' using (column('median') < 0 ? "
                       "column('median') : NaN):'row':(sprintf('%%.%df', "
                       "column('median'))) with labels right boxed offset -0.8,0 "
                       "font 'Sans,%d'",
                        file, dec, font);
    }
    fputc('\n', g);
}

/* The tournament figure: the median score per turn per opponent of each
 * strategy (the ranking statistic), bars from 0 in rank order (rank 1 on top),
 * labelled with their values, with the payoffs per turn of mutual cooperation
 * (R) and mutual defection (P) of the game as light reference lines; then, when
 * the directory has matrix.csv, the per-pair heat map. */
int plot_tournament(plot *p, coop_err *err)
{
    trow *t = NULL;
    size_t n = 0;
    int namelen = 0;
    const char *file = "tournament.csv";
    int status = load_tournament(p, &t, &n, &namelen, err);
    if (status || n == 0 || (status = tournament_data(p, t, n, file, err)))
        goto out;

    /* The x range: 0, every score and the reference payoffs, with room for the
     * value labels beyond the bar ends. */
    const coop_config *cfg = &p->cfg;
    int ref = cfg->n_domains >= 1 && isfinite(cfg->domains[0].R) && isfinite(cfg->domains[0].P);
    double R = ref ? cfg->domains[0].R : NAN, P = ref ? cfg->domains[0].P : NAN;
    double lo = 0, hi = 0, big = 0;
    int neg = 0;
    for (size_t i = 0; i < n; i++) {
        double v = t[i].score;
        if (!isfinite(v))
            continue;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        big = fabs(v) > big ? fabs(v) : big;
        neg |= v < 0;
    }
    if (ref) {
        lo = fmin(lo, fmin(R, P));
        hi = fmax(hi, fmax(R, P));
    }
    if (!(hi - lo > 0))
        hi = lo + 1;
    int dec = decimals_for(big);
    double span = hi - lo;
    hi += span * (0.03 + (hi > 0 ? 0.11 : 0));
    if (lo < 0) /* else the axis starts at 0, where the bars do */
        lo -= span * (0.03 + (neg ? 0.11 : 0));

    char title[1024], run[512];
    tournament_about(cfg, run, sizeof run);
    int lines = 1 + wrap_once(run, 130);
    snprintf(title, sizeof title,
             "Round-robin tournament of %zu strategies, ranked by median score per turn per "
             "opponent\n%s",
             n, run);

    /* Rows get smaller text when many strategies share the height, and bars no
     * thicker than 50 pixels when few do. */
    double left = 40 + namelen * 8.5, top = 120 + 20 * lines, bottom = 80, right = 40;
    left = left < 110 ? 110 : left;
    double row_px = (FIG_H - top - bottom) / (double)n;
    int font = row_px >= 22 ? 12 : row_px >= 15 ? 9 : row_px >= 12 ? 8 : 7;
    int values = row_px >= 11;
    double half = fmin(0.36, 25 / row_px);

    fig f;
    const char *what = "tournament: median score per turn per opponent of each strategy, by rank";
    if ((status = fig_open(p, &f, "tournament", what, file, "tournament.csv", err)))
        goto out;
    FILE *g = f.gp;
    fprintf(g, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
            left / FIG_W, 1 - right / FIG_W, 1 - top / FIG_H, bottom / FIG_H);
    fputs("set title ", g);
    gq(g, title);
    fprintf(g, " offset 0,%s\n", lines > 2 ? "2.0" : "2.6");
    fputs("set xlabel \"score per turn (median over repetitions, per opponent)\"\n", g);
    fprintf(g, "set xrange [%.6g:%.6g]\nset xtics %.6g\n", lo, hi, nice_step(hi - lo, 8));
    fprintf(g, "set yrange [%zu.6:0.4]\nset ytics scale 0 font 'Sans,%d'\n"
               "set grid noytics\nset border 1 lc rgb '#404040'\n",
            n, font);
    fputs("set style textbox opaque noborder margins 0.5,0.5\n", g);
    if (ref)
        tournament_refs(g, R, P, lo, hi, left, right);
    fprintf(g, "set arrow 3 from 0, graph 0 to 0, graph 1 nohead back lc rgb '#404040'\n");
    tournament_bars(g, file, half, values, neg, dec, font);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    char mpath[BUF];
    if (!status && !(status = plot_join(mpath, sizeof mpath, p->dir, "matrix.csv", err)) &&
        plot_is_file(mpath))
        status = plot_tournament_matrix(p, err);
out:
    free(t);
    return status;
}

/* Reads matrix.csv: the strategies (*st, in the file's order) and the score of
 * each against each (*m, n x n), checking that every strategy meets every
 * opponent once and the opponents are the strategies. */
static int load_matrix(plot *p, strtab *st, double **m, coop_err *err)
{
    static const char *const cols[] = {"strategy", "opponent", "score_per_turn"};
    int ix[3], got, status;
    strtab op = {0};
    int *a = NULL, *b = NULL;
    double *v = NULL;
    size_t rows = 0, cap = 0, cap_b = 0, cap_v = 0;
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "matrix.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 3, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        char sn[COOP_NAME_MAX * 2], on[COOP_NAME_MAX * 2];
        int *qa = coop_grow(a, &cap, rows + 1, sizeof *qa);
        if (qa)
            a = qa;
        int *qb = coop_grow(b, &cap_b, rows + 1, sizeof *qb);
        if (qb)
            b = qb;
        double *qv = coop_grow(v, &cap_v, rows + 1, sizeof *qv);
        if (qv)
            v = qv;
        safe_name(sn, sizeof sn, c.fld[ix[0]]);
        safe_name(on, sizeof on, c.fld[ix[1]]);
        if (!qa || !qb || !qv || (a[rows] = strtab_add(st, sn)) < 0 ||
            (b[rows] = strtab_add(&op, on)) < 0) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        if ((status = coop_csv_reader_num(&c, ix[2], &v[rows], err)))
            goto out;
        rows++;
    }
    if (status)
        goto out;
    /* Every strategy once against every opponent, the opponents the strategies. */
    size_t n = st->n;
    if (n == 0 || op.n != n || rows != n * n) {
        status = COOP_FAIL(err, COOP_ECONFIG,
                           "%s: %zu rows for %zu strategies and %zu opponents; want one row for "
                           "each strategy against each opponent",
                           c.path, rows, n, op.n);
        goto out;
    }
    if (!(*m = malloc(n * n * sizeof **m))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
        goto out;
    }
    for (size_t k = 0; k < n * n; k++)
        (*m)[k] = NAN;
    for (size_t r = 0; r < rows; r++) {
        int j = strtab_find(st, op.s[b[r]]);
        if (j < 0 || !isnan((*m)[(size_t)a[r] * n + (size_t)j])) {
            status = COOP_FAIL(err, COOP_ECONFIG, "%s: opponent '%s' of '%s' %s", c.path,
                               op.s[b[r]], st->s[a[r]],
                               j < 0 ? "is not a strategy" : "appears twice");
            goto out;
        }
        (*m)[(size_t)a[r] * n + (size_t)j] = v[r];
    }
out:
    coop_csv_reader_close(&c);
    strtab_free(&op);
    free(a);
    free(b);
    free(v);
    return status;
}

/* figures/matrix.csv: a cell per (strategy, opponent); the range of the scores
 * into lo, hi. */
static int matrix_data(plot *p, const strtab *st, const double *m, const char *file, double *lo,
                       double *hi, coop_err *err)
{
    size_t n = st->n;
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    *lo = INFINITY;
    *hi = -INFINITY;
    fputs("x,y,strategy,opponent,score_per_turn\n", o);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double x = m[i * n + j];
            fprintf(o, "%zu,%zu,%s,%s", j + 1, i + 1, st->s[i], st->s[j]);
            put_num(o, x);
            fputc('\n', o);
            if (isfinite(x))
                *lo = fmin(*lo, x), *hi = fmax(*hi, x);
        }
    return data_close(p, o, file, err);
}

/* The per-pair figure: matrix.csv as a heat map, strategies in rows and their
 * opponents in columns, both in the file's (rank) order, rank 1 top left; the
 * colour is the mean score per turn of the row against the column, on the
 * sequential palette of the sweep maps (its lightness rises with the value, so
 * it reads in grey scale too), with the value written in each cell when the cells
 * are large enough.  The diagonal is self-play (not in the ranking). */
static int plot_tournament_matrix(plot *p, coop_err *err)
{
    strtab st = {0};
    double *m = NULL, lo = 0, hi = 0;
    const char *file = "matrix.csv";
    int status = load_matrix(p, &st, &m, err);
    if (status || (status = matrix_data(p, &st, m, file, &lo, &hi, err)))
        goto out;
    size_t n = st.n;
    if (!(lo <= hi))
        lo = 0, hi = 1;
    if (hi == lo)
        lo -= 0.5, hi += 0.5;

    /* Values in the cells when a cell is at least 34 pixels; dark text on the
     * light upper half of the palette, white on the dark lower half. */
    double cell = (FIG_H - 200.0) / (double)n;
    int values = cell >= 34, font = cell >= 60 ? 11 : cell >= 45 ? 10 : 9;
    int tics = cell >= 18 ? 11 : cell >= 12 ? 9 : 7;
    int dec = decimals_for(fmax(fabs(lo), fabs(hi)));
    dec = dec > 2 ? 2 : dec;
    char title[1024], run[512];
    tournament_about(&p->cfg, run, sizeof run);
    wrap_once(run, 130);
    snprintf(title, sizeof title,
             "Tournament: mean score per turn of each strategy (row) against each opponent "
             "(column)\n%s",
             run);

    fig f;
    const char *what = "tournament_matrix: mean score per turn of each strategy against each "
                       "opponent";
    if ((status = fig_open(p, &f, "tournament_matrix", what, file, "matrix.csv", err)))
        goto out;
    FILE *g = f.gp;
    fputs("set title ", g);
    gq(g, title);
    fputs("\nset size ratio -1\nunset grid\nset border 0\nset style fill solid 1.0 noborder\n", g);
    fprintf(g, "set xrange [0.5:%zu.5]\nset yrange [%zu.5:0.5]\n", n, n);
    for (int axis = 0; axis < 2; axis++) {
        fprintf(g, "set %ctics (", axis ? 'y' : 'x');
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", g);
            gq(g, st.s[i]);
            fprintf(g, " %zu", i + 1);
        }
        fprintf(g, ") scale 0 font 'Sans,%d'%s\n", tics, axis ? "" : " rotate by 45 right");
    }
    fputs("set xlabel \"opponent\"\nset ylabel \"strategy (rank order)\"\n", g);
    fprintf(g, "set cbrange [%.10g:%.10g]\n%s", lo, hi, seq_palette);
    fputs("set cblabel \"score per turn (mean over repetitions); diagonal: self-play, not "
          "ranked\"\nset colorbox\n",
          g);
    fprintf(g, "plot '%s' using 'x':'y':(0.5):(0.5):'score_per_turn' with boxxyerror "
               "fs solid 1.0 noborder lc palette",
            file);
    if (values) {
        double mid = lo + 0.55 * (hi - lo);
        for (int k = 0; k < 2; k++)
            fprintf(g, ", \\\n     '%s' using 'x':'y':(column('score_per_turn') %s %.10g ? "
                       "sprintf('%%.%df', column('score_per_turn')) : '') with labels "
                       "font 'Sans,%d' tc rgb '%s'",
                    file, k ? ">=" : "<", mid, dec, font, k ? "#000000" : "#FFFFFF");
    }
    fputc('\n', g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
out:
    strtab_free(&st);
    free(m);
    return status;
}

/* ---------------------------------------------------------------- lattice snapshots */

#define SNAP_PANELS 6          /* snapshot panels drawn (of at most COOP_MAX_SNAPSHOTS) */
#define SNAP_MAX_L 2000        /* larger lattices are not drawn: 4 million pixels a panel
                                * in a panel of 300 or so; gnuplot would take minutes */
#define SNAP_C "#0072B2"       /* Okabe-Ito blue: C */
#define SNAP_D "#D55E00"       /* Okabe-Ito vermillion: D */
#define SNAP_NONE "#BBBBBB"    /* grey: the node played nothing that step */

/* Which of the n configured snapshot steps get a panel: all of them up to
 * SNAP_PANELS, else the first, the last and evenly spaced ones between (indices
 * round(k (n - 1) / (SNAP_PANELS - 1))).  Fills pick[] and returns their number. */
static int snapshot_panels(size_t n, size_t *pick)
{
    if (n <= SNAP_PANELS) {
        for (size_t k = 0; k < n; k++)
            pick[k] = k;
        return (int)n;
    }
    for (int k = 0; k < SNAP_PANELS; k++)
        pick[k] = (size_t)floor((double)k * (double)(n - 1) / (SNAP_PANELS - 1) + 0.5);
    return SNAP_PANELS;
}

/* Reads the panels' steps of snapshots.csv into v[panel][row * L + col] (NaN
 * where the file has no value); the rows of other steps are skipped.  *lattice = 0
 * when a row has no lattice position (row and col NA): no figure then. */
static int load_snapshots(plot *p, size_t L, const int *step, int np, double *v, int *lattice,
                          coop_err *err)
{
    static const char *const cols[] = {"step", "row", "col", "coop"};
    int ix[4], got, status;
    coop_csv_reader c;
    *lattice = 1;
    if ((status = coop_csv_reader_open(&c, p->dir, "snapshots.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 4, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long st, row, col;
        double x;
        if ((status = coop_csv_reader_int(&c, ix[0], &st, err)))
            goto out;
        int k = 0;
        while (k < np && step[k] != st)
            k++;
        if (k == np)
            continue;
        if (strcmp(c.fld[ix[1]], "NA") == 0 || strcmp(c.fld[ix[2]], "NA") == 0) {
            *lattice = 0;
            goto out;
        }
        if ((status = coop_csv_reader_int(&c, ix[1], &row, err)) ||
            (status = coop_csv_reader_int(&c, ix[2], &col, err)) ||
            (status = coop_csv_reader_num(&c, ix[3], &x, err)))
            goto out;
        if ((size_t)row >= L || (size_t)col >= L) {
            status = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: row %ld, col %ld is outside the %zu x "
                               "%zu lattice of manifest.cfg", c.path, c.line, row, col, L, L);
            goto out;
        }
        v[(size_t)k * L * L + (size_t)row * L + (size_t)col] = x;
    }
out:
    coop_csv_reader_close(&c);
    return status;
}

/* figures/snapshots.csv: a block per panel (two blank lines apart), a row per
 * node; which kinds of value occur: NA (*any_na), shares between 0 and 1
 * (*mixed), anything at all (*drawn). */
static int snapshots_data(plot *p, const double *v, size_t L, const int *step, int np,
                          const char *file, int *any_na, int *mixed, int *drawn, coop_err *err)
{
    FILE *o = data_open(p, file, err);
    if (!o)
        return err->code;
    fputs("step,row,col,coop\n", o);
    for (int k = 0; k < np; k++) {
        if (k)
            fputs("\n\n", o);
        const double *x = v + (size_t)k * L * L;
        for (size_t i = 0; i < L * L; i++) {
            fprintf(o, "%d,%zu,%zu", step[k], i / L, i % L);
            if (x[i] == 0 || x[i] == 1) {
                fputs(x[i] == 0 ? ",0\n" : ",1\n", o);
            } else {
                put_num(o, x[i]);
                fputc('\n', o);
                *any_na |= isnan(x[i]);
                *mixed |= !isnan(x[i]);
            }
            *drawn |= !isnan(x[i]);
        }
    }
    return data_close(p, o, file, err);
}

/* Figure 7: the lattice at the configured snapshot steps of replicate 0 (C and D
 * as two colours), from snapshots.csv.  Only for a lattice network: other
 * networks have no layout that would place their nodes meaningfully on a page.
 * figures/snapshots.csv holds one block per panel (step,row,col,coop, row-major,
 * blocks separated by two blank lines so that gnuplot's `index` picks a panel;
 * pandas and R skip blank lines), drawn `with image`, one pixel per node. */
int plot_snapshots(plot *p, coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    if (!cfg->net.present || cfg->net.type != COOP_NET_LATTICE || cfg->n_snapshots == 0)
        return COOP_OK;
    size_t L = (size_t)cfg->net.L, pick[SNAP_PANELS];
    if (L > SNAP_MAX_L) {
        if (p->log)
            fprintf(p->log, "%s: the %zu x %zu lattice is too large for the snapshots figure "
                            "(at most %d x %d): not drawn\n", p->dir, L, L, SNAP_MAX_L,
                    SNAP_MAX_L);
        return COOP_OK;
    }
    int np = snapshot_panels(cfg->n_snapshots, pick), step[SNAP_PANELS], lattice = 0;
    for (int k = 0; k < np; k++)
        step[k] = cfg->snapshots[pick[k]];
    size_t cells = (size_t)np * L * L;
    double *v = malloc(cells * sizeof *v);
    if (!v)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory for %d snapshots of %zu nodes", np,
                         L * L);
    for (size_t i = 0; i < cells; i++)
        v[i] = NAN;
    int status = load_snapshots(p, L, step, np, v, &lattice, err);
    if (status || !lattice)
        goto out;

    /* The data file; which kinds of value occur (for the legend). */
    const char *file = "snapshots.csv";
    int any_na = 0, mixed = 0, drawn = 0;
    if ((status = snapshots_data(p, v, L, step, np, file, &any_na, &mixed, &drawn, err)) ||
        !drawn)
        goto out;

    fig f;
    char what[256], title[512];
    snprintf(what, sizeof what, "the %zu x %zu lattice at %d chosen steps (C and D), replicate 0",
             L, L, np);
    if ((status = fig_open(p, &f, "snapshots", what, file, "snapshots.csv", err)))
        goto out;
    FILE *g = f.gp;
    /* Tics at a round step, at most five a side, none past the last row. */
    static const size_t tics[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500,
                                  5000, 10000};
    size_t tic = 10000;
    for (size_t t = 0; t < sizeof tics / sizeof tics[0]; t++)
        if (L <= 5 * tics[t]) {
            tic = tics[t];
            break;
        }
    snprintf(title, sizeof title,
             "Lattice snapshots: the action of each node of the %zu x %zu lattice, replicate 0%s%s",
             L, L, cfg->n_snapshots > (size_t)np ? " (6 of the configured steps)" : "",
             mixed ? "\nshades between blue and vermillion: the node's share of C among its "
                     "actions" : "");
    fprintf(g, "# One pixel per node: col (column 3) along x, row (column 2) down y, row 0 at\n"
               "# the top; coop (column 4) 1 = C, 0 = D, shares between as shades; NA (played\n"
               "# nothing, when there is any) is drawn as NaN, a hole that shows the grey\n"
               "# rectangle behind.  Panel k is block k of the data file (index k).\n"
               "set palette defined (0 '%s', 1 '%s')\nset cbrange [0:1]\nunset colorbox\n"
               "set xrange [-0.5:%zu.5]\nset yrange [%zu.5:-0.5]\nset size ratio -1\n"
               "set tics out scale 0.5\nunset grid\nset border 15 lc rgb '#404040'\n"
               "set object 1 rectangle from graph 0,0 to graph 1,1 behind fc rgb '%s' "
               "fillstyle solid 1.0 noborder\n",
            SNAP_D, SNAP_C, L - 1, L - 1, SNAP_NONE);
    /* Listed tics: with a reversed range gnuplot 5.4 draws a tic past the end of
     * `set ytics 0,step,L-1` (a label L under the last row). */
    for (int axis = 0; axis < 2; axis++) {
        fprintf(g, "set %ctics (", axis ? 'y' : 'x');
        for (size_t t = 0; t < L; t += tic)
            fprintf(g, "%s%zu", t ? ", " : "", t);
        fputs(")\n", g);
    }
    const char *keys[3] = {"C: cooperates", "D: defects", "played nothing"};
    int n_keys = any_na ? 3 : 2;
    page pg;
    page_open(p, g, &pg, np, PAGE_PLAIN, title, n_keys, 16);
    /* Square panels side by side: up to three a row. */
    pg.cols = np <= 3 ? np : np == 4 ? 2 : 3;
    pg.rows = (np + pg.cols - 1) / pg.cols;
    pg.xsp = 80.0;
    page_fit(&pg);
    double side = pg.pw < pg.ph ? pg.pw : pg.ph;
    pg.left += (pg.cols * (pg.pw - side)) / 2;
    pg.top += (pg.rows * (pg.ph - side)) / 2;
    pg.pw = pg.ph = side;
    for (int k = 0; k < np; k++) {
        char pt[128];
        snprintf(pt, sizeof pt, "%s %.10g", time_label(p), coop_config_date(cfg, step[k]));
        page_panel(g, &pg, k, pt, "column", "row", 0);
        fprintf(g, "plot '%s' index %d using 3:2:%s with image\n", file, k,
                any_na ? "(valid(4) ? $4 : NaN)" : "4");
    }
    fputs("set size noratio\n", g);
    if (page_legend(g, &pg)) {
        static const char *const kc[3] = {SNAP_C, SNAP_D, SNAP_NONE};
        for (int q = 0; q < n_keys; q++) {
            fprintf(g, ", \\\n     keyentry with boxes fs solid 1.0 noborder fc rgb '%s' "
                       "title ", kc[q]);
            gq(g, keys[q]);
        }
        fputc('\n', g);
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
out:
    free(v);
    return status;
}
