/* output_sweep.c: a sweep's results directory (coop_output.h, "sweeps"): written
 * in place, point by point, checkpointed in progress.csv and resumable; and the
 * one points.csv writer.  A run's directory, the manifest's run group and
 * replacing a directory are sim/output/output.c's (shared through coop_output_impl.h). */
#include "coop_output_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coop_sweep.h"

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
 * uninterrupted run's.
 *
 * Under MPI with direct writes (coop_sink_files) the rows of a complete point
 * may still be on their way to the files on the worker ranks: such points wait
 * in out->pend, and a checkpoint records only the last of them that
 * coop_experiment_durable_points says is written and synced everywhere (rank
 * 0's own writes are synced by the checkpoint's fsync); an interrupted sweep
 * keeps that one too. */

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
    coop_out_put_run_group(c, m->info);
}

/* Writes DIR/NAME through DIR/NAME.tmp (flushed, synced, renamed), its text put by
 * put(c, arg). */
static int write_whole(const char *dir, const char *name, void (*put)(csv *, const void *),
                       const void *arg, coop_err *err)
{
    char *tmp = coop_out_dup_printf("%s/%s.tmp", dir, name);
    char *dst = coop_out_dup_printf("%s/%s", dir, name);
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

/* Appends the checkpoint of `points` complete points and their sizes (already
 * durable) and syncs it. */
static int progress_append(coop_output *out, int points, const off_t *size, coop_err *err)
{
    char line[64 + N_FILES * 24];
    int len = snprintf(line, sizeof line, "%d", points);
    for (int k = 0; k < N_FILES; k++)
        if (out->part[k])
            len += snprintf(line + len, sizeof line - (size_t)len, ",%lld",
                            (long long)size[k]);
    uint32_t check = coop_fnv1a(line, (size_t)len);
    len += snprintf(line + len, sizeof line - (size_t)len, ",%08x\n", (unsigned)check);
    errno = 0;
    if (write_all(out->progress_fd, line, (size_t)len) != 0 || fsync(out->progress_fd) != 0)
        return progress_fail(out, err);
    out->synced_points = points;
    memcpy(out->sync_size, size, sizeof out->sync_size);
    clock_gettime(CLOCK_MONOTONIC, &out->last_sync);
    return COOP_OK;
}

/* Direct writes: the last complete point that is durable everywhere (*points and
 * size; entries up to it leave out->pend).  0 when there is none beyond the last
 * checkpoint; 1 when found; always 1 (the latest point) without pending points. */
static int durable_done(coop_output *out, int *points, off_t *size)
{
    *points = out->points_done;
    memcpy(size, out->done_size, sizeof out->done_size);
    if (!out->n_pend)
        return 1;
    int durable = coop_experiment_durable_points();
    size_t k = 0;
    while (k < out->n_pend && out->pend[k].points <= durable)
        k++;
    if (k == 0)
        return 0;
    *points = out->pend[k - 1].points;
    memcpy(size, out->pend[k - 1].size, sizeof out->pend[k - 1].size);
    memmove(out->pend, out->pend + k, (out->n_pend - k) * sizeof *out->pend);
    out->n_pend -= k;
    return 1;
}

/* A complete point whose rows may not be durable yet waits in out->pend. */
static int pend_push(coop_output *out, coop_err *err)
{
    if (out->n_pend == out->cap_pend) {
        size_t cap = out->cap_pend ? 2 * out->cap_pend : 64;
        struct coop_out_done *p = realloc(out->pend, cap * sizeof *p);
        if (!p)
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        out->pend = p;
        out->cap_pend = cap;
    }
    out->pend[out->n_pend].points = out->points_done;
    memcpy(out->pend[out->n_pend].size, out->done_size, sizeof out->done_size);
    out->n_pend++;
    return COOP_OK;
}

/* Makes the rows of the complete points durable, then records those that are
 * durable everywhere (all of them but under MPI with direct writes). */
static int checkpoint(coop_output *out, coop_err *err)
{
    int points;
    off_t size[N_FILES];
    if (!durable_done(out, &points, size))
        return COOP_OK;
    for (int k = 0; k < N_FILES; k++) {
        if (!is_data(out, k))
            continue;
        FILE *f = out->file[k].f;
        if (fflush(f) != 0 || fsync(fileno(f)) != 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, coop_out_file_name[k],
                             PART, strerror(errno));
    }
    return progress_append(out, points, size, err);
}

/* A point is complete: its rows go to the files at once (so that a failed write
 * later cannot take them along: see sweep_stop), and are checkpointed when the
 * last checkpoint is old enough. */
int coop_out_sweep_point_done(coop_output *out, int point, coop_err *err)
{
    off_t size[N_FILES] = {0};
    for (int k = 0; k < N_FILES; k++) {
        if (!is_data(out, k))
            continue;
        if ((size[k] = coop_out_file_end(out, k)) < 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, coop_out_file_name[k],
                             PART, strerror(errno));
    }
    out->points_done = point + 1;
    memcpy(out->done_size, size, sizeof size);
    if ((out->placing || out->n_pend) && pend_push(out, err))
        return err->code;
    if (out->points_done >= out->n_points ||
        seconds_since(&out->last_sync) >= out->checkpoint_seconds)
        return checkpoint(out, err);
    return COOP_OK;
}

/* Opens (or creates) progress.csv and takes its lock. */
static int progress_open(coop_output *out, int create, coop_err *err)
{
    char *path = coop_out_dup_printf("%s/progress.csv", out->dir);
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
    char *path = coop_out_dup_printf("%s/%s%s", out->dir, coop_out_file_name[k], PART);
    char *final = coop_out_dup_printf("%s/%s", out->dir, coop_out_file_name[k]);
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
    char *path = coop_out_dup_printf("%s/progress.csv", out->dir);
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
            coop_fmt_cat(header, sizeof header, ",%s", coop_out_file_name[k]);
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
        if (e != nl || check != coop_fnv1a(p, (size_t)(comma - p)))
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
        coop_out_remove_tree(out->dir);
    else
        coop_out_remove_ours(out->dir); /* a kept directory: only what this open wrote */
    for (size_t i = out->n_made; i-- > 0;)
        rmdir(out->made[i]);
}

/* Creates DIR and its files for a sweep from point 0. */
static int sweep_fresh(coop_output *out, const coop_config *cfg, const coop_sweep_output_opts *o,
                       coop_err *err)
{
    int status = coop_out_make_parents(out, err);
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
    coop_out_write_headers(out, cfg);
    if ((status = coop_out_check_all(out, err)) || (status = progress_open(out, 1, err)))
        return status;
    char header[256] = "points_done";
    for (int k = 0; k < N_FILES; k++)
        if (out->part[k])
            coop_fmt_cat(header, sizeof header, ",%s", coop_out_file_name[k]);
    coop_fmt_cat(header, sizeof header, ",check\n");
    errno = 0;
    if (write_all(out->progress_fd, header, strlen(header)) != 0)
        return progress_fail(out, err);
    for (int k = 0; k < N_FILES; k++)
        if (is_data(out, k) && (out->done_size[k] = ftello(out->file[k].f)) < 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s%s: %s", out->dir, coop_out_file_name[k], PART,
                             strerror(errno));
    out->points_done = 0;
    if ((status = checkpoint(out, err)))
        return status;
    char *parent = coop_out_parent_of(out->dir);
    if (coop_out_sync_dir(out->dir) != 0 || (parent && coop_out_sync_dir(parent) != 0))
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
    char *mpath = coop_out_dup_printf("%s/manifest.cfg", out->dir);
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
    char *ppath = coop_out_dup_printf("%s/progress.csv", out->dir);
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
    coop_output *out = coop_out_new(dir, cfg, opts->force, err);
    if (!out)
        return NULL;
    out->sweep = 1;
    out->n_points = coop_sweep_size(opts->sweep);
    out->n_worlds = opts->n_worlds;
    out->checkpoint_seconds = CHECKPOINT_SECONDS;
    if (opts->info)
        out->info = *opts->info;
    else
        coop_run_info_start(&out->info, NULL, 0);
    for (int k = 0; k < N_FILES; k++)
        out->part[k] = (unsigned char)(k != F_MANIFEST && wanted_data(cfg, k));

    char *text = NULL;
    size_t text_len = 0;
    FILE *m = open_memstream(&text, &text_len);
    int status = COOP_OK;
    if (!m) {
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
        else if (!coop_out_replaceable(out->dir))
            status = COOP_FAIL(err, COOP_EINVAL, "%s: not replacing it: not a coopsim results "
                               "directory (no manifest.cfg) and not empty", out->dir);
        else if (coop_out_remove_ours(out->dir) != 0)  /* the user's files stay */
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
            if (coop_out_remove_ours(out->dir) != 0)
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
        coop_out_release(out);
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
        char *path = coop_out_dup_printf("%s/%s%s", out->dir, coop_out_file_name[k], PART);
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
        char *path = out->part[k] ? coop_out_dup_printf("%s/%s%s", out->dir, coop_out_file_name[k], PART) : NULL;
        if (out->part[k] && (!path || stat(path, &st) != 0 || st.st_size < out->done_size[k]))
            whole = 0;
        free(path);
    }
    coop_err e1 = {0};
    if (out->n_pend && !durable_done(out, &out->points_done, out->done_size)) {
        out->points_done = out->synced_points; /* no pending point is durable */
        memcpy(out->done_size, out->sync_size, sizeof out->done_size);
    }
    if (whole && cut_parts(out, out->done_size) == 0 &&
        (out->points_done == out->synced_points ||
         progress_append(out, out->points_done, out->done_size, &e1) == COOP_OK)) {
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
    coop_out_release(out);
    return status;
}

void coop_out_sweep_abort(coop_output *out)
{
    sweep_stop(out, NULL, "failed", NULL);
}

int coop_out_sweep_close(coop_output *out, const coop_run_info *info, coop_err *err)
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
            status = COOP_FAIL(err, COOP_EIO, "%s/%s%s: write failed: %s", out->dir, coop_out_file_name[k],
                               PART, strerror(errno));
    }
    for (int k = 0; k < N_FILES && !status; k++) {
        if (!out->part[k])
            continue;
        char *from = coop_out_dup_printf("%s/%s%s", out->dir, coop_out_file_name[k], PART);
        char *to = coop_out_dup_printf("%s/%s", out->dir, coop_out_file_name[k]);
        if (!from || !to)
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        else if (rename(from, to) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot rename %s to it: %s", to, from,
                               strerror(errno));
        free(from);
        free(to);
    }
    if (!status && coop_out_sync_dir(out->dir) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", out->dir, strerror(errno));
    if (!status)
        status = write_manifest(out, info, "complete", err);
    if (!status) {
        char *path = coop_out_dup_printf("%s/progress.csv", out->dir);
        if (!path || unlink(path) != 0 || coop_out_sync_dir(out->dir) != 0)
            status = COOP_FAIL(err, COOP_EIO, "%s: cannot remove progress.csv: %s", out->dir,
                               strerror(errno));
        free(path);
    }
    /* On failure the data are still complete and durable; --resume finishes the
     * renames and the manifest. */
    coop_out_release(out);
    return status;
}

void coop_output_set_checkpoint(coop_output *out, double seconds)
{
    if (out)
        out->checkpoint_seconds = seconds > 0 ? seconds : 0;
}

/* ------------------------------------------------------------------------ */
/* Resuming a command that puts its directory in place at the end            */
/* ------------------------------------------------------------------------ */

/* A results directory's manifest: cfg printed for dir, then the run group. */
typedef struct manifest_of {
    const coop_config *cfg;
    const char *dir;
    const coop_run_info *info;
} manifest_of;

static void put_manifest_of(csv *c, const void *arg)
{
    const manifest_of *m = arg;
    if (coop_config_print_in(m->cfg, c->f, m->dir) != COOP_OK && !c->bad)
        c->bad = 1, c->errnum = errno ? errno : EIO;
    coop_out_put_run_group(c, m->info);
}

int coop_output_write_manifest(const char *where, const char *dir, const coop_config *cfg,
                               const coop_run_info *info, coop_err *err)
{
    manifest_of m = {cfg, dir, info};
    int status = write_whole(where, "manifest.cfg", put_manifest_of, &m, err);
    if (!status && coop_sync_dir(where) != 0)
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot sync: %s", where, strerror(errno));
    return status;
}

int coop_output_resume_state(const char *dir, const coop_config *cfg, const char *command,
                             coop_resume_state *state, coop_err *err)
{
    struct stat st;
    *state = COOP_RESUME_FRESH;
    if (lstat(dir, &st) != 0 && errno == ENOENT)
        return COOP_OK;
    char *mpath = coop_out_dup_printf("%s/manifest.cfg", dir), *cfg_text = NULL;
    char *text = mpath ? read_text(mpath) : NULL;
    size_t len = 0;
    int status = COOP_OK;
    FILE *m = open_memstream(&cfg_text, &len);
    if (!mpath || !m) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    } else if (!text) {
        status = COOP_FAIL(err, COOP_EINVAL, "%s: not a results directory (cannot read %s: %s): "
                           "nothing to resume", dir, mpath, strerror(errno ? errno : ENOMEM));
    } else if (coop_config_print_in(cfg, m, dir) != COOP_OK || fflush(m) != 0) {
        status = COOP_FAIL(err, COOP_ENOMEM, "out of memory printing the configuration");
    }
    char *run = status ? NULL : strstr(text, "\nrun = {\n");
    if (run)
        run[0] = '\0';  /* the configuration: the text before the run group's blank line */
    if (!status && (!run || strcmp(text, cfg_text) != 0)) {
        char here[160], there[160];
        int line = first_difference(cfg_text, text, here, there, sizeof here);
        status = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot resume: the configuration differs "
                           "from the one in %s (line %d: `%s` here, `%s` there); resume with the "
                           "same configuration and options (coopsim %s %s --resume), or start "
                           "afresh with --force", dir, mpath, line, here, there, command, mpath);
    }
    char want[96];
    snprintf(want, sizeof want, "\n  subcommand = \"%s\";\n", command);
    if (!status && !strstr(run + 2, want))
        status = COOP_FAIL(err, COOP_EINVAL, "%s: not the results of `coopsim %s`: nothing to "
                           "resume", dir, command);
    const char *sline = status ? NULL : strstr(run + 2, "\n  status = \"");
    if (!status && sline && strncmp(sline + 13, "complete\"", 9) == 0)
        *state = COOP_RESUME_COMPLETE;
    else if (!status && sline && strncmp(sline + 13, "interrupted\"", 12) == 0)
        *state = COOP_RESUME_INTERRUPTED;
    else if (!status)
        status = COOP_FAIL(err, COOP_EINVAL, "%s: not an interrupted run (its manifest's status "
                           "is not \"interrupted\"): nothing to resume", dir);
    if (m)
        fclose(m);
    free(cfg_text);
    free(text);
    free(mpath);
    return status;
}
