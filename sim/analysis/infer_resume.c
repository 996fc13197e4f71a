/* infer_resume.c: the checkpoint of `coopsim infer` and `--resume` (coop_infer.h):
 * the checkpoint's files (the .part files and infer_progress.csv: created,
 * checkpointed after every generation, cut back to the last checkpoint on
 * resume), the last complete generation read back from them
 * (generations.csv.part, posterior.csv.part: every number written with "%.17g",
 * so it reads back exactly) into the coop_abc_gen the sampler continues from, and
 * the complete generations' rows copied into the final files. */
#include "coop_infer.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coop_csv.h"
#include "coop_fmt.h"

/* generations.csv.part: the number of generations, the last one's tolerance,
 * simulations and proposals, and the simulations of all. */
static int read_generations(const char *dir, int *n, coop_abc_gen *g, long long *used,
                            coop_err *err)
{
    static const char *const need[] = {"generation", "tolerance", "simulations", "proposals"};
    coop_csv_reader c;
    int idx[4], got = 1;
    int st = coop_csv_reader_open(&c, dir, "generations.csv.part", err);
    if (!st)
        st = coop_csv_reader_need(&c, need, idx, 4, err);
    *n = 0;
    *used = 0;
    while (!st && !(st = coop_csv_reader_next(&c, &got, err)) && got) {
        long gen, sims, props;
        if ((st = coop_csv_reader_int(&c, idx[0], &gen, err)) ||
            (st = coop_csv_reader_num(&c, idx[1], &g->tolerance, err)) ||
            (st = coop_csv_reader_int(&c, idx[2], &sims, err)) ||
            (st = coop_csv_reader_int(&c, idx[3], &props, err)))
            break;
        if (gen != *n)
            st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: generation %ld, expected %d", c.path,
                           c.line, gen, *n);
        g->simulations = sims;
        g->proposals = props;
        *used += sims;
        ++*n;
    }
    coop_csv_reader_close(&c);
    return st;
}

/* Row i of generation g in posterior.csv.part's current record into gen. */
static int read_particle(const coop_infer *inf, const coop_csv_reader *c, coop_abc_gen *gen,
                         int i, coop_err *err)
{
    int m = 0;
    while (m < inf->n_models && strcmp(inf->model[m].name, c->fld[1]) != 0)
        m++;
    if (m == inf->n_models)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: model '%s' is not one of the infer "
                         "group's", c->path, c->line, c->fld[1]);
    long particle;
    int st = coop_csv_reader_int(c, 2, &particle, err);
    if (!st && particle != i)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: particle %ld, expected %d", c->path, c->line,
                       particle, i);
    if (!st)
        st = coop_csv_reader_num(c, 3, &gen->weight[i], err);
    if (!st)
        st = coop_csv_reader_num(c, 4, &gen->distance[i], err);
    gen->model[i] = m;
    const coop_infer_model *md = &inf->model[m];
    for (int j = 0; j < md->n_free && !st; j++)
        st = coop_csv_reader_num(c, 5 + md->free_param[j], &gen->theta[(size_t)i * gen->stride + j],
                                 err);
    return st;
}

/* posterior.csv.part: the particles of generation `last` into gen. */
static int read_particles(const coop_infer *inf, const char *dir, int last, coop_abc_gen *gen,
                          coop_err *err)
{
    coop_csv_reader c;
    int got = 1, i = 0;
    int st = coop_csv_reader_open(&c, dir, "posterior.csv.part", err);
    if (!st && c.nhead != 5 + (size_t)inf->n_params)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: %zu columns, expected %d", c.path, c.nhead,
                       5 + inf->n_params);
    while (!st && !(st = coop_csv_reader_next(&c, &got, err)) && got) {
        long g;
        if ((st = coop_csv_reader_int(&c, 0, &g, err)) || g != last)
            continue;
        if (i >= gen->n) {
            st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: more than %d particles in generation %d",
                           c.path, c.line, gen->n, last);
            break;
        }
        st = read_particle(inf, &c, gen, i++, err);
    }
    coop_csv_reader_close(&c);
    if (!st && i != gen->n)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s/posterior.csv.part: %d particles in generation "
                       "%d, expected %d", dir, i, last, gen->n);
    return st;
}

