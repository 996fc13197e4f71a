/* output.c: the results directory (see coop_output.h and docs/OUTPUT.md).
 *
 * Atomicity comes from the directory, not the files: everything is written into
 * a temporary sibling DIR.tmp.PID (same file system, so rename is atomic), each
 * file is flushed, fsync'ed and closed with its status checked, the directory is
 * fsync'ed, and only then renamed to DIR.  When an old DIR is replaced (--force)
 * it is first renamed aside to DIR.old.PID, the entries in it that coopsim did not
 * write (coop_output_is_ours: a notebook, a figures/ folder) are moved into the new
 * directory, the new directory takes its name, and the old one, holding only
 * coopsim's old files, is removed last: at every instant DIR is either the old
 * complete results or the new ones, and the user's files are never deleted.  Only a directory that holds manifest.cfg (a coopsim
 * results directory) or nothing is ever replaced, and removal never follows
 * symbolic links.
 *
 * CSV follows RFC 4180 (header row, comma separator, fields with a comma, quote
 * or line break are quoted with quotes doubled) except that lines end in LF, as
 * R's write.csv and pandas' to_csv write them on Unix; both read the files
 * without options.  Reals are "%.10g" (ten significant digits; integers and
 * quarter years print exactly: 2, 2000.25), NaN is NA, infinities Inf and -Inf,
 * negative zero 0.
 *
 * Per-step summaries accumulate (coop_stats, Welford, in replicate order) in
 * n_steps x cells accumulators for the current (point, world) and are written
 * when the experiment reports that (point, world) done, so memory does not grow
 * with the number of replicates or points. */
#include "coop_output.h"

#include <dirent.h>
#include <libconfig.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coop_fmt.h"
#include "coop_stats.h"
#include "coop_sweep.h"

/* The files, in the order they are opened and closed. */
enum { F_MANIFEST, F_SERIES, F_TIES, F_POP, F_SUMMARY, F_MILESTONES, F_OUTCOMES, N_FILES };

static const char *const file_name[N_FILES] = {
    "manifest.cfg", "series.csv", "ties.csv", "population.csv",
    "summary.csv", "milestones.csv", "outcomes.csv",
};

/* A file being written; the first failed write is remembered with its errno. */
typedef coop_csv csv;

struct coop_output {
    char *dir;              /* the final name */
    char *tmp;              /* DIR.tmp.PID */
    int force;
    char **made;            /* parent directories open created, outermost first */
    size_t n_made;
    coop_series series;
    csv file[N_FILES];      /* f NULL where the series mode omits the file */

    /* the layout every record must have */
    int n_steps;
    size_t n_actors, n_ties, n_obs, n_levels;

    /* per-step summaries of the current (point, world): [n_steps][cells] */
    size_t cells;           /* n_actors * actor metrics + n_ties * tie columns + pop metrics */
    coop_acc *acc;
    double tcache[1024];    /* t_{0.975, n-1} by n, 0 = not computed yet */

    /* sweep mode (coop_output_open_sweep; see "Sweeps" below) */
    int sweep;              /* files are DIR/NAME.part, appended in whole points */
    int n_points, n_worlds;
    int points_done;        /* points whose rows are all written (not necessarily synced) */
    off_t done_size[N_FILES];   /* file sizes after those points */
    int synced_points;      /* points_done of the last checkpoint in progress.csv */
    off_t sync_size[N_FILES];   /* the sizes that checkpoint recorded */
    struct timespec last_sync;
    double checkpoint_seconds;  /* least time between checkpoints */
    int progress_fd;        /* DIR/progress.csv, locked while open; -1 when none */
    char *cfg_text;         /* the resolved configuration, the manifest's first part */
    coop_run_info info;     /* this invocation's start, for the manifest */
    int made_dir;           /* open created DIR (removed again if open fails) */
    unsigned char part[N_FILES];  /* the data files of the series mode (NAME.part) */
    csv snap;               /* snapshots.csv: opened by the first record that carries
                             * snapshots (coopsim run's replicate 0), else never */
};

#define SNAP_FILE "snapshots.csv"

/* ---- small helpers ---- */

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* point,world,replicate,step,date, (replicate < 0 omits it, as summary.csv does) */
static void put_key(csv *c, int point, const char *world, int replicate, int step, double date)
{
    coop_csv_put(c, "%d,", point);
    coop_csv_text(c, world);
    if (replicate >= 0)
        coop_csv_put(c, ",%d", replicate);
    coop_csv_put(c, ",%d,", step);
    coop_csv_num(c, date);
    coop_csv_put(c, ",");
}

static int check(const coop_output *out, int k, coop_err *err)
{
    const csv *c = &out->file[k];
    if (c->bad)
        return COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, file_name[k],
                         out->sweep ? ".part" : "", strerror(c->errnum));
    return COOP_OK;
}

static int check_all(const coop_output *out, coop_err *err)
{
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f && out->file[k].bad)
            return check(out, k, err);
    return COOP_OK;
}

/* Removes path and everything under it without following symbolic links. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *sub = dup_printf("%s/%s", path, e->d_name);
        if (!sub || remove_tree(sub) != 0)
            rc = -1;
        free(sub);
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

static int sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* ---- what coopsim writes into a results directory, and replacing one ---- */

/* Every name a coopsim command writes into a results directory (docs/OUTPUT.md):
 * the files of coopsim run, the extra files of sweep, hypothesis, validate and
 * tournament, and the .part and .tmp forms they take while being written. */
static const char *const our_names[] = {
    "manifest.cfg",   "series.csv",     "ties.csv",       "population.csv", "summary.csv",
    "milestones.csv", "outcomes.csv",   "snapshots.csv",  "hypothesis.csv", "validation.csv",
    "points.csv",     "progress.csv",   "tournament.csv", "matrix.csv",
};

int coop_output_is_ours(const char *name)
{
    size_t len = strlen(name);
    static const char *const tails[] = {".part", ".tmp"};
    for (size_t i = 0; i < sizeof our_names / sizeof our_names[0]; i++) {
        size_t n = strlen(our_names[i]);
        if (strncmp(name, our_names[i], n) != 0)
            continue;
        if (len == n)
            return 1;
        for (size_t t = 0; t < 2; t++)
            if (strcmp(name + n, tails[t]) == 0)
                return 1;
    }
    return 0;
}

static int ours_in_results(const char *dir, const char *name, void *ctx)
{
    (void)dir;
    (void)ctx;
    return coop_output_is_ours(name);
}

/* Moves the entries of `from` that are not ours into `to` (never over an entry
 * `to` has).  Returns 0, or -1 with errno set when a move fails. */
static int carry_foreign(const char *from, const char *to, coop_dir_ours_fn ours, void *ctx)
{
    DIR *d = opendir(from);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            ours(from, e->d_name, ctx))
            continue;
        char *src = dup_printf("%s/%s", from, e->d_name);
        char *dst = dup_printf("%s/%s", to, e->d_name);
        struct stat st;
        if (!src || !dst) {
            errno = ENOMEM;
            rc = -1;
        } else if (lstat(dst, &st) != 0 && rename(src, dst) != 0) {
            rc = -1;
        }
        free(src);
        free(dst);
    }
    int e2 = errno;
    closedir(d);
    errno = e2;
    return rc;
}

