/* cmd_sensitivity.c: `coopsim sensitivity` run (coop_sens_run): the design
 * (coop_sensitivity.h) scaled to the parameters' ranges, every row evaluated
 * cfg->replicates times (the simulation through the sweep driver, or the
 * analytic test function), the indices of every output with their bootstrap
 * intervals, the files of docs/OUTPUT.md written into a results directory that
 * output.c owns, and the ranked table printed.
 *
 * Common random numbers: a design block (a base row j of the Saltelli design: A_j,
 * A_B^i_j, [B_A^i_j], B_j; or a Morris trajectory) is one sweep point and each of
 * its rows one world of that point, so replicate r of every row of the block runs
 * with the same key coop_rng_key(seed, j, r) (coop_experiment.h: the worlds of one
 * replicate share it).  The differences the estimators take within a block then
 * cancel the part of the replicate noise that the rows share.
 *
 * Replicate noise: each row's output is the mean of its R replicates; the
 * variance of that mean due to the replicates is estimated by var_noise = the mean
 * over rows of s^2 / R (s^2 the variance of the row's replicates).  var_total is
 * the variance of the row means the estimator apportions (A and B rows for Sobol',
 * all rows for Morris); noise_share = var_noise / var_total is the part of it that
 * is replicate noise, not parameters (docs/SENSITIVITY.md). */
#include "coop_cmd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "coop_drive.h"
#include "coop_hypothesis.h"
#include "coop_output.h"
#include "coop_rng.h"
#include "coop_sens.h"
#include "coop_stats.h"
#include "coop_sweep.h"

#define WORLD_NAME_MAX 32

typedef struct srun {
    coop_sens_cfg *s;
    const coop_config *cfg;
    size_t k, block, n_blocks, rows;
    double *unit;                 /* rows x k: the design in [0,1] */
    double *val;                  /* rows x k: the parameter values */
    coop_acc *acc;                /* rows x n_outputs */
    char (*names)[WORLD_NAME_MAX];/* block world names (paired: row, then row:cf) */
    const char **name_ptr;
    int mult;                     /* worlds per row: 2 with an effect, else 1 */
    double *fact;                 /* paired: replicates x COOP_N_OUTCOMES factual outcomes of
                                   * the row being delivered */
    coop_sweep *sw;
    size_t done;                  /* blocks complete (every row, replicate and world) */
} srun;

/* ---- the design ---- */

static void world_names(srun *r)
{
    size_t k = r->k;
    for (size_t w = 0; w < r->block; w++) {
        if (r->s->method == COOP_SENS_MORRIS)
            snprintf(r->names[w], WORLD_NAME_MAX, "step%zu", w);
        else if (w == 0)
            snprintf(r->names[w], WORLD_NAME_MAX, "A");
        else if (w == r->block - 1)
            snprintf(r->names[w], WORLD_NAME_MAX, "B");
        else if (w <= k)
            snprintf(r->names[w], WORLD_NAME_MAX, "AB%zu", w);
        else
            snprintf(r->names[w], WORLD_NAME_MAX, "BA%zu", w - k);
    }
    if (r->mult == 2) /* paired: world 2w is row w, world 2w + 1 its counterfactual */
        for (size_t w = r->block; w-- > 0;) {
            char base[WORLD_NAME_MAX];
            memcpy(base, r->names[w], WORLD_NAME_MAX);
            snprintf(r->names[2 * w], WORLD_NAME_MAX, "%.28s", base);
            snprintf(r->names[2 * w + 1], WORLD_NAME_MAX, "%.28s:cf", base);
        }
    for (size_t w = 0; w < r->block * (size_t)r->mult; w++)
        r->name_ptr[w] = r->names[w];
}

