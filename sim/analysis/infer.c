/* infer.c: `coopsim infer` (coop_infer.h): the simulator the ABC-SMC sampler
 * calls (one model run per particle attempt, on the calling thread's own
 * configuration copy and record), the distance of a run to the targets, the
 * posterior predictive checks, and the files of the results: posterior.csv,
 * generations.csv, models.csv, infer_summary.csv and predictive.csv
 * (docs/OUTPUT.md), with a line per generation and the summary tables; the rows
 * of every generation go to the checkpoint (infer_resume.c) before the next one
 * starts.  The directories are the command's (sim/cli/cmd_infer.c). */
#include "coop_infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "coop_rng.h"

double coop_infer_target_value(const coop_infer_target *t, const coop_record *rec,
                               const double *vmetrics)
{
    if (t->source == COOP_IS_OUTCOME)
        return rec->outcome[t->column];
    if (t->source == COOP_IS_VALIDATION)
        return vmetrics ? vmetrics[t->column] : NAN;
    if (!rec->keep_series)
        return NAN;
    double s = 0.0;
    int n = 0;
    for (int step = t->step_from; step < t->step_to && step < rec->n_steps; step++) {
        double v;
        if (t->source == COOP_IS_ACTOR)
            v = rec->actor[((size_t)step * rec->n_actors + (size_t)t->index) * COOP_ACTOR_METRICS +
                           (size_t)t->column];
        else if (t->source == COOP_IS_POPULATION)
            v = rec->pop[(size_t)step * COOP_POP_METRICS + (size_t)t->column];
        else
            v = rec->tie[((size_t)step * rec->n_ties + (size_t)t->index) *
                             (COOP_TIE_METRICS + rec->n_obs) + (size_t)t->column];
        if (!isnan(v)) {
            s += v;
            n++;
        }
    }
    return n > 0 ? s / n : NAN;
}

double coop_infer_distance(const coop_infer *inf, const coop_config *cfg, const coop_record *rec)
{
    double d2 = 0.0, vm[COOP_V_N];
    if (inf->use_validation)
        coop_validate_replicate(&inf->validation, cfg, rec, vm);
    for (int k = 0; k < inf->n_targets; k++) {
        const coop_infer_target *t = &inf->target[k];
        double v = coop_infer_target_value(t, rec, inf->use_validation ? vm : NULL);
        if (isnan(v))
            return INFINITY;
        double z = (v - t->observed) / t->scale;
        d2 += z * z;
    }
    return sqrt(d2);
}

/* ---- the simulator ---- */

typedef struct slot {
    coop_config cfg;   /* the run's configuration (a copy, parameters set) */
    coop_record *rec;
} slot;

typedef struct sim_ctx {
    const coop_infer *inf;
    coop_config *model_cfg;  /* per model: the configuration with its overrides */
    slot *slots;             /* per thread */
    int n_slots;
    const volatile sig_atomic_t *stop;
} sim_ctx;

/* One run of model m at theta with key, on the calling thread's slot (whose cfg
 * and rec then hold the run's configuration and record). */
static int run_at(sim_ctx *c, int m, const double *theta, uint64_t key, slot **out, coop_err *err)
{
    if (c->stop && *c->stop)
        return COOP_FAIL(err, COOP_EINTR, "interrupted");
    int tid = omp_get_thread_num();
    if (tid >= c->n_slots)
        return COOP_FAIL(err, COOP_EINVAL, "thread %d has no slot", tid);
    slot *s = &c->slots[tid];
    const coop_infer_model *md = &c->inf->model[m];
    coop_config_destroy(&s->cfg);
    int st = coop_config_copy(&s->cfg, &c->model_cfg[m], err);
    for (int j = 0; j < md->n_free && !st; j++) {
        const coop_infer_param *p = &c->inf->param[md->free_param[j]];
        if ((st = coop_config_set_param(&s->cfg, &p->ref, COOP_OP_SET, theta[j], err))) {
            char why[COOP_ERR_MAX];
            snprintf(why, sizeof why, "%s", err->text);
            COOP_FAIL(err, st, "%s = %.17g: %s", p->path, theta[j], why);
        }
    }
    if (st)
        return st;
    coop_model *model = coop_model_alloc(&s->cfg, err);
    if (!model)
        return err->code ? err->code : COOP_ENOMEM;
    coop_model_set_threads(model, 1);
    coop_model_run(model, key, s->rec);
    coop_model_free(model);
    *out = s;
    return COOP_OK;
}