int coop_dir_replace(const char *tmp, const char *dir, coop_dir_ours_fn ours, void *ctx,
                     coop_err *err)
{
    struct stat st;
    char *old = NULL;
    if (!ours)
        ours = ours_in_results;
    if (lstat(dir, &st) == 0) {
        if (!(old = dup_printf("%s.old.%ld", dir, (long)getpid())))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        if (rename(dir, old) != 0) {
            int e = errno;
            free(old);
            return COOP_FAIL(err, COOP_EIO, "%s: cannot move the old results aside: %s", dir,
                             strerror(e));
        }
        if (carry_foreign(old, tmp, ours, ctx) != 0) {
            int e = errno;
            carry_foreign(tmp, old, ours, ctx); /* back where they were */
            rename(old, dir);
            free(old);
            return COOP_FAIL(err, COOP_EIO, "%s: cannot keep its other files in the new "
                             "results: %s", dir, strerror(e));
        }
    }
    if (rename(tmp, dir) != 0) {
        int e = errno;
        if (old) {
            carry_foreign(tmp, old, ours, ctx);
            rename(old, dir); /* put the old results back */
        }
        free(old);
        return COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", dir, tmp, strerror(e));
    }
    char *parent = parent_of(dir);
    int status = COOP_OK;
    if (parent && sync_dir(parent) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", parent, strerror(errno));
    free(parent);
    if (old && remove_tree(old) != 0 && !status)
        status = COOP_FAIL(err, COOP_EIO, "%s: new results are in place but the old ones "
                           "could not be removed from %s", dir, old);
    free(old);
    return status;
}

int coop_remove_tree(const char *path)
{
    return remove_tree(path);
}

/* Removes the entries of dir that are ours (coop_output_is_ours), keeping the rest. */
static int remove_ours(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!coop_output_is_ours(e->d_name))
            continue;
        char *sub = dup_printf("%s/%s", dir, e->d_name);
        if (!sub || remove_tree(sub) != 0)
            rc = -1;
        free(sub);
    }
    closedir(d);
    return rc;
}

/* 1 when dir holds manifest.cfg or nothing (a directory we may replace). */
static int replaceable(const char *dir)
{
    char *m = dup_printf("%s/manifest.cfg", dir);
    struct stat st;
    int ok = m && lstat(m, &st) == 0 && S_ISREG(st.st_mode);
    free(m);
    if (ok)
        return 1;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

/* Creates the missing parents of out->dir, remembering them for abort. */
static int make_parents(coop_output *out, coop_err *err)
{
    char *path = strdup(out->dir);
    if (!path)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    char *last = strrchr(path, '/');
    int status = COOP_OK;
    for (char *p = path + 1; last && p <= last && !status; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        struct stat st;
        if (mkdir(path, 0777) == 0) {
            char **made = realloc(out->made, (out->n_made + 1) * sizeof *made);
            char *copy = strdup(path);
            if (made)
                out->made = made;
            if (!made || !copy) {
                rmdir(path);
                free(copy);
                status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            } else {
                out->made[out->n_made++] = copy;
            }
        } else if (errno != EEXIST) {
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot create directory: %s", path,
                               strerror(errno));
        } else if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            status = COOP_FAIL(err, COOP_EIO, "%s: exists and is not a directory", path);
        }
        *p = '/';
    }
    free(path);
    return status;
}

static void release(coop_output *out)
{
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f)
            fclose(out->file[k].f);
    if (out->snap.f)
        fclose(out->snap.f);
    if (out->progress_fd >= 0 && out->sweep)
        close(out->progress_fd);  /* releases the lock */
    free(out->cfg_text);
    for (size_t i = 0; i < out->n_made; i++)
        free(out->made[i]);
    free(out->made);
    free(out->acc);
    free(out->tmp);
    free(out->dir);
    free(out);
}

static void sweep_abort(coop_output *out);

void coop_output_abort(coop_output *out)
{
    if (!out)
        return;
    if (out->sweep) {
        sweep_abort(out);
        return;
    }
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f) {
            fclose(out->file[k].f);
            out->file[k].f = NULL;
        }
    if (out->snap.f) {
        fclose(out->snap.f);
        out->snap.f = NULL;
    }
    if (out->tmp)
        remove_tree(out->tmp);
    for (size_t i = out->n_made; i-- > 0;)
        rmdir(out->made[i]);  /* only if still empty */
    release(out);
}

const char *coop_output_tmpdir(const coop_output *out)
{
    return out ? out->tmp : NULL;
}

/* ---- open ---- */

static int open_file(coop_output *out, int k, coop_err *err)
{
    char *path = dup_printf("%s/%s", out->tmp, file_name[k]);
    if (!path)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    out->file[k].f = fopen(path, "w");
    int e = errno;
    free(path);
    if (!out->file[k].f)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: cannot create: %s", out->tmp, file_name[k],
                         strerror(e));
    setvbuf(out->file[k].f, NULL, _IOFBF, 1 << 16);
    return COOP_OK;
}

static void write_headers(coop_output *out, const coop_config *cfg)
{
    csv *c;
    if ((c = &out->file[F_SERIES])->f) {
        coop_csv_put(c, "point,world,replicate,step,date,actor");
        for (int m = 0; m < COOP_ACTOR_METRICS; m++)
            coop_csv_put(c, ",%s", coop_actor_metric_names[m]);
        coop_csv_put(c, "\n");
    }
    if ((c = &out->file[F_TIES])->f) {
        coop_csv_put(c, "point,world,replicate,step,date,a,b");
        for (int m = 0; m < COOP_TIE_METRICS; m++)
            coop_csv_put(c, ",%s", coop_tie_metric_names[m]);
        for (size_t o = 0; o < cfg->n_observables; o++) {
            coop_csv_put(c, ",");
            coop_csv_text(c, cfg->observables[o].name);
        }
        coop_csv_put(c, "\n");
    }
    if ((c = &out->file[F_POP])->f) {
        coop_csv_put(c, "point,world,replicate,step,date");
        for (int m = 0; m < COOP_POP_METRICS; m++)
            coop_csv_put(c, ",%s", coop_pop_metric_names[m]);
        coop_csv_put(c, "\n");
    }
    if ((c = &out->file[F_SUMMARY])->f)
        coop_csv_put(c, "point,world,step,date,actor,metric,mean,sd,ci_lo,ci_hi,n\n");
    coop_csv_put(&out->file[F_MILESTONES], "point,world,replicate,a,b,level,step,date\n");
    coop_csv_put(&out->file[F_OUTCOMES], "point,world,replicate,outcome,value\n");
}

/* Refuses "", "/", "." and ".." (with or without trailing slashes) as a results
 * directory: each would make the rename or the --force replacement touch a
 * directory that is not the run's own.  *trimmed: the length without trailing
 * slashes. */
static int check_dir_name(const char *dir, size_t *trimmed, coop_err *err)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    const char *last = dir + len;
    while (last > dir && last[-1] != '/')
        last--;
    size_t last_len = (size_t)(dir + len - last);
    if (len == 0 || strcmp(dir, "/") == 0 || (last_len == 1 && last[0] == '.') ||
        (last_len == 2 && last[0] == '.' && last[1] == '.'))
        return COOP_FAIL(err, COOP_EINVAL, "output directory \"%s\" is not usable: name a new "
                         "directory", dir);
    *trimmed = len;
    return COOP_OK;
}

/* coop_output_open (data 1: the data files of the series mode) and
 * coop_output_open_bare (data 0: manifest.cfg only). */
