/* coop_abc.h: approximate Bayesian computation by sequential Monte Carlo (ABC-SMC),
 * as pure functions over a caller's simulator.
 *
 * The algorithm (docs/INFERENCE.md gives the derivation and the sources):
 *
 *   Toni et al. 2009 ABC-SMC with the importance weights and the perturbation kernel
 *   of Beaumont et al. 2009, and model selection after Toni & Stumpf 2010.  A
 *   population is n particles (model m, parameters theta, weight w, distance d).
 *
 *   generation 0   particle i draws m from the model prior and theta from m's prior,
 *                  runs the simulator once; tolerance +inf (every draw is accepted),
 *                  weight 1 (normalised).
 *   generation g   tolerance eps_g = max(min_tolerance, the weighted alpha-quantile of
 *                  generation g-1's distances; when that quantile is not below
 *                  eps_{g-1}, as discrete distances make it, the largest distance
 *                  of generation g-1 below eps_{g-1}, if any).  Particle i repeats, until a run's
 *                  distance is <= eps_g: draw m' from generation g-1's model
 *                  probabilities; stay at m' with probability model_stay, else move
 *                  to another live model (one with particles) uniformly; pick an
 *                  ancestor j of that model with probability its weight within the
 *                  model; draw theta ~ N(theta_j, 2 Sigma_m), Sigma_m the weighted
 *                  covariance of the model's particles (Beaumont et al. 2009);
 *                  a theta outside the prior's support (density 0) discards the
 *                  whole proposal, model included, and draws again (a proposal,
 *                  not a simulation: redrawing only theta would bias the model
 *                  probabilities by each model's share of proposals inside its
 *                  support).  The accepted particle's weight is
 *                    w = pi(m) pi(theta | m) / ( q(m) * sum_j w_j^(m) K(theta | theta_j) )
 *                  with q(m) = sum_m' p(m') KM(m | m') and w_j^(m) normalised within
 *                  m; weights are then normalised over the population, and model
 *                  m's posterior probability is the sum of its particles' weights.
 *   stop           after generation g when eps_g <= min_tolerance, when g + 1 =
 *                  max_generations, or when the simulations so far reach
 *                  max_simulations.  A generation that would need more than the
 *                  simulations left is abandoned (the previous one is the result).
 *
 * Determinism: particle i of generation g draws its proposals from its own GSL
 * generator seeded coop_rng_stream(coop_rng_key(seed, g, i), COOP_STREAM_ABC, 0),
 * and its attempt a runs the simulator with the key
 * coop_rng_key(coop_rng_stream(coop_rng_key(seed, g, i), COOP_STREAM_ABC, 1 + a), 0, 0).
 * Particles run in parallel (OpenMP) but write only their own slot, and every
 * reduction runs serially in particle order, so results are byte-identical for any
 * thread count. */
#ifndef COOP_ABC_H
#define COOP_ABC_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "coop_error.h"
#include "coop_experiment.h"

#define COOP_ABC_MAX_PARAMS 64 /* the most parameters of one model */
#define COOP_ABC_MAX_MODELS 16 /* the most competing models */
#define COOP_ABC_BUDGET 64     /* coop_abc_generation: the simulation budget ran out */

/* ---- priors ---- */

typedef enum coop_prior_kind {
    COOP_PRIOR_UNIFORM,    /* a = min, b = max (a < b): density 1 / (b - a) on [a, b] */
    COOP_PRIOR_LOGUNIFORM, /* a = min, b = max (0 < a < b): density 1 / (x log(b / a)) */
    COOP_PRIOR_NORMAL,     /* a = mean, b = sd (> 0) */
    COOP_PRIOR_BETA        /* a = alpha, b = beta (both > 0), on [0, 1] */
} coop_prior_kind;

typedef struct coop_prior {
    coop_prior_kind kind;
    double a, b;
} coop_prior;

/* The prior kind of a name ("uniform", "loguniform", "normal", "beta"); -1 if none. */
int coop_prior_kind_of(const char *name);

/* The name of a kind ("uniform", ...). */
const char *coop_prior_name(coop_prior_kind kind);

/* COOP_OK when p's numbers are valid for its kind (above); COOP_ECONFIG with a
 * message naming the allowed range otherwise. */
int coop_prior_check(const coop_prior *p, coop_err *err);