int coop_infer_read_state(const coop_infer *inf, const char *dir, coop_abc_gen **out,
                          long long *used, coop_err *err)
{
    *out = NULL;
    int stride = 0, n_gen = 0;
    for (int m = 0; m < inf->n_models; m++)
        stride = inf->model[m].n_free > stride ? inf->model[m].n_free : stride;
    coop_abc_gen *g = coop_abc_gen_alloc(inf->population, stride, inf->n_models);
    if (!g)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    int st = read_generations(dir, &n_gen, g, used, err);
    if (!st && n_gen == 0) { /* interrupted in generation 0: start afresh */
        coop_abc_gen_free(g);
        return COOP_OK;
    }
    g->generation = n_gen - 1;
    if (!st)
        st = read_particles(inf, dir, g->generation, g, err);
    if (st) {
        char why[COOP_ERR_MAX];
        snprintf(why, sizeof why, "%s", err->text);
        coop_abc_gen_free(g);
        return COOP_FAIL(err, COOP_EIO, "cannot resume: %s; start afresh with --force", why);
    }
    /* As the sampler left them: model probabilities summed in particle order. */
    for (int i = 0; i < g->n; i++)
        g->model_prob[g->model[i]] += g->weight[i];
    g->acceptance = (double)g->n / (double)g->simulations;
    g->ess = coop_abc_ess(g->weight, g->n);
    *out = g;
    return COOP_OK;
}

int coop_infer_copy_part(const char *dir, const char *name, FILE *to, coop_err *err)
{
    char path[COOP_PATH_MAX + 64], buf[1 << 16];
    snprintf(path, sizeof path, "%s/%s.part", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return COOP_FAIL(err, COOP_EIO, "cannot read %s: %s", path, strerror(errno));
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            break;
    int bad = ferror(f) || ferror(to);
    fclose(f);
    return bad ? COOP_FAIL(err, COOP_EIO, "cannot copy %s", path) : COOP_OK;
}

/* ---- the checkpoint's files ---- */

const char *const coop_infer_part_name[COOP_INFER_PARTS] = {"posterior.csv", "generations.csv",
                                                            "models.csv"};

#define PROGRESS "infer_progress.csv"
#define PROGRESS_HEADER "generations_done,posterior.csv,generations.csv,models.csv,check\n"

static FILE *open_part(const char *dir, int k, const char *mode)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s.part", dir, coop_infer_part_name[k]);
    return fopen(path, mode);
}

/* Opens dir/infer_progress.csv for update (created when create) and takes its
 * lock: a second process on the same checkpoint is refused. */
static int open_progress(coop_infer_parts *p, int create, coop_err *err)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", p->dir, PROGRESS);
    int fd = open(path, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0666);
    if (fd < 0)
        return COOP_FAIL(err, COOP_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &lk) != 0) {
        close(fd);
        return COOP_FAIL(err, COOP_EINVAL, "%s: another process is writing this inference",
                         p->dir);
    }
    if (!(p->progress = fdopen(fd, "r+"))) {
        close(fd);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    return COOP_OK;
}

static void parts_init(coop_infer_parts *p, const char *dir)
{
    memset(p, 0, sizeof *p);
    p->dir = dir;
    p->generations = -1;
}

int coop_infer_parts_create(coop_infer_parts *p, const char *dir, coop_err *err)
{
    parts_init(p, dir);
    for (int k = 0; k < COOP_INFER_PARTS; k++)
        if (!(p->f[k] = open_part(dir, k, "wb")))
            return COOP_FAIL(err, COOP_EIO, "%s/%s.part: cannot create: %s", dir,
                             coop_infer_part_name[k], strerror(errno));
    int st = open_progress(p, 1, err);
    if (!st && fputs(PROGRESS_HEADER, p->progress) == EOF)
        st = COOP_FAIL(err, COOP_EIO, "%s/%s: write failed", dir, PROGRESS);
    return st;
}

/* One line of infer_progress.csv (without its line feed) into n and size: 1 when
 * it is valid (its check matches). */
static int progress_line(const char *s, size_t len, long long *n, long long *size)
{
    const char *comma = NULL;
    for (const char *q = s; q < s + len; q++)
        if (*q == ',')
            comma = q;
    char *e;
    if (!comma || strtoul(comma + 1, &e, 16) != coop_fnv1a(s, (size_t)(comma - s)) ||
        e != s + len || e == comma + 1)
        return 0;
    const char *q = s;
    for (int i = 0; i <= COOP_INFER_PARTS; i++) {
        long long v = strtoll(q, &e, 10);
        if (e == q || v < 0 || e > comma || (i < COOP_INFER_PARTS ? *e != ',' : e != comma))
            return 0;
        if (i == 0)
            *n = v;
        else
            size[i - 1] = v;
        q = e + 1;
    }
    return 1;
}

/* The last valid checkpoint of p->progress into p->generations and size (none:
 * p->generations -1); what follows it is cut off. */
