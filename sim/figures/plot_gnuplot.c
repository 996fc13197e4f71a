/* plot_gnuplot.c: the gnuplot helpers every figure of `coopsim plot` shares.
 *
 * For a figure NAME the figure code first extracts the numbers it shows into
 * figures/NAME.csv (wide, named columns, NA for missing values: data_open,
 * put_num), then writes the gnuplot script figures/NAME.gp that plots that file
 * by relative path (fig_open), and fig_draw pipes the very same script text into
 * gnuplot (popen) running in figures/.  So `cd RESULTS_DIR/figures && gnuplot
 * NAME.gp` redraws NAME.png byte for byte, and a user can restyle a figure by
 * editing its script, without coopsim.  Doing the filtering and aggregation in
 * C keeps the scripts short and readable: they only say how to draw.
 *
 * Style (every figure): PNG 1200 x 800 from gnuplot's pngcairo terminal (png if
 * that gnuplot lacks cairo), the Okabe-Ito colour-blind-safe palette (Okabe & Ito
 * 2008), line dash patterns that keep worlds apart in grey-scale print, axes on
 * the left and bottom only, a light grid, and a title that names the experiment,
 * its seed and its number of replicates (of repetitions, for a tournament).
 * Pages of panels (page_open, page_panel, page_legend) give every panel the same
 * size and one shared legend.  Also here: interned strings, names safe for CSV
 * headers and gnuplot strings, the points of a sweep and their labels, the time
 * axis and the styles of worlds. */
#include "plot_internal.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coop_version.h"

const char *const colour[N_COLOURS] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#000000", "#F0E442"};

const char *const verdict_name[N_VERDICTS] = {"contradicted", "inconclusive", "supported",
                                               "negligible"};
const char *const verdict_colour[N_VERDICTS] = {"#D55E00", "#9AA5B1", "#009E73", "#0072B2"};
const char *const verdict_mark[N_VERDICTS] = {"-", "?", "+", "="};

const char *const level_colour[5] = {"#E69F00", "#56B4E9", "#0072B2", "#CC79A7", "#000000"};

const char *const seq_palette =
    "set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21908C', 0.75 '#5DC863', "
    "1 '#FDE725')\n";

/* ---------------------------------------------------------------- helpers */

int strtab_find(const strtab *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->s[i], s) == 0)
            return (int)i;
    return -1;
}

/* The index of s, added when new; -1 when out of memory. */
int strtab_add(strtab *t, const char *s)
{
    int i = strtab_find(t, s);
    if (i >= 0)
        return i;
    char **q = coop_grow(t->s, &t->cap, t->n + 1, sizeof *q);
    if (!q)
        return -1;
    t->s = q;
    if (!(t->s[t->n] = strdup(s)))
        return -1;
    return (int)t->n++;
}

void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    memset(t, 0, sizeof *t);
}

/* A name as it may appear in a CSV header or a gnuplot string: no separators,
 * quotes or control characters. */
void safe_name(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = (ch < 32 || ch == ',' || ch == '"' || ch == '\'' || ch == '\\') ? '_' : (char)ch;
    }
    dst[i] = '\0';
}

/* Writes s as a double-quoted gnuplot string (backslash escapes, \n for a line break). */
void gq(FILE *o, const char *s)
{
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', o);
        if (*s == '\n')
            fputs("\\n", o);
        else
            fputc(*s, o);
    }
    fputc('"', o);
}

/* Writes s single-quoted for /bin/sh. */
static void shq(FILE *o, const char *s)
{
    fputc('\'', o);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", o);
        else
            fputc(*s, o);
    }
    fputc('\'', o);
}

/* A real for a data file: %.10g like the results files, NA for NaN. */
void put_num(FILE *o, double x)
{
    if (isnan(x))
        fputs(",NA", o);
    else if (isinf(x))
        fputs(x > 0 ? ",Inf" : ",-Inf", o);
    else
        fprintf(o, ",%.10g", x == 0 ? 0.0 : x);
}