static int make_design(srun *r, coop_err *err)
{
    const coop_sens_cfg *s = r->s;
    r->k = s->n_params;
    r->n_blocks = (size_t)s->n;
    if (s->method == COOP_SENS_SOBOL)
        r->block = s->second_order ? 2 * r->k + 2 : r->k + 2;
    else
        r->block = r->k + 1;
    r->rows = r->n_blocks * r->block;
    r->unit = malloc(r->rows * r->k * sizeof *r->unit);
    r->val = malloc(r->rows * r->k * sizeof *r->val);
    r->acc = calloc(r->rows * s->n_outputs, sizeof *r->acc);
    r->mult = s->paired ? 2 : 1;
    r->names = calloc(r->block * 2, sizeof *r->names);
    r->name_ptr = calloc(r->block * 2, sizeof *r->name_ptr);
    r->fact = s->paired ? calloc((size_t)r->cfg->replicates * COOP_N_OUTCOMES, sizeof *r->fact)
                        : NULL;
    if (!r->unit || !r->val || !r->acc || !r->names || !r->name_ptr || (s->paired && !r->fact))
        return COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory for %zu rows", r->rows);
    world_names(r);
    int st = s->method == COOP_SENS_SOBOL
                 ? coop_saltelli_design(r->n_blocks, r->k, s->second_order, r->unit, err)
                 : coop_morris_design(r->n_blocks, r->k, (size_t)s->levels,
                                      (size_t)s->candidates,
                                      coop_rng_seed((uint32_t)s->seed, 0, 0, COOP_STREAM_MORRIS),
                                      r->unit, err);
    if (st)
        return st;
    for (size_t i = 0; i < r->rows; i++)
        for (size_t j = 0; j < r->k; j++) {
            const coop_sens_param *p = &s->params[j];
            double v = coop_sensitivity_scale(r->unit[i * r->k + j], p->min, p->max, p->log);
            r->val[i * r->k + j] = fmin(fmax(v, p->min), p->max);
        }
    return COOP_OK;
}

/* ---- the analytic test function ---- */

/* Replicate q of row i: f(u) plus, with noise, a N(0, noise^2) draw from the
 * stream of (block, replicate), shared by the rows of a block. */
static int run_function(srun *r, const volatile sig_atomic_t *stop, coop_err *err)
{
    const coop_sens_cfg *s = r->s;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
    for (size_t j = r->done; j < r->n_blocks; r->done = ++j) {
        if (stop && *stop) {
            gsl_rng_free(rng);
            return COOP_FAIL(err, COOP_EINTR, "interrupted");
        }
        for (int q = 0; q < r->cfg->replicates; q++) {
            double e = 0.0;
            if (s->noise > 0.0) {
                gsl_rng_set(rng, coop_rng_seed((uint32_t)r->cfg->seed, (uint32_t)j, (uint32_t)q,
                                               COOP_STREAM_SENS_NOISE));
                e = gsl_ran_gaussian(rng, s->noise);
            }
            for (size_t w = 0; w < r->block; w++) {
                size_t i = j * r->block + w;
                double y = coop_testfn_eval((coop_testfn)s->function, r->unit + i * r->k, r->k,
                                            s->coef);
                coop_acc_add(&r->acc[i], y + e);
            }
        }
    }
    gsl_rng_free(rng);
    return COOP_OK;
}

/* ---- the simulation, through the sweep driver ---- */

/* World w of point j: the configuration of row j * block + w / mult; with mult 2
 * an odd world is that row's counterfactual (the motivator's role removed). */
static int make_point(void *ctx, int point, int world, coop_config *cfg, coop_err *err)
{
    srun *r = ctx;
    int st = coop_sweep_config(r->sw, point, cfg, err);
    if (st)
        return st;
    size_t row = (size_t)point * r->block + (size_t)(world / r->mult);
    const double *v = r->val + row * r->k;
    for (size_t j = 0; j < r->k && !st; j++)
        st = coop_config_set_param(cfg, &r->s->params[j].ref, COOP_OP_SET, v[j], err);
    if (!st && world % r->mult == 1)
        st = coop_hypothesis_remove_role(cfg, cfg->hyp.motivator, err);
    if (st)
        coop_config_destroy(cfg);
    return st;
}

/* A replicate of a row (or, paired, of its factual or counterfactual world): the
 * outcomes into the row's accumulators; an effect is the oriented difference of
 * the replicate's factual and counterfactual outcome (the factual world's
 * replicates are delivered first, so they wait in r->fact). */
static int on_replicate(void *ctx, const coop_item *item, const coop_record *rec, coop_err *err)
{
    (void)err;
    srun *r = ctx;
    size_t i = (size_t)item->point * r->block + (size_t)(item->world / r->mult);
    int cf = item->world % r->mult == 1;
    double *fact = r->fact ? r->fact + (size_t)item->replicate * COOP_N_OUTCOMES : NULL;
    if (fact && !cf)
        memcpy(fact, rec->outcome, COOP_N_OUTCOMES * sizeof *fact);
    for (size_t o = 0; o < r->s->n_outputs; o++) {
        int k = r->s->outputs[o];
        if (k < COOP_N_OUTCOMES && !cf)
            coop_acc_add(&r->acc[i * r->s->n_outputs + o], rec->outcome[k]);
        else if (k >= COOP_N_OUTCOMES && cf) {
            k -= COOP_N_OUTCOMES;
            double d = (fact[k] - rec->outcome[k]) * coop_hypothesis_orientation(k);
            coop_acc_add(&r->acc[i * r->s->n_outputs + o], d);
        }
    }
    return COOP_OK;
}

