/* abc.c: the ABC-SMC sampler (coop_abc.h): per-model perturbation kernels,
 * proposals, importance weights, adaptive tolerances and the stopping rule.  The
 * simulator is the caller's; everything here is a pure function of the
 * specification, the previous generation and the seeds. */
#include "coop_abc.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "coop_rng.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- generations ---- */

coop_abc_gen *coop_abc_gen_alloc(int n, int stride, int n_models)
{
    coop_abc_gen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    size_t cells = (size_t)n * (size_t)(stride > 0 ? stride : 1);
    g->n = n;
    g->stride = stride;
    g->n_models = n_models;
    g->model = calloc((size_t)n, sizeof *g->model);
    g->theta = malloc(cells * sizeof *g->theta);
    g->weight = calloc((size_t)n, sizeof *g->weight);
    g->distance = calloc((size_t)n, sizeof *g->distance);
    g->model_prob = calloc((size_t)n_models, sizeof *g->model_prob);
    if (!g->model || !g->theta || !g->weight || !g->distance || !g->model_prob) {
        coop_abc_gen_free(g);
        return NULL;
    }
    for (size_t k = 0; k < cells; k++)
        g->theta[k] = NAN;
    return g;
}

void coop_abc_gen_free(coop_abc_gen *g)
{
    if (!g)
        return;
    free(g->model);
    free(g->theta);
    free(g->weight);
    free(g->distance);
    free(g->model_prob);
    free(g);
}

static int max_params(const coop_abc_spec *s)
{
    int d = 0;
    for (int m = 0; m < s->n_models; m++)
        if (s->models[m].n_params > d)
            d = s->models[m].n_params;
    return d;
}

int coop_abc_check(const coop_abc_spec *s, coop_err *err)
{
    if (s->n_models < 1 || s->n_models > COOP_ABC_MAX_MODELS)
        return COOP_FAIL(err, COOP_ECONFIG, "models: %d (allowed 1 .. %d)", s->n_models,
                         COOP_ABC_MAX_MODELS);
    if (s->n_particles < 2)
        return COOP_FAIL(err, COOP_ECONFIG, "population size %d (allowed >= 2)",
                         s->n_particles);
    if (!(s->alpha > 0.0 && s->alpha < 1.0))
        return COOP_FAIL(err, COOP_ECONFIG, "quantile %g (allowed (0, 1))", s->alpha);
    if (!(s->min_tolerance >= 0.0))
        return COOP_FAIL(err, COOP_ECONFIG, "min_tolerance %g (allowed >= 0)",
                         s->min_tolerance);
    if (s->max_generations < 1)
        return COOP_FAIL(err, COOP_ECONFIG, "max_generations %d (allowed >= 1)",
                         s->max_generations);
    if (s->max_simulations < s->n_particles)
        return COOP_FAIL(err, COOP_ECONFIG, "max_simulations %lld (allowed >= the "
                         "population size, %d)", s->max_simulations, s->n_particles);
    if (!(s->model_stay >= 0.0 && s->model_stay <= 1.0))
        return COOP_FAIL(err, COOP_ECONFIG, "model_stay %g (allowed [0, 1])", s->model_stay);
    for (int m = 0; m < s->n_models; m++) {
        const coop_abc_model *md = &s->models[m];
        if (md->n_params < 0 || md->n_params > COOP_ABC_MAX_PARAMS)
            return COOP_FAIL(err, COOP_ECONFIG, "model %d: %d parameters (allowed 0 .. %d)",
                             m, md->n_params, COOP_ABC_MAX_PARAMS);
        if (!(md->prior_prob > 0.0) || !isfinite(md->prior_prob))
            return COOP_FAIL(err, COOP_ECONFIG, "model %d: prior probability %g (allowed > 0)",
                             m, md->prior_prob);
        for (int j = 0; j < md->n_params; j++)
            if (coop_prior_check(&md->priors[j], err) != COOP_OK)
                return COOP_FAIL(err, COOP_ECONFIG, "model %d, parameter %d: %s", m, j,
                                 err ? err->text : "invalid prior");
    }
    return COOP_OK;
}

