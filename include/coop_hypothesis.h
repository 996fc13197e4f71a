/* coop_hypothesis.h: the paired counterfactual test of docs/HYPOTHESIS.md.
 *
 * `coopsim hypothesis CONFIG` asks whether the motivator (cfg->hyp.motivator,
 * Kazakhstan in configs/eu_ca.cfg) raised cooperation between its region and the
 * target.  It runs, at every point, one world per row of this table, all with
 * the same streams (replicate r of every world: key coop_rng_key(seed, point, r),
 * common random numbers):
 *
 *   world 0  factual          the configuration as given
 *   world 1  counterfactual   the motivator's initiative_rate, initiative_impact,
 *                             demonstration and brokerage all 0: it is an ordinary
 *                             actor; nothing else changes
 *   world 2+ placebo:NAME     the motivator's role removed as in the counterfactual,
 *                             and actor NAME given it instead (the same target and
 *                             strengths), one world per hypothesis.placebo entry
 *   then, with hypothesis.channels = true, the cells of the factorial design over
 *   the motivator's channels other than all-off (the counterfactual) and all-on
 *   (the factual), in mask order (coop_channels.h):
 *            channels:F+G..   only the channels of factors F, G, ... keep their
 *                             strengths; the others' are 0 and their events dropped
 *
 * The outcomes are always measured about cfg->hyp.motivator and cfg->hyp.target,
 * which stay the original motivator and target in every world, so "the others"
 * are the same actors (the motivator's regional neighbours) in every world.
 *
 * Each world b > 0 is compared with the factual world a, outcome by outcome, on the
 * paired differences (coop_paired.h).  Every comparison is oriented so that the
 * thesis predicts a positive difference: a - b for outcomes where more is better,
 * b - a for rmst_enhanced (sooner).  Each
 * outcome is tested against its smallest effect of interest cfg->hyp.sesoi[o]
 * (coop_paired_sesoi: minimum-effect tests and TOST); within one comparison the
 * primary outcome is tested at full alpha and the other outcomes, Holm-corrected
 * among themselves, only behind it (coop_gatekeep); each outcome gets one of four
 * verdicts (coop_hyp_decide, sim/analysis/hyp_verdict.c), and the comparison's
 * verdict is its primary outcome's.  Each comparison is its own family.  The
 * verdict of the hypothesis at a point is the counterfactual comparison's.
 * Beside these pooled comparisons, hyp_states.c compares the outcomes over the
 * others state by state, summarises the time to the top level by Kaplan-Meier,
 * and compares each placebo world like for like: a difference-in-differences on
 * the others except the placebo actor (coop_hyp_states below).
 *
 * The module owns the worlds, a sink that collects the outcome scalars of each
 * point and computes its comparisons once all its worlds are delivered (so a
 * sweep gets one set of comparisons per point, with memory bounded by one point),
 * a reader that feeds the same collector from a results directory's outcomes.csv
 * (how a sweep's hypothesis.csv is made), the hypothesis.csv writer and the
 * terminal tables.  It sits on top of the experiment and paired-statistics
 * modules and writes only its own files; the `coopsim hypothesis` driver, which
 * runs the worlds into a results directory, is the command line's
 * (sim/cli/cmd_hypothesis.c, coop_cmd.h). */
#ifndef COOP_HYPOTHESIS_H
#define COOP_HYPOTHESIS_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_fmt.h"
#include "coop_experiment.h"
#include "coop_model.h"
#include "coop_paired.h"
#include "coop_channels.h"
#include "coop_sweep.h"

#define COOP_HYP_MAX_WORLDS (2 + COOP_MAX_PLACEBO + COOP_CHAN_MAX_WORLDS)
#define COOP_HYP_WORLD_NAME (COOP_NAME_MAX + 8) /* "placebo:" + an actor name */

enum { COOP_HYP_FACTUAL = 0, COOP_HYP_COUNTERFACTUAL = 1, COOP_HYP_PLACEBO = 2 };

/* The header row of hypothesis.csv (without the line feed). */
extern const char coop_hypothesis_csv_header[];