static coop_output *open_dir(const char *dir, const coop_config *cfg, int force, int data,
                             coop_err *err)
{
    if (!dir || !cfg) {
        COOP_FAIL(err, COOP_EINVAL, "output: no directory or configuration");
        return NULL;
    }
    size_t len;
    if (check_dir_name(dir, &len, err))
        return NULL;

    coop_output *out = calloc(1, sizeof *out);
    if (!out) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        return NULL;
    }
    out->force = force;
    out->series = cfg->series;
    out->n_steps = cfg->n_steps;
    out->n_actors = coop_config_series_actors(cfg);
    out->n_ties = coop_config_series_ties(cfg);
    out->n_obs = cfg->n_observables;
    out->n_levels = (size_t)cfg->inst.n_levels;
    out->dir = strndup(dir, len);
    out->tmp = out->dir ? dup_printf("%s.tmp.%ld", out->dir, (long)getpid()) : NULL;
    if (!out->dir || !out->tmp) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        free(out->tmp);
        out->tmp = NULL;  /* nothing created yet: abort must not remove a foreign path */
        coop_output_abort(out);
        return NULL;
    }
    char *tmp = out->tmp;
    out->tmp = NULL;  /* set again once we created it */

    int status = COOP_OK;
    struct stat st;
    if (lstat(out->dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            status = COOP_FAIL(err, COOP_EINVAL, "%s: exists and is not a directory", out->dir);
        else if (!force)
            status = COOP_FAIL(err, COOP_EINVAL, "%s: results directory exists (use --force to replace it)",
                               out->dir);
        else if (!replaceable(out->dir))
            status = COOP_FAIL(err, COOP_EINVAL,
                               "%s: not replacing it: not a coopsim results directory "
                               "(no manifest.cfg) and not empty", out->dir);
    } else if (errno != ENOENT) {
        status = COOP_FAIL(err, COOP_EIO, "%s: %s", out->dir, strerror(errno));
    }
    if (!status)
        status = make_parents(out, err);
    if (!status) {
        if (mkdir(tmp, 0777) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot create directory: %s", tmp,
                               strerror(errno));
        else
            out->tmp = tmp;
    }
    if (status) {
        if (!out->tmp)
            free(tmp);
        coop_output_abort(out);
        return NULL;
    }

    for (int k = 0; k < N_FILES && !status; k++) {
        int wanted = k == F_MANIFEST ||
                     (data && (k == F_MILESTONES || k == F_OUTCOMES ||
                               (k == F_SUMMARY && cfg->series != COOP_SERIES_NONE) ||
                               cfg->series == COOP_SERIES_FULL));
        if (wanted)
            status = open_file(out, k, err);
    }
    if (!status && coop_config_print_in(cfg, out->file[F_MANIFEST].f, out->tmp) != COOP_OK)
        status = COOP_FAIL(err, COOP_EIO, "%s/manifest.cfg: write failed: %s", out->tmp,
                           strerror(errno ? errno : EIO));
    if (!status && data)
        write_headers(out, cfg);
    if (!status)
        status = check_all(out, err);
    if (!status && out->file[F_SUMMARY].f) {
        out->cells = out->n_actors * COOP_ACTOR_METRICS +
                     out->n_ties * (COOP_TIE_METRICS + out->n_obs) + COOP_POP_METRICS;
        size_t n = out->cells * (size_t)(out->n_steps > 0 ? out->n_steps : 0);
        out->acc = calloc(n ? n : 1, sizeof *out->acc);
        if (!out->acc)
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for %zu summary cells", n);
    }
    if (status) {
        coop_output_abort(out);
        return NULL;
    }
    return out;
}

coop_output *coop_output_open(const char *dir, const coop_config *cfg, int force, coop_err *err)
{
    return open_dir(dir, cfg, force, 1, err);
}

coop_output *coop_output_open_bare(const char *dir, const coop_config *cfg, int force,
                                   coop_err *err)
{
    return open_dir(dir, cfg, force, 0, err);
}

/* ---- the sink ---- */

/* snapshots.csv: the snapshots rec carries, one row per step and actor, in step
 * then node order: step,time,node,row,col,coop.  row and col are the node's
 * place on an L x L lattice (node i at row i / L, column i % L, as
 * coop_network_lattice numbers them), NA on any other network and for listed
 * actors; coop is NA where the actor played nothing.  The file is created in the
 * temporary directory by the first record that has snapshots, so a run without
 * them (or a command whose records carry none) writes no snapshots.csv.  Rows are
 * assembled in a buffer (a lattice of 1000 x 1000 is a million rows a step). */
static int write_snapshots(coop_output *out, const coop_config *cfg, const coop_record *rec,
                           coop_err *err)
{
    csv *c = &out->snap;
    if (out->sweep)
        return COOP_OK;
    if (!c->f) {
        char *path = dup_printf("%s/%s", out->tmp, SNAP_FILE);
        if (!path)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        c->f = fopen(path, "w");
        int e = errno;
        free(path);
        if (!c->f)
            return COOP_FAIL(err, COOP_EIO, "%s/%s: cannot create: %s", out->tmp, SNAP_FILE,
                             strerror(e));
        setvbuf(c->f, NULL, _IOFBF, 1 << 16);
        coop_csv_put(c, "step,time,node,row,col,coop\n");
    }
    size_t n = rec->n_snap_nodes;
    size_t L = cfg->net.present && cfg->net.type == COOP_NET_LATTICE && cfg->net.L > 0
                       && (size_t)cfg->net.L * (size_t)cfg->net.L == n
                   ? (size_t)cfg->net.L
                   : 0;
    char line[4 * 24 + 2 * COOP_FMT_G10_MAX + 8];
    for (size_t k = 0; k < rec->n_snaps && !c->bad; k++) {
        const double *v = rec->snap + k * n;
        size_t head = coop_fmt_long(line, rec->snap_step[k]);
        line[head++] = ',';
        head += coop_csv_fmt_num(line + head, coop_config_date(cfg, rec->snap_step[k]));
        line[head++] = ',';
        for (size_t i = 0; i < n; i++) {
            size_t len = head + coop_fmt_long(line + head, (long long)i);
            if (L) {
                line[len++] = ',';
                len += coop_fmt_long(line + len, (long long)(i / L));
                line[len++] = ',';
                len += coop_fmt_long(line + len, (long long)(i % L));
                line[len++] = ',';
            } else {
                memcpy(line + len, ",NA,NA,", 7);
                len += 7;
            }
            len += coop_csv_fmt_num(line + len, v[i]);
            line[len++] = '\n';
            coop_csv_raw(c, line, len);
        }
    }
    if (c->bad)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: write failed: %s", out->dir, SNAP_FILE,
                         strerror(c->errnum));
    return COOP_OK;
}

static int on_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    coop_output *out = ctx;
    const coop_config *cfg = it->cfg;
    size_t na = out->n_actors, nt = out->n_ties, ntc = COOP_TIE_METRICS + out->n_obs;
    int per_step = out->series != COOP_SERIES_NONE;
    if (rec->n_steps != out->n_steps || rec->n_actors != na || rec->n_ties != nt ||
        rec->n_obs != out->n_obs || rec->n_levels != out->n_levels ||
        coop_config_series_actors(cfg) != na || coop_config_series_ties(cfg) != nt ||
        cfg->n_observables != out->n_obs ||
        (per_step && !rec->keep_series))
        return COOP_FAIL(err, COOP_EINVAL,
                         "output: point %d world %s replicate %d does not match the layout "
                         "the results directory was opened with", it->point, it->world_name,
                         it->replicate);

    if (out->series == COOP_SERIES_FULL) {
        csv *s = &out->file[F_SERIES], *t = &out->file[F_TIES], *p = &out->file[F_POP];
        for (int step = 0; step < rec->n_steps; step++) {
            double date = coop_config_date(cfg, step);
            for (size_t a = 0; a < na; a++) {
                const double *v = rec->actor + ((size_t)step * na + a) * COOP_ACTOR_METRICS;
                put_key(s, it->point, it->world_name, it->replicate, step, date);
                coop_csv_text(s, cfg->actors[a].name);
                for (int m = 0; m < COOP_ACTOR_METRICS; m++) {
                    coop_csv_put(s, ",");
                    coop_csv_num(s, v[m]);
                }
                coop_csv_put(s, "\n");
            }
            for (size_t k = 0; k < nt; k++) {
                const double *v = rec->tie + ((size_t)step * nt + k) * ntc;
                put_key(t, it->point, it->world_name, it->replicate, step, date);
                coop_csv_text(t, cfg->actors[cfg->ties[k].a].name);
                coop_csv_put(t, ",");
                coop_csv_text(t, cfg->actors[cfg->ties[k].b].name);
                for (size_t m = 0; m < ntc; m++) {
                    coop_csv_put(t, ",");
                    coop_csv_num(t, v[m]);
                }
                coop_csv_put(t, "\n");
            }
            const double *v = rec->pop + (size_t)step * COOP_POP_METRICS;
            put_key(p, it->point, it->world_name, it->replicate, step, date);
            for (int m = 0; m < COOP_POP_METRICS; m++) {
                if (m)
                    coop_csv_put(p, ",");
                coop_csv_num(p, v[m]);
            }
            coop_csv_put(p, "\n");
            if (s->bad || t->bad || p->bad)
                break;
        }
    }

    if (per_step) {
        /* The cells of one step, in the order the record stores them. */
        for (int step = 0; step < rec->n_steps; step++) {
            coop_acc *acc = out->acc + (size_t)step * out->cells;
            const double *v = rec->actor + (size_t)step * na * COOP_ACTOR_METRICS;
            for (size_t k = 0; k < na * COOP_ACTOR_METRICS; k++)
                coop_acc_add(acc++, v[k]);
            v = rec->tie + (size_t)step * nt * ntc;
            for (size_t k = 0; k < nt * ntc; k++)
                coop_acc_add(acc++, v[k]);
            v = rec->pop + (size_t)step * COOP_POP_METRICS;
            for (size_t k = 0; k < COOP_POP_METRICS; k++)
                coop_acc_add(acc++, v[k]);
        }
    }

    csv *ms = &out->file[F_MILESTONES];
    for (size_t k = 0; k < nt; k++)
        for (size_t l = 1; l < rec->n_levels; l++) {
            int step = rec->milestone[k * rec->n_levels + l];
            if (step < 0)
                continue;
            coop_csv_put(ms, "%d,", it->point);
            coop_csv_text(ms, it->world_name);
            coop_csv_put(ms, ",%d,", it->replicate);
            coop_csv_text(ms, cfg->actors[cfg->ties[k].a].name);
            coop_csv_put(ms, ",");
            coop_csv_text(ms, cfg->actors[cfg->ties[k].b].name);
            coop_csv_put(ms, ",%zu,%d,", l, step);
            coop_csv_num(ms, coop_config_date(cfg, step));
            coop_csv_put(ms, "\n");
        }

    csv *oc = &out->file[F_OUTCOMES];
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        coop_csv_put(oc, "%d,", it->point);
        coop_csv_text(oc, it->world_name);
        coop_csv_put(oc, ",%d,%s,", it->replicate, coop_outcome_names[o]);
        coop_csv_num(oc, rec->outcome[o]);
        coop_csv_put(oc, "\n");
    }
    int status = check_all(out, err);
    if (!status && rec->snap && rec->n_snaps) {
        if (rec->n_snap_nodes != cfg->n_actors)
            return COOP_FAIL(err, COOP_EINVAL, "output: the snapshots of point %d world %s "
                             "replicate %d do not match its configuration", it->point,
                             it->world_name, it->replicate);
        status = write_snapshots(out, cfg, rec, err);
    }
    return status;
}