double coop_abc_next_tolerance(const coop_abc_spec *s, const coop_abc_gen *prev)
{
    double q = coop_abc_quantile(prev->distance, prev->weight, prev->n, s->alpha);
    if (q >= prev->tolerance) { /* discrete distances: the next level down */
        q = prev->tolerance;
        double below = -INFINITY;
        for (int i = 0; i < prev->n; i++)
            if (prev->distance[i] < prev->tolerance && prev->distance[i] > below)
                below = prev->distance[i];
        if (below > -INFINITY)
            q = below;
    }
    return q > s->min_tolerance ? q : s->min_tolerance;
}

/* ---- per-model kernels ---- */

/* Model m's particles in the previous generation and the Gaussian kernel
 * N(., 2 Sigma_m) around them: L the Cholesky factor of 2 Sigma_m (lower, d x d,
 * row-major), or of its diagonal when 2 Sigma_m is not positive definite, each
 * variance at least (1e-3 prior sd)^2. */
typedef struct kernel {
    int d, n;
    int *idx;           /* the model's particles in prev */
    double *w;          /* their weights normalised within the model */
    double *L;
    double log_norm;    /* -(d/2) log(2 pi) - sum log L_kk */
    gsl_ran_discrete_t *pick;
} kernel;

typedef struct proposal_state {
    const coop_abc_spec *spec;
    const coop_abc_gen *prev;
    int alive[COOP_ABC_MAX_MODELS];
    int n_alive;
    double q_model[COOP_ABC_MAX_MODELS]; /* q(m) = sum_m' p(m') KM(m | m') */
    gsl_ran_discrete_t *pick_model;
    kernel k[COOP_ABC_MAX_MODELS];
} proposal_state;

/* In-place Cholesky of the d x d symmetric a (lower triangle); 0 unless a is not
 * positive definite.  (Written out: a pure function must not reach GSL's global
 * error handler, which aborts by default.) */
static int cholesky(double *a, int d)
{
    for (int j = 0; j < d; j++) {
        double s = a[j * d + j];
        for (int k = 0; k < j; k++)
            s -= a[j * d + k] * a[j * d + k];
        if (!(s > 0.0) || !isfinite(s))
            return -1;
        a[j * d + j] = sqrt(s);
        for (int i = j + 1; i < d; i++) {
            double t = a[i * d + j];
            for (int k = 0; k < j; k++)
                t -= a[i * d + k] * a[j * d + k];
            a[i * d + j] = t / a[j * d + j];
        }
        for (int k = j + 1; k < d; k++)
            a[j * d + k] = 0.0;
    }
    return 0;
}

/* The weighted covariance of kernel k's particles, doubled, into k->L, factored. */
static void kernel_factor(kernel *k, const coop_abc_gen *prev, const coop_prior *priors)
{
    int d = k->d;
    double mu[COOP_ABC_MAX_PARAMS] = {0};
    for (int a = 0; a < k->n; a++)
        for (int p = 0; p < d; p++)
            mu[p] += k->w[a] * prev->theta[(size_t)k->idx[a] * prev->stride + p];
    for (int p = 0; p < d; p++)
        for (int q = 0; q <= p; q++) {
            double c = 0.0;
            for (int a = 0; a < k->n; a++) {
                const double *t = &prev->theta[(size_t)k->idx[a] * prev->stride];
                c += k->w[a] * (t[p] - mu[p]) * (t[q] - mu[q]);
            }
            k->L[p * d + q] = k->L[q * d + p] = 2.0 * c;
        }
    double diag[COOP_ABC_MAX_PARAMS];
    for (int p = 0; p < d; p++) {
        double fl = 1e-3 * coop_prior_sd(&priors[p]);
        diag[p] = fmax(k->L[p * d + p], fl * fl);
    }
    if (cholesky(k->L, d) != 0) {
        memset(k->L, 0, (size_t)d * d * sizeof *k->L);
        for (int p = 0; p < d; p++)
            k->L[p * d + p] = sqrt(diag[p]);
    }
    k->log_norm = -0.5 * d * log(2.0 * M_PI);
    for (int p = 0; p < d; p++)
        k->log_norm -= log(k->L[p * d + p]);
}

static void state_free(proposal_state *st)
{
    gsl_ran_discrete_free(st->pick_model);
    for (int m = 0; m < COOP_ABC_MAX_MODELS; m++) {
        free(st->k[m].idx);
        free(st->k[m].w);
        free(st->k[m].L);
        gsl_ran_discrete_free(st->k[m].pick);
    }
}