/* +1 when the thesis predicts a larger value of the outcome (COOP_O_*), -1 when
 * it predicts a smaller one (rmst_enhanced). */
int coop_hypothesis_orientation(int outcome);

/* Makes actor an ordinary actor: its four motivator strengths become 0 (its
 * target, if any, is kept; a role with all strengths 0 does nothing and draws no
 * random numbers).  COOP_EINVAL when actor is not an actor of cfg. */
int coop_hypothesis_remove_role(coop_config *cfg, int actor, coop_err *err);

/* Moves the motivator role of actor `from` (target and strengths) to actor `to`,
 * replacing any role `to` had, and removes it from `from` as
 * coop_hypothesis_remove_role does.  COOP_EINVAL when either is not an actor,
 * they are equal, `from` has no role, or `to` is the role's target. */
int coop_hypothesis_move_role(coop_config *cfg, int from, int to, coop_err *err);

/* The worlds hypothesis settings h make at every point: 2 + h->n_placebo, plus
 * 2^k - 2 with h->channels. */
int coop_hyp_n_worlds(const coop_hypothesis_cfg *h);

/* The worlds of one point, built from that point's configuration. */
typedef struct coop_hyp_worlds {
    int n;                                         /* coop_hyp_n_worlds(&cfg->hyp) */
    coop_config cfg[COOP_HYP_MAX_WORLDS];          /* owned deep copies */
    char name[COOP_HYP_MAX_WORLDS][COOP_HYP_WORLD_NAME];
    const char *names[COOP_HYP_MAX_WORLDS];        /* name[w], as coop_plan wants them */
} coop_hyp_worlds;

/* Builds the worlds of cfg (see the top of this file).  NULL with err filled on
 * failure: COOP_ECONFIG when cfg->hyp.motivator < 0 (nothing to test), COOP_ENOMEM.
 * Release with coop_hyp_worlds_free (NULL does nothing). */
coop_hyp_worlds *coop_hyp_worlds_alloc(const coop_config *cfg, coop_err *err);
void coop_hyp_worlds_free(coop_hyp_worlds *w);

/* The seed of the bootstrap generator of point `point` of an experiment with
 * master seed `seed`: coop_rng_seed(seed, point, 0, COOP_STREAM_BOOTSTRAP).  One
 * seed per point, shared by every outcome and comparison there (so with equal
 * numbers of pairs they are resampled alike); a stream kind of its own, unrelated
 * to the replicates' streams. */
uint32_t coop_hypothesis_boot_seed(uint32_t seed, int point);

/* One outcome of one comparison.  s holds the oriented statistics: s.diff, both
 * intervals, s.t and s.d_z are of the difference in the predicted direction
 * (factual - other, or other - factual where orientation is -1); s.mean_a is the
 * factual world's mean and s.mean_b the other world's, in the outcome's units. */
typedef struct coop_hyp_result {
    int outcome;            /* COOP_O_* */
    int orientation;        /* coop_hypothesis_orientation(outcome) */
    coop_paired s;
    coop_sesoi_test e;      /* s against the outcome's SESOI (coop_hyp_result_test) */
    double p_adj;           /* e.p_decision after gatekeeping and Holm (coop_hyp_decide) */
    coop_verdict verdict;   /* coop_sesoi_verdict(e.claim, p_adj, alpha) */
} coop_hyp_result;

/* Fills r->e from r->s (already oriented): coop_paired_sesoi(&r->s, sesoi, alpha). */
void coop_hyp_result_test(coop_hyp_result *r, double sesoi, double alpha);

/* The verdicts of one family r[0..m-1] (the outcomes of one comparison, or any
 * set of results tested together) whose r[primary] is the gate: coop_gatekeep
 * over their e.p_decision gives each p_adj, then verdict =
 * coop_sesoi_verdict(e.claim, p_adj, alpha).  A secondary can be anything but
 * inconclusive only when the primary is (supported, contradicted or negligible).
 * COOP_EINVAL / COOP_ENOMEM from coop_gatekeep. */
int coop_hyp_decide(coop_hyp_result *r, int m, int primary, double alpha, coop_err *err);

