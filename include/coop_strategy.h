/* coop_strategy.h: the behaviour behind each decision rule of coop_rules.h.
 *
 * Like GSL's generator types, coop_strategies[] is a const table indexed by
 * coop_rule_id.  Every rule reduces to one function: the probability of playing C
 * in the next round given a one-byte memory of the pair's past rounds (own last
 * move, partner's last two moves, whether the partner ever defected) and the
 * rule's parameters and propensity.  A rule whose probability is 0 or 1 is
 * deterministic and consumes no random number (coop_strategy_choose).
 *
 * Learning is a property of the rule: COOP_LEARN_NONE rules (memory-one
 * strategies) have fixed behaviour; COOP_LEARN_REINFORCE (bush_mosteller) moves a
 * per-partner per-domain propensity with coop_strategy_bush_mosteller;
 * COOP_LEARN_IMITATE rules (fermi, imitate_best, replicator) copy a neighbour's
 * propensities with the probabilities below.  The model (model.c) schedules both. */
#ifndef COOP_STRATEGY_H
#define COOP_STRATEGY_H

#include <math.h>

#include <gsl/gsl_rng.h>

#include "coop_game.h"
#include "coop_rules.h"

/* The memory byte of one directed pair in one domain. */
#define COOP_MEM_OWN      0x01u /* own last action was C */
#define COOP_MEM_PARTNER  0x02u /* partner's last action was C */
#define COOP_MEM_PARTNER2 0x04u /* partner's action before that was C */
#define COOP_MEM_ONE      0x08u /* at least one round played */
#define COOP_MEM_TWO      0x10u /* at least two rounds played */
#define COOP_MEM_GRIM     0x20u /* the partner has defected at least once */

typedef enum coop_learning {
    COOP_LEARN_NONE,      /* memory-one strategy: behaviour fixed by its parameters */
    COOP_LEARN_REINFORCE, /* Bush-Mosteller reinforcement of propensities */
    COOP_LEARN_IMITATE,   /* imitation of a neighbour's propensities */
    COOP_LEARN_MORAN      /* Moran birth-death: one reproduction per update (model.c) */
} coop_learning;

/* Probability of C given memory, parameters (coop_rules order) and propensity. */
typedef double (*coop_p_coop_fn)(unsigned mem, const double *param, double propensity);

typedef struct coop_strategy {
    int rule;                /* its coop_rule_id (the table is indexed by it) */
    coop_learning learning;
    coop_p_coop_fn p_coop;
} coop_strategy;

extern const coop_strategy coop_strategies[COOP_N_RULES];

/* The memory after a round in which the owner played `own` and the partner `other`
 * (each COOP_C = 1 or COOP_D = 0).  Bit arithmetic, no branches: the actions are
 * random, so branches on them would be mispredicted half of the time. */
static inline unsigned coop_strategy_remember(unsigned mem, int own, int other)
{
    unsigned o = (unsigned)own & 1u, p = (unsigned)other & 1u;
    return o | p << 1 | (mem & COOP_MEM_PARTNER) << 1 | COOP_MEM_ONE | (mem & COOP_MEM_ONE) << 1
           | (mem & COOP_MEM_GRIM) | (p ^ 1u) << 5;
}

/* C with probability p: draws one gsl_rng_uniform only when 0 < p < 1. */
static inline int coop_strategy_bernoulli(gsl_rng *r, double p)
{
    if (p >= 1.0)
        return COOP_C;
    if (p <= 0.0)
        return COOP_D;
    return gsl_rng_uniform(r) < p ? COOP_C : COOP_D;
}

/* Chooses an action (COOP_C or COOP_D) with rule `rule`; *p_out receives the
 * probability of C it used.  Draws one gsl_rng_uniform only when 0 < p < 1. */
static inline int coop_strategy_choose(gsl_rng *r, int rule, const double *param,
                                       double propensity, unsigned mem, double *p_out)
{
    double p = coop_strategies[rule].p_coop(mem, param, propensity);
    *p_out = p;
    return coop_strategy_bernoulli(r, p);
}

/* Bush-Mosteller aspiration and normaliser of a game (Macy & Flache 2002):
 * A = min + aspiration*(max - min) over R, S, T, P, and M = max |pi - A| over the
 * four payoffs (M = 1 when all four are equal, so that the stimulus is 0). */
void coop_strategy_aspiration(const coop_game *g, double aspiration, double *A, double *M);

/* The stimulus (v - A)/M of an effective payoff v, clamped to [-1, 1]. */
static inline double coop_strategy_stimulus(double v, double A, double M)
{
    double s = (v - A) / M;
    return s > 1.0 ? 1.0 : (s < -1.0 ? -1.0 : s);
}

/* The Bush-Mosteller update (Macy & Flache 2002) of the propensity p (probability
 * of C) after playing `action` (COOP_C or COOP_D) with stimulus s (clamped here to
 * [-1, 1]) and learning rate l.  With q the probability of the action taken,
 * q <- q + l*s*(1-q) when s >= 0 and q <- q + l*s*q when s < 0; in terms of p:
 * when the action is rewarded (C with s >= 0) or punished but was D (s < 0), p
 * rises by l|s|(1-p), otherwise it falls by l|s|p:
 *   p <- p + l*|s|*(rise - p),  rise = 1 if action XOR (s < 0), else 0.
 * No branches on the (random) action and sign; the result stays in [0, 1]. */
static inline double coop_strategy_bush_mosteller(double p, int action, double s, double l)
{
    double mag = l * fabs(s);
    mag = mag < l ? mag : l; /* = l * min(|s|, 1) exactly; a variable bound compiles to minsd */
    double rise = (double)(((unsigned)action & 1u) ^ (unsigned)(s < 0.0));
    double q = p + mag * (rise - p);
    return q < 1.0 ? q : 1.0;
}

/* Fermi rule: probability 1/(1 + exp((P_self - P_other)/K)) of copying the other
 * (Szabo & Toke 1998); 0 or 1 exactly in the limits of large |difference|/K. */
double coop_strategy_fermi(double p_self, double p_other, double K);

/* Proportional imitation: max(0, P_other - P_self)/norm, at most 1 (Schlag 1998;
 * Santos & Pacheco 2005 with norm = k_max * (max payoff - min payoff)); 0 when
 * norm <= 0. */
double coop_strategy_replicator(double p_self, double p_other, double norm);

#endif
