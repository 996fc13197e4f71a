/* coop_validate.h: `coopsim validate`, a historical replay scored against the record.
 *
 * A configuration's `validation` group (docs/VALIDATION.md) names the target actor
 * (the EU), the states whose ties with it are scored, the agreement levels that
 * mean "framework signed", "in force" and "enhanced", the observed dates, the
 * actor expected first to the enhanced level, the actor expected blocked, the late
 * actor and the early ones, the tie observable that stands for trade and the trade
 * table (a CSV file, relative to the configuration's directory; a results manifest
 * names it by its absolute path, coop_config.h).  The module knows the metrics; the
 * configuration names the actors.
 *
 * Per replicate the metrics (COOP_V_*) are computed from the milestones and the
 * per-step tie observables of the run; they are summarised over replicates (mean,
 * 95% t-based interval), compared with the observed value and scored in [0, 1]; the
 * combined score is the mean of the scores of the targets marked `in combined`.
 * Each target also has a status (scored, diagnostic, or as the configuration marks
 * it input-determined or structural) and a baseline, the score of a reference
 * without the model's skill: a random order of the replicate's own dates for the
 * order targets (exact, coop_validate_orders_chance), the configuration's initial
 * values for the trade shares, the model without the motivator role (the
 * counterfactual world of `coopsim hypothesis`) for the others; the skill is
 * (score - baseline score) / (1 - baseline score) (docs/VALIDATION.md, "Chance
 * baselines").  validation.csv has one row per target and the combined row; for a
 * sweep a leading `point` column and one block of rows per point. */
#ifndef COOP_VALIDATE_H
#define COOP_VALIDATE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_model.h"
#include "coop_stats.h"

#define COOP_V_MAX_STATES 16
#define COOP_V_MAX_YEARS 32

/* The per-replicate metrics, in validation.csv order (the combined row follows). */
enum {
    COOP_V_TAU_SIGNED,        /* Kendall tau-b of signing dates, simulated vs observed */
    COOP_V_TAU_IN_FORCE,      /* the same for entry into force */
    COOP_V_ORDER_SIGNED,      /* 1 when every early state signs before the blocked one,
                               * and the blocked one before the late one; else 0 */
    COOP_V_LEADER_FIRST,      /* 1 when the leader reaches the enhanced level strictly first */
    COOP_V_LEADER_YEAR,       /* date the leader first reaches the enhanced level (never =
                               * time.end) */
    COOP_V_BLOCKED,           /* 1 when the blocked state has not reached blocked_level
                               * before blocked_by */
    COOP_V_LATE_DELAY,        /* signing date of the late state - mean of the early ones */
    COOP_V_SHARE_MAE,         /* MAE of the states' shares of trade vs imports+exports shares */
    COOP_V_SHARE_MAE_IMPORTS, /* the same vs the import shares (diagnostic) */
    COOP_V_SHARE_MAE_EXPORTS, /* the same vs the export shares (diagnostic) */
    COOP_V_DECLINE,           /* total trade in decline_to / in decline_from - 1 */
    COOP_V_N
};
extern const char *const coop_validate_target_names[COOP_V_N];

/* A target's status: in the combined score (scored, structural) or not. */
typedef enum {
    COOP_VS_SCORED,      /* the model's dynamics produce it */
    COOP_VS_DIAGNOSTIC,  /* reported only (the import and export share comparisons) */
    COOP_VS_INPUT,       /* validation.input_determined: it follows from an input; out of
                          * the combined score and refused as an inference target */
    COOP_VS_STRUCTURAL   /* validation.structural: the model cannot produce it by its
                          * structure; kept in the combined score (a miss is a miss),
                          * refused as an inference target */
} coop_validate_status;
extern const char *const coop_validate_status_names[4]; /* scored, diagnostic,
                                                          * input-determined, structural */

/* A target's baseline (the reference its skill is measured against). */
typedef enum {
    COOP_VB_RANDOM_ORDER,   /* the replicate's simulated dates assigned to the states in
                             * random order (exact expectation over all orders) */
    COOP_VB_INITIAL,        /* the configuration's initial tie observables, unchanged */
    COOP_VB_NO_ROLE         /* the model without the motivator role, same seeds */
} coop_validate_baseline;
extern const char *const coop_validate_baseline_names[3]; /* random_order, initial_values,
                                                            * no_role */
extern const int coop_validate_baseline_of[COOP_V_N];