static int infer_sim(void *vctx, int m, const double *theta, uint64_t key, double *distance,
                     coop_err *err)
{
    sim_ctx *c = vctx;
    slot *s;
    int st = run_at(c, m, theta, key, &s, err);
    if (!st)
        *distance = coop_infer_distance(c->inf, &s->cfg, s->rec);
    return st;
}

static void ctx_free(sim_ctx *c)
{
    for (int m = 0; c->model_cfg && m < c->inf->n_models; m++)
        coop_config_destroy(&c->model_cfg[m]);
    for (int t = 0; c->slots && t < c->n_slots; t++) {
        coop_config_destroy(&c->slots[t].cfg);
        coop_record_free(c->slots[t].rec);
    }
    free(c->model_cfg);
    free(c->slots);
}

static int ctx_init(sim_ctx *c, const coop_infer *inf, const coop_config *cfg, int threads,
                    coop_err *err)
{
    memset(c, 0, sizeof *c);
    c->inf = inf;
    /* Under MPI rank 0's generations run on threads 1 .. threads (thread 0 serves
     * the worker ranks: coop_experiment_farm), so one slot more. */
    threads += coop_experiment_ranks() > 1 && coop_experiment_rank() == 0;
    c->n_slots = threads;
    c->model_cfg = calloc((size_t)inf->n_models, sizeof *c->model_cfg);
    c->slots = calloc((size_t)threads, sizeof *c->slots);
    if (!c->model_cfg || !c->slots)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    for (int m = 0; m < inf->n_models; m++) {
        int st = coop_config_copy(&c->model_cfg[m], cfg, err);
        for (int k = 0; k < inf->model[m].n_set && !st; k++)
            st = coop_config_set_param(&c->model_cfg[m], &inf->model[m].set_ref[k], COOP_OP_SET,
                                       inf->model[m].set_value[k], err);
        if (st)
            return st;
    }
    for (int t = 0; t < threads; t++)
        if (!(c->slots[t].rec = coop_record_alloc(cfg, inf->keep_series)))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    return COOP_OK;
}

/* ---- posterior predictive checks ---- */

/* Every target's value in the slot's run into v[0 .. n_targets-1]. */
static void target_values(const coop_infer *inf, const slot *s, double *v)
{
    double vm[COOP_V_N];
    if (inf->use_validation)
        coop_validate_replicate(&inf->validation, &s->cfg, s->rec, vm);
    for (int k = 0; k < inf->n_targets; k++)
        v[k] = coop_infer_target_value(&inf->target[k], s->rec, inf->use_validation ? vm : NULL);
}

/* n draws of model m's particles of g (systematic resampling, u from the model's
 * own seed), one fresh run each (key coop_rng_key(seed, COOP_INFER_PPC_POINT + m,
 * j)); their target values into v[j * n_targets + k]. */
static int predictive_runs(sim_ctx *c, const coop_abc_gen *g, int m, int n, int threads,
                           double *v, coop_err *err)
{
    const coop_infer *inf = c->inf;
    int np = 0, *idx = malloc((size_t)n * sizeof *idx), *who = malloc((size_t)g->n * sizeof *who);
    double *w = malloc((size_t)g->n * sizeof *w);
    int *status = calloc((size_t)n, sizeof *status);
    coop_err *errs = calloc((size_t)n, sizeof *errs);
    int st = (!idx || !who || !w || !status || !errs) ? COOP_FAIL(err, COOP_ENOMEM, "out of memory")
                                                     : COOP_OK;
    for (int i = 0; !st && i < g->n; i++)
        if (g->model[i] == m) {
            who[np] = i;
            w[np++] = g->weight[i];
        }
    if (!st) {
        uint32_t point = COOP_INFER_PPC_POINT + (uint32_t)m;
        double u = coop_rng_seed(inf->seed, point, 0, COOP_STREAM_ABC) / 4294967296.0;
        coop_abc_systematic(w, np, n, u, idx);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int j = 0; j < n; j++) {
            slot *s;
            const double *theta = &g->theta[(size_t)who[idx[j]] * g->stride];
            status[j] = run_at(c, m, theta, coop_rng_key(inf->seed, point, (uint32_t)j), &s,
                               &errs[j]);
            if (!status[j])
                target_values(inf, s, &v[(size_t)j * inf->n_targets]);
        }
        for (int j = 0; j < n && !st; j++)
            if ((st = status[j]))
                *err = errs[j];
    }
    free(idx);
    free(who);
    free(w);
    free(status);
    free(errs);
    return st;
}

