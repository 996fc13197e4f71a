/* output.c: the results directory (see coop_output.h and docs/OUTPUT.md).
 *
 * Atomicity comes from the directory, not the files: everything is written into
 * a temporary sibling DIR.tmp.PID (same file system, so rename is atomic), each
 * file is flushed, fsync'ed and closed with its status checked, the directory is
 * fsync'ed, and only then renamed to DIR.  When an old DIR is replaced (--force)
 * it is first renamed aside to DIR.old.PID, the new directory takes its name, and
 * the old one is removed last: at every instant DIR is either the old complete
 * results or the new ones.  Only a directory that holds manifest.cfg (a coopsim
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
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coop_stats.h"

/* The files, in the order they are opened and closed. */
enum { F_MANIFEST, F_SERIES, F_TIES, F_POP, F_SUMMARY, F_MILESTONES, F_OUTCOMES, N_FILES };

static const char *const file_name[N_FILES] = {
    "manifest.cfg", "series.csv", "ties.csv", "population.csv",
    "summary.csv", "milestones.csv", "outcomes.csv",
};

/* A file being written; the first failed write is remembered with its errno. */
typedef struct csv {
    FILE *f;
    int bad;
    int errnum;
} csv;

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
};

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

static void put(csv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(csv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(c->f, fmt, ap);
    va_end(ap);
    if (n < 0 && !c->bad) {
        c->bad = 1;
        c->errnum = errno ? errno : EIO;
    }
}

/* A real: "%.10g", NA for NaN, Inf/-Inf, and 0 for -0. */
static void put_num(csv *c, double x)
{
    if (isnan(x))
        put(c, "NA");
    else if (isinf(x))
        put(c, "%sInf", x < 0 ? "-" : "");
    else
        put(c, "%.10g", x == 0.0 ? 0.0 : x);
}

/* A text field, quoted (RFC 4180) when it holds a comma, quote or line break. */
static void put_text(csv *c, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        put(c, "%s", s);
        return;
    }
    put(c, "\"");
    for (const char *p = s; *p; p++)
        put(c, *p == '"' ? "\"\"" : "%c", *p);
    put(c, "\"");
}

/* point,world,replicate,step,date, (replicate < 0 omits it, as summary.csv does) */
static void put_key(csv *c, int point, const char *world, int replicate, int step, double date)
{
    put(c, "%d,", point);
    put_text(c, world);
    if (replicate >= 0)
        put(c, ",%d", replicate);
    put(c, ",%d,", step);
    put_num(c, date);
    put(c, ",");
}

static int check(const coop_output *out, int k, coop_err *err)
{
    const csv *c = &out->file[k];
    if (c->bad)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: write failed: %s", out->dir, file_name[k],
                         strerror(c->errnum));
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

static void release(coop_output *out)
{
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f)
            fclose(out->file[k].f);
    for (size_t i = 0; i < out->n_made; i++)
        free(out->made[i]);
    free(out->made);
    free(out->acc);
    free(out->tmp);
    free(out->dir);
    free(out);
}

void coop_output_abort(coop_output *out)
{
    if (!out)
        return;
    for (int k = 0; k < N_FILES; k++)
        if (out->file[k].f) {
            fclose(out->file[k].f);
            out->file[k].f = NULL;
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
        put(c, "point,world,replicate,step,date,actor");
        for (int m = 0; m < COOP_ACTOR_METRICS; m++)
            put(c, ",%s", coop_actor_metric_names[m]);
        put(c, "\n");
    }
    if ((c = &out->file[F_TIES])->f) {
        put(c, "point,world,replicate,step,date,a,b");
        for (int m = 0; m < COOP_TIE_METRICS; m++)
            put(c, ",%s", coop_tie_metric_names[m]);
        for (size_t o = 0; o < cfg->n_observables; o++) {
            put(c, ",");
            put_text(c, cfg->observables[o].name);
        }
        put(c, "\n");
    }
    if ((c = &out->file[F_POP])->f) {
        put(c, "point,world,replicate,step,date");
        for (int m = 0; m < COOP_POP_METRICS; m++)
            put(c, ",%s", coop_pop_metric_names[m]);
        put(c, "\n");
    }
    if ((c = &out->file[F_SUMMARY])->f)
        put(c, "point,world,step,date,actor,metric,mean,sd,ci_lo,ci_hi,n\n");
    put(&out->file[F_MILESTONES], "point,world,replicate,a,b,level,step,date\n");
    put(&out->file[F_OUTCOMES], "point,world,replicate,outcome,value\n");
}