/* The factual world against one other world. */
typedef struct coop_hyp_comparison {
    int world;                           /* the other world's index (1, 2, ...) */
    char name[COOP_HYP_WORLD_NAME];      /* its name: "counterfactual", "placebo:KG" */
    coop_hyp_result r[COOP_N_OUTCOMES];  /* in COOP_O_* order */
    coop_verdict verdict;                /* r[primary].verdict */
} coop_hyp_comparison;

/* The per-state and like-for-like results of one point (hyp_states.c,
 * docs/HYPOTHESIS.md "Per state" and "Placebos like for like").  Comparison c is
 * cmp[c] of the point (world c + 1). */
typedef struct coop_hyp_states {
    int n_states;                   /* others with per-state values (coop_outcome_states) */
    int actor[COOP_MAX_STATES];     /* their actor indices */
    char name[COOP_MAX_STATES][COOP_NAME_MAX]; /* and names */
    int reach[COOP_MAX_STATES];     /* 1: it can reach the top level by input (rmst defined) */
    double horizon;                 /* years from the start: the RMST's restriction */
    /* r[c][x][o]: state x, per-state outcome o (coop_outcome_per_state), oriented as
     * the pooled row, tested against the outcome's SESOI; p_adj: Holm over the states
     * of (c, o) of the decision p-values; r.outcome = -1 where there
     * is no row (regional_cohesion; rmst_enhanced of a state that cannot reach) */
    coop_hyp_result r[COOP_HYP_MAX_WORLDS - 1][COOP_MAX_STATES][COOP_N_OUTCOMES];
    /* Kaplan-Meier of "reaches the top level" per world and state over the
     * replicates (reachable states; NaN elsewhere): RMST up to the horizon and the
     * share still below the level at the horizon */
    double km_rmst[COOP_HYP_MAX_WORLDS][COOP_MAX_STATES];
    double km_surv[COOP_HYP_MAX_WORLDS][COOP_MAX_STATES];
    /* placebo comparisons: the difference-in-differences on the common set (the
     * others except the placebo actor), (factual - counterfactual) - (placebo -
     * counterfactual) = factual - placebo there, per replicate, pooled with
     * hypothesis.weights; Holm over its outcomes; did_n[c] = 0: no such row */
    int did_n[COOP_HYP_MAX_WORLDS - 1];
    int did_placebo[COOP_HYP_MAX_WORLDS - 1];   /* the placebo actor, -1 none */
    coop_hyp_result did[COOP_HYP_MAX_WORLDS - 1][COOP_N_OUTCOMES];
} coop_hyp_states;

/* Everything tested at one point. */
typedef struct coop_hyp_point {
    int point;
    int replicates;         /* pairs per comparison before NaN pairs are dropped */
    int primary;            /* COOP_O_* */
    double alpha, confidence;
    int bootstrap;
    uint32_t boot_seed;
    int n_comparisons;      /* n_worlds - 1 */
    coop_hyp_comparison cmp[COOP_HYP_MAX_WORLDS - 1];
    coop_hyp_states states; /* per state and like for like (coop_hyp_states_compare) */
    /* The channel decomposition of the point (hypothesis.channels), NULL when off;
     * the collector's, valid during its callback only. */
    const coop_chan_point *channels;
    /* The point's rows of hypothesis.csv already formatted (by the statistics'
     * tasks, hyp_farm.c), n_text pieces of text_len[k] bytes in file order; 0:
     * coop_hyp_csv_write formats them from the results above. */
    int n_text;
    const char *text[3 * (COOP_HYP_MAX_WORLDS - 1)];
    size_t text_len[3 * (COOP_HYP_MAX_WORLDS - 1)];
} coop_hyp_point;

/* The per-state comparisons, the Kaplan-Meier summaries and the placebo
 * difference-in-differences of a point whose pooled comparisons `out` holds
 * (coop_hypothesis_compare).  sv holds the per-state outcomes as
 * sv[((w * n_states + x) * COOP_N_OUTCOMES + o) * replicates + r] with n_states =
 * min(coop_outcome_states(cfg), COOP_MAX_STATES); cfg is the factual world's
 * configuration (states, weights, placebo actors, horizon); the statistics
 * settings are cfg->hyp's, the bootstrap seed out->boot_seed.  Fills
 * out->states.  COOP_OK, or the statistics' error. */