/* The validation group, resolved against a configuration. */
typedef struct coop_validation {
    int target;                          /* actor index */
    int n_states;
    int state[COOP_V_MAX_STATES];        /* actor indices */
    int tie[COOP_V_MAX_STATES];          /* tie target-state */
    int signed_level, in_force_level, enhanced_level;
    double obs_signed[COOP_V_MAX_STATES];   /* observed dates; INFINITY = never */
    double obs_in_force[COOP_V_MAX_STATES];
    int leader;                          /* index into state[] */
    double obs_leader_year;
    int blocked, blocked_level;          /* index into state[], level */
    double blocked_by;                   /* date */
    int late;                            /* index into state[] */
    int n_early, early[COOP_V_MAX_STATES];  /* indices into state[] */
    int observable;                      /* observable index */
    double trade_from, trade_to;         /* window [from, to) of the share comparison */
    double decline_from, decline_to;     /* years of the decline comparison */
    double obs_share[3][COOP_V_MAX_STATES]; /* total, imports, exports shares */
    double obs_decline;
    double observed[COOP_V_N], tolerance[COOP_V_N];
    double range[COOP_V_N];             /* score = max(0, 1 - |sim - obs| / range) */
    int in_combined[COOP_V_N];
    int status[COOP_V_N];               /* coop_validate_status */
    double initial[COOP_V_N];           /* the metric of the initial values (COOP_VB_INITIAL
                                         * targets; NaN for the others) */
} coop_validation;

/* One row of the validation table. */
typedef struct coop_validation_row {
    const char *target;
    double observed, mean, ci_lo, ci_hi, score, tolerance;
    int pass;                            /* -1 when undefined (no replicate defined it) */
    const char *status, *baseline;       /* names; the combined row: "combined", "mixed" */
    double baseline_mean, baseline_score; /* NaN when the baseline was not run */
    double skill;                        /* (score - baseline_score) / (1 - baseline_score) */
} coop_validation_row;

/* Reads the `validation` group of cfg->source (and the trade table it names)
 * against cfg.  COOP_ECONFIG with "FILE:LINE: ..." when the group is missing or
 * wrong, COOP_EIO when the trade file cannot be read. */
int coop_validation_load(const coop_config *cfg, coop_validation *v, coop_err *err);

/* Kendall's tau-b of n pairs (x[i], y[i]): (P - Q) / sqrt((n0 - n1)(n0 - n2)), with
 * P, Q the concordant and discordant pairs, n0 = n(n-1)/2, n1, n2 the pairs tied in
 * x, in y.  Equal values (including two infinities: never reached) are ties.
 * 0 when either side is all ties (no order to compare); NaN when n < 2. */
double coop_validate_kendall_tau_b(const double *x, const double *y, size_t n);

/* Mean absolute difference of a[i] and b[i], i < n (NaN when n = 0). */
double coop_validate_mae(const double *a, const double *b, size_t n);

/* The date of a milestone step (step < 0: never, the date time.end). */
double coop_validate_milestone_date(const coop_config *cfg, int step);

/* The metrics of one replicate into out[COOP_V_N].  The trade metrics need the
 * per-step arrays (rec->keep_series); without them they are NaN. */
void coop_validate_replicate(const coop_validation *v, const coop_config *cfg,
                             const coop_record *rec, double out[COOP_V_N]);

/* The order metrics (tau_signed, tau_in_force, order_signed, leader_first_enhanced,
 * leader_enhanced_year, late_delay_years) from each state's signing, in-force and
 * enhanced dates (sg, fo: never = end; en: never = INFINITY) into out; the other
 * entries are left alone. */
void coop_validate_orders(const coop_validation *v, const double *sg, const double *fo,
                          const double *en, double end, double out[COOP_V_N]);

/* The expectation of the COOP_VB_RANDOM_ORDER metrics of coop_validate_orders when
 * the same dates are assigned to the states in a uniformly random order, exactly:
 * 0 for the two tau-b (a reversed order negates tau, ties and all) and for
 * late_delay_years (every state gets every date equally often); for
 * order_signed the share of the n!/(n-k-2)! assignments of dates to the k early,
 * the blocked and the late states that put them strictly in order (1/((k+1)(k+2))
 * without ties).  The other entries are NaN. */
void coop_validate_orders_chance(const coop_validation *v, const double *sg,
                                 const double *fo, double out[COOP_V_N]);

/* The random-order expectations of one replicate (coop_validate_orders_chance on
 * its dates) into out[COOP_V_N]. */
void coop_validate_replicate_chance(const coop_validation *v, const coop_config *cfg,
                                    const coop_record *rec, double out[COOP_V_N]);

/* The score of a target's mean (NaN stays NaN). */
double coop_validate_score(const coop_validation *v, int target, double mean);

/* Why target t may not be an inference target (input-determined or structural:
 * a sentence), or NULL when it may (infer_load.c). */
const char *coop_validate_excluded(const coop_validation *v, int t);

/* The table: rows[0 .. COOP_V_N-1] the targets from the accumulated metrics,
 * rows[COOP_V_N] the combined score.  chance: the accumulated random-order
 * expectations (coop_validate_replicate_chance), no_role: the metrics of the
 * world without the motivator role; either may be NULL (its baselines NaN). */
void coop_validate_summarise(const coop_validation *v, const coop_acc acc[COOP_V_N],
                             const coop_acc chance[COOP_V_N], const coop_acc no_role[COOP_V_N],
                             coop_validation_row rows[COOP_V_N + 1]);

/* The header row of validation.csv without, and with, the point column. */
extern const char coop_validate_csv_header[];
extern const char coop_validate_csv_header_point[];

#endif