/* Appends s as put_text writes it (quoted when it holds a comma, quote or line
 * break); dst has room for 2 * strlen(s) + 2 bytes. */
static char *row_text(char *dst, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        size_t n = strlen(s);
        memcpy(dst, s, n);
        return dst + n;
    }
    *dst++ = '"';
    for (; *s; s++) {
        if (*s == '"')
            *dst++ = '"';
        *dst++ = *s;
    }
    *dst++ = '"';
    return dst;
}

/* t_{0.975, n-1}, cached per n: a point's cells share a few values of n, and
 * GSL's quantile is the most expensive part of a summary row. */
static double t_critical(coop_output *out, long n)
{
    long size = (long)(sizeof out->tcache / sizeof out->tcache[0]);
    if (n < 2)
        return NAN;
    if (n >= size)
        return coop_t_critical(0.95, n - 1);
    if (out->tcache[n] == 0)
        out->tcache[n] = coop_t_critical(0.95, n - 1);
    return out->tcache[n];
}

/* The metrics whose values are shares in [0,1]: their interval is taken on the
 * logit scale (coop_acc_summary_share) so that it stays inside [0,1]. */
static const unsigned char actor_share[COOP_ACTOR_METRICS] = {
    [COOP_A_COOP_RATE] = 1, [COOP_A_COOP_TARGET] = 1, [COOP_A_ENGAGEMENT] = 1,
    [COOP_A_PROPENSITY] = 1,
};
static const unsigned char tie_share[COOP_TIE_METRICS] = {[COOP_T_TRUST] = 1,
                                                          [COOP_T_COOP_RATE] = 1};
static const unsigned char pop_share[COOP_POP_METRICS] = {[COOP_P_COOP_SHARE] = 1};

static void put_summary(coop_output *out, csv *c, int point, const char *world, int step,
                        double date, const char *actor, const char *metric, int share,
                        const coop_acc *acc)
{
    coop_summary s;
    if (share)
        coop_acc_summary_share(acc, t_critical(out, acc->n), &s);
    else
        coop_acc_summary_t(acc, t_critical(out, acc->n), &s);
    double v[4] = {s.mean, s.sd, s.ci_lo, s.ci_hi};
    if (strlen(world) + strlen(actor) + strlen(metric) > 300) {
        put_key(c, point, world, -1, step, date);
        coop_csv_text(c, actor);
        coop_csv_put(c, ",");
        coop_csv_text(c, metric);
        for (int k = 0; k < 4; k++) {
            coop_csv_put(c, ",");
            coop_csv_num(c, v[k]);
        }
        coop_csv_put(c, ",%ld\n", s.n);
        return;
    }
    /* The hot path of a sweep: the row assembled in a buffer, written at once. */
    char row[1024], *p = row;
    p += coop_fmt_long(p, point);
    *p++ = ',';
    p = row_text(p, world);
    *p++ = ',';
    p += coop_fmt_long(p, step);
    *p++ = ',';
    p += coop_csv_fmt_num(p, date);
    *p++ = ',';
    p = row_text(p, actor);
    *p++ = ',';
    p = row_text(p, metric);
    for (int k = 0; k < 4; k++) {
        *p++ = ',';
        p += coop_csv_fmt_num(p, v[k]);
    }
    *p++ = ',';
    p += coop_fmt_long(p, s.n);
    *p++ = '\n';
    coop_csv_raw(c, row, (size_t)(p - row));
}

static int write_summaries(void *ctx, int point, int world, const char *world_name,
                           const coop_config *cfg, coop_err *err)
{
    (void)world;
    coop_output *out = ctx;
    csv *c = &out->file[F_SUMMARY];
    if (!c->f)
        return COOP_OK;
    size_t na = out->n_actors, nt = out->n_ties, ntc = COOP_TIE_METRICS + out->n_obs;
    for (int step = 0; step < out->n_steps && !c->bad; step++) {
        double date = coop_config_date(cfg, step);
        const coop_acc *acc = out->acc + (size_t)step * out->cells;
        for (size_t a = 0; a < na; a++)
            for (int m = 0; m < COOP_ACTOR_METRICS; m++)
                put_summary(out, c, point, world_name, step, date, cfg->actors[a].name,
                            coop_actor_metric_names[m], actor_share[m], acc++);
        for (size_t k = 0; k < nt; k++) {
            char tie[2 * COOP_NAME_MAX + 2];
            snprintf(tie, sizeof tie, "%s-%s", cfg->actors[cfg->ties[k].a].name,
                     cfg->actors[cfg->ties[k].b].name);
            for (size_t m = 0; m < ntc; m++)
                put_summary(out, c, point, world_name, step, date, tie,
                            m < COOP_TIE_METRICS ? coop_tie_metric_names[m]
                                                 : cfg->observables[m - COOP_TIE_METRICS].name,
                            m < COOP_TIE_METRICS && tie_share[m], acc++);
        }
        for (int m = 0; m < COOP_POP_METRICS; m++)
            put_summary(out, c, point, world_name, step, date, "population", coop_pop_metric_names[m],
                        pop_share[m], acc++);
    }
    for (size_t k = 0; k < out->cells * (size_t)out->n_steps; k++)
        coop_acc_init(&out->acc[k]);
    return check(out, F_SUMMARY, err);
}

static int sweep_point_done(coop_output *out, int point, coop_err *err);

/* The summaries of (point, world); in a sweep, after the point's last world, the
 * point is complete (and maybe checkpointed). */
static int on_point_done(void *ctx, int point, int world, const char *world_name,
                         const coop_config *cfg, coop_err *err)
{
    coop_output *out = ctx;
    int status = write_summaries(ctx, point, world, world_name, cfg, err);
    if (!status && out->sweep && world == out->n_worlds - 1)
        status = sweep_point_done(out, point, err);
    return status;
}

coop_sink coop_output_sink(coop_output *out)
{
    coop_sink sink = {out, on_replicate, on_point_done};
    return sink;
}

/* ---- close ---- */