int coop_hyp_states_compare(const coop_config *cfg, const double *sv, int n_worlds,
                            int replicates, coop_hyp_point *out, coop_err *err);

/* The per-state part of the verdict table: the primary outcome per state (every
 * comparison), the states' disagreement in sign in words, the time to the top
 * level (Kaplan-Meier), the placebo difference-in-differences.  COOP_EIO when a
 * write fails. */
int coop_hyp_states_print(FILE *out, const coop_hyp_point *res, const coop_config *cfg);

/* One line after the verdict when the states disagree in sign on the primary
 * outcome (some supported, some contradicted: beyond the SESOI either way,
 * after Holm over the states), naming them;
 * nothing otherwise.  COOP_EIO when a write fails. */
int coop_hyp_states_headline(FILE *out, const coop_hyp_point *res, const coop_config *cfg);

/* The confidence level of the interval printed beside outcome o's verdict: 1 -
 * alpha for the primary outcome (tested alone at alpha), 1 - alpha / (m - 1) for
 * the m - 1 secondary outcomes (Bonferroni-simultaneous: Holm rejects whatever
 * Bonferroni does, so behind an open gate a secondary whose interval lies within
 * +-SESOI is negligible, as the primary's is). */
double coop_hyp_level(const coop_hyp_point *res, int o);

/* Compares world 0 with every other world.  values holds the outcome scalars as
 * values[(w * COOP_N_OUTCOMES + o) * replicates + r] for n_worlds worlds (2 or
 * more) named names[w]; h gives primary, alpha, confidence and bootstrap.  Fills
 * *out.  Returns COOP_OK, or COOP_EINVAL / COOP_ENOMEM from the statistics. */
int coop_hypothesis_compare(const coop_hypothesis_cfg *h, const double *values, int n_worlds,
                            int replicates, const char *const *names, int point,
                            uint32_t boot_seed, coop_hyp_point *out, coop_err *err);

/* Called once per point, when every world of it has been compared. */
typedef int (*coop_hyp_point_fn)(void *ctx, const coop_hyp_point *res, const coop_config *cfg,
                                 coop_err *err);

/* A sink that collects outcome scalars per point and calls fn with the point's
 * comparisons after the last world of the point is delivered.  Every call is
 * passed on to `inner` (which may be NULL, or have NULL callbacks): a replicate
 * after it is stored, the point_done of a point's last world after fn (so an
 * inner sink that checkpoints whole points covers what fn wrote).  The
 * statistics settings are those of the factual world's cfg->hyp; the bootstrap
 * seed is coop_hypothesis_boot_seed(seed, point).  Memory: n_worlds x
 * COOP_N_OUTCOMES x replicates doubles, whatever the number of points, and the
 * points queued for their statistics (coop_hyp_collector_farm: about its batch
 * size). */
typedef struct coop_hyp_collector coop_hyp_collector;

coop_hyp_collector *coop_hyp_collector_alloc(int n_worlds, int replicates, uint32_t seed,
                                             const coop_sink *inner, coop_hyp_point_fn fn,
                                             void *ctx, coop_err *err);
coop_sink coop_hyp_collector_sink(coop_hyp_collector *c);
void coop_hyp_collector_free(coop_hyp_collector *c);

/* With h's channel decomposition on, the collector keeps the per-state values of
 * the compared worlds only (factual, counterfactual, placebos: the first 2 +
 * n_placebo), not the channel worlds', which no statistic reads, and its sink
 * says so (coop_sink.state_worlds: a worker then leaves them out of its blocks).
 * Call before coop_hyp_collector_sink. */
void coop_hyp_collector_compared_states(coop_hyp_collector *c, const coop_hypothesis_cfg *h);