/* dir/name into buf; COOP_EINVAL when it does not fit. */
int plot_join(char *buf, size_t size, const char *dir, const char *name, coop_err *err)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return COOP_FAIL(err, COOP_EINVAL, "%s/%s: path too long", dir, name);
    return COOP_OK;
}

int plot_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---------------------------------------------------------------- the plot run */

/* The row of points.csv of point id, or -1. */
int point_row(const plot *p, long id)
{
    if (id >= 0 && (size_t)id < p->n_points && p->point_id[id] == id)
        return (int)id;
    for (size_t i = 0; i < p->n_points; i++)
        if (p->point_id[i] == id)
            return (int)i;
    return -1;
}

/* The short name of sweep parameter j: its last path component, or the whole path
 * when another parameter has the same last component. */
static const char *param_short(const plot *p, size_t j)
{
    const char *dot = strrchr(p->param[j], '.');
    const char *s = dot ? dot + 1 : p->param[j];
    for (size_t k = 0; k < p->n_params; k++) {
        if (k == j)
            continue;
        const char *d2 = strrchr(p->param[k], '.');
        if (strcmp(d2 ? d2 + 1 : p->param[k], s) == 0)
            return p->param[j];
    }
    return s;
}

/* Parameters whose value differs between points, into var[]; returns their number. */
size_t varying_params(const plot *p, size_t *var)
{
    size_t nv = 0;
    for (size_t j = 0; j < p->n_params; j++) {
        for (size_t i = 1; i < p->n_points; i++) {
            double a = p->pv[j], b = p->pv[i * p->n_params + j];
            if (!(a == b || (isnan(a) && isnan(b)))) {
                var[nv++] = j;
                break;
            }
        }
    }
    return nv;
}