/* The prior density at x (0 outside the support). */
double coop_prior_pdf(const coop_prior *p, double x);

/* One draw from the prior (GSL: gsl_ran_flat, gsl_ran_gaussian, gsl_ran_beta;
 * the log-uniform as exp of a flat draw on [log a, log b]). */
double coop_prior_draw(const coop_prior *p, gsl_rng *r);

/* The prior's mean, standard deviation and quantile q in (0, 1) (GSL cdf inverses). */
double coop_prior_mean(const coop_prior *p);
double coop_prior_sd(const coop_prior *p);
double coop_prior_quantile(const coop_prior *p, double q);

/* ---- the sampler ---- */

/* One competing model: its parameters' priors and its prior probability (the
 * prior probabilities of all models are normalised by the sampler). */
typedef struct coop_abc_model {
    int n_params;              /* 0 .. COOP_ABC_MAX_PARAMS */
    const coop_prior *priors;  /* n_params priors */
    double prior_prob;         /* > 0 */
} coop_abc_model;

/* The simulator: runs model `model` at theta (its n_params values) with the
 * random-number key `key` and writes its distance to the observations (>= 0, may
 * be +inf) into *distance.  Called concurrently from several threads: it must
 * touch only what it owns.  Returns COOP_OK or a status with err filled. */
typedef int (*coop_abc_sim_fn)(void *ctx, int model, const double *theta, uint64_t key,
                               double *distance, coop_err *err);

typedef struct coop_abc_spec {
    int n_models;                   /* 1 .. COOP_ABC_MAX_MODELS */
    const coop_abc_model *models;
    int n_particles;                /* >= 2 */
    double alpha;                   /* tolerance quantile, (0, 1) */
    double min_tolerance;           /* >= 0 */
    int max_generations;            /* >= 1 */
    long long max_simulations;      /* >= n_particles */
    double model_stay;              /* [0, 1]: KM(m | m) when another model lives */
    uint32_t seed;
    int threads;                    /* OpenMP threads; <= 0: omp_get_max_threads() */
} coop_abc_spec;

/* One generation's population and its statistics.  Particle i's parameters are
 * theta[i * stride .. i * stride + models[model[i]].n_params - 1], stride the
 * most parameters of any model; the rest of the row is NaN. */
typedef struct coop_abc_gen {
    int generation;
    int n;                    /* particles */
    int stride;
    int *model;
    double *theta;
    double *weight;           /* normalised: sum 1 */
    double *distance;
    double tolerance;         /* +inf in generation 0 */
    long long simulations;    /* the simulator's runs this generation */
    long long proposals;      /* proposals drawn, outside the prior's support included */
    double acceptance;        /* n / simulations */
    double ess;               /* effective sample size (sum w)^2 / sum w^2 */
    int n_models;
    double *model_prob;       /* n_models posterior model probabilities */
} coop_abc_gen;

/* Allocates a generation of n particles, stride parameters and n_models models
 * (theta NaN-filled); NULL on allocation failure.  Free with coop_abc_gen_free. */
coop_abc_gen *coop_abc_gen_alloc(int n, int stride, int n_models);
void coop_abc_gen_free(coop_abc_gen *g);

/* COOP_OK when spec is usable (ranges above, every prior valid); COOP_ECONFIG
 * naming the offending field otherwise. */
int coop_abc_check(const coop_abc_spec *spec, coop_err *err);

/* The tolerance of the generation after prev (rule above). */
double coop_abc_next_tolerance(const coop_abc_spec *spec, const coop_abc_gen *prev);

/* Runs generation g (0, or g > 0 from prev) at tolerance eps into out (allocated
 * for spec: n_particles, the largest n_params, n_models).  Every particle may run
 * the simulator at most max_attempts times: COOP_ABC_BUDGET when one would need
 * more (not an error: the run stops there).  A simulator failure is returned with the
 * error of the lowest failing particle.  The particles are the tasks of a task farm
 * (coop_abc_farm, coop_experiment_farm): spec->threads threads here and, under MPI,
 * the worker ranks; the generation is the same either way. */
int coop_abc_generation(const coop_abc_spec *spec, const coop_abc_gen *prev, int g, double eps,
                        long long max_attempts, coop_abc_sim_fn sim, void *ctx,
                        coop_abc_gen *out, coop_err *err);