/* KM(to | from): stay with probability model_stay (1 when from is the only live
 * model), else move uniformly to another live model. */
static double model_kernel(const proposal_state *st, int from, int to)
{
    if (st->n_alive == 1)
        return from == to ? 1.0 : 0.0;
    if (!st->alive[to])
        return 0.0;
    return from == to ? st->spec->model_stay
                      : (1.0 - st->spec->model_stay) / (st->n_alive - 1);
}

static int state_init(proposal_state *st, const coop_abc_spec *s, const coop_abc_gen *prev)
{
    memset(st, 0, sizeof *st);
    st->spec = s;
    st->prev = prev;
    for (int m = 0; m < s->n_models; m++) {
        st->alive[m] = prev->model_prob[m] > 0.0;
        st->n_alive += st->alive[m];
    }
    st->pick_model = gsl_ran_discrete_preproc((size_t)s->n_models, prev->model_prob);
    if (!st->pick_model)
        return COOP_ENOMEM;
    for (int m = 0; m < s->n_models; m++) {
        st->q_model[m] = 0.0;
        for (int f = 0; f < s->n_models; f++)
            st->q_model[m] += prev->model_prob[f] * model_kernel(st, f, m);
        kernel *k = &st->k[m];
        k->d = s->models[m].n_params;
        if (!st->alive[m])
            continue;
        k->idx = malloc((size_t)prev->n * sizeof *k->idx);
        k->w = malloc((size_t)prev->n * sizeof *k->w);
        k->L = malloc((size_t)(k->d > 0 ? k->d * k->d : 1) * sizeof *k->L);
        if (!k->idx || !k->w || !k->L)
            return COOP_ENOMEM;
        for (int i = 0; i < prev->n; i++)
            if (prev->model[i] == m) {
                k->idx[k->n] = i;
                k->w[k->n++] = prev->weight[i] / prev->model_prob[m];
            }
        k->pick = gsl_ran_discrete_preproc((size_t)k->n, k->w);
        if (!k->pick)
            return COOP_ENOMEM;
        kernel_factor(k, prev, s->models[m].priors);
    }
    return COOP_OK;
}

/* log sum_j w_j N(theta; theta_j, L L^T), by log-sum-exp. */
static double kernel_log_pdf(const kernel *k, const coop_abc_gen *prev, const double *theta)
{
    int d = k->d;
    double best = -INFINITY, sum = 0.0;
    double *e = malloc((size_t)k->n * sizeof *e);
    if (!e)
        return NAN;
    for (int a = 0; a < k->n; a++) {
        const double *t = &prev->theta[(size_t)k->idx[a] * prev->stride];
        double y[COOP_ABC_MAX_PARAMS], q = 0.0;
        for (int p = 0; p < d; p++) { /* solve L y = theta - t */
            double r = theta[p] - t[p];
            for (int c = 0; c < p; c++)
                r -= k->L[p * d + c] * y[c];
            y[p] = r / k->L[p * d + p];
            q += y[p] * y[p];
        }
        e[a] = k->w[a] > 0.0 ? log(k->w[a]) - 0.5 * q : -INFINITY;
        if (e[a] > best)
            best = e[a];
    }
    for (int a = 0; a < k->n; a++)
        sum += exp(e[a] - best);
    free(e);
    return k->log_norm + best + log(sum);
}

/* ---- particles ---- */

/* log pi(theta | m), -inf outside the support. */
static double log_prior(const coop_abc_model *md, const double *theta)
{
    double lp = 0.0;
    for (int j = 0; j < md->n_params; j++) {
        double p = coop_prior_pdf(&md->priors[j], theta[j]);
        if (!(p > 0.0))
            return -INFINITY;
        lp += log(p);
    }
    return lp;
}

/* One proposal (m, theta) inside the priors' support, from generation 0's prior
 * or from the state's kernels; *log_w the log importance weight (before
 * normalisation) without its parameter-kernel term, which run_particle subtracts
 * once the proposal is accepted (the costly sum over the previous population is
 * then paid once per particle, not once per proposal); counts the proposals
 * drawn into *proposals. */