/* predictive.csv: per model with particles and target, the observed value against
 * the posterior predictive distribution of n fresh runs. */
static int write_predictive(sim_ctx *c, const coop_abc_gen *g, int threads, FILE *f, FILE *table,
                            coop_err *err)
{
    const coop_infer *inf = c->inf;
    int n = inf->predictive, nt = inf->n_targets, st = COOP_OK;
    double *v = malloc((size_t)n * (size_t)nt * sizeof *v), *x = malloc((size_t)n * sizeof *x);
    double *one = malloc((size_t)n * sizeof *one);
    if (!v || !x || !one)
        st = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    fputs("model,target,observed,mean,sd,q2.5,q50,q97.5,p_below,inside\n", f);
    if (table && !st)
        fprintf(table, "posterior predictive checks (%d runs per model):\n%-12s %-36s %10s %10s "
                "%10s %10s %7s\n", n, "model", "target", "observed", "q2.5", "q97.5", "p_below",
                "inside");
    for (int m = 0; !st && m < inf->n_models; m++) {
        if (!(g->model_prob[m] > 0.0) || (st = predictive_runs(c, g, m, n, threads, v, err)))
            continue;
        for (int k = 0; k < nt; k++) {
            int below = 0, nx = 0;
            double o = inf->target[k].observed, mean, sd;
            for (int j = 0; j < n; j++)
                if (!isnan(v[(size_t)j * nt + k])) {
                    x[nx] = v[(size_t)j * nt + k];
                    one[nx++] = 1.0;
                    below += x[nx - 1] <= o;
                }
            coop_abc_moments(x, 1, one, NULL, 0, nx, &mean, &sd);
            double lo = coop_abc_quantile(x, one, nx, 0.025);
            double hi = coop_abc_quantile(x, one, nx, 0.975);
            double p = nx > 0 ? (double)below / nx : NAN;
            int inside = o >= lo && o <= hi;
            fprintf(f, "%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%s\n", inf->model[m].name,
                    inf->target[k].metric, o, mean, sd, lo, coop_abc_quantile(x, one, nx, 0.5), hi,
                    p, nx ? (inside ? "true" : "false") : "NA");
            if (table)
                fprintf(table, "%-12s %-36s %10.4g %10.4g %10.4g %7.3f %7s\n", inf->model[m].name,
                        inf->target[k].metric, o, lo, hi, p, inside ? "yes" : "no");
        }
    }
    free(v);
    free(x);
    free(one);
    return st;
}

/* ---- output ---- */

/* The rows go to the checkpoint's .part files (posterior, generations, models),
 * checkpointed after every generation and copied into the final files at the end. */
typedef struct writer {
    const coop_infer *inf;
    const coop_infer_ckpt *ck;
    coop_infer_parts parts;
    FILE *posterior, *generations, *models; /* parts.f[0 .. 2] */
    int published;                          /* ck->publish done (or not needed) */
    FILE *progress;
    const volatile sig_atomic_t *stop;
} writer;

static void write_headers(writer *w)
{
    fputs("generation,model,particle,weight,distance", w->posterior);
    for (int j = 0; j < w->inf->n_params; j++)
        fprintf(w->posterior, ",%s", w->inf->param[j].path);
    fputc('\n', w->posterior);
    fputs("generation,tolerance,simulations,proposals,acceptance_rate,ess\n", w->generations);
    fputs("generation,model,probability,particles,bayes_factor\n", w->models);
}

/* Checkpoints the first n generations; the first checkpoint of a fresh run with
 * a generation in it puts the checkpoint in place. */
static int checkpoint(writer *w, int n, coop_err *err)
{
    int st = coop_infer_parts_checkpoint(&w->parts, n, err);
    if (!st && n > 0 && !w->published) {
        w->published = 1;
        if (w->ck->publish)
            st = w->ck->publish(w->ck->ctx, err);
    }
    return st;
}

