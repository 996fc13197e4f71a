/* plot.c: `coopsim plot RESULTS_DIR`, the entry point (coop_plot, coop_plot_into).
 *
 * Reads the results directory's manifest.cfg and points.csv, decides from the
 * files there which figures fit (docs/FIGURES.md) and calls each figure family
 * (plot_series.c, plot_hypothesis.c, plot_sweep.c, plot_classic.c,
 * plot_validation.c; their shared gnuplot helpers are plot_gnuplot.c).  Every
 * figure is drawn in a temporary sibling folder (.NAME.tmp-PID) that replaces
 * figures/ (or -o OUT) only when all are drawn, keeping the files there that
 * coopsim plot did not write, so a failed plot changes nothing
 * (figures_tmpdir, plot_ours). */
#include "plot_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "coop_output.h"
#include "coop_population.h"

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
        long *q = coop_grow(p->point_id, &cap, p->n_points + 1, sizeof *q);
        if (q)
            p->point_id = q;
        double *v = p->n_params
                        ? coop_grow(p->pv, &pcap, (p->n_points + 1) * p->n_params, sizeof *v)
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
        if (k > 0 && (size_t)k < size && plot_is_file(buf) && access(buf, X_OK) == 0)
            return 1;
        path += n + (end != NULL);
        if (!end)
            break;
    }
    return 0;
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
    } else if ((status = plot_join(p->outdir, sizeof p->outdir, p->dir, "figures", err))) {
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

/* The results files a figure may need, in the order plot_inputs checks them. */
enum { F_SUMMARY, F_MILESTONES, F_OUTCOMES, F_HYPOTHESIS, F_POINTS, F_SNAPSHOTS, F_TOURNAMENT,
       F_VALIDATION, F_SENSITIVITY, N_FILES };

/* Which results files dir holds, into have[N_FILES]; COOP_ECONFIG when none of
 * them gives a figure. */
static int plot_inputs(const char *dir, int *have, coop_err *err)
{
    static const char *const files[N_FILES] = {"summary.csv",    "milestones.csv", "outcomes.csv",
                                               "hypothesis.csv", "points.csv",     "snapshots.csv",
                                               "tournament.csv", "validation.csv",
                                               "sensitivity.csv"};
    char path[BUF];
    int status;
    for (int i = 0; i < N_FILES; i++) {
        if ((status = plot_join(path, sizeof path, dir, files[i], err)))
            return status;
        have[i] = plot_is_file(path);
    }
    char post[BUF]; /* coopsim infer (plot_infer.c) */
    int infer = !plot_join(post, sizeof post, dir, "posterior.csv", err) && plot_is_file(post);
    if (!have[F_SUMMARY] && !have[F_MILESTONES] && !have[F_HYPOTHESIS] &&
        !(have[F_POINTS] && have[F_OUTCOMES]) && !have[F_SNAPSHOTS] && !have[F_TOURNAMENT] &&
        !have[F_VALIDATION] && !have[F_SENSITIVITY] && !infer)
        return COOP_FAIL(err, COOP_ECONFIG,
                         "%s: nothing to plot: coopsim plot needs summary.csv (time series), "
                         "milestones.csv (agreements), hypothesis.csv (forest plot), "
                         "points.csv with outcomes.csv (sweeps), snapshots.csv of a lattice "
                         "(snapshots), tournament.csv (tournament), validation.csv of one "
                         "point (validation), sensitivity.csv (sensitivity) or posterior.csv "
                         "(inference)",
                         dir);
    return COOP_OK;
}

/* Every figure that fits the files in have[] (points.csv already read). */
static int draw_figures(plot *p, const int *have, odata *od, hdata *h, coop_err *err)
{
    int status;
    if (have[F_OUTCOMES] && (status = load_outcomes(p, od, err)))
        return status;
    if (have[F_SUMMARY] && (status = plot_series(p, err)))
        return status;
    /* One point only: a sweep's agreements per point would be a figure per point. */
    if (have[F_MILESTONES] && p->n_points == 1 && (status = plot_agreements(p, err)))
        return status;
    if (have[F_HYPOTHESIS]) {
        if ((status = load_hypothesis(p, h, err)))
            return status;
        if (h->n && h->n_rows == 1 && (status = plot_forest(p, h, err)))
            return status;
        if (h->n && h->n_rows == 1 && (status = plot_states(p, h, err)))
            return status;
        if (have[F_OUTCOMES] && (status = plot_survival(p, err)))
            return status;
    }
    char chan[BUF]; /* hypothesis.channels: the channel decomposition (one point) */
    if (p->n_points == 1 && !plot_join(chan, sizeof chan, p->dir, "channels.csv", err) &&
        plot_is_file(chan) && (status = plot_channels(p, err)))
        return status;
    if (p->n_points > 1 && (status = plot_sweep(p, od, h, err)))
        return status;
    if (have[F_SNAPSHOTS] && (status = plot_snapshots(p, err)))
        return status;
    if (have[F_TOURNAMENT] && (status = plot_tournament(p, err)))
        return status;
    if (have[F_VALIDATION] && (status = plot_validation(p, err)))
        return status;
    if (have[F_VALIDATION] && p->n_points > 1 && (status = plot_calibration(p, err)))
        return status;
    if (have[F_SENSITIVITY] && (status = plot_sensitivity(p, err)))
        return status;
    char post[BUF]; /* coopsim infer: posterior marginals and model probabilities */
    if (!plot_join(post, sizeof post, p->dir, "posterior.csv", err) && plot_is_file(post) &&
        (status = plot_infer(p, err)))
        return status;
    return COOP_OK;
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
    if ((status = plot_join(path, sizeof path, dir, "manifest.cfg", err)))
        return status;
    if (!plot_is_file(path))
        return COOP_FAIL(err, COOP_ECONFIG,
                         "%s is not a coopsim results directory: it has no manifest.cfg", dir);
    if ((status = coop_population_load(path, NULL, 0, &p.cfg, err)))
        return status;

    int have[N_FILES];
    if ((status = plot_inputs(dir, have, err)))
        goto out;
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

    if (have[F_POINTS]) {
        if ((status = load_points(&p, err)))
            goto out;
    } else {
        if (!(p.point_id = calloc(1, sizeof *p.point_id))) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            goto out;
        }
        p.n_points = 1;
    }
    if ((status = draw_figures(&p, have, &od, &h, err)))
        goto out;
    if (p.n_figures == 0) {
        status = COOP_FAIL(err, COOP_ECONFIG,
                           "%s: nothing to plot: no figure fits what its files hold (time series "
                           "need summary.csv, agreements milestones.csv, the forest plot "
                           "hypothesis.csv, sweeps points.csv with outcomes.csv, snapshots "
                           "snapshots.csv of a lattice, the tournament tournament.csv, the "
                           "validation validation.csv, the calibration figure validation.csv "
                           "of a sweep)",
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
    free(h.sr);
    strtab_free(&h.states);
    plot_destroy(&p);
    return status;
}