coop_output *coop_output_open(const char *dir, const coop_config *cfg, int force, coop_err *err)
{
    if (!dir || !cfg) {
        COOP_FAIL(err, COOP_EINVAL, "output: no directory or configuration");
        return NULL;
    }
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    const char *last = dir + len;
    while (last > dir && last[-1] != '/')
        last--;
    size_t last_len = (size_t)(dir + len - last);
    if (len == 0 || strcmp(dir, "/") == 0 || (last_len == 1 && last[0] == '.') ||
        (last_len == 2 && last[0] == '.' && last[1] == '.')) {
        COOP_FAIL(err, COOP_EINVAL, "output directory \"%s\" is not usable: name a new "
                  "directory", dir);
        return NULL;
    }

    coop_output *out = calloc(1, sizeof *out);
    if (!out) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        return NULL;
    }
    out->force = force;
    out->series = cfg->series;
    out->n_steps = cfg->n_steps;
    out->n_actors = cfg->n_actors;
    out->n_ties = cfg->n_ties;
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
        int wanted = k == F_MANIFEST || k == F_MILESTONES || k == F_OUTCOMES ||
                     (k == F_SUMMARY && cfg->series != COOP_SERIES_NONE) ||
                     cfg->series == COOP_SERIES_FULL;
        if (wanted)
            status = open_file(out, k, err);
    }
    if (!status && coop_config_print(cfg, out->file[F_MANIFEST].f) != COOP_OK)
        status = COOP_FAIL(err, COOP_EIO, "%s/manifest.cfg: write failed: %s", out->tmp,
                           strerror(errno ? errno : EIO));
    if (!status) {
        write_headers(out, cfg);
        status = check_all(out, err);
    }
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

/* ---- the sink ---- */

static int on_replicate(void *ctx, const coop_item *it, const coop_record *rec, coop_err *err)
{
    coop_output *out = ctx;
    const coop_config *cfg = it->cfg;
    size_t na = out->n_actors, nt = out->n_ties, ntc = COOP_TIE_METRICS + out->n_obs;
    int per_step = out->series != COOP_SERIES_NONE;
    if (rec->n_steps != out->n_steps || rec->n_actors != na || rec->n_ties != nt ||
        rec->n_obs != out->n_obs || rec->n_levels != out->n_levels ||
        cfg->n_actors != na || cfg->n_ties != nt || cfg->n_observables != out->n_obs ||
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
                put_text(s, cfg->actors[a].name);
                for (int m = 0; m < COOP_ACTOR_METRICS; m++) {
                    put(s, ",");
                    put_num(s, v[m]);
                }
                put(s, "\n");
            }
            for (size_t k = 0; k < nt; k++) {
                const double *v = rec->tie + ((size_t)step * nt + k) * ntc;
                put_key(t, it->point, it->world_name, it->replicate, step, date);
                put_text(t, cfg->actors[cfg->ties[k].a].name);
                put(t, ",");
                put_text(t, cfg->actors[cfg->ties[k].b].name);
                for (size_t m = 0; m < ntc; m++) {
                    put(t, ",");
                    put_num(t, v[m]);
                }
                put(t, "\n");
            }
            const double *v = rec->pop + (size_t)step * COOP_POP_METRICS;
            put_key(p, it->point, it->world_name, it->replicate, step, date);
            for (int m = 0; m < COOP_POP_METRICS; m++) {
                if (m)
                    put(p, ",");
                put_num(p, v[m]);
            }
            put(p, "\n");
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
            put(ms, "%d,", it->point);
            put_text(ms, it->world_name);
            put(ms, ",%d,", it->replicate);
            put_text(ms, cfg->actors[cfg->ties[k].a].name);
            put(ms, ",");
            put_text(ms, cfg->actors[cfg->ties[k].b].name);
            put(ms, ",%zu,%d,", l, step);
            put_num(ms, coop_config_date(cfg, step));
            put(ms, "\n");
        }

    csv *oc = &out->file[F_OUTCOMES];
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        put(oc, "%d,", it->point);
        put_text(oc, it->world_name);
        put(oc, ",%d,%s,", it->replicate, coop_outcome_names[o]);
        put_num(oc, rec->outcome[o]);
        put(oc, "\n");
    }
    return check_all(out, err);
}