static void propose(const proposal_state *st, const coop_abc_spec *s, const double *model_prior,
                    gsl_rng *r, int *m_out, double *theta, double *log_w, long long *proposals)
{
    for (;;) {
        ++*proposals;
        int m;
        if (!st) {
            double u = gsl_rng_uniform(r), c = 0.0;
            for (m = 0; m < s->n_models - 1; m++)
                if ((c += model_prior[m]) > u)
                    break;
            const coop_abc_model *md = &s->models[m];
            for (int j = 0; j < md->n_params; j++)
                theta[j] = coop_prior_draw(&md->priors[j], r);
            *m_out = m;
            *log_w = 0.0;
            return;
        }
        m = (int)gsl_ran_discrete(r, st->pick_model);
        if (st->n_alive > 1 && gsl_rng_uniform(r) >= s->model_stay) {
            int jump = (int)gsl_rng_uniform_int(r, (unsigned long)(st->n_alive - 1)), to = -1;
            for (int c = 0; c < s->n_models; c++)
                if (st->alive[c] && c != m && jump-- == 0) {
                    to = c;
                    break;
                }
            m = to;
        }
        const kernel *k = &st->k[m];
        const double *anc = &st->prev->theta[(size_t)k->idx[gsl_ran_discrete(r, k->pick)] *
                                             st->prev->stride];
        double z[COOP_ABC_MAX_PARAMS];
        for (int p = 0; p < k->d; p++)
            z[p] = gsl_ran_gaussian(r, 1.0);
        for (int p = 0; p < k->d; p++) {
            theta[p] = anc[p];
            for (int c = 0; c <= p; c++)
                theta[p] += k->L[p * k->d + c] * z[c];
        }
        double lp = log_prior(&s->models[m], theta);
        if (lp == -INFINITY)
            continue;
        *m_out = m;
        *log_w = log(model_prior[m]) + lp - log(st->q_model[m]); /* kernel term: later */
        return;
    }
}

typedef struct particle_out {
    int status;
    coop_err err;
    long long sims, proposals;
    double log_w;
} particle_out;

/* A particle's result as a task of the farm (coop_experiment_farm): its
 * statistics, model and distance, then its stride parameters (theta). */
typedef struct particle_res {
    particle_out po;
    int model;
    double distance;
} particle_res;

/* Particle i of generation g: proposals until a run's distance is <= eps, into
 * res (and the stride doubles after it). */
static void run_particle(const proposal_state *st, const coop_abc_spec *s, const double *mprior,
                         int g, int i, double eps, long long max_attempts, coop_abc_sim_fn sim,
                         void *ctx, int stride, particle_res *res)
{
    particle_out *po = &res->po;
    uint64_t key = coop_rng_key(s->seed, (uint32_t)g, (uint32_t)i);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        po->status = COOP_FAIL(&po->err, COOP_ENOMEM, "out of memory");
        return;
    }
    gsl_rng_set(r, coop_rng_stream(key, COOP_STREAM_ABC, 0));
    double *theta = (double *)(res + 1);
    for (long long a = 0;; a++) {
        if (a >= max_attempts) {
            po->status = COOP_ABC_BUDGET;
            break;
        }
        int m;
        double d = INFINITY;
        propose(st, s, mprior, r, &m, theta, &po->log_w, &po->proposals);
        uint32_t attempt = coop_rng_stream(key, COOP_STREAM_ABC, 1 + (uint64_t)a);
        uint64_t run_key = coop_rng_key(attempt, 0, 0);
        po->sims++;
        po->status = sim(ctx, m, theta, run_key, &d, &po->err);
        if (po->status != COOP_OK)
            break;
        if (d <= eps) {
            if (st && s->models[m].n_params > 0)
                po->log_w -= kernel_log_pdf(&st->k[m], st->prev, theta);
            res->model = m;
            res->distance = d;
            for (int p = s->models[m].n_params; p < stride; p++)
                theta[p] = NAN;
            break;
        }
    }
    gsl_rng_free(r);
}

