/* infer_resume.c: `coopsim infer --resume` (coop_infer.h): the last complete
 * generation of an interrupted inference read back from its files
 * (generations.csv.part, posterior.csv.part: every number written with "%.17g",
 * so it reads back exactly) into the coop_abc_gen the sampler continues from, and
 * the complete generations' rows copied into the new files. */
#include "coop_infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_csv.h"

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
        return COOP_FAIL(err, COOP_EIO, "cannot resume: cannot read %s", path);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            break;
    int bad = ferror(f) || ferror(to);
    fclose(f);
    return bad ? COOP_FAIL(err, COOP_EIO, "cannot copy %s", path) : COOP_OK;
}