/* "demonstration=0.2, noise=0.05" for the point in row i. */
void point_label(const plot *p, int row, char *buf, size_t size)
{
    size_t var[64], nv = p->n_params <= 64 ? varying_params(p, var) : 0;
    buf[0] = '\0';
    if (row < 0 || nv == 0) {
        snprintf(buf, size, "point %ld", row >= 0 ? p->point_id[row] : -1L);
        return;
    }
    size_t len = 0;
    for (size_t k = 0; k < nv && len < size; k++) {
        int n = snprintf(buf + len, size - len, "%s%s=%g", k ? ", " : "", param_short(p, var[k]),
                         p->pv[row * p->n_params + var[k]]);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

/* ---------------------------------------------------------------- figures */

/* The data file of a figure, written with every error checked at close. */
FILE *data_open(plot *p, const char *file, coop_err *err)
{
    char path[BUF];
    if (plot_join(path, sizeof path, p->figdir, file, err))
        return NULL;
    FILE *f = fopen(path, "w");
    if (!f)
        COOP_FAIL(err, COOP_EIO, "cannot write %s: %s", path, strerror(errno));
    return f;
}

int data_close(plot *p, FILE *f, const char *file, coop_err *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s/%s: %s", p->figdir, file,
                         strerror(errno ? errno : EIO));
    return COOP_OK;
}

/* Starts NAME.gp: what it shows, where its data come from, the common style. */
int fig_open(plot *p, fig *f, const char *name, const char *what, const char *data,
             const char *source, coop_err *err)
{
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    if (!(f->gp = open_memstream(&f->text, &f->len)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory writing %s.gp", name);
    FILE *o = f->gp;
    fprintf(o, "# %s.gp: %s.\n", name, what);
    fprintf(o, "# Drawn by coopsim %s (coopsim plot) from the results directory that holds\n"
               "# this figures/ folder.  Data: %s, extracted from ../%s.\n"
               "# To restyle the figure, edit this script and run it from this folder:\n"
               "#   gnuplot %s.gp\n",
            COOP_VERSION, data, source, name);
    if (p->cairo)
        fprintf(o, "set terminal pngcairo size %d,%d noenhanced font 'Sans,12'\n", FIG_W, FIG_H);
    else
        fprintf(o, "set terminal png size %d,%d noenhanced\n", FIG_W, FIG_H);
    fprintf(o, "set output '%s.png'\n", name);
    fputs("set encoding utf8\n"
          "set datafile separator ','\n"
          "set datafile missing 'NA'\n"
          "set style fill transparent solid 0.2 noborder\n"
          "set border 3 lc rgb '#404040'\n"
          "set tics nomirror\n"
          "set grid lc rgb '#e6e6e6' lt 1 lw 1\n"
          "set key noautotitle nobox\n",
          o);
    return COOP_OK;
}

void fig_discard(fig *f)
{
    if (f->gp)
        fclose(f->gp);
    free(f->text);
    memset(f, 0, sizeof *f);
}

/* The last non-empty line of a file (gnuplot's error message), into buf. */
static void last_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    char line[512];
    buf[0] = '\0';
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
            line[--n] = '\0';
        const char *s = line;
        while (*s == ' ')
            s++;
        if (*s)
            snprintf(buf, size, "%s", s);
    }
    fclose(f);
}

/* Runs gnuplot in figures/ with `script` on its standard input (stderr to log);
 * *ok = 1 when it exits with status 0. */
int pipe_gnuplot(plot *p, const char *script, size_t len, const char *log, int *ok,
                 coop_err *err)
{
    char *cmd = NULL;
    size_t clen = 0;
    FILE *c = open_memstream(&cmd, &clen);
    if (!c)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    fputs("cd ", c);
    shq(c, p->figdir);
    fputs(" && exec ", c);
    shq(c, p->gnuplot);
    fputs(" >/dev/null 2>", c);
    if (log)
        shq(c, log);
    else
        fputs("&1", c);
    if (fclose(c) != 0) {
        free(cmd);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }

    /* A gnuplot that dies early must not kill us with SIGPIPE. */
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    fflush(NULL);
    FILE *g = popen(cmd, "w");
    free(cmd);
    if (!g) {
        sigaction(SIGPIPE, &old, NULL);
        return COOP_FAIL(err, COOP_EIO, "cannot start %s: %s", p->gnuplot, strerror(errno));
    }
    fwrite(script, 1, len, g);
    int st = pclose(g);
    sigaction(SIGPIPE, &old, NULL);
    *ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return COOP_OK;
}

/* Finishes the script, writes NAME.gp, runs it, checks NAME.png, logs a line. */
int fig_draw(plot *p, fig *f, const char *what, coop_err *err)
{
    char path[BUF], log[BUF], png[BUF], msg[512];
    int status = COOP_OK;
    if (fclose(f->gp) != 0) {
        f->gp = NULL;
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory writing %s.gp", f->name);
    }
    f->gp = NULL;
    snprintf(log, sizeof log, "%s.log", f->name);
    snprintf(msg, sizeof msg, "%s.png", f->name);
    if ((status = plot_join(path, sizeof path, p->figdir, f->name, err)) ||
        (status = plot_join(png, sizeof png, p->figdir, msg, err)))
        return status;
    strcat(path, ".gp"); /* join left room: BUF > any figure name */

    FILE *o = fopen(path, "w");
    if (!o)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s: %s", path, strerror(errno));
    fwrite(f->text, 1, f->len, o);
    int bad = ferror(o);
    if (fclose(o) != 0 || bad)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s: %s", path, strerror(errno ? errno : EIO));

    remove(png);
    int ok = 0;
    if ((status = pipe_gnuplot(p, f->text, f->len, log, &ok, err)))
        return status;
    char logpath[BUF];
    if ((status = plot_join(logpath, sizeof logpath, p->figdir, log, err)))
        return status;
    if (!ok) {
        last_line(logpath, msg, sizeof msg);
        remove(logpath);
        return COOP_FAIL(err, COOP_EIO, "gnuplot failed on %s.gp: %s (%s is left as it was)",
                         f->name, msg[0] ? msg : "(no message)", p->outdir);
    }
    remove(logpath);
    struct stat st;
    if (stat(png, &st) != 0 || st.st_size == 0)
        return COOP_FAIL(err, COOP_EIO, "gnuplot wrote no %s", png);
    p->n_figures++;
    if (p->log)
        fprintf(p->log, "%s/%s.png: %s\n", p->outdir, f->name, what);
    return COOP_OK;
}

/* rows x cols for n panels (wide panels: time runs along x). */
static void plot_layout(int n, int *rows, int *cols)
{
    static const int r[] = {1, 1, 2, 3, 2, 2, 2, 3, 3, 3};
    static const int c[] = {1, 1, 1, 1, 2, 3, 3, 3, 3, 3};
    if (n <= 9) {
        *rows = r[n];
        *cols = c[n];
    } else {
        *cols = 4;
        *rows = (n + 3) / 4;
    }
}

/* The title that names the figure and the run (in gnuplot quotes). */
static void title_line(const plot *p, FILE *o, const char *what)
{
    char t[2048];
    snprintf(t, sizeof t, "%s\n%s", what, p->about);
    gq(o, t);
}

/* The panel size from the margins and spacings (after a caller changes them). */
void page_fit(page *pg)
{
    pg->pw = (FIG_W - pg->left - pg->right - (pg->cols - 1) * pg->xsp) / pg->cols;
    pg->ph = (FIG_H - pg->top - pg->bottom - (pg->rows - 1) * pg->ysp) / pg->rows;
}

/* Opens the page: n panels under a title (lines separated by \n; the run line is
 * added); room for n_keys legend entries (the longest key_chars characters)
 * below the panels (none when n_keys < 2). */
void page_open(const plot *p, FILE *g, page *pg, int n, int kind, const char *title,
               int n_keys, int key_chars)
{
    int lines = 2;
    for (const char *c = title; *c; c++)
        lines += *c == '\n';
    memset(pg, 0, sizeof *pg);
    pg->n = n;
    pg->kind = kind;
    plot_layout(n, &pg->rows, &pg->cols);
    if (n == 4 && kind != PAGE_PLAIN)
        pg->rows = pg->cols = 2;
    if (n_keys > 1) {
        /* As many columns as fit: an entry is its text (about 7.5 px a character in
         * Sans 12) plus the line sample; then balance the rows. */
        int fit = (int)((FIG_W - 60) / (key_chars * 7.5 + 75));
        pg->key_cols = fit < 1 ? 1 : fit > n_keys ? n_keys : fit;
        pg->key_rows = (n_keys + pg->key_cols - 1) / pg->key_cols;
        pg->key_cols = (n_keys + pg->key_rows - 1) / pg->key_rows;
    }
    pg->left = kind == PAGE_FOREST ? 150.0 : 90.0;
    pg->right = kind == PAGE_MAP ? 150.0 : 30.0;
    pg->xsp = kind == PAGE_MAP ? 230.0 : kind == PAGE_FOREST ? 170.0 : kind == PAGE_UNITS ? 100.0
                                                                                    : 55.0;
    pg->top = lines * 20.0 + 56.0; /* the title, then room for panel titles */
    pg->bottom = 64.0 + (pg->key_rows ? pg->key_rows * 22.0 + 12.0 : 0.0);
    pg->ysp = kind == PAGE_FOREST ? 112.0 : 92.0;
    page_fit(pg);
    fputs("set multiplot title ", g);
    title_line(p, g, title);
    fputs("\nunset key\n", g);
}

/* Places panel k of the page and sets its title and axis labels: y on the first
 * column only (the middle row of three or more; every panel on a PAGE_UNITS
 * page), x on the lowest panel of each column (or on every panel). */
void page_panel(FILE *g, const page *pg, int k, const char *title, const char *xlabel,
                const char *ylabel, int every_x)
{
    int r = k / pg->cols, c = k % pg->cols;
    double x0 = pg->left + c * (pg->pw + pg->xsp), y0 = pg->top + r * (pg->ph + pg->ysp);
    fprintf(g, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
            x0 / FIG_W, (x0 + pg->pw) / FIG_W, 1 - y0 / FIG_H, 1 - (y0 + pg->ph) / FIG_H);
    fputs("set title ", g);
    gq(g, title);
    fputc('\n', g);
    if (xlabel && (every_x || k + pg->cols >= pg->n)) {
        fputs("set xlabel ", g);
        gq(g, xlabel);
        fputc('\n', g);
    } else {
        fputs("unset xlabel\n", g);
    }
    /* Three rows or more are too short for a label each: the middle row has it. */
    int label_row = pg->kind == PAGE_UNITS || pg->rows < 3 || r == pg->rows / 2;
    if (ylabel && (c == 0 || pg->kind == PAGE_UNITS) && label_row) {
        fputs("set ylabel ", g);
        gq(g, ylabel);
        fputc('\n', g);
    } else {
        fputs("unset ylabel\n", g);
    }
}

/* Starts the shared legend below the panels (a last, empty plot across the
 * width whose key lists the entries): the caller appends its elements, each as
 * ", keyentry ...", and ends the line.  0 when the page has no legend. */
int page_legend(FILE *g, const page *pg)
{
    if (!pg->key_rows)
        return 0;
    double h = pg->key_rows * 22.0 + 12.0;
    fprintf(g, "# the shared legend\n"
               "set lmargin at screen 0\nset rmargin at screen 1\n"
               "set bmargin at screen 0\nset tmargin at screen %.4f\n"
               "unset title\nunset xlabel\nunset ylabel\nunset border\nunset tics\nunset grid\n"
               "unset colorbox\nunset arrow\nunset object\nunset logscale\nunset xzeroaxis\n"
               "set key at screen 0.5,%.4f center center horizontal reverse Left maxcols %d "
               "samplen 4 width 1 spacing 1.2\n"
               "set xrange [0:1]\nset yrange [0:1]\n"
               "plot NaN notitle", /* gnuplot 5.4 needs one element that is not a keyentry */
            h / FIG_H, h / 2 / FIG_H, pg->key_cols);
    return 1;
}

void page_close(FILE *g)
{
    fputs("unset multiplot\n", g);
}

/* The label of the time axis: the configuration's time.unit. */
const char *time_label(const plot *p)
{
    switch (p->cfg.time_unit) {
    case COOP_TIME_GENERATION: return "generation";
    case COOP_TIME_ROUND: return "round";
    case COOP_TIME_STEP: return "step";
    default: return "year";
    }
}

/* The time axis: the scenario's years, at most ~5 labels per panel of a
 * three-column page. */
void time_axis(const plot *p, FILE *o, int cols)
{
    static const double step[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000};
    double span = p->cfg.end - p->cfg.start;
    int most = cols >= 3 ? 5 : cols == 2 ? 8 : 12;
    size_t i = 0;
    while (i + 1 < sizeof step / sizeof step[0] && span / step[i] > most)
        i++;
    fprintf(o, "set xrange [%g:%g]\nset xtics %g\n", p->cfg.start, p->cfg.end, step[i]);
}

/* The order worlds are drawn and listed in: factual, counterfactual, then the
 * others (placebos) as first met. */
int world_rank(const plot *p, int world)
{
    const char *w = p->worlds.s[world];
    return strcmp(w, "factual") == 0 ? 0 : strcmp(w, "counterfactual") == 0 ? 1 : 2 + world;
}

/* Dash pattern by world: factual solid, counterfactual dashed, placebos others. */
int world_dash(const plot *p, int world)
{
    static const int d[] = {4, 5, 3};
    int r = world_rank(p, world);
    return r == 0 ? 1 : r == 1 ? 2 : d[(r - 2) % 3];
}

/* A round tic step (1, 2, 2.5 or 5 times a power of ten) that cuts span into at
 * most `most` intervals. */
double nice_step(double span, int most)
{
    if (!(span > 0) || !isfinite(span))
        return 1;
    double raw = span / most, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * mag;
}
