/* plot.c: `coopsim plot RESULTS_DIR`, the figures of a results directory.
 *
 * The module reads a results directory (manifest.cfg through the configuration
 * loader, the CSV files of docs/OUTPUT.md with a small RFC 4180 reader), decides
 * from what is there which figures fit (docs/FIGURES.md), and draws each one with
 * gnuplot.  For a figure NAME it first extracts the numbers the figure shows into
 * figures/NAME.csv (wide, named columns, NA for missing values), then writes the
 * gnuplot script figures/NAME.gp that plots that file by relative path, and pipes
 * the very same script text into gnuplot (popen) running in figures/.  So
 * `cd RESULTS_DIR/figures && gnuplot NAME.gp` redraws NAME.png byte for byte, and
 * a user can restyle a figure by editing its script, without coopsim.  (figures/
 * is -o OUT when given; every figure is drawn in a temporary sibling folder that
 * replaces figures/ only when all are drawn, so a failed plot changes nothing:
 * coop_plot and figures_tmpdir.)  Doing the
 * filtering and aggregation here (share of replicates past a milestone, means
 * and t intervals of outcomes over replicates, grid ranks of sweep points) keeps
 * the scripts short and readable: they only say how to draw.  (The one figure
 * whose data file is large, the lattice snapshots, keeps a pixel per node: its
 * blocks are read by gnuplot's `index`, fast enough for a 1000 x 1000 lattice.)
 *
 * Style (every figure): PNG 1200 x 800 from gnuplot's pngcairo terminal (png if
 * that gnuplot lacks cairo), the Okabe-Ito colour-blind-safe palette (Okabe & Ito
 * 2008), line dash patterns that keep worlds apart in grey-scale print, axes on
 * the left and bottom only, a light grid, and a title that names the experiment,
 * its seed and its number of replicates (of repetitions, for a tournament).
 * Figures whose values have no common axis (the validation targets: years,
 * Kendall's tau, shares) put them on the one scale they share (the score) and
 * give the values themselves as text in their own units. */
#include "coop_plot.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coop_config.h"
#include "coop_csv.h"
#include "coop_model.h"
#include "coop_output.h"
#include "coop_stats.h"
#include "coop_validate.h"
#include "coop_version.h"

#define FIG_W 1200
#define FIG_H 800
#define MAX_CURVES 8       /* (point, world) curves one time-series figure overlays */
#define BAND_CURVES 4      /* up to this many curves get a shaded CI band */
#define SERIES_PANELS 9    /* panels per page of a time-series figure */
#define TIE_PANELS 6       /* panels per page of the agreements figure */
#define MAX_LINES 4        /* worlds or comparisons one sweep panel overlays */
#define BUF 4096

/* Okabe-Ito, in the order curves take them (yellow last: weak on white). */
static const char *const colour[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                     "#E69F00", "#56B4E9", "#000000", "#F0E442"};
#define N_COLOURS ((int)(sizeof colour / sizeof colour[0]))

/* Verdicts: codes in the derived CSV files, colours, marks for grey-scale print. */
enum { V_CONTRADICTED, V_INCONCLUSIVE, V_SUPPORTED, N_VERDICTS };
static const char *const verdict_name[N_VERDICTS] = {"contradicted", "inconclusive",
                                                     "supported"};
static const char *const verdict_colour[N_VERDICTS] = {"#D55E00", "#9AA5B1", "#009E73"};
static const char *const verdict_mark[N_VERDICTS] = {"-", "?", "+"};

/* Agreement levels 1, 2, ...: Okabe-Ito, light to dark. */
static const char *const level_colour[5] = {"#E69F00", "#56B4E9", "#0072B2", "#CC79A7",
                                            "#000000"};

/* ---------------------------------------------------------------- helpers */

/* Grows an array to hold `need` elements; NULL (p still valid) when out of memory. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (q)
        *cap = c;
    return q;
}

/* Strings interned in first-seen order. */
typedef struct strtab {
    char **s;
    size_t n, cap;
} strtab;

static int strtab_find(const strtab *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->s[i], s) == 0)
            return (int)i;
    return -1;
}

/* The index of s, added when new; -1 when out of memory. */
static int strtab_add(strtab *t, const char *s)
{
    int i = strtab_find(t, s);
    if (i >= 0)
        return i;
    char **q = grow(t->s, &t->cap, t->n + 1, sizeof *q);
    if (!q)
        return -1;
    t->s = q;
    if (!(t->s[t->n] = strdup(s)))
        return -1;
    return (int)t->n++;
}

static void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    memset(t, 0, sizeof *t);
}

/* A name as it may appear in a CSV header or a gnuplot string: no separators,
 * quotes or control characters. */
static void safe_name(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = (ch < 32 || ch == ',' || ch == '"' || ch == '\'' || ch == '\\') ? '_' : (char)ch;
    }
    dst[i] = '\0';
}

/* Writes s as a double-quoted gnuplot string (backslash escapes, \n for a line break). */
static void gq(FILE *o, const char *s)
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
static void put_num(FILE *o, double x)
{
    if (isnan(x))
        fputs(",NA", o);
    else if (isinf(x))
        fputs(x > 0 ? ",Inf" : ",-Inf", o);
    else
        fprintf(o, ",%.10g", x == 0 ? 0.0 : x);
}

/* dir/name into buf; COOP_EINVAL when it does not fit. */
static int join(char *buf, size_t size, const char *dir, const char *name, coop_err *err)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return COOP_FAIL(err, COOP_EINVAL, "%s/%s: path too long", dir, name);
    return COOP_OK;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---------------------------------------------------------------- the plot run */

typedef struct plot {
    const char *dir;
    char figdir[BUF];       /* where figures are drawn: the temporary sibling of outdir */
    char outdir[BUF];       /* where they end up: DIR/figures, or -o OUT */
    char gnuplot[BUF];
    int cairo;              /* pngcairo available */
    FILE *log;
    coop_config cfg;
    char about[COOP_NAME_MAX + 96];   /* "eu_ca, seed 1991, 100 replicates" */
    int n_figures;
    strtab worlds;          /* world names as first met in the files read */
    strtab outcomes;        /* coop_outcome_names, then others as first seen */
    /* points.csv (a single point 0 without parameters when absent) */
    size_t n_points;
    long *point_id;
    size_t n_params;
    char **param;           /* column names (owned) */
    double *pv;             /* pv[i * n_params + j] */
} plot;

/* The row of points.csv of point id, or -1. */
static int point_row(const plot *p, long id)
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
static size_t varying_params(const plot *p, size_t *var)
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
static void point_label(const plot *p, int row, char *buf, size_t size)
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

/* A figure being written: its script accumulates in memory, then goes to
 * figures/NAME.gp and through the pipe into gnuplot. */
typedef struct fig {
    char name[128];
    char *text;
    size_t len;
    FILE *gp;
} fig;

/* The data file of a figure, written with every error checked at close. */
static FILE *data_open(plot *p, const char *file, coop_err *err)
{
    char path[BUF];
    if (join(path, sizeof path, p->figdir, file, err))
        return NULL;
    FILE *f = fopen(path, "w");
    if (!f)
        COOP_FAIL(err, COOP_EIO, "cannot write %s: %s", path, strerror(errno));
    return f;
}

static int data_close(plot *p, FILE *f, const char *file, coop_err *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s/%s: %s", p->figdir, file,
                         strerror(errno ? errno : EIO));
    return COOP_OK;
}