/* Spreads the collector's statistics over threads and ranks: each complete point
 * is queued, and the queued points are computed as a task farm
 * (coop_experiment_farm; tasks: a comparison of a point, or an outcome of its
 * channel decomposition) on coop_experiment_threads(threads) threads and, under
 * MPI, on the worker ranks whose work has coop_hyp_farm, then fn is called for
 * each, in point order.  That happens whenever the queue holds `batch` bytes
 * (payload and results; COOP_HYP_BATCH is what the commands use), and
 * coop_hyp_collector_flush computes the rest; with batch = 0 only in
 * coop_hyp_collector_flush: what a collector used as a sink needs, as no farm can
 * start during an experiment (so fn runs after the inner sink's point_done, and
 * every point's configuration must outlive the flush).  Without this call each
 * point is computed when complete, on the calling thread.  The results are the
 * same bit for bit either way. */
#define COOP_HYP_BATCH ((size_t)64 << 20)
void coop_hyp_collector_farm(coop_hyp_collector *c, int threads, size_t batch);
int coop_hyp_collector_flush(coop_hyp_collector *c, coop_err *err);

/* What the statistics cost the process that writes (COOPSIM_MPI_STATS;
 * docs/HYPOTHESIS.md, "Performance"). */
typedef struct coop_hyp_cost {
    double serial_s;        /* CPU time queueing points (finding them in a file),
                             * assembling their results and in fn, the tasks excluded */
    double tasks_s;         /* wall time running the tasks */
    double task_cpu_s;      /* the tasks' CPU time, wherever they ran */
    double task_max_s;      /* the largest task's */
    long long tasks;
    long long serial_from;  /* the first point this process read itself (-1: none) */
} coop_hyp_cost;

/* What the collector's statistics have cost so far (serial_from -1). */
void coop_hyp_collector_cost(const coop_hyp_collector *c, coop_hyp_cost *cost);

/* The task farm of the collector's statistics (coop_experiment.h): the same on
 * every rank, so a worker rank's work (coop_hypothesis_work) serves it. */
coop_farm coop_hyp_farm(void);

/* COOPSIM_HYP_PARTS, the tasks per comparison of the statistics (1 to 64), into
 * *parts (0: not set, chosen by the threads); COOP_ECONFIG naming the value.
 * The commands check it before they run anything. */
int coop_hyp_parts_env(int *parts, coop_err *err);

/* What the sink does, for callers that read outcomes from elsewhere (a file):
 * add stores the COOP_N_OUTCOMES values of (point, world, replicate), rounded to
 * ten significant digits as outcomes.csv writes them (so that every statistic can
 * be recomputed from that file exactly); items must come in experiment order,
 * world 0 replicate 0 starting a point; cfg is the world's configuration (its
 * hyp settings are used).  done, after the last replicate of (point, world),
 * compares the point and calls fn when world is the last one.  COOP_EINVAL for
 * an item out of order or a point with replicates missing. */
int coop_hyp_collector_add(coop_hyp_collector *c, int point, int world, const char *world_name,
                           int replicate, const coop_config *cfg, const double *outcome,
                           coop_err *err);
int coop_hyp_collector_done(coop_hyp_collector *c, int point, int world, coop_err *err);
/* The per-state outcomes of (world, replicate) of the current point (after its
 * coop_hyp_collector_add), n_states rows as coop_record.state_outcome holds them;
 * states the point does not have are ignored.  COOP_EINVAL for an item out of
 * range. */
int coop_hyp_collector_add_states(coop_hyp_collector *c, int world, int replicate,
                                  int n_states, const double (*state_outcome)[COOP_N_OUTCOMES]);

/* Reads DIR/outcomes.csv (as coop_output writes it, of an experiment of
 * cfg->replicates replicates per world of n_worlds worlds per point), computes
 * every point's comparisons with a collector (seed cfg->seed) and calls fn with
 * each, in point order; memory: one point.  COOP_EIO when the file cannot be read
 * or is not such a file (the message names the line). */
int coop_hypothesis_from_outcomes(const char *dir, const coop_config *cfg, int n_worlds,
                                  coop_hyp_point_fn fn, void *ctx, coop_err *err);
/* The same with the points' statistics as a task farm on
 * coop_experiment_threads(threads) threads and the worker ranks (threads < 0:
 * none, as coop_hypothesis_from_outcomes), batched by COOP_HYP_BATCH, each task
 * reading its point's rows from the file itself (docs/HYPOTHESIS.md,
 * "Performance"); when a task cannot, this process reads the rest.  The same
 * results bit for bit.  cost (NULL: not wanted) gets what it took. */