/* Every world of a block delivered: the block is complete. */
static int on_point_done(void *ctx, int point, int world, const char *world_name,
                         const coop_config *cfg, coop_err *err)
{
    (void)world_name, (void)cfg, (void)err;
    srun *r = ctx;
    if (world == (int)r->block * r->mult - 1)
        r->done = (size_t)point + 1;
    return COOP_OK;
}

/* The sweep of the A rows (a list) into r->sw: its points are checked, and each
 * point's configuration is the base of the block's worlds. */
static int build_sweep(srun *r, coop_err *err)
{
    const coop_sens_cfg *s = r->s;
    coop_sweep_param_cfg *pc = calloc(r->k, sizeof *pc);
    double *rows = malloc(r->n_blocks * r->k * sizeof *rows);
    int st = COOP_OK;
    if (!pc || !rows) {
        st = COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
        goto out;
    }
    for (size_t j = 0; j < r->k; j++) {
        memcpy(pc[j].path, s->params[j].path, COOP_PATH_MAX);
        pc[j].ref = s->params[j].ref;
        pc[j].line = s->params[j].line;
    }
    for (size_t b = 0; b < r->n_blocks; b++)
        memcpy(rows + b * r->k, r->val + b * r->block * r->k, r->k * sizeof *rows);
    coop_config shallow = *r->cfg;
    shallow.sweep = (coop_sweep_cfg){.present = 1, .method = COOP_SWEEP_LIST,
                                     .n_params = r->k, .params = pc,
                                     .n_rows = r->n_blocks, .rows = rows, .line = s->line};
    if (!(r->sw = coop_sweep_alloc(&shallow, err)))
        st = err->code ? err->code : COOP_ENOMEM;
out:
    free(pc);
    free(rows);
    return st;
}

/* The blocks r->done .. n_blocks-1 through the sweep driver. */
static int run_simulation(srun *r, const coop_run_opts *opts, coop_err *err)
{
    int st = build_sweep(r, err);
    if (st)
        return st;
    coop_drive_opts o = {.threads = opts->threads, .progress = opts->progress,
                         .stop = opts->stop};
    coop_sink sink = {r, on_replicate, on_point_done};
    return coop_drive_points_from(r->cfg, r->sw, (int)r->done, (int)r->block * r->mult,
                                  r->name_ptr, make_point, r, 0, &o, &sink, err);
}

/* ---- the indices ---- */

typedef struct sout {
    int ok;                       /* indices computed */
    char why[COOP_ERR_MAX];       /* why not */
    double var_total, var_noise;
    double sesoi, share[3];       /* an effect: positive, negligible, negative shares */
    size_t n_points;              /* of these design points (A and B rows, or every row) */
    coop_sobol_result *sobol;
    coop_morris_result *morris;
} sout;

/* The row means of output o into y; 0 when one is not finite (why filled). */
static int row_means(const srun *r, size_t o, double *y, sout *out)
{
    size_t n_out = r->s->n_outputs, bad = 0;
    double noise = 0.0;
    size_t n_noise = 0;
    for (size_t i = 0; i < r->rows; i++) {
        coop_summary sm;
        coop_acc_summary(&r->acc[i * n_out + o], &sm);
        y[i] = sm.mean;
        if (!isfinite(y[i]))
            bad++;
        if (sm.n >= 2) {
            noise += sm.sd * sm.sd / (double)sm.n;
            n_noise++;
        }
    }
    out->var_noise = n_noise ? noise / (double)n_noise : NAN;
    if (bad)
        snprintf(out->why, sizeof out->why, "undefined (no finite replicate) at %zu of %zu rows",
                 bad, r->rows);
    return bad == 0;
}

/* The variance (divisor m) of y[0], y[stride], ... (m values). */
static double variance(const double *y, size_t m)
{
    double mean = 0.0, v = 0.0;
    for (size_t i = 0; i < m; i++)
        mean += y[i];
    mean /= (double)m;
    for (size_t i = 0; i < m; i++)
        v += (y[i] - mean) * (y[i] - mean);
    return v / (double)m;
}

