/* coop_channels.h: which of the motivator's channels carries the effect
 * (docs/HYPOTHESIS.md, "Which channel carries the effect").
 *
 * The design.  The motivator's channels (COOP_MOTIVATOR_CHANNELS, coop_config.h)
 * are grouped into factors: every channel whose key starts with the same word
 * (the key up to its first '_') belongs to one factor, in the order the list
 * first names the word, and a factor exists when at least one of its channels is
 * a strength of the role.  Today: initiative (initiative_rate, initiative_impact
 * and the forced initiative, which act only together), demonstration, brokerage.
 * A new channel joins the factor of its first word, or makes a new one, with no
 * edit here.  With k factors, cell S (a bit mask, bit f = factor f on) is the
 * world where the strengths of the factors in S keep their factual values and
 * those of the others are 0 (and the role's scheduled events on their channels
 * are dropped); cell 0 is the counterfactual world, cell 2^k - 1 the factual one.
 * All 2^k cells run under common random numbers, so every estimate below is a
 * linear contrast sum_S w_S y_S(r) of the cells of replicate r, and its interval
 * is a one-sample (paired) interval over the replicates.
 *
 * The estimands, for cell values v(S) (weights are those of the contrast):
 *   total             v(all) - v(none): the effect the hypothesis test measures;
 *   main:F            F's main effect, the mean over the 2^(k-1) settings of the
 *                     other factors of v(S + F) - v(S);
 *   interaction:F*G.. the standard 2^k factorial contrast of the term T (Box,
 *                     Hunter & Hunter 2005, ch. 5): 2^-(k-1) sum_S v(S)
 *                     prod_{f in T} (+1 if f in S else -1); for two factors, half
 *                     the difference between F's effect with G on and with G off;
 *   shapley:F         F's Shapley value (Shapley 1953) of the game v:
 *                     phi_F = sum_{S not containing F} |S|! (k - |S| - 1)! / k!
 *                     [v(S + F) - v(S)]; the phi sum to the total exactly.
 * A main effect answers "what does F add, on average over the other channels";
 * an interaction "does F's effect depend on G"; the Shapley values split the total
 * among the channels, each interaction shared equally among its factors.
 *
 * channels.c holds the design and the statistics: pure functions of their
 * arguments (no I/O; the factor list is computed once), safe to call from several
 * threads; channels_report.c writes channels.csv and the printed section. */
#ifndef COOP_CHANNELS_H
#define COOP_CHANNELS_H

#include <stddef.h>
#include <stdio.h>

#include "coop_config.h"
#include "coop_error.h"
#include "coop_fmt.h"
#include "coop_model.h"
#include "coop_paired.h"

/* The strengths of COOP_MOTIVATOR_CHANNELS: the most factors there can be. */
#define COOP_X_(key, FIELD, strength, doc) +(strength)
enum { COOP_CHAN_MAX_FACTORS = 0 COOP_MOTIVATOR_CHANNELS(COOP_X_) };
#undef COOP_X_
#define COOP_CHAN_MAX_CELLS (1 << COOP_CHAN_MAX_FACTORS)
/* Worlds the design adds to the factual and counterfactual ones. */
#define COOP_CHAN_MAX_WORLDS (COOP_CHAN_MAX_CELLS - 2)
/* total, the 2^k - 1 factorial terms, k Shapley values */
#define COOP_CHAN_MAX_TERMS (COOP_CHAN_MAX_CELLS + COOP_CHAN_MAX_FACTORS)
#define COOP_CHAN_NAME 160 /* a world's or a term's name */

/* ---- the factors, from COOP_MOTIVATOR_CHANNELS ---- */

/* The number of factors k (3 today), at most COOP_CHAN_MAX_FACTORS. */
int coop_channels_n_factors(void);

/* Factor f's name ("initiative"), NULL when f is not a factor. */
const char *coop_channels_factor(int f);

/* The factor of channel c (coop_mot_channel), -1 when it has none. */
int coop_channels_factor_of(int c);

/* The name of cell `mask` as a world ("channels:initiative+brokerage"; the cells
 * 0 and all-on, which are the counterfactual and factual worlds, "channels:none"
 * and "channels:all"), into buf. */
void coop_channels_world_name(unsigned mask, char *buf, size_t size);

/* Makes the motivator role of actor a keep only the channels of the factors in
 * mask, cell `mask` of the design: the strengths of the other factors' channels
 * become 0 and the events on their channels are dropped (the role's target and
 * everything else are kept).  Cell 0 is not the counterfactual world
 * (coop_hypothesis_remove_role also drops events on channels of no factor).
 * COOP_EINVAL when a is not an actor of cfg. */
int coop_channels_keep(coop_config *cfg, int a, unsigned mask, coop_err *err);

/* ---- contrasts: pure functions of k (1 to COOP_CHAN_MAX_FACTORS) ---- */

typedef enum coop_chan_kind {
    COOP_CHAN_TOTAL,
    COOP_CHAN_MAIN,
    COOP_CHAN_INTERACTION,
    COOP_CHAN_SHAPLEY
} coop_chan_kind;

/* A term: its kind and factors (a mask: one factor for main and shapley, two or
 * more for an interaction, none for the total). */
typedef struct coop_chan_term {
    coop_chan_kind kind;
    unsigned mask;
} coop_chan_term;

/* The terms of a design of k factors, in the order channels.csv lists them: total,
 * the main effects in factor order, the interactions by order then by mask, the
 * Shapley values in factor order.  Returns their number, 2^k + k. */
int coop_channels_terms(int k, coop_chan_term *terms);