int coop_hypothesis_from_outcomes_farm(const char *dir, const coop_config *cfg, int n_worlds,
                                       int threads, coop_hyp_point_fn fn, void *ctx,
                                       coop_hyp_cost *cost, coop_err *err);

/* hypothesis.csv: one row per comparison and outcome (docs/OUTPUT.md).  open
 * creates `path` and writes the header; write appends a point's rows; close
 * flushes, fsyncs and closes it (COOP_EIO on any failed write); abort closes and
 * removes it.  Both close and abort release f (NULL does nothing). */
typedef coop_csv_file coop_hyp_csv; /* coop_fmt.h */

coop_hyp_csv *coop_hyp_csv_open(const char *path, coop_err *err);
int coop_hyp_csv_write(coop_hyp_csv *f, const coop_hyp_point *res, coop_err *err);
int coop_hyp_csv_close(coop_hyp_csv *f, coop_err *err);
void coop_hyp_csv_abort(coop_hyp_csv *f);

/* The verdict table of one point for a terminal: the counterfactual comparison,
 * then the placebo comparisons, then one line on what the verdict means.  cfg is
 * the factual configuration (for actor names).  COOP_EIO when a write fails. */
int coop_hypothesis_print(FILE *out, const coop_hyp_point *res, const coop_config *cfg);

/* The headline of the table (docs/HYPOTHESIS.md, "Reading the table"): the
 * primary outcome's verdict with its effect, 1 - alpha interval and SESOI; the
 * secondary outcomes' verdicts counted and named, with any that disagree with the
 * primary's said in words; and, when the primary interval is wider than its SESOI,
 * that the replicates are too few and about how many would do (e.n_needed).
 * mot is the motivator's name.  COOP_EIO when a write fails. */
int coop_hypothesis_headline(FILE *out, const coop_hyp_point *res, const char *mot);

/* `coopsim hypothesis --replicates auto`: the replicates that make the primary
 * outcome's 1 - alpha interval (counterfactual comparison) narrower than half its
 * SESOI (half-width below a quarter), found by running the worlds' statistics
 * (nothing written) with cfg->replicates, then twice as many, and so on, up to
 * cfg->hyp.max_replicates (taken when reached).  Replicate r's seed does not
 * depend on the total, so each round repeats the previous one's replicates
 * exactly and adds new ones.  *out: the replicates chosen; a line per round goes
 * to `log` (may be NULL).  COOP_ECONFIG for a sweep or a SESOI of 0 on the primary;
 * errors of the experiment otherwise. */
int coop_hypothesis_auto_replicates(const coop_config *cfg, const coop_run_opts *opts,
                                    FILE *log, int *out, coop_err *err);

/* Turns cfg, a copy of a point's configuration, into world w of that point (the
 * table at the top of this file) as coop_hyp_worlds_alloc builds it.  COOP_EINVAL
 * for a world that h does not make, or the errors of the role's moves. */
int coop_hyp_make_world(coop_config *cfg, const coop_hypothesis_cfg *h, int w, coop_err *err);

/* Whether some strength of role m is above 0 (else the counterfactual world is the
 * factual one). */
int coop_hyp_has_role(const coop_motivator_cfg *m);

/* The verdict table of a hypothesis test over a sweep sw of cfg: the header (what
 * is tested and the columns), one line per point (the primary outcome's oriented
 * difference with its interval, p (adj) and the verdict of every comparison), and
 * the footer (the points' verdicts counted by coop_verdict; path: hypothesis.csv).
 * The caller checks the stream for write errors. */
void coop_hypothesis_sweep_header(FILE *out, const coop_config *cfg, const coop_sweep *sw);
void coop_hypothesis_sweep_line(FILE *out, const coop_hyp_point *res, const coop_sweep *sw);
void coop_hypothesis_sweep_footer(FILE *out, int points, const int count[COOP_N_VERDICTS],
                                  const char *path);

#endif