/* Starts NAME.gp: what it shows, where its data come from, the common style. */
static int fig_open(plot *p, fig *f, const char *name, const char *what, const char *data,
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

static void fig_discard(fig *f)
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
static int pipe_gnuplot(plot *p, const char *script, size_t len, const char *log, int *ok,
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
static int fig_draw(plot *p, fig *f, const char *what, coop_err *err)
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
    if ((status = join(path, sizeof path, p->figdir, f->name, err)) ||
        (status = join(png, sizeof png, p->figdir, msg, err)))
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
    if ((status = join(logpath, sizeof logpath, p->figdir, log, err)))
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
static void layout(int n, int *rows, int *cols)
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

/* A page of panels: gnuplot's multiplot with every panel placed explicitly
 * (margins at screen coordinates), so that all panels have the same size, the
 * titles have room above and one shared legend spans the width below. */
typedef struct page {
    int n, rows, cols;
    int kind;
    int key_rows, key_cols;  /* the shared legend (0 rows: none) */
    double left, right, top, bottom, xsp, ysp, pw, ph;  /* pixels */
} page;

/* PAGE_PLAIN: one y axis label for the row; PAGE_UNITS: each panel its own y
 * label (room between columns); PAGE_MAP: a colour box right of each panel;
 * PAGE_FOREST: wide row labels left of each panel. */
enum { PAGE_PLAIN, PAGE_UNITS, PAGE_MAP, PAGE_FOREST };

/* The panel size from the margins and spacings (after a caller changes them). */
static void page_fit(page *pg)
{
    pg->pw = (FIG_W - pg->left - pg->right - (pg->cols - 1) * pg->xsp) / pg->cols;
    pg->ph = (FIG_H - pg->top - pg->bottom - (pg->rows - 1) * pg->ysp) / pg->rows;
}

/* Opens the page: n panels under a title (lines separated by \n; the run line is
 * added); room for n_keys legend entries (the longest key_chars characters)
 * below the panels (none when n_keys < 2). */
static void page_open(const plot *p, FILE *g, page *pg, int n, int kind, const char *title,
                      int n_keys, int key_chars)
{
    int lines = 2;
    for (const char *c = title; *c; c++)
        lines += *c == '\n';
    memset(pg, 0, sizeof *pg);
    pg->n = n;
    pg->kind = kind;
    layout(n, &pg->rows, &pg->cols);
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
static void page_panel(FILE *g, const page *pg, int k, const char *title, const char *xlabel,
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
static int page_legend(FILE *g, const page *pg)
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

static void page_close(FILE *g)
{
    fputs("unset multiplot\n", g);
}

/* The label of the time axis: the configuration's time.unit. */
static const char *time_label(const plot *p)
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
static void time_axis(const plot *p, FILE *o, int cols)
{
    static const double step[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000};
    double span = p->cfg.end - p->cfg.start;
    int most = cols >= 3 ? 5 : cols == 2 ? 8 : 12;
    size_t i = 0;
    while (i + 1 < sizeof step / sizeof step[0] && span / step[i] > most)
        i++;
    fprintf(o, "set xrange [%g:%g]\nset xtics %g\n", p->cfg.start, p->cfg.end, step[i]);
}

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

/* The order worlds are drawn and listed in: factual, counterfactual, then the
 * others (placebos) as first met. */
static int world_rank(const plot *p, int world)
{
    const char *w = p->worlds.s[world];
    return strcmp(w, "factual") == 0 ? 0 : strcmp(w, "counterfactual") == 0 ? 1 : 2 + world;
}

/* Dash pattern by world: factual solid, counterfactual dashed, placebos others. */
static int world_dash(const plot *p, int world)
{
    static const int d[] = {4, 5, 3};
    int r = world_rank(p, world);
    return r == 0 ? 1 : r == 1 ? 2 : d[(r - 2) % 3];
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
    const char *target = cfg->hyp.target >= 0 ? cfg->actors[cfg->hyp.target].name : NULL;
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
        srow *r = grow(d->row, &d->cap, d->n + 1, sizeof *r);
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

/* A time-series figure of one metric: one panel per entry of panel[] (actor
 * index, or 0 for the population), every curve in each panel, mean lines over
 * shaded 95% CI bands (no band, and no "95% CI" in the title or the legend,
 * when summary.csv has no interval: fewer than 2 replicates).  Several pages (NAME_1, NAME_2, ...) beyond SERIES_PANELS
 * panels. */
static int draw_series(plot *p, const sdata *d, const char *name, int metric, const int *panel,
                       char (*ptitle)[COOP_NAME_MAX + 32], int n_panels, const char *title,
                       const char *ylabel, const char *what, coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    int S = cfg->n_steps, nc = d->cv.n, status = COOP_OK;
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

    /* The data file: year, then per panel and curve: mean, lo, hi. */
    char file[160], keys[MAX_CURVES][128], labels[MAX_CURVES][320];
    char(*pnames)[COOP_NAME_MAX] = malloc((size_t)n_panels * sizeof *pnames);
    if (!pnames) {
        free(v);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory drawing %s", name);
    }
    snprintf(file, sizeof file, "%s.csv", name);
    for (int c = 0; c < nc; c++)
        curve_label(p, &d->cv, c, labels[c], sizeof labels[c], keys[c], sizeof keys[c]);
    for (int k = 0; k < n_panels; k++)
        safe_name(pnames[k], sizeof pnames[k], ptitle[k]);
    FILE *o = data_open(p, file, err);
    if (!o) {
        free(v);
        free(pnames);
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
    if ((status = data_close(p, o, file, err))) {
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
            fputs("plot ", g);
            int n_el = 0;
            if (bands)
                for (int c = 0; c < nc; c++, n_el++) {
                    const char *col;
                    int dt;
                    curve_style(p, &d->cv, c, &col, &dt);
                    fprintf(g, "%s'%s' using 'year':'%s %s lo':'%s %s hi' with filledcurves "
                               "lc rgb '%s'",
                            n_el ? ", \\\n     " : "", file, pnames[k], keys[c], pnames[k],
                            keys[c], col);
                }
            for (int c = 0; c < nc; c++, n_el++) {
                const char *col;
                int dt;
                curve_style(p, &d->cv, c, &col, &dt);
                fprintf(g, "%s'%s' using 'year':'%s %s mean' with lines lw %d dt %d lc rgb '%s'",
                        n_el ? ", \\\n     " : "", file, pnames[k], keys[c], dt == 1 ? 3 : 2, dt,
                        col);
            }
            fputc('\n', g);
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
static int plot_series(plot *p, coop_err *err)
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
    const char *target = cfg->hyp.target >= 0 ? cfg->actors[cfg->hyp.target].name : "the target";
    char title[512], ylabel[256], what[512];

    int n = 0;
    for (size_t a = 0; a < cfg->n_actors; a++)
        if (has_data(&d, MET_COOP_TARGET, (int)a)) {
            panel[n] = (int)a;
            snprintf(pt[n++], sizeof pt[0], "%s", cfg->actors[a].name);
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
    if (!is_file(path)) {
        snprintf(dir, sizeof dir, "%s/../..", p->dir);
        if (join(path, sizeof path, dir, name, &quiet) || !is_file(path))
            return COOP_OK;
    }
    coop_csv_reader c;
    static const char *const cols[] = {"year_from", "year_to", "actors", "kind", "what"};
    int ix[5], got, status = COOP_OK;
    size_t cap = 0;

    /* The file opens with comment lines: skip them before the header. */
    memset(&c, 0, sizeof c);
    if (join(c.path, sizeof c.path, dir, name, &quiet))
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
        observed *q = grow(*obs, &cap, *n + 1, sizeof *q);
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

/* Figure 3: per tie, the share of replicates that have reached each agreement
 * level by each date (from milestones.csv), with the observed milestones.  The
 * factual world (solid) and, in hypothesis results, the counterfactual (dashed):
 * placebo worlds are left to the forest plot. */
static int plot_agreements(plot *p, coop_err *err)
{
    const coop_config *cfg = &p->cfg;
    int L = cfg->inst.n_levels, R = cfg->replicates, S = cfg->n_steps;
    size_t T = cfg->n_ties;
    if (L < 2 || T == 0 || R < 1)
        return COOP_OK;
    static const char *const cols[] = {"point", "world", "replicate", "a", "b", "level", "step"};
    static const char *const slot_name[2] = {"factual", "counterfactual"};
    int ix[7], got, status;
    coop_csv_reader c;
    observed *obs = NULL;
    size_t n_obs = 0;
    int *first = NULL; /* [slot][tie][level][replicate]: first step at >= level */
    long point0 = p->n_points ? p->point_id[0] : 0;
    size_t cells = 2 * T * (size_t)L * (size_t)R;
    int *ties = NULL;
    char(*tie_name)[2 * COOP_NAME_MAX + 2] = NULL;

    if ((status = coop_csv_reader_open(&c, p->dir, "milestones.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 7, err)))
        goto out;
    if (!(first = malloc(cells * sizeof *first))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory drawing agreements");
        goto out;
    }
    for (size_t i = 0; i < cells; i++)
        first[i] = INT_MAX; /* never */
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
            int *x = &first[(((size_t)slot * T + tie) * L + l) * R + rep];
            if (step < *x)
                *x = (int)step;
        }
    }
    if (status)
        goto out;
    if ((status = load_timeline(p, &obs, &n_obs, err)))
        goto out;

    /* The worlds present (in outcomes.csv or milestones.csv), by slot. */
    int w[2], slot[2], nw = 0;
    for (int k = 0; k < 2; k++)
        if ((w[nw] = strtab_find(&p->worlds, slot_name[k])) >= 0)
            slot[nw++] = k;
    if (nw == 0)
        goto out;
    /* Ties shown: those reached a level in some replicate, or with an observed
     * milestone; the hypothesis target's ties first. */
    int nt = 0;
    if (!(ties = malloc(T * sizeof *ties)) || !(tie_name = malloc(T * sizeof *tie_name))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        goto out;
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t t = 0; t < T; t++) {
            int tg = cfg->hyp.target;
            int with_target = tg >= 0 && (cfg->ties[t].a == tg || cfg->ties[t].b == tg);
            if (tg >= 0 ? (pass == 0) != with_target : pass == 1)
                continue;
            int any = 0;
            for (int k = 0; k < nw && !any; k++)
                for (int r = 0; r < R && !any; r++)
                    any = first[(((size_t)slot[k] * T + t) * L + 1) * R + r] < S;
            for (size_t i = 0; i < n_obs && !any; i++)
                any = obs[i].tie == (int)t;
            if (any)
                ties[nt++] = (int)t;
        }
    if (nt == 0)
        goto out;

    /* Data: year, then per tie, world and level the share of replicates. */
    char wn[2][COOP_NAME_MAX + 16], ln[COOP_MAX_LEVELS][COOP_NAME_MAX];
    for (size_t t = 0; t < T; t++) {
        char raw[2 * COOP_NAME_MAX + 2];
        snprintf(raw, sizeof raw, "%s-%s", cfg->actors[cfg->ties[t].a].name,
                 cfg->actors[cfg->ties[t].b].name);
        safe_name(tie_name[t], sizeof tie_name[t], raw);
    }
    for (int k = 0; k < nw; k++)
        safe_name(wn[k], sizeof wn[k], p->worlds.s[w[k]]);
    for (int l = 1; l < L; l++)
        safe_name(ln[l], sizeof ln[l], cfg->inst.level_name[l]);
    const char *file = "agreements.csv", *ofile = "agreements_observed.csv";
    FILE *o = data_open(p, file, err);
    if (!o) {
        status = err->code;
        goto out;
    }
    fputs("year", o);
    for (int i = 0; i < nt; i++)
        for (int k = 0; k < nw; k++)
            for (int l = 1; l < L; l++)
                fprintf(o, ",%s %s %d", tie_name[ties[i]], wn[k], l);
    fputc('\n', o);
    /* A step function drawn as one polyline (so that dash patterns run along it):
     * at the date of step s the share before the step, then the share with it. */
    for (int s = 0; s <= S; s++) {
        for (int half = s == 0; half < 2; half++) {
            fprintf(o, "%.10g", coop_config_date(cfg, s));
            for (int i = 0; i < nt; i++)
                for (int k = 0; k < nw; k++)
                    for (int l = 1; l < L; l++) {
                        const int *x = &first[(((size_t)slot[k] * T + ties[i]) * L + l) * R];
                        int cnt = 0;
                        for (int r = 0; r < R; r++)
                            cnt += x[r] < s + half;
                        put_num(o, (double)cnt / R);
                    }
            fputc('\n', o);
        }
    }
    if ((status = data_close(p, o, file, err)))
        goto out;
    if (n_obs) {
        if (!(o = data_open(p, ofile, err))) {
            status = err->code;
            goto out;
        }
        fputs("tie,level,year,from,to\n", o);
        for (size_t i = 0; i < n_obs; i++) {
            fprintf(o, "%s,%d", tie_name[obs[i].tie], obs[i].level);
            put_num(o, (obs[i].from + obs[i].to) / 2);
            put_num(o, obs[i].from);
            put_num(o, obs[i].to);
            fputc('\n', o);
        }
        if ((status = data_close(p, o, ofile, err)))
            goto out;
    }

    /* Pages of at most TIE_PANELS ties, balanced (15 ties: 5, 5, 5). */
    int pages = (nt + TIE_PANELS - 1) / TIE_PANELS, per = (nt + pages - 1) / pages;
    static const int pt[] = {5, 7, 9, 11, 13, 15, 4};
    for (int pg = 0; pg < pages && !status; pg++) {
        char fname[64], title[512], what[256];
        snprintf(fname, sizeof fname, pages == 1 ? "agreements" : "agreements_%d", pg + 1);
        int first_t = pg * per, np = nt - first_t < per ? nt - first_t : per;
        snprintf(what, sizeof what, "agreement levels reached per tie over time%s",
                 pages > 1 ? " (one page of ties)" : "");
        fig f;
        if ((status = fig_open(p, &f, fname, what, n_obs ? "agreements.csv and "
                                                          "agreements_observed.csv"
                                                        : "agreements.csv",
                               n_obs ? "milestones.csv and configs/data/eu_ca_timeline.csv"
                                     : "milestones.csv",
                               err)))
            break;
        FILE *g = f.gp;
        int page_obs = 0; /* observed milestones on this page's ties */
        for (size_t j = 0; j < n_obs; j++)
            for (int i = first_t; i < first_t + np; i++)
                page_obs |= obs[j].tie == ties[i];
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
            kc = (int)strlen(ln[l]) > kc ? (int)strlen(ln[l]) : kc;
        for (int k = 0; k < nw && nw > 1; k++)
            kc = (int)strlen(wn[k]) > kc ? (int)strlen(wn[k]) : kc;
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
            int t = ties[i];
            page_panel(g, &pgl, i - first_t, tie_name[t], time_label(p), "share of replicates", 0);
            fputs("plot ", g);
            int n_el = 0;
            for (int k = 0; k < nw; k++)
                for (int l = 1; l < L; l++, n_el++)
                    fprintf(g, "%s'%s' using 'year':'%s %s %d' with lines lw 2 dt %d lc rgb '%s' "
                               "notitle",
                            n_el ? ", \\\n     " : "", file, tie_name[t], wn[k], l,
                            slot[k] ? 2 : 1, level_colour[(l - 1) % 5]);
            for (int l = 1; l < L; l++) {
                int any = 0;
                for (size_t j = 0; j < n_obs && !any; j++)
                    any = obs[j].tie == t && obs[j].level == l;
                if (any)
                    fprintf(g, "%s'%s' using (strcol('tie') eq '%s' && column('level') == %d ? "
                               "column('year') : NaN):(0.5):'from':'to' with xerrorbars pt %d "
                               "ps 1.6 lw 1.5 lc rgb '%s' notitle",
                            n_el++ ? ", \\\n     " : "", ofile, tie_name[t], l,
                            pt[(l - 1) % 7], level_colour[(l - 1) % 5]);
            }
            fputc('\n', g);
        }
        if (page_legend(g, &pgl)) {
            for (int l = 1; l < L; l++) {
                fprintf(g, ", \\\n     keyentry with lines lw 2 lc rgb '%s' title ",
                        level_colour[(l - 1) % 5]);
                gq(g, ln[l]);
            }
            for (int k = 0; k < nw && nw > 1; k++) {
                fprintf(g, ", \\\n     keyentry with lines lw 2 dt %d lc rgb '#404040' title ",
                        slot[k] ? 2 : 1);
                gq(g, wn[k]);
            }
            if (page_obs)
                fputs(", \\\n     keyentry with points pt 7 ps 1.5 lc rgb '#404040' "
                      "title 'observed date (timeline)'",
                      g);
            fputc('\n', g);
        }
        page_close(g);
        status = fig_draw(p, &f, what, err);
        fig_discard(&f);
    }
out:
    coop_csv_reader_close(&c);
    free(first);
    free(obs);
    free(ties);
    free(tie_name);
    return status;
}

/* ---------------------------------------------------------------- outcomes and hypothesis */

#define MAX_WORLDS (2 + COOP_MAX_PLACEBO + 6)
#define MAX_OUTCOMES 16

/* outcomes.csv summarised over replicates: acc[(row * MAX_WORLDS + world) *
 * MAX_OUTCOMES + outcome]. */
typedef struct odata {
    coop_acc *acc;
} odata;

static coop_acc *oacc(const odata *od, int row, int world, int outcome)
{
    return &od->acc[((size_t)row * MAX_WORLDS + world) * MAX_OUTCOMES + outcome];
}

static int load_outcomes(plot *p, odata *od, coop_err *err)
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
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point;
        double v;
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

/* One row of hypothesis.csv. */
typedef struct hrow {
    int row, cmp, outcome, verdict;  /* verdict -1: not given */
    double mean_a, mean_b, diff, lo, hi;
    long n;                          /* replicates behind the difference; -1: not given */
} hrow;

typedef struct hdata {
    hrow *r;
    size_t n, cap;
    strtab cmp;        /* comparisons as first met: counterfactual, placebo:NAME, ... */
    int n_rows;        /* distinct points */
    int *index;        /* [(row * cmp.n + cmp) * MAX_OUTCOMES + outcome]: row of r, or -1 */
} hdata;

static int load_hypothesis(plot *p, hdata *h, coop_err *err)
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
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long point;
        hrow r;
        r.n = -1;
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
        hrow *q = grow(h->r, &h->cap, h->n + 1, sizeof *q);
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
static const hrow *hfind(const hdata *h, int row, int cmp, int outcome)
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
static const char *outcome_unit(const char *name, int *fewer)
{
    static const struct {
        const char *name, *unit;
        int fewer;
    } u[] = {
        {"others_coop_target", "share of C actions", 0},
        {"target_engagement", "engagement (0-1)", 0},
        {"others_level", "agreement level", 0},
        {"years_to_enhanced", "years", 1},
        {"censored_share", "share of states", 1},
        {"regional_cohesion", "share of C actions", 0},
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (strcmp(name, u[i].name) == 0) {
            *fewer = u[i].fewer;
            return u[i].unit;
        }
    *fewer = 0;
    return "outcome units";
}

/* The name of the primary outcome (cfg->hyp.primary), or NULL. */
static const char *primary_outcome(const plot *p)
{
    int k = p->cfg.hyp.primary;
    return k >= 0 && k < COOP_N_OUTCOMES ? coop_outcome_names[k] : NULL;
}

/* "Hypothesis: KZ's motivator role raises cooperation with EU" */
static void hypothesis_name(const plot *p, char *buf, size_t size)
{
    const coop_config *cfg = &p->cfg;
    if (cfg->hyp.motivator >= 0 && cfg->hyp.target >= 0)
        snprintf(buf, size, "%s's motivator role raises cooperation with %s",
                 cfg->actors[cfg->hyp.motivator].name, cfg->actors[cfg->hyp.target].name);
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

/* A round tic step (1, 2, 2.5 or 5 times a power of ten) that cuts span into at
 * most `most` intervals. */
static double nice_step(double span, int most)
{
    if (!(span > 0) || !isfinite(span))
        return 1;
    double raw = span / most, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * mag;
}

/* Figure 4: the forest plot of a hypothesis test at one point. */
static int plot_forest(plot *p, const hdata *h, coop_err *err)
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
    if ((status = data_close(p, o, file, err)))
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
        fputs("set ytics (", g);
        double lo = 0, hi = 0, scale = 0;
        for (int c = 0; c < nc; c++) {
            const hrow *r = hfind(h, row, c, outs[k]);
            char lab[256], name[256];
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
                    lo = x[j] < lo ? x[j] : lo;
                    hi = x[j] > hi ? x[j] : hi;
                }
            double m = fabs(r->mean_a) > fabs(r->mean_b) ? fabs(r->mean_a) : fabs(r->mean_b);
            if (isfinite(m) && m > scale)
                scale = m;
        }
        pad_range(&lo, &hi, scale);
        fprintf(g, ")\nset xrange [%.6g:%.6g]\nset xtics %.6g\n", lo, hi,
                nice_step(hi - lo, 4));
        fputs("set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb '#606060'\n", g);
        fputs("plot ", g);
        int n_el = 0;
        for (int vd = 0; vd < N_VERDICTS; vd++) {
            int bars = 0, pts = 0;
            for (int c = 0; c < nc; c++) {
                const hrow *r = hfind(h, row, c, outs[k]);
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
        fputs("\nunset arrow 1\n", g);
    }
    page_close(g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    return status;
}

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

static const char *const seq_palette =
    "set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21908C', 0.75 '#5DC863', "
    "1 '#FDE725')\n";

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
    if ((status = data_close(p, o, bfile, err)))
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
    for (int k = 0; k < s->nv; k++) {
        size_t j = s->var[k];
        char pn[COOP_PATH_MAX];
        safe_name(pn, sizeof pn, p->param[j]);
        /* The x label names the parameter: its path, without leading components
         * while it is wider than the panel (about 7.5 px a character). */
        const char *xl = p->param[j], *dot;
        while (strlen(xl) * 7.5 > pg.pw && (dot = strchr(xl, '.')) && strchr(dot + 1, '.'))
            xl = dot + 1;
        page_panel(g, &pg, k, "", xl, sc->ylabel, 1);
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
                    nice_step(vmax - vmin, pg.cols >= 4 ? 3 : 4));
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
                coop_acc_summary(oacc(od, r, w[q], outs[k]), &sm);
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
    if (s->mode == SW_PANELS) {
        /* The primary outcome against the first comparison (the counterfactual),
         * each point coloured by its verdict. */
        int po = panel_outcome(p, outs, no), fewer;
        double *y = malloc(p->n_points * sizeof *y);
        int *cls = malloc(p->n_points * sizeof *cls);
        if (!y || !cls) {
            free(y);
            free(cls);
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < p->n_points; i++) {
            const hrow *x = hfind(h, (int)i, cmp[0], po);
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
                 p->outcomes.s[po], h->cmp.s[cmp[0]], hyp);
        for (int v = 0; v < N_VERDICTS; v++) {
            snprintf(names[v], sizeof names[v], "point: %s", verdict_name[v]);
            vn[v] = names[v];
        }
        scatter sc = {"sweep_effect", "effect against each swept parameter",
                      "hypothesis.csv and points.csv", title, yl, y, cls, N_VERDICTS, vn,
                      verdict_colour, -1, NULL, 1};
        int status2 = sweep_scatter(p, s, &sc, err);
        free(y);
        free(cls);
        return status2;
    }

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
    FILE *o = data_open(p, file, err);
    int show_n = 0; /* maps: a cell rests on fewer replicates than the run has */
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
                show_n |= s->mode == SW_GRID && q == 0 && (!x || (x->n >= 0 && x->n < p->cfg.replicates));
            }
        fputc('\n', o);
    }
    if ((status = data_close(p, o, file, err)))
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
static int plot_sweep(plot *p, const odata *od, const hdata *h, coop_err *err)
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
static int plot_calibration(plot *p, coop_err *err)
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

/* The tournament figure: the median score per turn per opponent of each
 * strategy (the ranking statistic), bars from 0 in rank order (rank 1 on top),
 * labelled with their values, with the payoffs per turn of mutual cooperation
 * (R) and mutual defection (P) of the game as light reference lines; then, when
 * the directory has matrix.csv, the per-pair heat map. */
static int plot_tournament(plot *p, coop_err *err)
{
    static const char *const cols[] = {"strategy", "mean", "median", "rank"};
    int ix[4], got, status;
    trow *t = NULL;
    size_t n = 0, cap = 0;
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "tournament.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 4, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        trow *q = grow(t, &cap, n + 1, sizeof *q);
        if (!q) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        t = q;
        trow *r = &t[n];
        if ((status = coop_csv_reader_num(&c, ix[1], &r->mean, err)) ||
            (status = coop_csv_reader_num(&c, ix[2], &r->score, err)) ||
            (status = coop_csv_reader_int(&c, ix[3], &r->rank, err)))
            goto out;
        safe_name(r->name, sizeof r->name, c.fld[ix[0]]);
        n++;
    }
    if (status || n == 0)
        goto out;
    coop_csv_reader_close(&c);
    /* Rows in rank order; equal ranks keep file order (an insertion sort: qsort is
     * not stable). */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && t[j - 1].rank > t[j].rank; j--) {
            trow x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    int namelen = 0;
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(t[i].label, sizeof t[i].label, "%ld. %s", t[i].rank, t[i].name);
        if (len > 40) /* a long name would push the bars off the page */
            len = snprintf(t[i].label + 37, sizeof t[i].label - 37, "...") + 37;
        namelen = len > namelen ? len : namelen;
    }

    const char *file = "tournament.csv";
    FILE *o = data_open(p, file, err);
    if (!o) {
        status = err->code;
        goto out;
    }
    fputs("row,rank,strategy,label,median,mean\n", o);
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "%zu,%ld,%s,%s", i + 1, t[i].rank, t[i].name, t[i].label);
        put_num(o, t[i].score);
        put_num(o, t[i].mean);
        fputc('\n', o);
    }
    if ((status = data_close(p, o, file, err)))
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
    if (ref) {
        /* The reference lines behind the bars, named above the plot: the label of the
         * smaller payoff ends at its line and the other starts at its own, unless that
         * runs off the figure; labels that would still overlap go on two lines. */
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
    fprintf(g, "set arrow 3 from 0, graph 0 to 0, graph 1 nohead back lc rgb '#404040'\n");
    fprintf(g, "plot '%s' using (column('median')/2):'row':(0):'median':"
               "(column('row')-%.3g):(column('row')+%.3g):ytic(strcol('label')) \\\n"
               "     with boxxyerror fs solid 1.0 noborder lc rgb '%s'",
            file, half, half, colour[0]);
    /* Value labels past the bar ends: right of a bar that ends >= 0, left of one
     * that ends < 0 (boxed: they mask a reference line they cross). */
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
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
    char mpath[BUF];
    if (!status && !(status = join(mpath, sizeof mpath, p->dir, "matrix.csv", err)) &&
        is_file(mpath))
        status = plot_tournament_matrix(p, err);
out:
    coop_csv_reader_close(&c);
    free(t);
    return status;
}

/* The per-pair figure: matrix.csv as a heat map, strategies in rows and their
 * opponents in columns, both in the file's (rank) order, rank 1 top left; the
 * colour is the mean score per turn of the row against the column, on the
 * sequential palette of the sweep maps (its lightness rises with the value, so
 * it reads in grey scale too), with the value written in each cell when the cells
 * are large enough.  The diagonal is self-play (not in the ranking). */
static int plot_tournament_matrix(plot *p, coop_err *err)
{
    static const char *const cols[] = {"strategy", "opponent", "score_per_turn"};
    int ix[3], got, status;
    strtab st = {0}, op = {0};
    int *a = NULL, *b = NULL;
    double *v = NULL, *m = NULL;
    size_t rows = 0, cap = 0, cap_b = 0, cap_v = 0;
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "matrix.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 3, err)))
        goto out;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        char sn[COOP_NAME_MAX * 2], on[COOP_NAME_MAX * 2];
        int *qa = grow(a, &cap, rows + 1, sizeof *qa);
        if (qa)
            a = qa;
        int *qb = grow(b, &cap_b, rows + 1, sizeof *qb);
        if (qb)
            b = qb;
        double *qv = grow(v, &cap_v, rows + 1, sizeof *qv);
        if (qv)
            v = qv;
        safe_name(sn, sizeof sn, c.fld[ix[0]]);
        safe_name(on, sizeof on, c.fld[ix[1]]);
        if (!qa || !qb || !qv || (a[rows] = strtab_add(&st, sn)) < 0 ||
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
    size_t n = st.n;
    if (n == 0 || op.n != n || rows != n * n) {
        status = COOP_FAIL(err, COOP_ECONFIG,
                           "%s: %zu rows for %zu strategies and %zu opponents; want one row for "
                           "each strategy against each opponent",
                           c.path, rows, n, op.n);
        goto out;
    }
    if (!(m = malloc(n * n * sizeof *m))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
        goto out;
    }
    for (size_t k = 0; k < n * n; k++)
        m[k] = NAN;
    for (size_t r = 0; r < rows; r++) {
        int j = strtab_find(&st, op.s[b[r]]);
        if (j < 0 || !isnan(m[(size_t)a[r] * n + (size_t)j])) {
            status = COOP_FAIL(err, COOP_ECONFIG, "%s: opponent '%s' of '%s' %s", c.path,
                               op.s[b[r]], st.s[a[r]],
                               j < 0 ? "is not a strategy" : "appears twice");
            goto out;
        }
        m[(size_t)a[r] * n + (size_t)j] = v[r];
    }
    coop_csv_reader_close(&c);

    const char *file = "matrix.csv";
    FILE *o = data_open(p, file, err);
    if (!o) {
        status = err->code;
        goto out;
    }
    double lo = INFINITY, hi = -INFINITY;
    fputs("x,y,strategy,opponent,score_per_turn\n", o);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double x = m[i * n + j];
            fprintf(o, "%zu,%zu,%s,%s", j + 1, i + 1, st.s[i], st.s[j]);
            put_num(o, x);
            fputc('\n', o);
            if (isfinite(x))
                lo = fmin(lo, x), hi = fmax(hi, x);
        }
    if ((status = data_close(p, o, file, err)))
        goto out;
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
    coop_csv_reader_close(&c);
    strtab_free(&st);
    strtab_free(&op);
    free(a);
    free(b);
    free(v);
    free(m);
    return status;
}

/* ---------------------------------------------------------------- validation */

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
#define VNAME(i) (cfg->actors[v.state[i]].name)
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

/* The validation figure at one point: per target a dot at its score (0-1, the
 * one scale every target shares), filled when it passes and open when it does
 * not, the combined score apart below; beside it, as text in each target's own
 * units, the observed value, the simulated mean with its 95% CI, the tolerance
 * and the verdict. */
static int plot_validation(plot *p, coop_err *err)
{
    static const char *const cols[] = {"target",  "observed",  "simulated_mean", "ci_lo",
                                       "ci_hi",   "score",     "tolerance",      "pass"};
    int ix[8], got, status;
    vrow *v = NULL;
    size_t n = 0, cap = 0;
    int pcol, many = 0;
    char first_point[64] = "";
    coop_csv_reader c;
    if ((status = coop_csv_reader_open(&c, p->dir, "validation.csv", err)) ||
        (status = coop_csv_reader_need(&c, cols, ix, 8, err)))
        goto out;
    pcol = coop_csv_reader_col(&c, "point");
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        if (pcol >= 0) {
            long pt;
            if ((status = coop_csv_reader_int(&c, pcol, &pt, err)))
                goto out;
            if (!first_point[0])
                snprintf(first_point, sizeof first_point, "%ld", pt);
            else if (strcmp(first_point, c.fld[pcol]) != 0)
                many = 1;
        }
        vrow *q = grow(v, &cap, n + 1, sizeof *q);
        if (!q) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory reading %s", c.path);
            goto out;
        }
        v = q;
        vrow *r = &v[n];
        memset(r, 0, sizeof *r);
        if ((status = coop_csv_reader_num(&c, ix[1], &r->observed, err)) ||
            (status = coop_csv_reader_num(&c, ix[2], &r->mean, err)) ||
            (status = coop_csv_reader_num(&c, ix[3], &r->lo, err)) ||
            (status = coop_csv_reader_num(&c, ix[4], &r->hi, err)) ||
            (status = coop_csv_reader_num(&c, ix[5], &r->score, err)) ||
            (status = coop_csv_reader_num(&c, ix[6], &r->tol, err)))
            goto out;
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
        n++;
    }
    /* A calibration sweep validates many points: one figure would not show them. */
    if (status || n == 0 || many)
        goto out;

    /* Rows top to bottom in file order; the combined score after a gap. */
    int n_pass = 0, n_scored = 0;
    double y = 0, ysep = 0, comb_y = 0;
    const vrow *comb = NULL;
    const char *file = "validation.csv";
    FILE *o = data_open(p, file, err);
    if (!o) {
        status = err->code;
        goto out;
    }
    char lab[COOP_V_N][320];
    double mark[COOP_V_N];
    vlabels(&p->cfg, lab, mark);
    fputs("row,target,kind,label,unit,observed,simulated_mean,ci_lo,ci_hi,score,tolerance,pass,"
          "pass_mark,observed_text,simulated_text,tolerance_text,pass_text\n",
          o);
    for (int pass2 = 0; pass2 < 2; pass2++)
        for (size_t i = 0; i < n; i++) {
            const vrow *r = &v[i];
            if (r->combined != pass2)
                continue;
            if (r->combined && !ysep) {
                ysep = y + 0.7;
                y += 0.9;
                comb = r;
            }
            y += 1;
            if (r->combined)
                comb_y = y;
            int dec = r->combined ? 2 : r->vt ? r->vt->dec : 3;
            const char *kind = r->combined ? "combined" : r->vt && r->vt->diagnostic
                                                              ? "diagnostic" : "target";
            const char *label = r->combined            ? "combined score"
                                : r->k >= 0 && lab[r->k][0] ? lab[r->k]
                                : r->vt                     ? r->vt->what
                                                            : r->target;
            const char *unit = r->combined ? "mean of the scores above (diagnostics excluded)"
                               : r->vt     ? r->vt->unit
                                           : "the target's units";
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
            if (!r->combined && strcmp(kind, "diagnostic") != 0 && !isnan(r->score)) {
                n_scored++;
                n_pass += r->pass == 1;
            }
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
            fprintf(o, ",%s\n", r->pass < 0 ? "n/a" : r->pass ? "yes" : "no");
        }
    if ((status = data_close(p, o, file, err)))
        goto out;

    /* Pixels: labels | score dots | the values in their own units. */
    const double lab_r = 372, dot_l = 386, dot_r = 636, tab_l = 660, top = 132, bottom = 104;
    char title[1024], verdict[256] = "";
    if (comb && !isnan(comb->score))
        snprintf(verdict, sizeof verdict, "; combined score %.2f %s (needs %g)", comb->score,
                 comb->pass == 1 ? "passes" : "fails", comb->tol);
    snprintf(title, sizeof title,
             "Validation against the historical record: %d of %d targets within tolerance%s\n"
             "%s",
             n_pass, n_scored, verdict, p->about);
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
            y + 0.6, 1 - top / FIG_H, bottom / FIG_H);
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

    /* The scores. */
    fprintf(g, "# the scores\nset lmargin at screen %.4f\nset rmargin at screen %.4f\n"
               "set border 1 lc rgb '#404040'\nset xtics 0,0.25,1 nomirror\n"
               "set ytics (",
            dot_l / FIG_W, dot_r / FIG_W);
    {
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
    }
    fputs(") scale 0\nset grid xtics ytics lc rgb '#e6e6e6' lt 1 lw 1\n"
          "set xrange [-0.03:1.03]\n"
          "set xlabel \"score: 1 = the simulated mean equals the observed value\"\n",
          g);
    fputs("set label 1 \"score\" at graph 0.5, graph 1 center offset 0,1.2 font 'Sans Bold,12'\n",
          g);
    if (comb) {
        fprintf(g, "set arrow 1 from screen 0.01, first %.1f to screen 0.99, first %.1f nohead "
                   "lc rgb '#9AA5B1'\n",
                ysep, ysep);
        fprintf(g, "set arrow 2 from %g, first %.1f to %g, first %.1f nohead dt 2 lw 1.5 "
                   "lc rgb '#404040'\n",
                comb->tol, comb_y - 0.42, comb->tol, comb_y + 0.42);
        fprintf(g, "set label 2 \"pass mark\" at %g, first %.2f center "
                   "font 'Sans,9' tc rgb '#404040'\n",
                comb->tol, comb_y - 0.7);
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
    fprintf(g, " with points pt 12 ps 3.2 lw 2.5 lc rgb '%s'\n", fail_c);

    /* The values, as text in each target's own units. */
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

    /* The legend below. */
    fprintf(g, "# the legend\nset lmargin at screen 0\nset rmargin at screen 1\n"
               "set bmargin at screen 0\nset tmargin at screen %.4f\nunset label\n"
               "set key at screen 0.5,%.4f center center horizontal reverse Left maxcols 3 "
               "samplen 1 width 2\nset xrange [0:1]\nset yrange [0:1]\n"
               "plot NaN notitle, \\\n"
               "     keyentry with points pt 7 ps 2 lc rgb '%s' title 'pass: within tolerance', \\\n"
               "     keyentry with points pt 6 ps 2 lw 2.5 lc rgb '%s' title 'fail: outside tolerance', \\\n"
               "     keyentry with points pt 12 ps 2.6 lw 2 lc rgb '#404040' "
               "title 'combined score'\n",
            34.0 / FIG_H, 20.0 / FIG_H, pass_c, fail_c);
    fputs("unset multiplot\n", g);
    status = fig_draw(p, &f, what, err);
    fig_discard(&f);
out:
    coop_csv_reader_close(&c);
    free(v);
    return status;
}

/* ---------------------------------------------------------------- the command */

/* Reads points.csv: the point ids and the swept parameters' values. */
static int load_points(plot *p, coop_err *err)
{
    coop_csv_reader c;
    int got, status;
    size_t cap = 0, pcap = 0;
    if ((status = coop_csv_reader_open(&c, p->dir, "points.csv", err)))
        goto out;
    if (c.nhead < 1 || strcmp(c.head[0], "point") != 0) {
        status = COOP_FAIL(err, COOP_ECONFIG, "%s: the first column must be 'point'", c.path);
        goto out;
    }
    p->n_params = c.nhead - 1;
    if (p->n_params && !(p->param = calloc(p->n_params, sizeof *p->param))) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < p->n_params; j++)
        if (!(p->param[j] = strdup(c.head[j + 1]))) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
    p->n_points = 0;
    while (!(status = coop_csv_reader_next(&c, &got, err)) && got) {
        long *q = grow(p->point_id, &cap, p->n_points + 1, sizeof *q);
        if (q)
            p->point_id = q;
        double *v = p->n_params ? grow(p->pv, &pcap, (p->n_points + 1) * p->n_params, sizeof *v)
                                : p->pv;
        if (!q || (p->n_params && !v)) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
        p->pv = v;
        if ((status = coop_csv_reader_int(&c, 0, &p->point_id[p->n_points], err)))
            goto out;
        for (size_t j = 0; j < p->n_params; j++)
            if ((status = coop_csv_reader_num(&c, (int)j + 1,
                                              &p->pv[p->n_points * p->n_params + j], err)))
                goto out;
        p->n_points++;
    }
    if (!status && p->n_points == 0)
        status = COOP_FAIL(err, COOP_ECONFIG, "%s: no points", c.path);
out:
    coop_csv_reader_close(&c);
    return status;
}

/* Finds a program on PATH (or checks a path) into buf; 0 when not found. */
static int find_program(const char *name, char *buf, size_t size)
{
    if (strchr(name, '/')) {
        snprintf(buf, size, "%s", name);
        return access(name, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        int k = snprintf(buf, size, "%.*s/%s", (int)n, n ? path : ".", name);
        if (n == 0)
            k = snprintf(buf, size, "./%s", name);
        if (k > 0 && (size_t)k < size && is_file(buf) && access(buf, X_OK) == 0)
            return 1;
        path += n + (end != NULL);
        if (!end)
            break;
    }
    return 0;
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

/* Figure 7: the lattice at the configured snapshot steps of replicate 0 (C and D
 * as two colours), from snapshots.csv.  Only for a lattice network: other
 * networks have no layout that would place their nodes meaningfully on a page.
 * figures/snapshots.csv holds one block per panel (step,row,col,coop, row-major,
 * blocks separated by two blank lines so that gnuplot's `index` picks a panel;
 * pandas and R skip blank lines), drawn `with image`, one pixel per node. */
static int plot_snapshots(plot *p, coop_err *err)
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
    FILE *o = data_open(p, file, err);
    if (!o) {
        status = err->code;
        goto out;
    }
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
                any_na |= isnan(x[i]);
                mixed |= !isnan(x[i]);
            }
            drawn |= !isnan(x[i]);
        }
    }
    if ((status = data_close(p, o, file, err)) || !drawn)
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

/* ---------------------------------------------------------------- run */

/* 1 when DIR/STEM.gp is a script coopsim plot wrote (its second line says so). */
static int plot_script(const char *dir, const char *stem, size_t len)
{
    char path[BUF], line[128];
    if ((size_t)snprintf(path, sizeof path, "%s/%.*s.gp", dir, (int)len, stem) >= sizeof path)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ours = fgets(line, sizeof line, f) && fgets(line, sizeof line, f) &&
               strncmp(line, "# Drawn by coopsim ", 19) == 0;
    fclose(f);
    return ours;
}

/* Whether entry NAME of a figures folder DIR is coopsim plot's (replaced when the
 * figures are drawn again) or the user's (kept): a NAME.gp script coopsim wrote,
 * and the .png, .csv and .log files of such a script's figure: STEM.EXT with
 * STEM.gp, STEM_*.csv with STEM.gp, or STEM.csv shared by pages STEM_1.gp, ... */
static int plot_ours(const char *dir, const char *name, void *ctx)
{
    (void)ctx;
    const char *dot = strrchr(name, '.');
    if (!dot || (strcmp(dot, ".gp") && strcmp(dot, ".png") && strcmp(dot, ".csv") &&
                 strcmp(dot, ".log")))
        return 0;
    size_t len = (size_t)(dot - name);
    char paged[BUF];
    if (plot_script(dir, name, len))
        return 1;
    if (strcmp(dot, ".csv") != 0)
        return 0;
    for (size_t k = len; k-- > 1;)
        if (name[k] == '_' && plot_script(dir, name, k))
            return 1;
    snprintf(paged, sizeof paged, "%.*s_1", (int)len, name);
    return plot_script(dir, paged, strlen(paged));
}

/* Decides where the figures go (out: -o OUT, else DIR/figures) into p->outdir and
 * creates the temporary folder they are drawn in, a hidden sibling
 * PARENT/.NAME.tmp-PID on the same file system, into p->figdir. */
static int figures_tmpdir(plot *p, const char *out, coop_err *err)
{
    int status;
    if (out && *out) {
        size_t len = strlen(out);
        while (len > 1 && out[len - 1] == '/')
            len--;
        if (len >= sizeof p->outdir)
            return COOP_FAIL(err, COOP_ECONFIG, "-o %s: path too long", out);
        snprintf(p->outdir, sizeof p->outdir, "%.*s", (int)len, out);
    } else if ((status = join(p->outdir, sizeof p->outdir, p->dir, "figures", err))) {
        return status;
    }
    const char *slash = strrchr(p->outdir, '/');
    const char *base = slash ? slash + 1 : p->outdir;
    struct stat st;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return COOP_FAIL(err, COOP_ECONFIG, "-o %s: name a folder for the figures", p->outdir);
    if (lstat(p->outdir, &st) == 0 && !S_ISDIR(st.st_mode))
        return COOP_FAIL(err, COOP_EIO, "%s: exists and is not a directory", p->outdir);
    int n = slash ? snprintf(p->figdir, sizeof p->figdir, "%.*s/.%s.tmp-%ld",
                             (int)(slash - p->outdir), p->outdir, base, (long)getpid())
                  : snprintf(p->figdir, sizeof p->figdir, ".%s.tmp-%ld", base, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof p->figdir) {
        p->figdir[0] = '\0';
        return COOP_FAIL(err, COOP_ECONFIG, "%s: path too long", p->outdir);
    }
    if (mkdir(p->figdir, 0777) != 0) {
        int e = errno;
        p->figdir[0] = '\0';
        return COOP_FAIL(err, COOP_EIO, "cannot create %s: %s", p->outdir, strerror(e));
    }
    return COOP_OK;
}

static void plot_destroy(plot *p)
{
    coop_config_destroy(&p->cfg);
    strtab_free(&p->worlds);
    strtab_free(&p->outcomes);
    free(p->point_id);
    for (size_t j = 0; j < p->n_params; j++)
        free(p->param ? p->param[j] : NULL);
    free(p->param);
    free(p->pv);
}

int coop_plot(const char *dir, const coop_plot_opts *opts, coop_err *err)
{
    return coop_plot_into(dir, NULL, opts, err);
}

int coop_plot_into(const char *dir, const char *outdir, const coop_plot_opts *opts,
                   coop_err *err)
{
    plot p;
    odata od = {0};
    hdata h;
    char path[BUF];
    struct stat st;
    int status;
    memset(&p, 0, sizeof p);
    memset(&h, 0, sizeof h);
    p.dir = dir;
    p.log = opts ? opts->log : NULL;

    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return COOP_FAIL(err, COOP_ECONFIG, "%s: no such results directory", dir);
    if ((status = join(path, sizeof path, dir, "manifest.cfg", err)))
        return status;
    if (!is_file(path))
        return COOP_FAIL(err, COOP_ECONFIG,
                         "%s is not a coopsim results directory: it has no manifest.cfg", dir);
    if ((status = coop_config_load(path, NULL, 0, &p.cfg, err)))
        return status;

    int have[8];
    static const char *const files[8] = {"summary.csv",    "milestones.csv", "outcomes.csv",
                                         "hypothesis.csv", "points.csv",     "snapshots.csv",
                                         "tournament.csv", "validation.csv"};
    for (int i = 0; i < 8; i++) {
        if ((status = join(path, sizeof path, dir, files[i], err)))
            goto out;
        have[i] = is_file(path);
    }
    if (!have[0] && !have[1] && !have[3] && !(have[4] && have[2]) && !have[5] && !have[6] &&
        !have[7]) {
        status = COOP_FAIL(err, COOP_ECONFIG,
                           "%s: nothing to plot: coopsim plot needs summary.csv (time series), "
                           "milestones.csv (agreements), hypothesis.csv (forest plot), "
                           "points.csv with outcomes.csv (sweeps), snapshots.csv of a lattice "
                           "(snapshots), tournament.csv (tournament) or validation.csv of one "
                           "point (validation)",
                           dir);
        goto out;
    }
    const char *prog = opts && opts->gnuplot ? opts->gnuplot : "gnuplot";
    if (!find_program(prog, p.gnuplot, sizeof p.gnuplot)) {
        status = COOP_FAIL(err, COOP_EIO,
                           "%s not found: coopsim plot draws with gnuplot; install it with "
                           "`sudo apt-get install gnuplot-nox` (Debian package gnuplot-nox, or "
                           "`make deps`)",
                           prog);
        goto out;
    }
    if ((status = figures_tmpdir(&p, outdir, err)))
        goto out;
    static const char probe[] = "set terminal pngcairo\n";
    if ((status = pipe_gnuplot(&p, probe, sizeof probe - 1, "/dev/null", &p.cairo, err)))
        goto out;
    snprintf(p.about, sizeof p.about, "%s, seed %lu, %d replicate%s", p.cfg.name, p.cfg.seed,
             p.cfg.replicates, p.cfg.replicates == 1 ? "" : "s");
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        if (strtab_add(&p.outcomes, coop_outcome_names[o]) < 0) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }

    if (have[4]) {
        if ((status = load_points(&p, err)))
            goto out;
    } else {
        if (!(p.point_id = calloc(1, sizeof *p.point_id))) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
        p.n_points = 1;
    }
    if (have[2] && (status = load_outcomes(&p, &od, err)))
        goto out;
    if (have[0] && (status = plot_series(&p, err)))
        goto out;
    if (have[1]) {
        /* One point only: a sweep's agreements per point would be a figure per point. */
        if (p.n_points == 1 && (status = plot_agreements(&p, err)))
            goto out;
    }
    if (have[3]) {
        if ((status = load_hypothesis(&p, &h, err)))
            goto out;
        if (h.n && h.n_rows == 1 && (status = plot_forest(&p, &h, err)))
            goto out;
    }
    if (p.n_points > 1 && (status = plot_sweep(&p, &od, &h, err)))
        goto out;
    if (have[5] && (status = plot_snapshots(&p, err)))
        goto out;
    if (have[6] && (status = plot_tournament(&p, err)))
        goto out;
    if (have[7] && (status = plot_validation(&p, err)))
        goto out;
    if (have[7] && p.n_points > 1 && (status = plot_calibration(&p, err)))
        goto out;
    if (p.n_figures == 0) {
        status = COOP_FAIL(err, COOP_ECONFIG,
                           "%s: nothing to plot: no figure fits what its files hold (time series "
                           "need summary.csv, agreements milestones.csv, the forest plot "
                           "hypothesis.csv, sweeps points.csv with outcomes.csv, snapshots "
                           "snapshots.csv of a lattice, the tournament tournament.csv, the "
                           "validation validation.csv, the calibration figure validation.csv of a sweep)",
                           dir);
        goto out;
    }
    /* Every figure drawn: the new folder takes the place of the old one, keeping
     * the files in it that coopsim plot did not write. */
    if ((status = coop_dir_replace(p.figdir, p.outdir, plot_ours, NULL, err)))
        goto out;
    p.figdir[0] = '\0';
out:
    if (p.figdir[0])
        coop_remove_tree(p.figdir); /* a failed plot leaves the old figures as they were */
    free(od.acc);
    free(h.r);
    free(h.index);
    strtab_free(&h.cmp);
    plot_destroy(&p);
    return status;
}
