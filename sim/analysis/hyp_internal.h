/* hyp_internal.h: what hypothesis.c, hyp_states.c and hyp_farm.c share: the
 * oriented comparisons, a point's statistics by comparison (the tasks of the
 * statistics' farm), one row of hypothesis.csv and the table's number formats. */
#ifndef COOP_HYP_INTERNAL_H
#define COOP_HYP_INTERNAL_H

#include <stddef.h>

#include "coop_fmt.h"
#include "coop_hypothesis.h"

/* One oriented comparison to make: outcome o of the factual world's sample a
 * against the other world's b (R replicates each), into r. */
typedef struct hyp_job {
    int o;
    const double *a, *b;
    coop_hyp_result *r;
} hyp_job;

/* The jobs' comparisons (sim/analysis/hyp_verdict.c): each oriented so that the
 * thesis predicts a positive difference (the means reported as factual, other),
 * with the bootstrap seeded by seed (shared by jobs of one pair count,
 * coop_paired_compare_all) and tested against its outcome's SESOI. */
int hyp_compare_all(const coop_hypothesis_cfg *h, const hyp_job *job, int n, size_t R,
                    uint32_t seed, coop_err *err);

/* Only the jobs' bootstrap intervals (coop_paired_boot_all), as hyp_compare_all
 * gives them. */
int hyp_boot_all(const coop_hypothesis_cfg *h, const hyp_job *job, int n, size_t R,
                 uint32_t seed, coop_err *err);

/* The most rows a comparison has: pooled, per state, difference-in-differences. */
#define HYP_MAX_JOBS (COOP_N_OUTCOMES * (COOP_MAX_STATES + 2))

/* What the statistics of one point need besides its values: plain numbers, the
 * same on every rank (it travels in the payload of the statistics' task farm,
 * hyp_farm.c).  A multiple of 8 bytes, so that the values can follow it. */
typedef struct hyp_pt {
    coop_hypothesis_cfg h;     /* the factual world's settings */
    long long point;
    long long boot_seed;       /* coop_hypothesis_boot_seed(seed, point) */
    int replicates;
    int n_worlds;              /* worlds with values */
    int n_cmp;                 /* worlds compared with world 0, world 0 included */
    int n_states;              /* others with per-state values (hyp_pt_states) */
    int actor[COOP_MAX_STATES];
    double weight[COOP_MAX_STATES]; /* coop_outcome_weight of each */
    double horizon;            /* years from the start */
    int chan_k;                /* the channel design's factors; 0: none */
    int parts;                 /* tasks per comparison (its bootstraps split; >= 1) */
    int world_of[COOP_CHAN_MAX_CELLS]; /* cell S is world world_of[S] */
    char world[COOP_HYP_MAX_WORLDS][COOP_HYP_WORLD_NAME]; /* the compared worlds' names */
    char state[COOP_MAX_STATES][COOP_NAME_MAX];           /* the states' names */
} hyp_pt;

/* Fills p's states (and their names), weights and horizon from cfg (the factual world's), and, when
 * s is not NULL, s's header (states, names, horizon; reachability, Kaplan-Meier
 * summaries and placebo rows none; the per-state results are left as they are:
 * hyp_cmp_store fills those of each comparison). */
void hyp_pt_states(hyp_pt *p, const coop_config *cfg, coop_hyp_states *s);

/* Everything of comparison c (world c + 1 against world 0) of a point: one task of
 * the statistics' farm, its fixed-size result. */