/* An effect's shares of the design's points where it is above +SESOI, within
 * +-SESOI and below -SESOI.  The points that spread evenly over the space: the A
 * and B rows of a Saltelli design (a Sobol' sequence), every row of a Morris one
 * (each grid level equally likely). */
static void effect_shares(const srun *r, size_t o, const double *y, sout *so)
{
    int k = r->s->outputs[o] - COOP_N_OUTCOMES;
    so->sesoi = r->cfg->hyp.sesoi[k];
    size_t count[3] = {0, 0, 0};
    so->n_points = 0;
    for (size_t i = 0; i < r->rows; i++) {
        size_t w = i % r->block;
        if (r->s->method == COOP_SENS_SOBOL && w != 0 && w != r->block - 1)
            continue;
        count[y[i] > so->sesoi ? 0 : y[i] < -so->sesoi ? 2 : 1]++;
        so->n_points++;
    }
    for (int c = 0; c < 3; c++)
        so->share[c] = (double)count[c] / (double)so->n_points;
}

static int analyse(const srun *r, sout *outs, coop_err *err)
{
    const coop_sens_cfg *s = r->s;
    double *y = malloc(r->rows * sizeof *y);
    if (!y)
        return COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
    int st = COOP_OK;
    for (size_t o = 0; o < s->n_outputs && !st; o++) {
        sout *so = &outs[o];
        uint32_t seed = coop_rng_seed((uint32_t)s->seed, (uint32_t)o, 0, COOP_STREAM_SENS_BOOT);
        so->share[0] = so->share[1] = so->share[2] = so->sesoi = NAN;
        if (!row_means(r, o, y, so))
            continue;
        if (s->outputs[o] >= COOP_N_OUTCOMES)
            effect_shares(r, o, y, so);
        coop_err e = {0};
        int est;
        if (s->method == COOP_SENS_SOBOL) {
            if (!(so->sobol = coop_sobol_result_alloc(r->k, s->second_order))) {
                st = COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
                break;
            }
            est = coop_sobol_indices(y, r->n_blocks, s->second_order, (size_t)s->bootstrap,
                                     s->level, seed, so->sobol, &e);
            so->var_total = so->sobol->var;
        } else {
            if (!(so->morris = coop_morris_result_alloc(r->k))) {
                st = COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
                break;
            }
            est = coop_morris_indices(r->unit, y, r->n_blocks, r->k, (size_t)s->bootstrap,
                                      s->level, seed, so->morris, &e);
            so->var_total = variance(y, r->rows);
        }
        if (est == COOP_ENOMEM)
            st = COOP_FAIL(err, est, "%s", e.text);
        else if (est)
            snprintf(so->why, sizeof so->why, "%s", e.text);
        else
            so->ok = 1;
    }
    free(y);
    return st;
}

/* ---- the files ---- */

static void put(FILE *f, double x)
{
    if (isnan(x))
        fputs(",NA", f);
    else
        fprintf(f, ",%.10g", x);
}

static FILE *open_in(const char *dir, const char *name, coop_err *err)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        COOP_FAIL(err, COOP_EIO, "cannot create %s", path);
    return f;
}

static int close_file(FILE *f, const char *name, coop_err *err)
{
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s", name);
    return COOP_OK;
}