/* Normalises the log weights into out->weight and fills the statistics. */
static void finish_generation(const coop_abc_spec *s, const particle_out *po, coop_abc_gen *out)
{
    double best = -INFINITY, sum = 0.0;
    out->simulations = out->proposals = 0;
    for (int i = 0; i < out->n; i++) {
        best = fmax(best, po[i].log_w);
        out->simulations += po[i].sims;
        out->proposals += po[i].proposals;
    }
    for (int i = 0; i < out->n; i++)
        sum += (out->weight[i] = exp(po[i].log_w - best));
    for (int m = 0; m < s->n_models; m++)
        out->model_prob[m] = 0.0;
    for (int i = 0; i < out->n; i++) {
        out->weight[i] /= sum;
        out->model_prob[out->model[i]] += out->weight[i];
    }
    out->acceptance = (double)out->n / (double)out->simulations;
    out->ess = coop_abc_ess(out->weight, out->n);
}

/* ---- a generation as a task farm ----
 *
 * Every particle of a generation is a pure function of the specification, the
 * previous generation, the generation number, the tolerance and the attempt cap:
 * those travel as the farm's payload (the previous generation's particles,
 * weights, distances, tolerance and model probabilities as doubles and ints
 * copied bit for bit), and every rank, rank 0 included, builds its proposal state
 * from the same bytes, so a particle's result does not depend on where it ran. */

enum { PAY_G, PAY_PREV, PAY_N, PAY_STRIDE, PAY_MODELS, PAY_PARTICLES, PAY_SEED, PAY_ATTEMPTS,
       PAY_WORDS };

typedef struct farm_state {
    const coop_abc_worker *w;
    int g, stride;
    double eps;
    long long max_attempts;
    double mprior[COOP_ABC_MAX_MODELS];
    coop_abc_gen *prev;          /* NULL in generation 0 */
    proposal_state st;
    int have_st;
} farm_state;

static void farm_end(void *vstate)
{
    farm_state *f = vstate;
    if (!f)
        return;
    if (f->have_st)
        state_free(&f->st);
    coop_abc_gen_free(f->prev);
    free(f);
}

/* The payload of generation g (from prev, or none) into out. */
static void farm_payload(const coop_abc_spec *s, const coop_abc_gen *prev, int g, double eps,
                         long long max_attempts, coop_bytes *out)
{
    long long w[PAY_WORDS] = {g, prev != NULL, prev ? prev->n : 0, max_params(s), s->n_models,
                              s->n_particles, s->seed, max_attempts};
    coop_bytes_put(out, w, sizeof w);
    coop_bytes_put(out, &eps, sizeof eps);
    if (!prev)
        return;
    size_t n = (size_t)prev->n;
    coop_bytes_put(out, &prev->tolerance, sizeof prev->tolerance);
    coop_bytes_put(out, prev->model, n * sizeof *prev->model);
    coop_bytes_put(out, prev->theta, n * (size_t)prev->stride * sizeof *prev->theta);
    coop_bytes_put(out, prev->weight, n * sizeof *prev->weight);
    coop_bytes_put(out, prev->distance, n * sizeof *prev->distance);
    coop_bytes_put(out, prev->model_prob, (size_t)prev->n_models * sizeof *prev->model_prob);
}

/* Copies n bytes from *at (advanced) into to; 0 when fewer than n are left. */
static int take(const unsigned char **at, const unsigned char *end, void *to, size_t n)
{
    if ((size_t)(end - *at) < n)
        return 0;
    if (n)
        memcpy(to, *at, n);
    *at += n;
    return 1;
}

