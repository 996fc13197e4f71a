/* coop_tournament.h: round-robin tournaments of iterated 2x2 games between fixed
 * (memory-one) strategies, after Axelrod (1984), on a dedicated match kernel.
 *
 * The entrants are a configuration's actors (each its rule and rule parameters;
 * the actor's name labels the strategy), the stage game is the first domain's
 * R, S, T, P, a match lasts n_steps turns, `noise` flips each intended action,
 * and experiment.replicates is the number of repetitions.  Every pair plays its
 * own match in every repetition, self-play included (played, but excluded from the
 * scores).  Repetition r draws from one generator seeded from (seed, r), its
 * matches in a fixed order, so results do not depend on the thread count. */
#ifndef COOP_TOURNAMENT_H
#define COOP_TOURNAMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "coop_config.h"
#include "coop_error.h"

/* A fixed strategy as the kernel sees it: the probability of C for each value of
 * the memory byte (coop_strategy.h), precomputed. */
typedef struct coop_player {
    double p[256];
} coop_player;

/* Fills pl for rule `rule` with parameters param (coop_rules order).
 * COOP_EINVAL for a learning rule (it has no fixed behaviour). */
int coop_player_init(coop_player *pl, int rule, const double *param, coop_err *err);

/* One match of `turns` turns between a and b in game pay (coop_game_table order:
 * {P, T, S, R}), each intended action flipped with probability noise (0 draws
 * when noise = 0; a draw only where a probability is strictly between 0 and 1).
 * Adds each side's total payoff to *sa, *sb. */
void coop_match_play(gsl_rng *r, const coop_player *a, const coop_player *b, const double pay[4],
                     int turns, double noise, double *sa, double *sb);

/* The result of a tournament, strategies in configuration order.  A strategy's
 * score per turn per opponent in one repetition is its total payoff against the
 * others (self-play excluded) over turns x (n - 1); its statistics over the
 * repetitions are median (the ranking statistic), mean, sd (sample, divisor
 * reps - 1; NaN for one repetition) and the quartiles q1, q3 (linear
 * interpolation between order statistics, as R's type 7). */
typedef struct coop_tournament {
    size_t n;              /* strategies */
    int turns, reps;
    char (*name)[COOP_NAME_MAX];
    double *score;         /* [reps][n][n]: score of i against j in repetition r */
    double *matrix;        /* [n][n]: mean over repetitions of i's score per turn against j
                            * (the diagonal: self-play, not in the statistics) */
    double *median, *mean, *sd, *q1, *q3; /* n: score per turn per opponent */
    int *rank;             /* n: 1 = best median; equal medians in configuration order */
    size_t *order;         /* n: order[k] is the strategy ranked k + 1 */
} coop_tournament;

/* Runs the tournament of cfg (at least two actors, each with a fixed rule) with up
 * to `threads` OpenMP threads (<= 0: the runtime's default).  NULL and err filled
 * on failure (COOP_ECONFIG: a learning rule; COOP_ENOMEM). */
coop_tournament *coop_tournament_run(const coop_config *cfg, int threads, coop_err *err);
void coop_tournament_free(coop_tournament *t);

/* The header of tournament.csv, and its rows in rank order: rank, strategy and the
 * five statistics, reals as every results file writes them (coop_csv_num). */
extern const char coop_tournament_csv_header[];

/* Writes tournament.csv to path through a temporary file renamed when complete.
 * COOP_EIO on failure. */
int coop_tournament_write(const coop_tournament *t, const char *path, coop_err *err);

/* Writes matrix.csv (strategy,opponent,score_per_turn: t->matrix, strategies and
 * opponents both in rank order, self-play included) the same way. */
int coop_tournament_write_matrix(const coop_tournament *t, const char *path, coop_err *err);

/* Prints the ranking as an aligned table with tournament.csv's columns and the
 * very same number texts. */
void coop_tournament_print(const coop_tournament *t, FILE *out);

#endif
