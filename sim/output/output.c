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
#include "coop_output_impl.h"

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
#include "coop_model.h"
#include "coop_stats.h"
#include "coop_sweep.h"

const char *const coop_out_file_name[N_FILES] = {
    "manifest.cfg", "series.csv", "ties.csv", "population.csv",
    "summary.csv", "milestones.csv", "outcomes.csv",
};

/* ---- small helpers ---- */

char *coop_out_dup_printf(const char *fmt, ...)
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
        return COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, coop_out_file_name[k],
                         out->sweep ? ".part" : "", strerror(c->errnum));
    return COOP_OK;
}

int coop_out_check_all(const coop_output *out, coop_err *err)
{
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f && out->file[k].bad)
            return check(out, k, err);
    return COOP_OK;
}

/* Removes path and everything under it without following symbolic links. */
int coop_out_remove_tree(const char *path)
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
        char *sub = coop_out_dup_printf("%s/%s", path, e->d_name);
        if (!sub || coop_out_remove_tree(sub) != 0)
            rc = -1;
        free(sub);
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

int coop_out_sync_dir(const char *path)
{
    return coop_sync_dir(path);
}

char *coop_out_parent_of(const char *path)
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
    /* coopsim sensitivity (coop_sens.h) */
    "sensitivity.csv", "sensitivity_design.csv", "sensitivity_outputs.csv",
    "sensitivity_variance.csv", "sensitivity_s2.csv", "sensitivity_shares.csv",
    "sensitivity_progress.csv",
    /* coopsim infer and hypothesis --posterior (coop_infer.h) */
    "posterior.csv", "generations.csv", "models.csv", "infer_summary.csv", "predictive.csv",
    "posterior_hypothesis.csv", "infer_progress.csv",
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
        char *src = coop_out_dup_printf("%s/%s", from, e->d_name);
        char *dst = coop_out_dup_printf("%s/%s", to, e->d_name);
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
        if (!(old = coop_out_dup_printf("%s.old.%ld", dir, (long)getpid())))
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
    char *parent = coop_out_parent_of(dir);
    int status = COOP_OK;
    if (parent && coop_out_sync_dir(parent) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", parent, strerror(errno));
    free(parent);
    if (old && coop_out_remove_tree(old) != 0 && !status)
        status = COOP_FAIL(err, COOP_EIO, "%s: new results are in place but the old ones "
                           "could not be removed from %s", dir, old);
    free(old);
    return status;
}

int coop_remove_tree(const char *path)
{
    return coop_out_remove_tree(path);
}

/* Removes the entries of dir that are ours (coop_output_is_ours), keeping the rest. */
int coop_out_remove_ours(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!coop_output_is_ours(e->d_name))
            continue;
        char *sub = coop_out_dup_printf("%s/%s", dir, e->d_name);
        if (!sub || coop_out_remove_tree(sub) != 0)
            rc = -1;
        free(sub);
    }
    closedir(d);
    return rc;
}

/* 1 when dir holds manifest.cfg or nothing (a directory we may replace). */
int coop_out_replaceable(const char *dir)
{
    char *m = coop_out_dup_printf("%s/manifest.cfg", dir);
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
int coop_out_make_parents(coop_output *out, coop_err *err)
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

void coop_out_release(coop_output *out)
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
    coop_bytes_free(&out->rows);
    free(out->files_path[0]);
    free(out->files_path[1]);
    free(out->pend);
    free(out->tmp);
    free(out->dir);
    free(out);
}


void coop_output_abort(coop_output *out)
{
    if (!out)
        return;
    if (out->sweep) {
        coop_out_sweep_abort(out);
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
        coop_out_remove_tree(out->tmp);
    for (size_t i = out->n_made; i-- > 0;)
        rmdir(out->made[i]);  /* only if still empty */
    coop_out_release(out);
}

const char *coop_output_tmpdir(const coop_output *out)
{
    return out ? out->tmp : NULL;
}

/* ---- open ---- */

static int open_file(coop_output *out, int k, coop_err *err)
{
    char *path = coop_out_dup_printf("%s/%s", out->tmp, coop_out_file_name[k]);
    if (!path)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    out->file[k].f = fopen(path, "w");
    int e = errno;
    free(path);
    if (!out->file[k].f)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: cannot create: %s", out->tmp, coop_out_file_name[k],
                         strerror(e));
    setvbuf(out->file[k].f, NULL, _IOFBF, 1 << 16);
    return COOP_OK;
}

void coop_out_write_headers(coop_output *out, const coop_config *cfg)
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
    coop_csv_put(&out->file[F_OUTCOMES], "point,world,replicate,outcome,value,state\n");
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