static void put_summary(csv *c, int point, const char *world, int step, double date,
                        const char *actor, const char *metric, const coop_acc *acc)
{
    coop_summary s;
    coop_acc_summary(acc, &s);
    put_key(c, point, world, -1, step, date);
    put_text(c, actor);
    put(c, ",");
    put_text(c, metric);
    double v[4] = {s.mean, s.sd, s.ci_lo, s.ci_hi};
    for (int k = 0; k < 4; k++) {
        put(c, ",");
        put_num(c, v[k]);
    }
    put(c, ",%ld\n", s.n);
}

static int on_point_done(void *ctx, int point, int world, const char *world_name,
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
                put_summary(c, point, world_name, step, date, cfg->actors[a].name,
                            coop_actor_metric_names[m], acc++);
        for (size_t k = 0; k < nt; k++) {
            char tie[2 * COOP_NAME_MAX + 2];
            snprintf(tie, sizeof tie, "%s-%s", cfg->actors[cfg->ties[k].a].name,
                     cfg->actors[cfg->ties[k].b].name);
            for (size_t m = 0; m < ntc; m++)
                put_summary(c, point, world_name, step, date, tie,
                            m < COOP_TIE_METRICS ? coop_tie_metric_names[m]
                                                 : cfg->observables[m - COOP_TIE_METRICS].name,
                            acc++);
        }
        for (int m = 0; m < COOP_POP_METRICS; m++)
            put_summary(c, point, world_name, step, date, "population", coop_pop_metric_names[m],
                        acc++);
    }
    for (size_t k = 0; k < out->cells * (size_t)out->n_steps; k++)
        coop_acc_init(&out->acc[k]);
    return check(out, F_SUMMARY, err);
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
    put(c, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(c, "\\%c", *p);
        else if (*p == '\n')
            put(c, "\\n");
        else if (*p == '\t')
            put(c, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            put(c, "\\x%02x", *p);
        else
            put(c, "%c", *p);
    }
    put(c, "\"");
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

static void write_run_group(coop_output *out, const coop_run_info *info)
{
    char started[32], finished[32];
    iso_time(info ? info->started : 0, started, sizeof started);
    iso_time(info ? info->finished : 0, finished, sizeof finished);

    csv *c = &out->file[F_MANIFEST];
    put(c, "\nrun = {\n  version = \"%s\";\n  command = ", COOP_VERSION);
    put_cfg_string(c, info && info->command ? info->command : "");
    put(c, ";\n  started = \"%s\";\n  finished = \"%s\";\n", started, finished);
    put(c, "  threads = %d;\n  wall_seconds = %.3f;\n  status = ", info ? info->threads : 0,
        info ? info->wall_seconds : 0.0);
    put_cfg_string(c, info && info->status ? info->status : "complete");
    put(c, ";\n};\n");
}

int coop_output_close(coop_output *out, const coop_run_info *info, coop_err *err)
{
    if (!out)
        return COOP_FAIL(err, COOP_EINVAL, "output: nothing to close");
    write_run_group(out, info);
    int status = check_all(out, err);

    for (int k = 0; k < N_FILES && !status; k++) {
        csv *c = &out->file[k];
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
            status = COOP_FAIL(err, COOP_EIO, "%s/%s: write failed: %s", out->dir, file_name[k],
                               strerror(e));
    }
    if (!status && sync_dir(out->tmp) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", out->tmp, strerror(errno));

    struct stat st;
    char *old = NULL;
    if (!status && lstat(out->dir, &st) == 0) {
        if (!out->force || !S_ISDIR(st.st_mode) || !replaceable(out->dir))
            status = COOP_FAIL(err, COOP_EINVAL, "%s: appeared while the run was writing; not "
                               "replacing it", out->dir);
        else if (!(old = dup_printf("%s.old.%ld", out->dir, (long)getpid())))
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        else if (rename(out->dir, old) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot move the old results aside: %s",
                               out->dir, strerror(errno));
    }
    if (!status && rename(out->tmp, out->dir) != 0) {
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", out->dir, out->tmp,
                           strerror(errno));
        if (old)
            rename(old, out->dir);  /* put the old results back */
    }
    if (status) {
        free(old);
        coop_output_abort(out);
        return status;
    }

    /* The new results are in place; the temporary name and the parents are kept. */
    free(out->tmp);
    out->tmp = NULL;
    char *parent = parent_of(out->dir);
    if (parent && sync_dir(parent) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", parent, strerror(errno));
    free(parent);
    if (old && remove_tree(old) != 0 && !status)
        status = COOP_FAIL(err, COOP_EIO, "%s: new results are in place but the old ones "
                           "could not be removed from %s", out->dir, old);
    free(old);
    release(out);
    return status;
}