typedef struct hyp_cmp {
    coop_hyp_result r[COOP_N_OUTCOMES];   /* the pooled rows, decided (coop_hyp_decide) */
    coop_verdict verdict;                 /* r[primary].verdict */
    coop_hyp_result st[COOP_MAX_STATES][COOP_N_OUTCOMES]; /* per state; outcome -1: none */
    int reach[COOP_MAX_STATES];
    int did_n, did_placebo;               /* the difference-in-differences (placebos) */
    coop_hyp_result did[COOP_N_OUTCOMES];
    /* Kaplan-Meier of world c + 1 ([0]) and, for c = 0, of world 0 ([1]) */
    double km_rmst[2][COOP_MAX_STATES], km_surv[2][COOP_MAX_STATES];
    /* its rows in the order their bootstraps are split over parts: row k is
     * r[j], st[(j - N) / N][(j - N) % N] or did[j - N - N * COOP_MAX_STATES] for
     * j = job_at[k] and N = COOP_N_OUTCOMES */
    int n_jobs;
    short job_at[HYP_MAX_JOBS];
} hyp_cmp;

/* The bootstrap intervals of rows j0 .. j1 - 1 of comparison c (one part of it:
 * hyp_cmp_boot). */
typedef struct hyp_boot {
    int c, j0, j1;
    double lo[HYP_MAX_JOBS], hi[HYP_MAX_JOBS];
} hyp_boot;

/* Comparison c of the point p whose pooled values are `values`
 * ([w][COOP_N_OUTCOMES][R], NULL: no pooled rows) and per-state values sv
 * ([w][n_states][COOP_N_OUTCOMES][R] over the n_cmp compared worlds, NULL: none),
 * all its bootstraps from one generator seeded p->boot_seed.  The same numbers bit
 * for bit whichever comparisons are computed together or where. */
int hyp_cmp_compute(const hyp_pt *p, const double *values, const double *sv, int c,
                    hyp_cmp *out, coop_err *err);

/* Part `part` of p->parts > 1 of comparison c: part 0 is hyp_cmp_compute with
 * only the first part's rows bootstrapped (the others' intervals NaN), a part >= 1
 * the intervals of its rows into *b (hyp_boot_merge puts them in place).  The
 * rows of a part: k = n_jobs * part / parts .. n_jobs * (part + 1) / parts - 1. */
int hyp_cmp_part(const hyp_pt *p, const double *values, const double *sv, int c, int part,
                 hyp_cmp *out, hyp_boot *b, coop_err *err);

/* A part's intervals into comparison x (its part 0). */
void hyp_boot_merge(hyp_cmp *x, const hyp_boot *b);

/* Stores comparison c into res: its pooled rows (pooled), its per-state, placebo
 * and Kaplan-Meier results (states; res->states' header already filled). */
void hyp_cmp_store(coop_hyp_point *res, int c, const hyp_cmp *x, int pooled, int states);

/* Fills the header of res (everything but the results; nothing else is
 * cleared: a point's results overwrite every one that is read) for a point
 * compared over n_worlds worlds named names[w] (NULL: "world<w>"). */
void hyp_point_head(coop_hyp_point *res, const coop_hypothesis_cfg *h, int point,
                    int replicates, uint32_t boot_seed, int n_worlds,
                    const char *const *names);

/* Complete points queued for their statistics (hyp_farm.c): one payload of the
 * statistics' task farm and, per point, what writing it needs. */
typedef struct hyp_batch {
    coop_bytes pay;            /* the farm's payload */
    int n, cap;                /* points queued; room in meta */
    long long tasks;           /* their tasks */
    struct hyp_meta *meta;
    unsigned char *results;    /* room for res_cap tasks' results */
    size_t res_cap;
    long long run_tasks;       /* tasks run so far */
    double serial_s;           /* CPU time so far queueing points and assembling and
                                * handing them to fn (the caller's serial part) */
    double tasks_s;            /* wall time so far running the tasks (farm or loop) */
    double task_cpu_s;         /* the tasks' CPU time so far, and the largest task's */
    double task_max_s;
    int unread;                /* a read batch's task could not read its point: nothing of
                                * the batch was handed to fn (hyp_batch_read) */
} hyp_batch;

/* Queues a point: p, its values ([n_worlds][COOP_N_OUTCOMES][R]) and per-state
 * values (the first n_cmp worlds' of [w][n_states][COOP_N_OUTCOMES][R]); cfg (the
 * factual world's configuration, for the states' names and fn) must outlive the
 * batch's run.  COOP_ENOMEM. */