/* The weights w[0 .. 2^k - 1] of term t's contrast over the cells. */
void coop_channels_weights(int k, coop_chan_term t, double *w);

/* "total", "main:F", "interaction:F*G", "shapley:F", with the factor names of
 * coop_channels_factor (or "f0", "f1", ... beyond them), into buf. */
void coop_channels_term_name(coop_chan_term t, char *buf, size_t size);

/* The contrast of weights w applied to one set of cell values v[0 .. 2^k - 1]. */
double coop_channels_contrast(int k, const double *w, const double *v);

/* The same contrast computed from differences of cells that differ in one factor
 * only (Yates's algorithm, the Shapley marginal contributions), so that a term
 * involving a factor without any effect (every v(S + F) == v(S)) is exactly 0;
 * equal to coop_channels_contrast(k, weights, v) up to rounding.  The estimates
 * use this one. */
double coop_channels_value(int k, coop_chan_term t, const double *v);

/* ---- estimates ---- */

/* One term of one outcome: s.diff is the estimate (the mean over replicates of
 * the contrast), s.boot_lo/boot_hi and s.t_lo/t_hi its intervals, s.p_t the
 * two-sided t-test p-value of "the term is 0" (unadjusted), s.n the replicates
 * used (coop_paired_compare of the contrasts against 0). */
typedef struct coop_chan_est {
    coop_chan_term term;
    coop_paired s;
} coop_chan_est;

/* Every term of one outcome from cells[S * R + r] (cell S, replicate r, values
 * already oriented so that the thesis predicts a positive total).  A replicate
 * with a non-finite value in any cell is dropped from every term, so all terms
 * rest on the same replicates and the Shapley estimates sum to the total.  The
 * intervals are those of coop_paired_compare(level, n_boot, boot_seed) on the
 * per-replicate contrasts.  Fills est[0 .. 2^k + k - 1] in coop_channels_terms
 * order.  COOP_EINVAL (bad k or NULL arguments) or COOP_ENOMEM. */
int coop_channels_estimate(const double *cells, int k, size_t R, double level, size_t n_boot,
                           unsigned long boot_seed, coop_chan_est *est, coop_err *err);

/* The decomposition at one point, every outcome. */
typedef struct coop_chan_point {
    int point;
    int k, n_terms;
    int primary;                      /* COOP_O_* */
    double confidence;
    int bootstrap;
    coop_chan_est est[COOP_N_OUTCOMES][COOP_CHAN_MAX_TERMS];
    /* outcome o's rows of channels.csv already formatted (text_len[o] bytes; by
     * the hypothesis test's statistics tasks), or NULL: formatted from est[o] */
    const char *text[COOP_N_OUTCOMES];
    size_t text_len[COOP_N_OUTCOMES];
} coop_chan_point;

/* The point's decomposition from the values of the hypothesis collector,
 * values[(w * COOP_N_OUTCOMES + o) * R + r] over its worlds, where cell S is world
 * world_of[S] (cell 0 the counterfactual, cell 2^k - 1 the factual).  Each outcome
 * is oriented as coop_hypothesis_orientation says; h gives primary, confidence
 * and bootstrap.  COOP_EINVAL or COOP_ENOMEM. */
int coop_channels_point(const coop_hypothesis_cfg *h, const double *values, size_t R, int k,
                        const int *world_of, int point, unsigned long boot_seed,
                        coop_chan_point *out, coop_err *err);

/* coop_channels_point in parts, for callers that spread the outcomes over tasks
 * (the hypothesis test's task farm): init fills out's header (point, k, n_terms,
 * primary, confidence, bootstrap) and zeroes its estimates; outcome computes
 * out->est[o] (est: COOP_CHAN_MAX_TERMS of them) exactly as coop_channels_point
 * does.  COOP_EINVAL or COOP_ENOMEM. */
void coop_channels_point_init(const coop_hypothesis_cfg *h, int k, int point,
                              coop_chan_point *out);
int coop_channels_outcome(const coop_hypothesis_cfg *h, const double *values, size_t R, int k,
                          const int *world_of, int o, unsigned long boot_seed, coop_chan_est *est,
                          coop_err *err);

/* ---- channels.csv and the printed section (channels_report.c) ---- */

/* The header row of channels.csv (without the line feed). */
extern const char coop_channels_csv_header[];

/* Appends the rows of one point (docs/OUTPUT.md) to w (check w->bad). */
void coop_channels_csv_rows(coop_csv *w, const coop_chan_point *cp);
/* The rows of outcome o alone (coop_channels_csv_rows writes them in outcome
 * order, or cp->text[o] where it is set). */
void coop_channels_csv_outcome(coop_csv *w, const coop_chan_point *cp, int o);

/* channels.csv as a file: open creates `path` and writes the header; write
 * appends a point's rows; close flushes, fsyncs and closes it (COOP_EIO on any
 * failed write); abort closes and removes it.  Both close and abort release c
 * (NULL does nothing). */
typedef coop_csv_file coop_chan_csv; /* coop_fmt.h */

coop_chan_csv *coop_chan_csv_open(const char *path, coop_err *err);
int coop_chan_csv_write(coop_chan_csv *c, const coop_chan_point *cp, coop_err *err);
int coop_chan_csv_close(coop_chan_csv *c, coop_err *err);
void coop_chan_csv_abort(coop_chan_csv *c);

/* The report's section "Which channel carries the effect" for the primary
 * outcome, after the verdict table.  COOP_EIO when a write fails. */
int coop_channels_print(FILE *out, const coop_chan_point *cp, const coop_config *cfg);

#endif