/* The simulator of a run as the task farm of its generations sees it: the
 * specification, the simulator and its context (all ranks under MPI build their
 * own from the same configuration). */
typedef struct coop_abc_worker {
    const coop_abc_spec *spec;
    coop_abc_sim_fn sim;
    void *ctx;
} coop_abc_worker;

/* The task farm (coop_experiment.h) that coop_abc_generation runs, one task per
 * particle: a worker rank of build/coopsim-mpi serves it with its own w (which
 * must outlive the farm); its results are those of any other rank. */
coop_farm coop_abc_farm(coop_abc_worker *w);

/* Called after every finished generation, serially: write it, draw progress.  A
 * nonzero status stops the run with that status. */
typedef int (*coop_abc_gen_fn)(void *ctx, const coop_abc_gen *gen, coop_err *err);

/* Why a run stopped. */
typedef enum coop_abc_stop {
    COOP_ABC_MIN_TOLERANCE,
    COOP_ABC_MAX_GENERATIONS,
    COOP_ABC_MAX_SIMULATIONS
} coop_abc_stop;

/* The name of a stop reason ("min_tolerance", ...). */
const char *coop_abc_stop_name(coop_abc_stop s);

/* Runs generations until the stopping rule holds; *last receives the final
 * population (the caller frees it), *why the reason.  on_gen may be NULL. */
int coop_abc_run(const coop_abc_spec *spec, coop_abc_sim_fn sim, void *sim_ctx,
                 coop_abc_gen_fn on_gen, void *gen_ctx, coop_abc_gen **last,
                 coop_abc_stop *why, coop_err *err);

/* coop_abc_run continued after generation start->generation, which an earlier run
 * finished (start read back from its files: particles, weights, distances,
 * tolerance, generation and model_prob exactly as that run had them) with `used`
 * simulations in all: the stopping rule is applied to start first (a run
 * interrupted after its last generation stops there, *last = start), then the
 * generations that follow are those of the uninterrupted run, since each
 * particle's randomness is keyed by (seed, generation, particle) alone.  Takes
 * start (freed, or returned as *last); NULL start is coop_abc_run. */
int coop_abc_run_from(const coop_abc_spec *spec, coop_abc_gen *start, long long used,
                      coop_abc_sim_fn sim, void *sim_ctx, coop_abc_gen_fn on_gen, void *gen_ctx,
                      coop_abc_gen **last, coop_abc_stop *why, coop_err *err);

/* ---- weighted-sample statistics ---- */

/* (sum w)^2 / sum w^2 over n weights; 0 when every weight is 0. */
double coop_abc_ess(const double *w, int n);

/* The weighted q-quantile (q in [0, 1]) of x[0 .. n-1] with weights w (>= 0, not all
 * 0): the smallest x_(k) of the sorted values whose cumulative normalised weight
 * reaches q (the inverse of the weighted empirical distribution function).
 * NaN when n = 0. */
double coop_abc_quantile(const double *x, const double *w, int n, double q);

/* The weighted mean and standard deviation (divisor 1: the moments of the weighted
 * empirical distribution) of x[i * stride] over the particles with model[i] ==
 * model (model NULL: all particles).  NaN when their weights sum to 0. */
void coop_abc_moments(const double *x, size_t stride, const double *w, const int *model,
                      int which, int n, double *mean, double *sd);

/* Systematic resampling: m indices into n weighted particles (weights >= 0, sum
 * > 0), index k the first i whose cumulative normalised weight exceeds
 * (k + u) / m, u in [0, 1) one uniform draw; written to idx in increasing order. */
void coop_abc_systematic(const double *w, int n, int m, double u, int *idx);

/* The Kolmogorov-Smirnov distance sup |F_w(x) - cdf(x)| between the weighted
 * empirical distribution of x[0 .. n-1] (weights w) and a continuous cdf, and the
 * asymptotic p-value of that distance at the effective sample size
 * (Kolmogorov's distribution Q(sqrt(ess) D) with Stephens' 1970 correction
 * (sqrt(ess) + 0.12 + 0.11 / sqrt(ess)) D). */
double coop_abc_ks(const double *x, const double *w, int n, double (*cdf)(double, void *),
                   void *cdf_ctx, double *p_value);

#endif