coop_output *coop_out_new(const char *dir, const coop_config *cfg, int force, coop_err *err)
{
    size_t len = 0;
    if (check_dir_name(dir, &len, err))
        return NULL;
    coop_output *out = calloc(1, sizeof *out);
    char *name = strndup(dir, len);
    if (!out || !name) {
        free(out);
        free(name);
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        return NULL;
    }
    out->dir = name;
    out->force = force;
    out->progress_fd = -1;
    out->series = cfg->series;
    out->n_steps = cfg->n_steps;
    out->n_actors = coop_config_series_actors(cfg);
    out->n_ties = coop_config_series_ties(cfg);
    out->n_obs = cfg->n_observables;
    out->n_levels = (size_t)cfg->inst.n_levels;
    out->snapshots = cfg->n_snapshots > 0;
    return out;
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
    coop_output *out = coop_out_new(dir, cfg, force, err);
    if (!out)
        return NULL;
    out->tmp = coop_out_dup_printf("%s.tmp.%ld", out->dir, (long)getpid());
    if (!out->tmp) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        coop_output_abort(out);  /* nothing created yet */
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
        else if (!coop_out_replaceable(out->dir))
            status = COOP_FAIL(err, COOP_EINVAL,
                               "%s: not replacing it: not a coopsim results directory "
                               "(no manifest.cfg) and not empty", out->dir);
    } else if (errno != ENOENT) {
        status = COOP_FAIL(err, COOP_EIO, "%s: %s", out->dir, strerror(errno));
    }
    if (!status)
        status = coop_out_make_parents(out, err);
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
        coop_out_write_headers(out, cfg);
    if (!status)
        status = coop_out_check_all(out, err);
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
        char *path = coop_out_dup_printf("%s/%s", out->tmp, SNAP_FILE);
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
                coop_csv_text(s, coop_cfg_actor_name(cfg, a));
                for (int m = 0; m < COOP_ACTOR_METRICS; m++) {
                    coop_csv_put(s, ",");
                    coop_csv_num(s, v[m]);
                }
                coop_csv_put(s, "\n");
            }
            for (size_t k = 0; k < nt; k++) {
                const double *v = rec->tie + ((size_t)step * nt + k) * ntc;
                put_key(t, it->point, it->world_name, it->replicate, step, date);
                coop_csv_text(t, coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, k).a));
                coop_csv_put(t, ",");
                coop_csv_text(t, coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, k).b));
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

    /* milestones.csv and outcomes.csv: the rows the prepare stage formats */
    uint32_t len[2];
    out->rows.n = 0;
    if (coop_out_rows(it, rec, &out->rows, len, err))
        return err->code;
    coop_csv_raw(&out->file[F_MILESTONES], (const char *)out->rows.p, len[0]);
    coop_csv_raw(&out->file[F_OUTCOMES], (const char *)out->rows.p + len[0], len[1]);
    int status = coop_out_check_all(out, err);
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
                put_summary(out, c, point, world_name, step, date, coop_cfg_actor_name(cfg, a),
                            coop_actor_metric_names[m], actor_share[m], acc++);
        for (size_t k = 0; k < nt; k++) {
            char tie[2 * COOP_NAME_MAX + 2];
            snprintf(tie, sizeof tie, "%s-%s", coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, k).a),
                     coop_cfg_actor_name(cfg, coop_cfg_tie(cfg, k).b));
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


/* The summaries of (point, world); in a sweep, after the point's last world, the
 * point is complete (and maybe checkpointed). */
static int on_point_done(void *ctx, int point, int world, const char *world_name,
                         const coop_config *cfg, coop_err *err)
{
    coop_output *out = ctx;
    int status = write_summaries(ctx, point, world, world_name, cfg, err);
    if (!status && out->sweep && world == out->n_worlds - 1)
        status = coop_out_sweep_point_done(out, point, err);
    return status;
}

static int on_commit(void *ctx, const coop_item *it, const coop_prepared *p, coop_err *err)
{
    return coop_out_commit(ctx, it, p, err);
}

static int on_commit_run(void *ctx, const coop_item *first, const coop_run *run,
                         long long *at, coop_err *err)
{
    return coop_out_commit_run(ctx, first, run, at, err);
}

/* Records without per-step arrays or snapshots are formatted where they are
 * computed (output_rows.c); the others come whole to on_replicate.  The split
 * offers milestones.csv and outcomes.csv for direct writes (coop_sink_files;
 * output_rows.c) when both are open. */
coop_sink coop_output_sink(coop_output *out)
{
    coop_sink sink = {.ctx = out, .replicate = on_replicate, .point_done = on_point_done};
    if (out->series == COOP_SERIES_NONE && !out->snapshots) {
        sink.prepare = coop_output_prepare;
        sink.commit = on_commit;
        if (coop_out_files(out) == COOP_OK) {
            sink.files = &out->files;
            sink.commit_run = on_commit_run;
            sink.no_scalars = 1; /* the rows are the prepared bytes */
        }
    }
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

void coop_out_put_run_group(csv *c, const coop_run_info *info)
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
    unsigned used = coop_model_engines_used(); /* where a node kernel ran (docs/ODD.md) */
    if (used & (COOP_USED_BYTES | COOP_USED_BITS)) {
        static const char *const names[] = {"general", "kernel_bytes", "kernel_bits"};
        const char *sep = "";
        coop_csv_put(c, ";\n  engines = \"");
        for (int k = 2; k >= 0; k--)
            if (used >> k & 1)
                coop_csv_put(c, "%s%s", sep, names[k]), sep = ", ";
        coop_csv_put(c, "\"");
    }
    coop_csv_put(c, ";\n};\n");
}

static void write_run_group(coop_output *out, const coop_run_info *info)
{
    coop_out_put_run_group(&out->file[F_MANIFEST], info);
}

int coop_run_info_print(FILE *f, const coop_run_info *info)
{
    csv c = {f, 0, 0};
    coop_out_put_run_group(&c, info);
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


int coop_output_close(coop_output *out, const coop_run_info *info, coop_err *err)
{
    if (!out)
        return COOP_FAIL(err, COOP_EINVAL, "output: nothing to close");
    if (out->sweep)
        return coop_out_sweep_close(out, info, err);
    write_run_group(out, info);
    int status = coop_out_check_all(out, err);

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
                               k < N_FILES ? coop_out_file_name[k] : SNAP_FILE, strerror(e));
    }
    if (!status && coop_out_sync_dir(out->tmp) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", out->tmp, strerror(errno));

    struct stat st;
    if (!status && lstat(out->dir, &st) == 0 &&
        (!out->force || !S_ISDIR(st.st_mode) || !coop_out_replaceable(out->dir)))
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
    coop_out_release(out);
    return status;
}