/* The Bayes factor of model m against model 0: posterior odds over prior odds. */
static double bayes_factor(const coop_infer *inf, const coop_abc_gen *g, int m)
{
    return (g->model_prob[m] / g->model_prob[0]) /
           (inf->model[m].prior_prob / inf->model[0].prior_prob);
}

static int write_gen(void *ctx, const coop_abc_gen *g, coop_err *err)
{
    writer *w = ctx;
    const coop_infer *inf = w->inf;
    for (int i = 0; i < g->n; i++) {
        const coop_infer_model *md = &inf->model[g->model[i]];
        double row[COOP_ABC_MAX_PARAMS];
        for (int j = 0; j < inf->n_params; j++)
            row[j] = NAN;
        for (int j = 0; j < md->n_free; j++)
            row[md->free_param[j]] = g->theta[(size_t)i * g->stride + j];
        fprintf(w->posterior, "%d,%s,%d,%.17g,%.17g", g->generation, md->name, i, g->weight[i],
                g->distance[i]);
        for (int j = 0; j < inf->n_params; j++)
            if (isnan(row[j]))
                fputc(',', w->posterior);
            else
                fprintf(w->posterior, ",%.17g", row[j]);
        fputc('\n', w->posterior);
    }
    fprintf(w->generations, "%d,%.17g,%lld,%lld,%.17g,%.17g\n", g->generation, g->tolerance,
            g->simulations, g->proposals, g->acceptance, g->ess);
    for (int m = 0; m < inf->n_models; m++) {
        int n = 0;
        for (int i = 0; i < g->n; i++)
            n += g->model[i] == m;
        fprintf(w->models, "%d,%s,%.17g,%d,%.17g\n", g->generation, inf->model[m].name,
                g->model_prob[m], n, bayes_factor(inf, g, m));
    }
    if (ferror(w->posterior) || ferror(w->generations) || ferror(w->models))
        return COOP_FAIL(err, COOP_EIO, "cannot write the inference results");
    int st = checkpoint(w, g->generation + 1, err);
    if (st)
        return st;
    if (w->progress) {
        fprintf(w->progress, "coopsim: generation %d: tolerance %.4g, %lld simulations, "
                "acceptance %.3g, ESS %.0f", g->generation, g->tolerance, g->simulations,
                g->acceptance, g->ess);
        for (int m = 0; inf->n_models > 1 && m < inf->n_models; m++)
            fprintf(w->progress, ", P(%s) %.3f", inf->model[m].name, g->model_prob[m]);
        fputc('\n', w->progress);
    }
    if (w->stop && *w->stop)
        return COOP_FAIL(err, COOP_EINTR, "interrupted");
    return COOP_OK;
}

/* Per model and parameter of the final generation g: prior and posterior moments,
 * quantiles and the contraction 1 - posterior var / prior var. */
static void write_summary(FILE *f, FILE *table, const coop_infer *inf, const coop_abc_gen *g)
{
    fputs("model,parameter,prior,prior_mean,prior_sd,mean,sd,q2.5,q50,q97.5,contraction\n", f);
    double *x = malloc((size_t)g->n * sizeof *x), *w = malloc((size_t)g->n * sizeof *w);
    if (!x || !w) {
        free(x);
        free(w);
        return;
    }
    if (table)
        fprintf(table, "%-12s %-40s %10s %10s %10s %10s %10s %8s\n", "model", "parameter",
                "mean", "sd", "q2.5", "q50", "q97.5", "contract");
    for (int m = 0; m < inf->n_models; m++) {
        const coop_infer_model *md = &inf->model[m];
        for (int j = 0; j < md->n_free; j++) {
            const coop_prior *p = &md->free_prior[j];
            int n = 0;
            for (int i = 0; i < g->n; i++)
                if (g->model[i] == m) {
                    x[n] = g->theta[(size_t)i * g->stride + j];
                    w[n++] = g->weight[i];
                }
            double mean, sd, pm = coop_prior_mean(p), ps = coop_prior_sd(p);
            coop_abc_moments(x, 1, w, NULL, 0, n, &mean, &sd);
            double q[3] = {coop_abc_quantile(x, w, n, 0.025), coop_abc_quantile(x, w, n, 0.5),
                           coop_abc_quantile(x, w, n, 0.975)};
            double contraction = 1.0 - (sd * sd) / (ps * ps);
            fprintf(f, "%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", md->name,
                    inf->param[md->free_param[j]].path, coop_prior_name(p->kind), pm, ps, mean,
                    sd, q[0], q[1], q[2], contraction);
            if (table)
                fprintf(table, "%-12s %-40s %10.4g %10.4g %10.4g %10.4g %10.4g %8.3f\n", md->name,
                        inf->param[md->free_param[j]].path, mean, sd, q[0], q[1], q[2],
                        contraction);
        }
    }
    free(x);
    free(w);
}