/* A libconfig string literal: backslash escapes for quote, backslash and controls. */
static void put_cfg_string(csv *c, const char *s)
{
    coop_csv_put(c, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            coop_csv_put(c, "\\%c", *p);
        else if (*p == '\n')
            coop_csv_put(c, "\\n");
        else if (*p == '\t')
            coop_csv_put(c, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            coop_csv_put(c, "\\x%02x", *p);
        else
            coop_csv_put(c, "%c", *p);
    }
    coop_csv_put(c, "\"");
}

static void iso_time(time_t t, char *buf, size_t size)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "unknown");
}

void coop_run_info_start(coop_run_info *info, const char *command, int threads)
{
    info->command = command;
    info->subcommand = NULL;
    info->threads = threads;
    info->started = info->finished = time(NULL);
    info->wall_seconds = 0.0;
    info->status = "complete";
    clock_gettime(CLOCK_MONOTONIC, &info->t0);
}

void coop_run_info_finish(coop_run_info *info, const char *status)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    info->finished = time(NULL);
    info->wall_seconds = (double)(t1.tv_sec - info->t0.tv_sec) +
                         1e-9 * (double)(t1.tv_nsec - info->t0.tv_nsec);
    info->status = status;
}

static void put_run_group(csv *c, const coop_run_info *info)
{
    char started[32], finished[32];
    iso_time(info ? info->started : 0, started, sizeof started);
    iso_time(info ? info->finished : 0, finished, sizeof finished);

    coop_csv_put(c, "\nrun = {\n  version = \"%s\";\n  command = ", COOP_VERSION);
    put_cfg_string(c, info && info->command ? info->command : "");
    if (info && info->subcommand) {
        coop_csv_put(c, ";\n  subcommand = ");
        put_cfg_string(c, info->subcommand);
    }
    coop_csv_put(c, ";\n  started = \"%s\";\n  finished = \"%s\";\n", started, finished);
    coop_csv_put(c, "  threads = %d;\n  wall_seconds = %.3f;\n  status = ", info ? info->threads : 0,
        info ? info->wall_seconds : 0.0);
    put_cfg_string(c, info && info->status ? info->status : "complete");
    coop_csv_put(c, ";\n};\n");
}

static void write_run_group(coop_output *out, const coop_run_info *info)
{
    put_run_group(&out->file[F_MANIFEST], info);
}

int coop_run_info_print(FILE *f, const coop_run_info *info)
{
    csv c = {f, 0, 0};
    put_run_group(&c, info);
    return c.bad ? COOP_EIO : COOP_OK;
}

int coop_manifest_command(const char *path, char *buf, size_t size)
{
    config_t lc;
    const char *s = NULL;
    int found = 0;
    buf[0] = '\0';
    config_init(&lc);
    if (config_read_file(&lc, path) == CONFIG_TRUE &&
        config_lookup_string(&lc, "run.subcommand", &s) == CONFIG_TRUE && s) {
        snprintf(buf, size, "%s", s);
        found = 1;
    }
    config_destroy(&lc);
    return found;
}

static int sweep_close(coop_output *out, const coop_run_info *info, coop_err *err);