int hyp_batch_add(hyp_batch *b, const hyp_pt *p, const double *values, const double *sv,
                  const coop_config *cfg, coop_err *err);

/* Queues points point0 .. point0 + n - 1 of a sweep whose tasks read their values
 * from dir/outcomes.csv themselves (hyp_outcomes_read): p holds what every point
 * shares (its point and bootstrap seed are each point's, from seed); cfg as for
 * hyp_batch_add.  The batch must be empty.  COOP_ENOMEM, COOP_EINVAL (a path too
 * long). */
int hyp_batch_read(hyp_batch *b, const char *dir, const hyp_pt *p, uint32_t seed,
                   long long point0, long long n, const coop_config *cfg, coop_err *err);

/* How many points of p's shape a read batch holds in about `bytes` (at least 1). */
long long hyp_batch_read_points(const hyp_pt *p, size_t bytes);

/* Computes the queued points' statistics as tasks: a task farm on `threads`
 * threads (and the worker ranks), or with threads <= 0 one task after another on
 * this thread; then, point by point in order, assembles each into *res (*chan
 * for its channel decomposition, res->channels pointing to it) and calls
 * fn(ctx, res, cfg, err).  The batch is empty afterwards.  The first failure. */
int hyp_batch_run(hyp_batch *b, int threads, coop_hyp_point *res, coop_chan_point *chan,
                  coop_hyp_point_fn fn, void *ctx, coop_err *err);

/* The memory a run of the batch takes: payload and results (0 when empty). */
size_t hyp_batch_bytes(const hyp_batch *b);
void hyp_batch_free(hyp_batch *b);

/* Point p->point of dir/outcomes.csv, found by bisection, into values
 * ([n_worlds][COOP_N_OUTCOMES][R]) and sv (the first n_cmp worlds' of
 * [w][n_states][COOP_N_OUTCOMES][R]), as the collector holds them; names (NULL:
 * the first n_cmp must be p->world's) gets the worlds' names.  COOP_EIO when the
 * point is not p->n_worlds x p->replicates of every outcome (hyp_outcomes.c). */
int hyp_outcomes_read(const char *dir, const hyp_pt *p, double *values, double *sv,
                      char (*names)[COOP_HYP_WORLD_NAME], coop_err *err);

/* The calling thread's CPU time in seconds (as COOPSIM_MPI_STATS counts rank
 * 0's). */
double hyp_cpu_s(void);

/* x as outcomes.csv holds it ("%.10g"). */
double hyp_as_written(double x);

/* One row of hypothesis.csv (coop_hypothesis_csv_header): result r of outcome
 * r->outcome in comparison `cmp` over `state` ("all", "common" or a state name). */
void hyp_csv_row(coop_csv *w, int point, const char *cmp, const char *state,
                 const coop_hyp_result *r);

/* The rows of comparison `cmp`: its pooled results r[COOP_N_OUTCOMES] ("all"),
 * its placebo difference-in-differences did[COOP_N_OUTCOMES] (none when did_n
 * is 0), its per-state results st[x][o] of states name[x] (outcome -1: none). */
void hyp_pooled_rows(coop_csv *w, int point, const char *cmp, const coop_hyp_result *r);
void hyp_did_rows(coop_csv *w, int point, const char *cmp, int did_n,
                  const coop_hyp_result *did);
void hyp_state_rows(coop_csv *w, int point, const char *cmp, int n_states,
                    const char (*name)[COOP_NAME_MAX],
                    const coop_hyp_result (*st)[COOP_N_OUTCOMES]);

/* The rows of the per-state results and the placebo difference-in-differences. */
void hyp_states_csv(coop_csv *w, const coop_hyp_point *res);

/* A number for the table: four significant digits, NA for NaN (sign: with +). */
const char *hyp_num(char *buf, size_t size, double x, int sign);
/* A p-value for the table; with eq, as a relation for a sentence. */
const char *hyp_pval(char *buf, size_t size, double p, int eq);

#endif