static void write_indices(FILE *f, const srun *r, const sout *outs)
{
    const coop_sens_cfg *s = r->s;
    int sobol = s->method == COOP_SENS_SOBOL;
    fputs(sobol ? "method,output,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
                : "method,output,parameter,mu,mu_star,mu_star_lo,mu_star_hi,sigma\n", f);
    for (size_t o = 0; o < s->n_outputs; o++)
        for (size_t i = 0; i < r->k; i++) {
            fprintf(f, "%s,%s,%s", sobol ? "sobol" : "morris", coop_sens_output_name(s, o),
                    s->params[i].path);
            const coop_sobol_result *a = outs[o].ok ? outs[o].sobol : NULL;
            const coop_morris_result *m = outs[o].ok ? outs[o].morris : NULL;
            double v[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
            if (a) {
                double w[6] = {a->s1[i], a->s1_lo[i], a->s1_hi[i], a->st[i], a->st_lo[i],
                               a->st_hi[i]};
                memcpy(v, w, sizeof v);
            } else if (m) {
                double w[5] = {m->mu[i], m->mu_star[i], m->mu_star_lo[i], m->mu_star_hi[i],
                               m->sigma[i]};
                memcpy(v, w, sizeof w);
            }
            for (int c = 0; c < (sobol ? 6 : 5); c++)
                put(f, v[c]);
            fputc('\n', f);
        }
}

static void write_s2(FILE *f, const srun *r, const sout *outs)
{
    fputs("output,parameter_1,parameter_2,S2,S2_lo,S2_hi\n", f);
    for (size_t o = 0; o < r->s->n_outputs; o++)
        for (size_t i = 0; i < r->k; i++)
            for (size_t l = i + 1; l < r->k; l++) {
                const coop_sobol_result *a = outs[o].ok ? outs[o].sobol : NULL;
                fprintf(f, "%s,%s,%s", coop_sens_output_name(r->s, o), r->s->params[i].path,
                        r->s->params[l].path);
                put(f, a ? a->s2[i * r->k + l] : NAN);
                put(f, a ? a->s2_lo[i * r->k + l] : NAN);
                put(f, a ? a->s2_hi[i * r->k + l] : NAN);
                fputc('\n', f);
            }
}

static void write_design(FILE *f, const srun *r)
{
    fputs("row,block,matrix", f);
    for (size_t j = 0; j < r->k; j++)
        fprintf(f, ",%s", r->s->params[j].path);
    fputc('\n', f);
    for (size_t i = 0; i < r->rows; i++) {
        fprintf(f, "%zu,%zu,%s", i, i / r->block, r->names[(i % r->block) * (size_t)r->mult]);
        for (size_t j = 0; j < r->k; j++)
            fprintf(f, ",%.17g", r->val[i * r->k + j]);
        fputc('\n', f);
    }
}

static void write_outputs(FILE *f, const srun *r)
{
    fputs("row,output,mean,sd,n\n", f);
    for (size_t i = 0; i < r->rows; i++)
        for (size_t o = 0; o < r->s->n_outputs; o++) {
            coop_summary sm;
            coop_acc_summary(&r->acc[i * r->s->n_outputs + o], &sm);
            fprintf(f, "%zu,%s", i, coop_sens_output_name(r->s, o));
            if (isnan(sm.mean))
                fputs(",NA", f);
            else
                fprintf(f, ",%.17g", sm.mean);
            put(f, sm.sd);
            fprintf(f, ",%ld\n", sm.n);
        }
}

static void write_variance(FILE *f, const srun *r, const sout *outs)
{
    fputs("method,output,replicates,var_total,var_noise,noise_share\n", f);
    for (size_t o = 0; o < r->s->n_outputs; o++) {
        const sout *so = &outs[o];
        fprintf(f, "%s,%s,%d", r->s->method == COOP_SENS_SOBOL ? "sobol" : "morris",
                coop_sens_output_name(r->s, o), r->cfg->replicates);
        double vt = so->ok ? so->var_total : NAN;
        put(f, vt);
        put(f, so->var_noise);
        put(f, so->ok && vt > 0.0 ? so->var_noise / vt : NAN);
        fputc('\n', f);
    }
}

static void write_shares(FILE *f, const srun *r, const sout *outs)
{
    fputs("method,output,sesoi,points,positive,negligible,negative\n", f);
    for (size_t o = 0; o < r->s->n_outputs; o++) {
        if (r->s->outputs[o] < COOP_N_OUTCOMES)
            continue;
        const sout *so = &outs[o];
        fprintf(f, "%s,%s", r->s->method == COOP_SENS_SOBOL ? "sobol" : "morris",
                coop_sens_output_name(r->s, o));
        put(f, so->sesoi);
        fprintf(f, ",%zu", so->n_points);
        for (int c = 0; c < 3; c++)
            put(f, so->share[c]);
        fputc('\n', f);
    }
}

typedef void writer_fn(FILE *f, const srun *r, const sout *outs);

static void design_w(FILE *f, const srun *r, const sout *o) { (void)o; write_design(f, r); }
static void outputs_w(FILE *f, const srun *r, const sout *o) { (void)o; write_outputs(f, r); }

static int write_files(const char *dir, const srun *r, const sout *outs, coop_err *err)
{
    struct { const char *name; writer_fn *fn; } files[] = {
        {"sensitivity.csv", write_indices},         {"sensitivity_design.csv", design_w},
        {"sensitivity_outputs.csv", outputs_w},     {"sensitivity_variance.csv", write_variance},
        {"sensitivity_shares.csv", write_shares}, {"sensitivity_s2.csv", write_s2},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if ((i == 4 && !r->s->paired) ||
            (i == 5 && !(r->s->method == COOP_SENS_SOBOL && r->s->second_order)))
            continue;
        FILE *f = open_in(dir, files[i].name, err);
        if (!f)
            return err->code;
        files[i].fn(f, r, outs);
        int st = close_file(f, files[i].name, err);
        if (st)
            return st;
    }
    return COOP_OK;
}

/* ---- the table ---- */

static const double *rank_key;

static int by_key_desc(const void *a, const void *b)
{
    double x = rank_key[*(const size_t *)a], y = rank_key[*(const size_t *)b];
    if (x != y)
        return x < y ? 1 : -1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void print_output(FILE *t, const srun *r, const sout *so, size_t o)
{
    const coop_sens_cfg *s = r->s;
    int sobol = s->method == COOP_SENS_SOBOL;
    fprintf(t, "\n%s: %s, %zu %s x %d replicate%s", coop_sens_output_name(s, o),
            sobol ? "Sobol' indices" : "Morris screening", r->n_blocks,
            sobol ? "base rows" : "trajectories", r->cfg->replicates,
            r->cfg->replicates == 1 ? "" : "s");
    if (isnan(so->var_noise))
        fputs("; replicate noise not estimated (one replicate)\n", t);
    else
        fprintf(t, "; replicate noise %.2f%% of the variance\n",
                100.0 * so->var_noise / so->var_total);
    size_t order[COOP_SENS_MAX_PARAMS];
    for (size_t i = 0; i < r->k; i++)
        order[i] = i;
    rank_key = sobol ? so->sobol->st : so->morris->mu_star;  /* qsort has no context */
    qsort(order, r->k, sizeof *order, by_key_desc);
    if (!isnan(so->sesoi))
        fprintf(t, "  the effect over the design's %zu evenly spread points: > +%g (SESOI) at "
                "%.1f%%, negligible at %.1f%%, < -%g at %.1f%%\n", so->n_points, so->sesoi,
                100.0 * so->share[0], 100.0 * so->share[1], so->sesoi, 100.0 * so->share[2]);
    fprintf(t, sobol ? "  %-36s %26s %26s\n" : "  %-36s %10s %26s %10s\n", "parameter",
            sobol ? "S1 [interval]" : "mu", sobol ? "ST [interval]" : "mu* [interval]",
            "sigma");
    for (size_t q = 0; q < r->k; q++) {
        size_t i = order[q];
        if (sobol) {
            const coop_sobol_result *a = so->sobol;
            fprintf(t, "  %-36s %8.4f [%7.4f, %7.4f] %8.4f [%7.4f, %7.4f]\n", s->params[i].path,
                    a->s1[i], a->s1_lo[i], a->s1_hi[i], a->st[i], a->st_lo[i], a->st_hi[i]);
        } else {
            const coop_morris_result *m = so->morris;
            fprintf(t, "  %-36s %10.4g %8.4g [%7.4g, %7.4g] %10.4g\n", s->params[i].path,
                    m->mu[i], m->mu_star[i], m->mu_star_lo[i], m->mu_star_hi[i], m->sigma[i]);
        }
    }
}

static void print_table(FILE *t, const srun *r, const sout *outs)
{
    for (size_t o = 0; o < r->s->n_outputs; o++) {
        if (outs[o].ok)
            print_output(t, r, &outs[o], o);
        else
            fprintf(t, "\n%s: no indices: %s\n", coop_sens_output_name(r->s, o), outs[o].why);
    }
}

/* ---- interruption and resume ----
 *
 * Stopped by SIGINT or SIGTERM, the command puts in place a directory with the
 * manifest (status "interrupted") and sensitivity_progress.csv: the accumulators
 * (n, mean, m2 of coop_acc, the floats in C's exact hexadecimal form) of every row
 * of the blocks complete, one line per row and output in row order.  --resume
 * reads them back and runs the remaining blocks; a block's replicates keep their
 * keys and the accumulators their order of addition, so the files come out
 * byte-identical to those of an uninterrupted run (docs/OUTPUT.md). */

#define PROGRESS_FILE "sensitivity_progress.csv"

static void write_progress(FILE *f, const srun *r, const sout *outs)
{
    (void)outs;
    size_t n_out = r->s->n_outputs;
    fputs("row,output,n,mean,m2\n", f);
    for (size_t i = 0; i < r->done * r->block; i++)
        for (size_t o = 0; o < n_out; o++) {
            const coop_acc *a = &r->acc[i * n_out + o];
            fprintf(f, "%zu,%zu,%ld,%a,%a\n", i, o, a->n, a->mean, a->m2);
        }
}

/* Reads DIR/sensitivity_progress.csv into r->acc and r->done. */
static int read_progress(srun *r, const char *dir, coop_err *err)
{
    char path[COOP_PATH_MAX + 64], line[256];
    snprintf(path, sizeof path, "%s/%s", dir, PROGRESS_FILE);
    FILE *f = fopen(path, "r");
    if (!f)
        return COOP_FAIL(err, COOP_EIO, "%s: cannot resume: cannot read %s", dir, path);
    size_t n_out = r->s->n_outputs, cells = 0, lineno = 1;
    int bad = !fgets(line, sizeof line, f) || strcmp(line, "row,output,n,mean,m2\n") != 0;
    while (!bad && fgets(line, sizeof line, f)) {
        char *p = line, *e;
        lineno++;
        size_t i = strtoull(p, &e, 10), o = *e == ',' ? strtoull(e + 1, &e, 10) : 0;
        coop_acc a;
        a.n = *e == ',' ? strtol(e + 1, &e, 10) : -1;
        a.mean = *e == ',' ? strtod(e + 1, &e) : NAN;
        a.m2 = *e == ',' ? strtod(e + 1, &e) : NAN;
        bad = *e != '\n' || i != cells / n_out || o != cells % n_out || a.n < 0 ||
              i >= r->rows;
        if (!bad)
            r->acc[cells++] = a;
    }
    fclose(f);
    if (bad || cells % (r->block * n_out) != 0)
        return COOP_FAIL(err, COOP_EIO, "%s:%zu: damaged (not the checkpoint of this "
                         "sensitivity analysis): start afresh with --force", path, lineno);
    r->done = cells / (r->block * n_out);
    return COOP_OK;
}

/* ---- the command ---- */

static void srun_free(srun *r, sout *outs)
{
    for (size_t o = 0; outs && o < r->s->n_outputs; o++) {
        coop_sobol_result_free(outs[o].sobol);
        coop_morris_result_free(outs[o].morris);
    }
    free(outs);
    free(r->unit);
    free(r->val);
    free(r->acc);
    free(r->names);
    free(r->name_ptr);
    free(r->fact);
    coop_sweep_free(r->sw);
}

static int check_run(const coop_config *cfg, const coop_sens_cfg *s, const coop_run_opts *opts,
                     coop_err *err)
{
    if (cfg->sweep.present)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: a configuration with a sweep group: coopsim "
                         "sensitivity chooses its own points (remove the sweep group)",
                         cfg->source, cfg->sweep.line);
    if (opts->force && opts->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--force and --resume exclude each other (--force "
                         "starts the analysis afresh)");
    size_t block = s->method == COOP_SENS_SOBOL
                       ? (s->second_order ? 2 * s->n_params + 2 : s->n_params + 2)
                       : s->n_params + 1;
    double runs = (double)s->n * (double)block * cfg->replicates;
    if (runs > 2e9)
        return COOP_FAIL(err, COOP_ECONFIG, "%s:%d: sensitivity: %.0f runs (n x rows per block x "
                         "replicates): at most 2e9", cfg->source, s->line, runs);
    return COOP_OK;
}

/* The design of cfg's sensitivity group into r (r->s allocated and loaded). */
static int prepare(srun *r, const coop_config *cfg, const coop_run_opts *opts, coop_err *err)
{
    coop_sens_cfg *s = calloc(1, sizeof *s);
    r->s = s;
    r->cfg = cfg;
    if (!s)
        return COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
    int st = coop_sens_load(cfg, s, err);
    if (!st)
        st = check_run(cfg, s, opts, err);
    return st ? st : make_design(r, err);
}

/* With --resume: what opts->dir holds (docs/OUTPUT.md); an interrupted run's
 * blocks into r. */
static int resume_state(srun *r, const coop_run_opts *opts, coop_resume_state *state,
                        coop_err *err)
{
    *state = COOP_RESUME_FRESH;
    if (!opts->resume)
        return COOP_OK;
    int st = coop_output_resume_state(opts->dir, r->cfg, "sensitivity", state, err);
    if (!st && *state == COOP_RESUME_INTERRUPTED)
        st = read_progress(r, opts->dir, err);
    return st;
}

/* Puts the blocks done in place (coop_output_close, status "interrupted"). */
static int put_interrupted(const srun *r, coop_output *out, coop_run_info *info,
                           const coop_run_opts *opts, coop_err *err)
{
    FILE *f = open_in(coop_output_tmpdir(out), PROGRESS_FILE, err);
    if (!f) {
        coop_output_abort(out);
        return err->code;
    }
    write_progress(f, r, NULL);
    int st = close_file(f, PROGRESS_FILE, err);
    if (st) {
        coop_output_abort(out);
        return st;
    }
    coop_run_info_finish(info, "interrupted");
    if ((st = coop_output_close(out, info, err)))
        return st;
    return COOP_FAIL(err, COOP_EINTR, "interrupted by %s after %zu of %zu %s, written to %s/; "
                     "finish the analysis with: coopsim sensitivity %s/manifest.cfg --resume",
                     coop_drive_signal_name(opts->stop ? *opts->stop : 0), r->done, r->n_blocks,
                     r->s->method == COOP_SENS_SOBOL ? "base rows" : "trajectories", opts->dir,
                     opts->dir);
}

int coop_sens_run(const coop_config *cfg, const coop_run_opts *opts, coop_err *err)
{
    srun r = {0};
    sout *outs = NULL;
    coop_output *out = NULL;
    coop_resume_state state;
    int st;
    if ((st = prepare(&r, cfg, opts, err)) || (st = resume_state(&r, opts, &state, err)))
        goto done;
    if (state == COOP_RESUME_COMPLETE) {
        if (!opts->quiet)
            fprintf(stderr, "coopsim: %s: the sensitivity analysis is complete: nothing to "
                    "resume\n", opts->dir);
        goto done;
    }
    if (!(outs = calloc(r.s->n_outputs, sizeof *outs))) {
        st = COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
        goto done;
    }
    out = coop_output_open_bare(opts->dir, cfg, opts->force || state == COOP_RESUME_INTERRUPTED,
                                err);
    if (!out) {
        st = err->code ? err->code : COOP_EIO;
        goto done;
    }
    coop_run_info info;
    coop_run_info_start(&info, opts->command, coop_experiment_threads(opts->threads));
    info.subcommand = "sensitivity";
    st = r.s->function >= 0 ? run_function(&r, opts->stop, err) : run_simulation(&r, opts, err);
    if (st == COOP_EINTR) {
        st = put_interrupted(&r, out, &info, opts, err);
        out = NULL;
    }
    if (st || (st = analyse(&r, outs, err)) ||
        (st = write_files(coop_output_tmpdir(out), &r, outs, err)))
        goto done;
    coop_run_info_finish(&info, "complete");
    st = coop_output_close(out, &info, err);
    out = NULL;
    if (!st && opts->table)
        print_table(opts->table, &r, outs);
    if (!st && !opts->quiet)
        fprintf(stderr, "coopsim: sensitivity (%s) of '%s': %zu rows x %d replicates, written "
                "to %s/\n", r.s->method == COOP_SENS_SOBOL ? "sobol" : "morris", cfg->name,
                r.rows, cfg->replicates, opts->dir);
done:
    coop_output_abort(out);
    srun_free(&r, outs);
    free(r.s);
    return st;
}

/* ---- the work of a worker rank (build/coopsim-mpi) ---- */

int coop_sens_work(const coop_config *cfg, coop_work *work, coop_err *err)
{
    memset(work, 0, sizeof *work);
    srun *r = calloc(1, sizeof *r);
    coop_run_opts opts = {0};
    if (!r)
        return COOP_FAIL(err, COOP_ENOMEM, "sensitivity: out of memory");
    int st = prepare(r, cfg, &opts, err);
    if (!st && r->s->function < 0)  /* the analytic function runs on rank 0 alone */
        st = build_sweep(r, err);
    if (st || r->s->function >= 0) {
        srun_free(r, NULL);
        free(r->s);
        free(r);
        return st;
    }
    *work = coop_drive_sweep_work(cfg, r->sw, (int)r->block * r->mult, r->name_ptr, make_point,
                                  r);
    work->plan.keep_series = 0;  /* as coop_drive_points_from runs it on rank 0 */
    return COOP_OK;
}

void coop_sens_work_free(coop_work *work)
{
    srun *r = work->ctx;
    if (r) {
        srun_free(r, NULL);
        free(r->s);
        free(r);
    }
    memset(work, 0, sizeof *work);
}