static void *farm_begin(void *ctx, const unsigned char *p, size_t n, coop_err *err)
{
    const coop_abc_worker *wk = ctx;
    const coop_abc_spec *s = wk->spec;
    const unsigned char *end = p + n;
    long long w[PAY_WORDS];
    farm_state *f = calloc(1, sizeof *f);
    if (!f) {
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        return NULL;
    }
    f->w = wk;
    if (!take(&p, end, w, sizeof w) || !take(&p, end, &f->eps, sizeof f->eps) ||
        w[PAY_STRIDE] != max_params(s) || w[PAY_MODELS] != s->n_models ||
        w[PAY_PARTICLES] != s->n_particles || w[PAY_SEED] != (long long)s->seed ||
        w[PAY_N] < 0 || w[PAY_N] > INT_MAX) {
        COOP_FAIL(err, COOP_ECONFIG, "the inference differs from rank 0's (do all ranks read "
                  "the same configuration?)");
        farm_end(f);
        return NULL;
    }
    f->g = (int)w[PAY_G];
    f->stride = (int)w[PAY_STRIDE];
    f->max_attempts = w[PAY_ATTEMPTS];
    double total = 0.0;
    for (int m = 0; m < s->n_models; m++)
        total += s->models[m].prior_prob;
    for (int m = 0; m < s->n_models; m++)
        f->mprior[m] = s->models[m].prior_prob / total;
    if (!w[PAY_PREV])
        return f;
    int np = (int)w[PAY_N];
    coop_abc_gen *g = f->prev = coop_abc_gen_alloc(np, f->stride, s->n_models);
    size_t cnt = (size_t)np;
    int ok = g && take(&p, end, &g->tolerance, sizeof g->tolerance) &&
             take(&p, end, g->model, cnt * sizeof *g->model) &&
             take(&p, end, g->theta, cnt * (size_t)f->stride * sizeof *g->theta) &&
             take(&p, end, g->weight, cnt * sizeof *g->weight) &&
             take(&p, end, g->distance, cnt * sizeof *g->distance) &&
             take(&p, end, g->model_prob, (size_t)s->n_models * sizeof *g->model_prob) &&
             p == end;
    for (int i = 0; ok && i < np; i++)
        ok = g->model[i] >= 0 && g->model[i] < s->n_models;
    if (!ok) {
        COOP_FAIL(err, g ? COOP_EIO : COOP_ENOMEM, g ? "a damaged generation from rank 0"
                                                     : "out of memory");
        farm_end(f);
        return NULL;
    }
    g->generation = f->g - 1;
    if (state_init(&f->st, s, g) != COOP_OK) {
        state_free(&f->st);
        COOP_FAIL(err, COOP_ENOMEM, "out of memory");
        farm_end(f);
        return NULL;
    }
    f->have_st = 1;
    return f;
}

static int farm_run(void *vstate, long long task, unsigned char *result, coop_err *err)
{
    (void)err; /* a particle's failure is its result's */
    farm_state *f = vstate;
    const coop_abc_worker *w = f->w;
    run_particle(f->have_st ? &f->st : NULL, w->spec, f->mprior, f->g, (int)task, f->eps,
                 f->max_attempts, w->sim, w->ctx, f->stride, (particle_res *)result);
    return COOP_OK;
}

coop_farm coop_abc_farm(coop_abc_worker *w)
{
    coop_farm farm = {w, farm_begin, farm_run, farm_end,
                      sizeof(particle_res) + (size_t)max_params(w->spec) * sizeof(double),
                      NULL, NULL};
    return farm;
}

int coop_abc_generation(const coop_abc_spec *s, const coop_abc_gen *prev, int g, double eps,
                        long long max_attempts, coop_abc_sim_fn sim, void *ctx,
                        coop_abc_gen *out, coop_err *err)
{
    coop_abc_worker wk = {s, sim, ctx};
    coop_farm farm = coop_abc_farm(&wk);
    coop_bytes pay = {0};
    farm_payload(s, prev, g, eps, max_attempts, &pay);
    particle_out *po = calloc((size_t)s->n_particles, sizeof *po);
    unsigned char *res = calloc((size_t)s->n_particles, farm.result_size);
    int status = pay.bad || !po || !res ? COOP_FAIL(err, COOP_ENOMEM, "out of memory")
                                        : COOP_OK;
    out->generation = g;
    out->tolerance = eps;
    if (!status)
        status = coop_experiment_farm(&farm, pay.p, pay.n, s->n_particles, s->threads, res, err);
    for (int i = 0; !status && i < s->n_particles; i++) {
        const particle_res *r = (const particle_res *)(res + (size_t)i * farm.result_size);
        po[i] = r->po;
        out->model[i] = r->model;
        out->distance[i] = r->distance;
        memcpy(&out->theta[(size_t)i * out->stride], r + 1,
               (size_t)out->stride * sizeof *out->theta);
    }
    for (int i = 0; po && res && i < s->n_particles; i++) /* an error first, then the budget */
        if (po[i].status != COOP_OK && (status == COOP_OK || status == COOP_ABC_BUDGET)) {
            status = po[i].status;
            if (err && status != COOP_ABC_BUDGET)
                *err = po[i].err;
        }
    if (status == COOP_OK)
        finish_generation(s, po, out);
    coop_bytes_free(&pay);
    free(res);
    free(po);
    return status;
}