static int read_progress(coop_infer_parts *p, off_t *size, coop_err *err)
{
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    char buf[4096];
    while ((got = fread(buf, 1, sizeof buf, p->progress)) > 0) {
        char *t = coop_grow(text, &cap, len + got + 1, 1);
        if (!t) {
            free(text);
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        }
        memcpy((text = t) + len, buf, got);
        len += got;
    }
    size_t hl = strlen(PROGRESS_HEADER), end = 0;
    if (len >= hl && text && memcmp(text, PROGRESS_HEADER, hl) == 0)
        end = hl;
    for (size_t at = end; end && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        long long n, sz[COOP_INFER_PARTS];
        if (!nl || !progress_line(text + at, (size_t)(nl - text - at), &n, sz) ||
            n <= p->generations)
            break;  /* a torn or damaged line: the checkpoint before it is the last */
        p->generations = (int)n;
        for (int k = 0; k < COOP_INFER_PARTS; k++)
            size[k] = (off_t)sz[k];
        end = at = (size_t)(nl - text) + 1;
    }
    free(text);
    if (p->generations < 0)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: no checkpoint in it: the inference's files "
                         "are damaged", p->dir, PROGRESS);
    if (ftruncate(fileno(p->progress), (off_t)end) != 0 || fseeko(p->progress, 0, SEEK_END) != 0)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: cannot cut it back: %s", p->dir, PROGRESS,
                         strerror(errno));
    return COOP_OK;
}

/* Cuts dir/NAME.part back to size (refusing a shorter file) and opens it to append. */
static int cut_part(coop_infer_parts *p, int k, off_t size, coop_err *err)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s.part", p->dir, coop_infer_part_name[k]);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return COOP_FAIL(err, COOP_EIO, "cannot resume: cannot read %s: %s", path,
                         strerror(errno));
    if (sb.st_size < size)
        return COOP_FAIL(err, COOP_EIO, "%s: %lld bytes, shorter than its checkpoint's %lld: "
                         "the inference's files are damaged", path, (long long)sb.st_size,
                         (long long)size);
    if (sb.st_size > size && truncate(path, size) != 0)
        return COOP_FAIL(err, COOP_EIO, "%s: cannot cut it back: %s", path, strerror(errno));
    if (!(p->f[k] = fopen(path, "ab")))
        return COOP_FAIL(err, COOP_EIO, "%s: cannot open: %s", path, strerror(errno));
    return COOP_OK;
}

int coop_infer_parts_resume(coop_infer_parts *p, const char *dir, coop_err *err)
{
    parts_init(p, dir);
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, PROGRESS);
    struct stat sb;
    int legacy = stat(path, &sb) != 0 && errno == ENOENT;
    int st = open_progress(p, legacy, err);
    off_t size[COOP_INFER_PARTS] = {0};
    if (!st && legacy) { /* stopped by a signal before checkpoints: the files are whole */
        if (fputs(PROGRESS_HEADER, p->progress) == EOF)
            st = COOP_FAIL(err, COOP_EIO, "%s: write failed", path);
        for (int k = 0; k < COOP_INFER_PARTS && !st; k++)
            if (!(p->f[k] = open_part(dir, k, "ab")))
                st = COOP_FAIL(err, COOP_EIO, "cannot resume: cannot read %s/%s.part: %s", dir,
                               coop_infer_part_name[k], strerror(errno));
        return st;
    }
    if (!st)
        st = read_progress(p, size, err);
    for (int k = 0; k < COOP_INFER_PARTS && !st; k++)
        st = cut_part(p, k, size[k], err);
    return st;
}

int coop_infer_parts_checkpoint(coop_infer_parts *p, int generations, coop_err *err)
{
    char line[32 + COOP_INFER_PARTS * 24];
    int len = snprintf(line, sizeof line, "%d", generations);
    for (int k = 0; k < COOP_INFER_PARTS; k++) {
        struct stat sb;
        FILE *f = p->f[k];
        if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0 || fstat(fileno(f), &sb) != 0)
            return COOP_FAIL(err, COOP_EIO, "%s/%s.part: write failed: %s", p->dir,
                             coop_infer_part_name[k], strerror(errno ? errno : EIO));
        len += snprintf(line + len, sizeof line - (size_t)len, ",%lld", (long long)sb.st_size);
    }
    uint32_t check = coop_fnv1a(line, (size_t)len);
    fprintf(p->progress, "%s,%08x\n", line, (unsigned)check);
    if (fflush(p->progress) != 0 || ferror(p->progress) || fsync(fileno(p->progress)) != 0)
        return COOP_FAIL(err, COOP_EIO, "%s/%s: write failed: %s", p->dir, PROGRESS,
                         strerror(errno ? errno : EIO));
    p->generations = generations;
    return COOP_OK;
}

int coop_infer_parts_close(coop_infer_parts *p)
{
    int bad = 0;
    for (int k = 0; k < COOP_INFER_PARTS; k++)
        if (p->f[k])
            bad |= fclose(p->f[k]) != 0;
    if (p->progress)
        bad |= fclose(p->progress) != 0; /* releases the lock */
    memset(p->f, 0, sizeof p->f);
    p->progress = NULL;
    return bad ? -1 : 0;
}