int coop_output_close(coop_output *out, const coop_run_info *info, coop_err *err)
{
    if (!out)
        return COOP_FAIL(err, COOP_EINVAL, "output: nothing to close");
    if (out->sweep)
        return sweep_close(out, info, err);
    write_run_group(out, info);
    int status = check_all(out, err);

    for (int k = 0; k <= N_FILES && !status; k++) {
        csv *c = k < N_FILES ? &out->file[k] : &out->snap;  /* N_FILES: snapshots.csv */
        if (!c->f)
            continue;
        int failed = fflush(c->f) != 0 || fsync(fileno(c->f)) != 0;
        int e = errno;
        if (fclose(c->f) != 0 && !failed) {
            failed = 1;
            e = errno;
        }
        c->f = NULL;
        if (failed)
            status = COOP_FAIL(err, COOP_EIO, "%s/%s: write failed: %s", out->dir,
                               k < N_FILES ? file_name[k] : SNAP_FILE, strerror(e));
    }
    if (!status && sync_dir(out->tmp) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", out->tmp, strerror(errno));

    struct stat st;
    if (!status && lstat(out->dir, &st) == 0 &&
        (!out->force || !S_ISDIR(st.st_mode) || !replaceable(out->dir)))
        status = COOP_FAIL(err, COOP_EINVAL, "%s: appeared while the run was writing; not "
                           "replacing it", out->dir);
    if (!status)
        status = coop_dir_replace(out->tmp, out->dir, ours_in_results, NULL, err);
    if (status && out->tmp && lstat(out->tmp, &st) == 0) {
        coop_output_abort(out); /* the new results never took DIR's place */
        return status;
    }

    /* The new results are in place; the temporary name and the parents are kept. */
    free(out->tmp);
    out->tmp = NULL;
    release(out);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Sweeps: a results directory written in place, point by point, resumable    */
/* ------------------------------------------------------------------------ */

/* A sweep writes into DIR itself (an interrupted sweep must leave its results
 * where --resume finds them), so atomicity comes from the files: manifest.cfg and
 * points.csv are written to NAME.tmp and renamed; data files are NAME.part,
 * appended in whole points and renamed to NAME only when the sweep is complete;
 * progress.csv records checkpoints.  A checkpoint is taken at the end of a point
 * at most every CHECKPOINT_SECONDS: every .part file is flushed and fsync'ed,
 * then a line "points_done,size,...,check" is appended to progress.csv and
 * fsync'ed, so a recorded size is always durable data.  Resume cuts every .part
 * file back to the sizes of the last valid line (a torn line fails its check) and
 * continues with the next point: the rows are appended in the same order and
 * summaries are per point, so the files end up byte-identical to an
 * uninterrupted run's. */

#define CHECKPOINT_SECONDS 0.2
#define PART ".part"

static int is_data(const coop_output *out, int k)
{
    return out->part[k] && out->file[k].f;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* FNV-1a, 32 bits: the check value of a progress line. */
static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The shortest "%.Ng" that reads back as x (points.csv: a point's exact values). */
static void put_exact(csv *c, double x)
{
    if (!isfinite(x) || x == 0.0) {
        coop_csv_num(c, x);
        return;
    }
    char buf[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    coop_csv_put(c, "%s", buf);
}

/* points.csv: point, then one column per swept parameter, each value the shortest
 * that reads back exactly. */
static void put_points(csv *c, const void *arg)
{
    const coop_sweep *sw = arg;
    size_t np = coop_sweep_n_params(sw);
    double *v = malloc((np ? np : 1) * sizeof *v);
    coop_csv_put(c, "point");
    for (size_t j = 0; j < np; j++) {
        coop_csv_put(c, ",");
        coop_csv_text(c, coop_sweep_param(sw, j));
    }
    coop_csv_put(c, "\n");
    for (int p = 0; v && p < coop_sweep_size(sw) && !c->bad; p++) {
        coop_sweep_values(sw, p, v);
        coop_csv_put(c, "%d", p);
        for (size_t j = 0; j < np; j++) {
            coop_csv_put(c, ",");
            put_exact(c, v[j]);
        }
        coop_csv_put(c, "\n");
    }
    if (!v && !c->bad)
        c->bad = 1, c->errnum = ENOMEM;
    free(v);
}

/* The manifest of a sweep: the configuration text, then the run group. */
typedef struct manifest_text {
    const coop_output *out;
    const coop_run_info *info;
} manifest_text;

static void put_manifest(csv *c, const void *arg)
{
    const manifest_text *m = arg;
    coop_csv_put(c, "%s", m->out->cfg_text);
    put_run_group(c, m->info);
}

/* Writes DIR/NAME through DIR/NAME.tmp (flushed, synced, renamed), its text put by
 * put(c, arg). */
static int write_whole(const char *dir, const char *name, void (*put)(csv *, const void *),
                       const void *arg, coop_err *err)
{
    char *tmp = dup_printf("%s/%s.tmp", dir, name);
    char *dst = dup_printf("%s/%s", dir, name);
    int status = COOP_OK;
    if (!tmp || !dst) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        goto out;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot create: %s", tmp, strerror(errno));
        goto out;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    csv c = {f, 0, 0};
    put(&c, arg);
    int e = c.errnum;
    int failed = c.bad;
    if (!failed && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        failed = 1, e = errno;
    if (fclose(f) != 0 && !failed)
        failed = 1, e = errno;
    if (!failed && rename(tmp, dst) != 0)
        failed = 1, e = errno;
    if (failed) {
        unlink(tmp);
        status = COOP_FAIL(err, COOP_EIO, "%s: write failed: %s", dst, strerror(e ? e : EIO));
    }
out:
    free(tmp);
    free(dst);
    return status;
}

int coop_output_write_points(const char *dir, const coop_sweep *sw, coop_err *err)
{
    return write_whole(dir, "points.csv", put_points, sw, err);
}

/* The manifest with this invocation's run group and `status`. */
static int write_manifest(coop_output *out, const coop_run_info *info, const char *status,
                          coop_err *err)
{
    coop_run_info ri = info ? *info : out->info;
    ri.status = status;
    manifest_text m = {out, &ri};
    return write_whole(out->dir, "manifest.cfg", put_manifest, &m, err);
}

static int progress_fail(coop_output *out, coop_err *err)
{
    return COOP_FAIL(err, COOP_EIO, "%s/progress.csv: write failed: %s", out->dir,
                     strerror(errno ? errno : EIO));
}

/* Appends the checkpoint of out->points_done and out->done_size (already durable)
 * and syncs it. */
static int progress_append(coop_output *out, coop_err *err)
{
    char line[64 + N_FILES * 24];
    int len = snprintf(line, sizeof line, "%d", out->points_done);
    for (int k = 0; k < N_FILES; k++)
        if (out->part[k])
            len += snprintf(line + len, sizeof line - (size_t)len, ",%lld",
                            (long long)out->done_size[k]);
    uint32_t check = fnv1a(line, (size_t)len);
    len += snprintf(line + len, sizeof line - (size_t)len, ",%08x\n", (unsigned)check);
    errno = 0;
    if (write_all(out->progress_fd, line, (size_t)len) != 0 || fsync(out->progress_fd) != 0)
        return progress_fail(out, err);
    out->synced_points = out->points_done;
    memcpy(out->sync_size, out->done_size, sizeof out->sync_size);
    clock_gettime(CLOCK_MONOTONIC, &out->last_sync);
    return COOP_OK;
}

/* Makes the rows of the complete points durable, then records them. */
static int checkpoint(coop_output *out, coop_err *err)
{
    for (int k = 0; k < N_FILES; k++) {
        if (!is_data(out, k))
            continue;
        FILE *f = out->file[k].f;
        if (fflush(f) != 0 || fsync(fileno(f)) != 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, file_name[k],
                             PART, strerror(errno));
    }
    return progress_append(out, err);
}

/* A point is complete: its rows go to the files at once (so that a failed write
 * later cannot take them along: see sweep_stop), and are checkpointed when the
 * last checkpoint is old enough. */
static int sweep_point_done(coop_output *out, int point, coop_err *err)
{
    off_t size[N_FILES] = {0};
    for (int k = 0; k < N_FILES; k++) {
        if (!is_data(out, k))
            continue;
        FILE *f = out->file[k].f;
        if (fflush(f) != 0 || (size[k] = ftello(f)) < 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, file_name[k],
                             PART, strerror(errno));
    }
    out->points_done = point + 1;
    memcpy(out->done_size, size, sizeof size);
    if (out->points_done >= out->n_points ||
        seconds_since(&out->last_sync) >= out->checkpoint_seconds)
        return checkpoint(out, err);
    return COOP_OK;
}

/* Opens (or creates) progress.csv and takes its lock. */
static int progress_open(coop_output *out, int create, coop_err *err)
{
    char *path = dup_printf("%s/progress.csv", out->dir);
    if (!path)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    out->progress_fd = open(path, O_RDWR | O_APPEND | (create ? O_CREAT | O_TRUNC : 0), 0666);
    int e = errno;
    free(path);
    if (out->progress_fd < 0) {
        if (!create && e == ENOENT)
            return COOP_FAIL(err, COOP_EINVAL, "%s: not an interrupted sweep (it has no "
                             "progress.csv): nothing to resume", out->dir);
        return COOP_FAIL(err, COOP_EIO, "%s/progress.csv: cannot open: %s", out->dir,
                         strerror(e));
    }
    struct flock fl = {0};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(out->progress_fd, F_SETLK, &fl) != 0)
        return COOP_FAIL(err, COOP_EINVAL, "%s: another coopsim process is writing this sweep",
                         out->dir);
    return COOP_OK;
}

/* Opens the data file k (DIR/NAME.part): truncated when fresh, else cut back to
 * size and positioned at its end. */
static int open_part(coop_output *out, int k, int fresh, off_t size, coop_err *err)
{
    char *path = dup_printf("%s/%s%s", out->dir, file_name[k], PART);
    char *final = dup_printf("%s/%s", out->dir, file_name[k]);
    int status = COOP_OK;
    struct stat st;
    if (!path || !final) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        goto out;
    }
    if (!fresh) {
        /* A sweep that stopped while renaming its files at the end. */
        if (lstat(path, &st) != 0 && errno == ENOENT && lstat(final, &st) == 0)
            rename(final, path);
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            status = COOP_FAIL(err, COOP_EIO, "%s: missing: the sweep's files are damaged "
                               "(start afresh with --force)", path);
            goto out;
        }
        if (st.st_size < size) {
            status = COOP_FAIL(err, COOP_EIO, "%s: %lld bytes, shorter than the %lld that "
                               "progress.csv records: the sweep's files are damaged (start "
                               "afresh with --force)", path, (long long)st.st_size,
                               (long long)size);
            goto out;
        }
        if (truncate(path, size) != 0) {
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot truncate: %s", path, strerror(errno));
            goto out;
        }
    }
    out->file[k].f = fopen(path, fresh ? "w" : "r+");
    if (!out->file[k].f) {
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    setvbuf(out->file[k].f, NULL, _IOFBF, 1 << 16);
    if (!fresh && fseeko(out->file[k].f, 0, SEEK_END) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: %s", path, strerror(errno));
out:
    free(path);
    free(final);
    return status;
}

/* The data files of the series mode, as coop_output_open chooses them. */
static int wanted_data(const coop_config *cfg, int k)
{
    return k == F_MILESTONES || k == F_OUTCOMES ||
           (k == F_SUMMARY && cfg->series != COOP_SERIES_NONE) ||
           (k != F_MANIFEST && cfg->series == COOP_SERIES_FULL);
}

/* The first line where a and b differ (1-based), with both lines, for messages. */
static int first_difference(const char *a, const char *b, char *la, char *lb, size_t size)
{
    int line = 1;
    const char *sa = a, *sb = b;
    while (*a && *a == *b) {
        if (*a == '\n')
            line++, sa = a + 1, sb = b + 1;
        a++, b++;
    }
    snprintf(la, size, "%.*s", (int)strcspn(sa, "\n"), sa);
    snprintf(lb, size, "%.*s", (int)strcspn(sb, "\n"), sb);
    return line;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = 2 * cap + 4096 + 1;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + len, 1, 4096, f);
        len += k;
        if (k < 4096)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Reads progress.csv: the last valid checkpoint into out->points_done and
 * out->done_size, and cuts off whatever follows it (a torn line). */
static int progress_read(coop_output *out, int *found, coop_err *err)
{
    char *path = dup_printf("%s/progress.csv", out->dir);
    char *text = path ? read_text(path) : NULL;
    int status = COOP_OK;
    if (!text) {
        status = COOP_FAIL(err, COOP_EIO, "%s/progress.csv: cannot read: %s", out->dir,
                           strerror(errno ? errno : ENOMEM));
        goto out;
    }
    /* The header names the files, in the order this configuration opens them. */
    char header[256] = "points_done";
    int n_files = 0;
    for (int k = 0; k < N_FILES; k++)
        if (out->part[k]) {
            n_files++;
            coop_fmt_cat(header, sizeof header, ",%s", file_name[k]);
        }
    coop_fmt_cat(header, sizeof header, ",check");
    size_t hl = strcspn(text, "\n");
    *found = 0;
    if (text[hl] != '\n')
        goto out;  /* not even the header made it to disk */
    if (hl != strlen(header) || strncmp(text, header, hl) != 0) {
        status = COOP_FAIL(err, COOP_EIO, "%s: the header is not \"%s\": the sweep's files "
                           "are damaged (start afresh with --force)", path, header);
        goto out;
    }
    size_t end = hl + 1;
    for (char *p = text + hl + 1; *p;) {
        char *nl = strchr(p, '\n'), *comma = NULL;
        if (!nl)
            break;  /* a torn last line */
        for (char *q = p; q < nl; q++)
            if (*q == ',')
                comma = q;
        if (!comma)
            break;
        char *e;
        unsigned long check = strtoul(comma + 1, &e, 16);
        if (e != nl || check != fnv1a(p, (size_t)(comma - p)))
            break;
        long long v[N_FILES + 1];
        int nv = 0, ok = 1;
        for (char *q = p; ok && q <= comma; nv++) {
            if (nv > N_FILES) {
                ok = 0;
                break;
            }
            errno = 0;
            v[nv] = strtoll(q, &e, 10);
            ok = e != q && errno == 0 && v[nv] >= 0 && *e == ',';
            q = e + 1;
        }
        if (!ok || nv != n_files + 1 || v[0] > out->n_points || v[0] < out->points_done)
            break;
        out->points_done = (int)v[0];
        for (int k = 0, i = 1; k < N_FILES; k++)
            if (out->part[k])
                out->done_size[k] = (off_t)v[i++];
        *found = 1;
        end = (size_t)(nl - text) + 1;
        p = nl + 1;
    }
    if (*found && ftruncate(out->progress_fd, (off_t)end) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot truncate: %s", path, strerror(errno));
out:
    free(text);
    free(path);
    return status;
}

/* Removes what a failed fresh open created. */
static void fresh_cleanup(coop_output *out)
{
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f) {
            fclose(out->file[k].f);
            out->file[k].f = NULL;
        }
    if (out->progress_fd >= 0) {
        close(out->progress_fd);
        out->progress_fd = -1;
    }
    if (out->made_dir)
        remove_tree(out->dir);
    else
        remove_ours(out->dir); /* a kept directory: only what this open wrote */
    for (size_t i = out->n_made; i-- > 0;)
        rmdir(out->made[i]);
}

/* Creates DIR and its files for a sweep from point 0. */
static int sweep_fresh(coop_output *out, const coop_config *cfg, const coop_sweep_output_opts *o,
                       coop_err *err)
{
    int status = make_parents(out, err);
    if (status)
        return status;
    struct stat st;
    if (mkdir(out->dir, 0777) == 0)
        out->made_dir = 1;
    else if (errno != EEXIST || lstat(out->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return COOP_FAIL(err, COOP_EIO, "%s: cannot create directory: %s", out->dir,
                         strerror(errno));
    /* else: the directory of a forced or restarted sweep, emptied of coopsim's files */
    if ((status = write_manifest(out, NULL, "running", err)) ||
        (status = coop_output_write_points(out->dir, o->sweep, err)))
        return status;
    for (int k = 0; k < N_FILES && !status; k++)
        if (out->part[k])
            status = open_part(out, k, 1, 0, err);
    if (status)
        return status;
    write_headers(out, cfg);
    if ((status = check_all(out, err)) || (status = progress_open(out, 1, err)))
        return status;
    char header[256] = "points_done";
    for (int k = 0; k < N_FILES; k++)
        if (out->part[k])
            coop_fmt_cat(header, sizeof header, ",%s", file_name[k]);
    coop_fmt_cat(header, sizeof header, ",check\n");
    errno = 0;
    if (write_all(out->progress_fd, header, strlen(header)) != 0)
        return progress_fail(out, err);
    for (int k = 0; k < N_FILES; k++)
        if (is_data(out, k) && (out->done_size[k] = ftello(out->file[k].f)) < 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s%s: %s", out->dir, file_name[k], PART,
                             strerror(errno));
    out->points_done = 0;
    if ((status = checkpoint(out, err)))
        return status;
    char *parent = parent_of(out->dir);
    if (sync_dir(out->dir) != 0 || (parent && sync_dir(parent) != 0))
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", out->dir, strerror(errno));
    free(parent);
    return status;
}

/* 1 when the run group (text) records status "running". */
static int st_is_running(const char *run)
{
    const char *st = strstr(run, "\n  status = \"");
    return st && strncmp(st + 13, "running\"", 8) == 0;
}

/* 1 when every entry of dir is a temporary file (NAME.tmp): a sweep killed while
 * creating its directory. */
static int only_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int only = 1;
    struct dirent *e;
    while (only && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            !(n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0))
            only = 0;
    }
    closedir(d);
    return only;
}

/* Picks up the sweep in DIR: same configuration, last checkpoint.  Sets
 * *complete when the sweep has finished already, *restart when it was killed
 * before its first checkpoint (nothing to keep: start it afresh). */
static int sweep_resume(coop_output *out, const coop_sweep_output_opts *o, int *complete,
                        int *restart, coop_err *err)
{
    char *mpath = dup_printf("%s/manifest.cfg", out->dir);
    char *text = mpath ? read_text(mpath) : NULL;
    int status = COOP_OK, found = 0;
    struct stat st;
    if (!text && mpath && errno == ENOENT && only_temporaries(out->dir)) {
        *restart = 1;
        goto out;
    }
    if (!text) {
        status = COOP_FAIL(err, COOP_EINVAL, "%s: not a sweep's results directory (cannot read "
                           "%s: %s): nothing to resume", out->dir, mpath ? mpath : "manifest.cfg",
                           strerror(errno ? errno : ENOMEM));
        goto out;
    }
    char *run = strstr(text, "\nrun = {\n");
    if (run)
        run[0] = '\0';  /* the text before the run group's blank line */
    if (!run || strcmp(text, out->cfg_text) != 0) {
        char here[160], there[160];
        int line = first_difference(out->cfg_text, text, here, there, sizeof here);
        status = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot resume: the configuration differs "
                           "from the one in %s (line %d: `%s` here, `%s` there); resume with the "
                           "same configuration and options (coopsim sweep %s --resume), or start "
                           "afresh with --force", out->dir, mpath, line, here, there, mpath);
        goto out;
    }
    const char *sline = strstr(run + 2, "\n  status = \"");
    if (sline && strncmp(sline + 13, "complete\"", 9) == 0) {
        *complete = 1;
        goto out;
    }
    char *ppath = dup_printf("%s/progress.csv", out->dir);
    int have = ppath && lstat(ppath, &st) == 0;
    free(ppath);
    if (!have && st_is_running(run + 1)) {
        *restart = 1;
        goto out;
    }
    if ((status = progress_open(out, 0, err)) || (status = progress_read(out, &found, err)))
        goto out;
    if (!found) {
        *restart = 1;
        goto out;
    }
    for (int k = 0; k < N_FILES && !status; k++)
        if (out->part[k])
            status = open_part(out, k, 0, out->done_size[k], err);
    if (status)
        goto out;
    out->synced_points = out->points_done;
    memcpy(out->sync_size, out->done_size, sizeof out->sync_size);
    clock_gettime(CLOCK_MONOTONIC, &out->last_sync);
    if (!(status = coop_output_write_points(out->dir, o->sweep, err)))
        status = write_manifest(out, NULL, "running", err);
out:
    free(text);
    free(mpath);
    return status;
}

coop_output *coop_output_open_sweep(const char *dir, const coop_config *cfg,
                                    const coop_sweep_output_opts *opts, int *points_done,
                                    coop_err *err)
{
    if (points_done)
        *points_done = 0;
    if (!dir || !cfg || !opts || !opts->sweep || opts->n_worlds < 1 || !points_done) {
        COOP_FAIL(err, COOP_EINVAL, "output: no directory, configuration or sweep");
        return NULL;
    }
    size_t len;
    if (check_dir_name(dir, &len, err))
        return NULL;
    coop_output *out = calloc(1, sizeof *out);
    if (!out) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        return NULL;
    }
    out->sweep = 1;
    out->progress_fd = -1;
    out->force = opts->force;
    out->series = cfg->series;
    out->n_steps = cfg->n_steps;
    out->n_actors = coop_config_series_actors(cfg);
    out->n_ties = coop_config_series_ties(cfg);
    out->n_obs = cfg->n_observables;
    out->n_levels = (size_t)cfg->inst.n_levels;
    out->n_points = coop_sweep_size(opts->sweep);
    out->n_worlds = opts->n_worlds;
    out->checkpoint_seconds = CHECKPOINT_SECONDS;
    if (opts->info)
        out->info = *opts->info;
    else
        coop_run_info_start(&out->info, NULL, 0);
    for (int k = 0; k < N_FILES; k++)
        out->part[k] = (unsigned char)(k != F_MANIFEST && wanted_data(cfg, k));
    out->dir = strndup(dir, len);

    char *text = NULL;
    size_t text_len = 0;
    FILE *m = open_memstream(&text, &text_len);
    int status = COOP_OK;
    if (!out->dir || !m) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    } else {
        int pst = coop_config_print_in(cfg, m, out->dir);
        if (fclose(m) != 0 || pst != COOP_OK)
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory printing the configuration");
        m = NULL;
        out->cfg_text = text;
    }
    if (m)
        fclose(m);
    if (!status) {
        out->cells = out->n_actors * COOP_ACTOR_METRICS +
                     out->n_ties * (COOP_TIE_METRICS + out->n_obs) + COOP_POP_METRICS;
        size_t n = out->cells * (size_t)(out->n_steps > 0 ? out->n_steps : 0);
        if (out->part[F_SUMMARY] && !(out->acc = calloc(n ? n : 1, sizeof *out->acc)))
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory for %zu summary cells", n);
    }

    int complete = 0, resume = 0;
    struct stat st;
    if (!status && lstat(out->dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            status = COOP_FAIL(err, COOP_EINVAL, "%s: exists and is not a directory", out->dir);
        else if (opts->resume)
            resume = 1;
        else if (!opts->force)
            status = COOP_FAIL(err, COOP_EINVAL, "%s: results directory exists (use --force to "
                               "replace it, or --resume to finish an interrupted sweep)",
                               out->dir);
        else if (!replaceable(out->dir))
            status = COOP_FAIL(err, COOP_EINVAL, "%s: not replacing it: not a coopsim results "
                               "directory (no manifest.cfg) and not empty", out->dir);
        else if (remove_ours(out->dir) != 0)  /* the user's files stay */
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot remove the old results: %s", out->dir,
                               strerror(errno));
    } else if (!status && errno != ENOENT) {
        status = COOP_FAIL(err, COOP_EIO, "%s: %s", out->dir, strerror(errno));
    }
    int restart = 0;
    if (!status && resume) {
        status = sweep_resume(out, opts, &complete, &restart, err);
        if (!status && restart) {
            if (out->progress_fd >= 0)
                close(out->progress_fd);
            out->progress_fd = -1;
            for (int k = 0; k < N_FILES; k++)
                out->done_size[k] = 0;
            if (remove_ours(out->dir) != 0)
                status = COOP_FAIL(err, COOP_EIO, "%s: cannot remove the unfinished start of "
                                   "the sweep: %s", out->dir, strerror(errno));
        }
    }
    if (!status && (!resume || restart)) {
        status = sweep_fresh(out, cfg, opts, err);
        if (status)
            fresh_cleanup(out);
    }
    if (status || complete) {
        if (complete) {
            *points_done = out->n_points;
            if (err)
                err->code = COOP_OK;
        }
        out->sweep = 0;  /* release only: nothing to record */
        if (out->progress_fd >= 0)
            close(out->progress_fd);
        release(out);
        return NULL;
    }
    *points_done = out->points_done;
    return out;
}

/* Cuts every .part file to size[k] and syncs it; 0 on success. */
static int cut_parts(coop_output *out, const off_t *size)
{
    int rc = 0;
    for (int k = 0; k < N_FILES; k++) {
        if (!out->part[k])
            continue;
        char *path = dup_printf("%s/%s%s", out->dir, file_name[k], PART);
        int fd = path ? open(path, O_WRONLY) : -1;
        if (fd < 0 || ftruncate(fd, size[k]) != 0 || fsync(fd) != 0)
            rc = -1;
        if (fd >= 0 && close(fd) != 0)
            rc = -1;
        free(path);
    }
    return rc;
}

/* Stops the sweep with whole points on disk and records `status_text` in the
 * manifest; releases out.  The files keep the complete points when they can:
 * their rows were written when the point completed and appends are sequential,
 * so a file at least as long as the complete points' rows holds them whole even
 * after a failed write (a full disk), and is cut back to them; otherwise (or if
 * that cannot be made durable) every file goes back to the last checkpoint. */
static int sweep_stop(coop_output *out, const coop_run_info *info, const char *status_text,
                      coop_err *err)
{
    int status = COOP_OK, whole = 1;
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f) {
            fclose(out->file[k].f);  /* what it still writes is cut below */
            out->file[k].f = NULL;
        }
    for (int k = 0; k < N_FILES && whole; k++) {
        struct stat st;
        char *path = out->part[k] ? dup_printf("%s/%s%s", out->dir, file_name[k], PART) : NULL;
        if (out->part[k] && (!path || stat(path, &st) != 0 || st.st_size < out->done_size[k]))
            whole = 0;
        free(path);
    }
    coop_err e1 = {0};
    if (whole && cut_parts(out, out->done_size) == 0 &&
        (out->points_done == out->synced_points || progress_append(out, &e1) == COOP_OK)) {
        /* the complete points are recorded */
    } else {
        out->points_done = out->synced_points;
        memcpy(out->done_size, out->sync_size, sizeof out->done_size);
        if (cut_parts(out, out->sync_size) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot cut the .part files back to the last "
                               "checkpoint: %s", out->dir, strerror(errno));
    }
    coop_err e2 = {0};
    int ms = write_manifest(out, info, status_text, status ? &e2 : err);
    if (!status)
        status = ms;
    release(out);
    return status;
}

static void sweep_abort(coop_output *out)
{
    sweep_stop(out, NULL, "failed", NULL);
}

static int sweep_close(coop_output *out, const coop_run_info *info, coop_err *err)
{
    const char *st = info && info->status ? info->status : "complete";
    if (strcmp(st, "complete") != 0)
        return sweep_stop(out, info, st, err);
    if (out->points_done != out->n_points) {
        COOP_FAIL(err, COOP_EINVAL, "output: closing a sweep at %d of %d points",
                  out->points_done, out->n_points);
        sweep_stop(out, info, "interrupted", NULL);
        return COOP_EINVAL;
    }
    int status = out->synced_points == out->points_done ? COOP_OK : checkpoint(out, err);
    if (status) {
        sweep_stop(out, info, "failed", NULL);
        return status;
    }
    /* Every point is checkpointed: the files are complete and durable. */
    for (int k = 0; k < N_FILES; k++) {
        if (!is_data(out, k))
            continue;
        int failed = fclose(out->file[k].f) != 0;
        out->file[k].f = NULL;
        if (failed && !status)
            status = COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, file_name[k],
                               PART, strerror(errno));
    }
    for (int k = 0; k < N_FILES && !status; k++) {
        if (!out->part[k])
            continue;
        char *from = dup_printf("%s/%s%s", out->dir, file_name[k], PART);
        char *to = dup_printf("%s/%s", out->dir, file_name[k]);
        if (!from || !to)
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        else if (rename(from, to) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", to, from,
                               strerror(errno));
        free(from);
        free(to);
    }
    if (!status && sync_dir(out->dir) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", out->dir, strerror(errno));
    if (!status)
        status = write_manifest(out, info, "complete", err);
    if (!status) {
        char *path = dup_printf("%s/progress.csv", out->dir);
        if (!path || unlink(path) != 0 || sync_dir(out->dir) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot remove progress.csv: %s", out->dir,
                               strerror(errno));
        free(path);
    }
    /* On failure the data are still complete and durable; --resume finishes the
     * renames and the manifest. */
    release(out);
    return status;
}

void coop_output_set_checkpoint(coop_output *out, double seconds)
{
    if (out)
        out->checkpoint_seconds = seconds > 0 ? seconds : 0;
}