const char *coop_abc_stop_name(coop_abc_stop s)
{
    switch (s) {
    case COOP_ABC_MIN_TOLERANCE: return "min_tolerance";
    case COOP_ABC_MAX_GENERATIONS: return "max_generations";
    case COOP_ABC_MAX_SIMULATIONS: return "max_simulations";
    }
    return "?";
}

/* Whether the run stops after generation g (tolerance eps, used simulations so
 * far), and why. */
static int stops_after(const coop_abc_spec *s, double eps, int g, long long used,
                       coop_abc_stop *why)
{
    if (!(eps <= s->min_tolerance || g + 1 >= s->max_generations || used >= s->max_simulations))
        return 0;
    *why = eps <= s->min_tolerance       ? COOP_ABC_MIN_TOLERANCE
           : g + 1 >= s->max_generations ? COOP_ABC_MAX_GENERATIONS
                                         : COOP_ABC_MAX_SIMULATIONS;
    return 1;
}

int coop_abc_run(const coop_abc_spec *s, coop_abc_sim_fn sim, void *sim_ctx,
                 coop_abc_gen_fn on_gen, void *gen_ctx, coop_abc_gen **last,
                 coop_abc_stop *why, coop_err *err)
{
    return coop_abc_run_from(s, NULL, 0, sim, sim_ctx, on_gen, gen_ctx, last, why, err);
}

int coop_abc_run_from(const coop_abc_spec *s, coop_abc_gen *start, long long used,
                      coop_abc_sim_fn sim, void *sim_ctx, coop_abc_gen_fn on_gen, void *gen_ctx,
                      coop_abc_gen **last, coop_abc_stop *why, coop_err *err)
{
    *last = NULL;
    int status = coop_abc_check(s, err);
    if (status != COOP_OK) {
        coop_abc_gen_free(start);
        return status;
    }
    int stride = max_params(s);
    coop_abc_gen *prev = NULL, *cur = NULL;
    double eps = INFINITY;
    int g0 = 0;
    if (start) { /* generation start->generation is done: stop, or go on from it */
        if (stops_after(s, start->tolerance, start->generation, used, why)) {
            *last = start;
            return COOP_OK;
        }
        eps = coop_abc_next_tolerance(s, start);
        prev = start;
        g0 = start->generation + 1;
    }
    for (int g = g0;; g++) {
        cur = coop_abc_gen_alloc(s->n_particles, stride, s->n_models);
        if (!cur) {
            status = COOP_FAIL(err, COOP_ENOMEM, "out of memory");
            break;
        }
        long long left = s->max_simulations - used;
        long long attempts = (left - s->n_particles) + 1; /* every other particle needs one */
        status = coop_abc_generation(s, prev, g, eps, attempts, sim, sim_ctx, cur, err);
        if (status == COOP_OK && used + cur->simulations > s->max_simulations)
            status = COOP_ABC_BUDGET;
        if (status == COOP_ABC_BUDGET && prev) { /* the budget ran out: keep prev */
            coop_abc_gen_free(cur);
            cur = prev;
            prev = NULL;
            *why = COOP_ABC_MAX_SIMULATIONS;
            status = COOP_OK;
            break;
        }
        if (status == COOP_ABC_BUDGET) /* cannot happen in generation 0: max >= n */
            status = COOP_FAIL(err, COOP_EINVAL, "simulation budget exhausted in generation 0");
        if (status != COOP_OK)
            break;
        used += cur->simulations;
        if (on_gen && (status = on_gen(gen_ctx, cur, err)) != COOP_OK)
            break;
        coop_abc_gen_free(prev);
        prev = NULL;
        if (stops_after(s, eps, g, used, why))
            break;
        eps = coop_abc_next_tolerance(s, cur);
        prev = cur;
        cur = NULL;
    }
    coop_abc_gen_free(prev);
    if (status != COOP_OK) {
        coop_abc_gen_free(cur);
        return status;
    }
    *last = cur;
    return COOP_OK;
}