static FILE *open_in(const char *dir, const char *name)
{
    char path[COOP_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return fopen(path, "w");
}

static int close_synced(FILE *f)
{
    if (!f)
        return -1;
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* The sampler's specification of inf on threads threads (models: its models). */
static coop_abc_spec make_spec(const coop_infer *inf, int threads, coop_abc_model *models)
{
    for (int m = 0; m < inf->n_models; m++)
        models[m] = (coop_abc_model){inf->model[m].n_free, inf->model[m].free_prior,
                                     inf->model[m].prior_prob};
    coop_abc_spec spec = {inf->n_models, models, inf->population, inf->quantile,
                          inf->min_tolerance, inf->max_generations, inf->max_simulations,
                          inf->model_stay, inf->seed, threads};
    return spec;
}

/* Runs the sampler with the files of w open, from generation start->generation
 * on (NULL: from the beginning; taken), `used` simulations so far; writes the
 * summary into dir. */
static int sample(const coop_config *cfg, const coop_infer *inf, const coop_run_opts *opts,
                  writer *w, const char *dir, coop_abc_gen *start, long long used,
                  coop_err *err)
{
    int threads = coop_experiment_threads(opts->threads);
    coop_abc_model models[COOP_ABC_MAX_MODELS];
    coop_abc_spec spec = make_spec(inf, threads, models);
    sim_ctx sc;
    int st = ctx_init(&sc, inf, cfg, threads, err);
    sc.stop = opts->stop;
    coop_abc_gen *last = NULL;
    coop_abc_stop why = COOP_ABC_MAX_GENERATIONS;
    if (!st)
        st = coop_abc_run_from(&spec, start, used, infer_sim, &sc, write_gen, w, &last, &why,
                               err);
    else
        coop_abc_gen_free(start);
    if (st) {
        ctx_free(&sc);
        return st;
    }
    FILE *f = open_in(dir, "infer_summary.csv");
    if (opts->table)
        fprintf(opts->table, "coopsim infer: %d generations, stopped by %s; final tolerance "
                "%.4g, ESS %.0f\n", last->generation + 1, coop_abc_stop_name(why),
                last->tolerance, last->ess);
    if (f)
        write_summary(f, opts->table, inf, last);
    for (int m = 0; opts->table && inf->n_models > 1 && m < inf->n_models; m++)
        fprintf(opts->table, "P(%s) = %.4f, Bayes factor against %s %.4g\n", inf->model[m].name,
                last->model_prob[m], inf->model[0].name, bayes_factor(inf, last, m));
    FILE *pf = inf->predictive > 0 ? open_in(dir, "predictive.csv") : NULL;
    if (inf->predictive > 0) {
        st = pf ? write_predictive(&sc, last, threads, pf, opts->table, err)
                : COOP_FAIL(err, COOP_EIO, "cannot create %s/predictive.csv", dir);
        if (close_synced(pf) && !st)
            st = COOP_FAIL(err, COOP_EIO, "cannot write %s/predictive.csv", dir);
    }
    ctx_free(&sc);
    coop_abc_gen_free(last);
    if (close_synced(f) && !st)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s/infer_summary.csv", dir);
    return st;
}

/* The checkpoint's files: created with their headers, or with ck->resume the
 * interrupted run's, cut back to its last checkpoint (*start its last complete
 * generation, *used its simulations; NULL and 0 when it finished none). */
static int begin_parts(writer *w, coop_abc_gen **start, long long *used, coop_err *err)
{
    const coop_infer_ckpt *ck = w->ck;
    *start = NULL;
    *used = 0;
    int st = ck->resume ? coop_infer_parts_resume(&w->parts, ck->dir, err)
                        : coop_infer_parts_create(&w->parts, ck->dir, err);
    w->posterior = w->parts.f[0];
    w->generations = w->parts.f[1];
    w->models = w->parts.f[2];
    if (!st && !ck->resume) {
        write_headers(w);
        return coop_infer_parts_checkpoint(&w->parts, 0, err);
    }
    w->published = 1;
    if (!st)
        st = coop_infer_read_state(w->inf, ck->dir, start, used, err);
    int n = *start ? (*start)->generation + 1 : 0;
    if (!st && w->parts.generations < 0) /* an older coopsim's: its files are whole */
        st = coop_infer_parts_checkpoint(&w->parts, n, err);
    else if (!st && n != w->parts.generations)
        st = COOP_FAIL(err, COOP_EIO, "cannot resume: %s/generations.csv.part has %d "
                       "generations, its checkpoint %d; start afresh with --force", ck->dir, n,
                       w->parts.generations);
    if (st) {
        coop_abc_gen_free(*start);
        *start = NULL;
        return st;
    }
    if (w->progress && *start)
        fprintf(w->progress, "coopsim: resuming after generation %d (%lld simulations)\n",
                (*start)->generation, *used);
    return COOP_OK;
}

/* The complete inference's posterior.csv, generations.csv and models.csv in dir:
 * copies of the checkpoint's .part files. */
static int copy_parts(const writer *w, const char *dir, coop_err *err)
{
    int st = COOP_OK;
    for (int k = 0; k < COOP_INFER_PARTS && !st; k++) {
        FILE *f = open_in(dir, coop_infer_part_name[k]);
        st = f ? coop_infer_copy_part(w->ck->dir, coop_infer_part_name[k], f, err)
               : COOP_FAIL(err, COOP_EIO, "cannot create %s/%s", dir, coop_infer_part_name[k]);
        if (close_synced(f) && !st)
            st = COOP_FAIL(err, COOP_EIO, "cannot write %s/%s", dir, coop_infer_part_name[k]);
    }
    return st;
}

int coop_infer_write(const coop_config *cfg, const coop_infer *inf, const coop_run_opts *opts,
                     const char *dir, const coop_infer_ckpt *ck, coop_err *err)
{
    writer w = {.inf = inf, .ck = ck, .progress = opts->quiet ? NULL : stderr,
                .stop = opts->stop};
    coop_abc_gen *start = NULL;
    long long used = 0;
    int st = begin_parts(&w, &start, &used, err);
    if (!st)
        st = sample(cfg, inf, opts, &w, dir, start, used, err);
    if (!st)
        st = copy_parts(&w, dir, err);
    if (coop_infer_parts_close(&w.parts) && !st)
        st = COOP_FAIL(err, COOP_EIO, "cannot write the inference's checkpoint in %s", ck->dir);
    return st;
}

/* ---- the work of a worker rank (build/coopsim-mpi) ---- */

typedef struct infer_work {
    coop_infer inf;
    coop_abc_model models[COOP_ABC_MAX_MODELS];
    coop_abc_spec spec;
    sim_ctx sc;
    int have_sc;
    coop_abc_worker worker;
    coop_farm farm;
} infer_work;

int coop_infer_work(const coop_config *cfg, int threads, const volatile sig_atomic_t *stop,
                    coop_work *work, coop_err *err)
{
    memset(work, 0, sizeof *work);
    infer_work *w = calloc(1, sizeof *w);
    if (!w)
        return COOP_FAIL(err, COOP_ENOMEM, "infer: out of memory");
    int nt = coop_experiment_threads(threads);
    int st = coop_infer_load(cfg, &w->inf, err);
    if (!st) {
        w->spec = make_spec(&w->inf, nt, w->models);
        w->have_sc = 1;
        st = ctx_init(&w->sc, &w->inf, cfg, nt, err);
        w->sc.stop = stop;
    }
    w->worker = (coop_abc_worker){&w->spec, infer_sim, &w->sc};
    w->farm = coop_abc_farm(&w->worker);
    work->ctx = w;
    work->farm = &w->farm;
    if (st)
        coop_infer_work_free(work);
    return st;
}

void coop_infer_work_free(coop_work *work)
{
    infer_work *w = work->ctx;
    if (w && w->have_sc)
        ctx_free(&w->sc);
    free(w);
    memset(work, 0, sizeof *work);
}
