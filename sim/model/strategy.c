/* strategy.c: the decision rules of docs/ODD.md, "7.6 Decision rules and
 * learning" (see coop_strategy.h).
 *
 * Each rule is the probability of cooperating given a memory-one (for tf2t,
 * memory-two) record of the pair's past rounds, as in Nowak & Sigmund's (1990,
 * 1992, 1993) formulation of strategies as response probabilities:
 *   allc 1; alld 0; tft: C first, then the partner's last move (Axelrod 1984);
 *   stft: D first, then the partner's last move; tf2t: D only after two consecutive
 *   partner defections (Axelrod 1984); gtft: C after C, C with probability g after
 *   D (Nowak & Sigmund 1992); grim: C until the partner's first D (Friedman 1971);
 *   wsls: C when both played the same last round, i.e. stay after R or T, shift
 *   after S or P (Nowak & Sigmund 1993); random: p; memory_one: p_XY after own X and
 *   partner's Y, `first` on the first round.
 * Learning rules play C with their propensity.  Bush-Mosteller follows Macy &
 * Flache (2002, PNAS 99:7229); the Fermi rule Szabo & Toke (1998, PRE 58:69);
 * proportional imitation Schlag (1998, JET 78:130) with the normalisation of
 * Santos & Pacheco (2005, PRL 95:098104). */
#include "coop_strategy.h"

#include <math.h>

static double p_allc(unsigned mem, const double *param, double prop)
{
    (void)mem, (void)param, (void)prop;
    return 1.0;
}

static double p_alld(unsigned mem, const double *param, double prop)
{
    (void)mem, (void)param, (void)prop;
    return 0.0;
}

static double p_tft(unsigned mem, const double *param, double prop)
{
    (void)param, (void)prop;
    if (!(mem & COOP_MEM_ONE))
        return 1.0;
    return (mem & COOP_MEM_PARTNER) ? 1.0 : 0.0;
}

static double p_stft(unsigned mem, const double *param, double prop)
{
    (void)param, (void)prop;
    if (!(mem & COOP_MEM_ONE))
        return 0.0;
    return (mem & COOP_MEM_PARTNER) ? 1.0 : 0.0;
}

static double p_tf2t(unsigned mem, const double *param, double prop)
{
    (void)param, (void)prop;
    if ((mem & COOP_MEM_TWO) && !(mem & (COOP_MEM_PARTNER | COOP_MEM_PARTNER2)))
        return 0.0;
    return 1.0;
}

static double p_gtft(unsigned mem, const double *param, double prop)
{
    (void)prop;
    if (!(mem & COOP_MEM_ONE) || (mem & COOP_MEM_PARTNER))
        return 1.0;
    return param[0];
}

static double p_grim(unsigned mem, const double *param, double prop)
{
    (void)param, (void)prop;
    return (mem & COOP_MEM_GRIM) ? 0.0 : 1.0;
}

static double p_wsls(unsigned mem, const double *param, double prop)
{
    (void)param, (void)prop;
    if (!(mem & COOP_MEM_ONE))
        return 1.0;
    int own = (mem & COOP_MEM_OWN) != 0, other = (mem & COOP_MEM_PARTNER) != 0;
    return own == other ? 1.0 : 0.0;
}

static double p_random(unsigned mem, const double *param, double prop)
{
    (void)mem, (void)prop;
    return param[0];
}

static double p_memory_one(unsigned mem, const double *param, double prop)
{
    (void)prop;
    if (!(mem & COOP_MEM_ONE))
        return param[4];
    /* p_cc, p_cd, p_dc, p_dd: own move first, then the partner's */
    int k = ((mem & COOP_MEM_OWN) ? 0 : 2) + ((mem & COOP_MEM_PARTNER) ? 0 : 1);
    return param[k];
}

static double p_propensity(unsigned mem, const double *param, double prop)
{
    (void)mem, (void)param;
    return prop;
}

const coop_strategy coop_strategies[COOP_N_RULES] = {
    [COOP_RULE_ALLC] = {COOP_RULE_ALLC, COOP_LEARN_NONE, p_allc},
    [COOP_RULE_ALLD] = {COOP_RULE_ALLD, COOP_LEARN_NONE, p_alld},
    [COOP_RULE_TFT] = {COOP_RULE_TFT, COOP_LEARN_NONE, p_tft},
    [COOP_RULE_STFT] = {COOP_RULE_STFT, COOP_LEARN_NONE, p_stft},
    [COOP_RULE_TF2T] = {COOP_RULE_TF2T, COOP_LEARN_NONE, p_tf2t},
    [COOP_RULE_GTFT] = {COOP_RULE_GTFT, COOP_LEARN_NONE, p_gtft},
    [COOP_RULE_GRIM] = {COOP_RULE_GRIM, COOP_LEARN_NONE, p_grim},
    [COOP_RULE_WSLS] = {COOP_RULE_WSLS, COOP_LEARN_NONE, p_wsls},
    [COOP_RULE_RANDOM] = {COOP_RULE_RANDOM, COOP_LEARN_NONE, p_random},
    [COOP_RULE_MEMORY_ONE] = {COOP_RULE_MEMORY_ONE, COOP_LEARN_NONE, p_memory_one},
    [COOP_RULE_BUSH_MOSTELLER] = {COOP_RULE_BUSH_MOSTELLER, COOP_LEARN_REINFORCE, p_propensity},
    [COOP_RULE_FERMI] = {COOP_RULE_FERMI, COOP_LEARN_IMITATE, p_propensity},
    [COOP_RULE_IMITATE_BEST] = {COOP_RULE_IMITATE_BEST, COOP_LEARN_IMITATE, p_propensity},
    [COOP_RULE_REPLICATOR] = {COOP_RULE_REPLICATOR, COOP_LEARN_IMITATE, p_propensity},
    [COOP_RULE_MORAN] = {COOP_RULE_MORAN, COOP_LEARN_MORAN, p_propensity},
};

void coop_strategy_aspiration(const coop_game *g, double aspiration, double *A, double *M)
{
    double lo = coop_game_min(g), hi = coop_game_max(g);
    double a = lo + aspiration * (hi - lo);
    double pay[4] = {g->R, g->S, g->T, g->P};
    double m = 0.0;
    for (int k = 0; k < 4; k++) {
        double dev = fabs(pay[k] - a);
        m = dev > m ? dev : m;
    }
    *A = a;
    *M = m > 0.0 ? m : 1.0;
}

double coop_strategy_fermi(double p_self, double p_other, double K)
{
    return 1.0 / (1.0 + exp((p_self - p_other) / K));
}

double coop_strategy_replicator(double p_self, double p_other, double norm)
{
    if (norm <= 0.0 || p_other <= p_self)
        return 0.0;
    double q = (p_other - p_self) / norm;
    return q > 1.0 ? 1.0 : q;
}
