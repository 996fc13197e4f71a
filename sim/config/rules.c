/* rules.c: the decision-rule schema (see coop_rules.h), part of the configuration
 * layer: the configuration validates against it, the strategy module (model layer)
 * implements the behaviour behind each id.
 *
 * Defaults and their sources:
 * - gtft generosity 1/3: Nowak & Sigmund (1992), g = min(1 - (T-R)/(R-S), (R-P)/(T-P))
 *   for R=3, S=0, T=5, P=1.
 * - random p = 0.5: the unbiased coin of Axelrod's (1984) RANDOM entry.
 * - memory_one defaults to TFT (p_cc=1, p_cd=0, p_dc=1, p_dd=0, first=1), Nowak & Sigmund (1990).
 * - bush_mosteller aspiration 0.5 (midway in the payoff range) and learning rate 0.5:
 *   Macy & Flache (2002), PNAS 99:7229, who use l = 0.5 and an aspiration between P and R.
 * - fermi K = 0.1: Szabo & Toke (1998), Phys Rev E 58:69; Santos & Pacheco (2005).
 * imitate_best (Nowak & May 1992), replicator (Helbing 1992; Schlag 1998) and moran
 * (Moran 1958) have none. */
#include "coop_rules.h"

#include <string.h>

const coop_rule_info coop_rules[COOP_N_RULES] = {
    [COOP_RULE_ALLC] = {"allc", 0, {0}, {0}, {0}, {0}, "always cooperate"},
    [COOP_RULE_ALLD] = {"alld", 0, {0}, {0}, {0}, {0}, "always defect"},
    [COOP_RULE_TFT] = {"tft", 0, {0}, {0}, {0}, {0},
                       "tit for tat: C first, then the partner's last move (Axelrod 1984)"},
    [COOP_RULE_STFT] = {"stft", 0, {0}, {0}, {0}, {0},
                        "suspicious tit for tat: D first, then the partner's last move"},
    [COOP_RULE_TF2T] = {"tf2t", 0, {0}, {0}, {0}, {0},
                        "tit for two tats: D only after two consecutive partner defections"},
    [COOP_RULE_GTFT] = {"gtft", 1, {"generosity"}, {1.0 / 3.0}, {0.0}, {1.0},
                        "generous tit for tat: forgives a defection with probability generosity "
                        "(Nowak & Sigmund 1992)"},
    [COOP_RULE_GRIM] = {"grim", 0, {0}, {0}, {0}, {0},
                        "grim trigger: C until the partner's first defection, D ever after"},
    [COOP_RULE_WSLS] = {"wsls", 0, {0}, {0}, {0}, {0},
                        "win-stay lose-shift (Pavlov): C when both played the same last round "
                        "(Nowak & Sigmund 1993)"},
    [COOP_RULE_RANDOM] = {"random", 1, {"p"}, {0.5}, {0.0}, {1.0}, "C with probability p"},
    [COOP_RULE_MEMORY_ONE] = {"memory_one", 5, {"p_cc", "p_cd", "p_dc", "p_dd", "first"},
                              {1.0, 0.0, 1.0, 0.0, 1.0}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1},
                              "C with probability p_XY after own move X and partner's move Y; "
                              "first: probability of C on the first move"},
    [COOP_RULE_BUSH_MOSTELLER] = {"bush_mosteller", 2, {"aspiration", "learning_rate"},
                                  {0.5, 0.5}, {0.0, 0.0}, {1.0, 1.0},
                                  "reinforcement learning on propensities, aspiration as a "
                                  "fraction of the payoff range (Macy & Flache 2002)"},
    [COOP_RULE_FERMI] = {"fermi", 1, {"K"}, {0.1}, {1e-6}, {1e6},
                         "copy a random neighbour with probability "
                         "1/(1+exp((P_self-P_other)/K)) (Szabo & Toke 1998)"},
    [COOP_RULE_IMITATE_BEST] = {"imitate_best", 0, {0}, {0}, {0}, {0},
                                "copy the best-scoring neighbour, self included (Nowak & May 1992)"},
    [COOP_RULE_REPLICATOR] = {"replicator", 0, {0}, {0}, {0}, {0},
                              "proportional imitation: copy a random neighbour with probability "
                              "proportional to the payoff difference (Schlag 1998)"},
    [COOP_RULE_MORAN] = {"moran", 0, {0}, {0}, {0}, {0},
                         "Moran birth-death process: each update one node, chosen with "
                         "probability proportional to its payoff, replaces a random neighbour's "
                         "strategy with its own (Moran 1958; Lieberman et al. 2005)"},
};

int coop_rule_lookup(const char *name)
{
    for (int r = 0; r < COOP_N_RULES; r++)
        if (strcmp(coop_rules[r].name, name) == 0)
            return r;
    return -1;
}

int coop_rule_param(int rule, const char *param)
{
    if (rule < 0 || rule >= COOP_N_RULES)
        return -1;
    for (int i = 0; i < coop_rules[rule].n_params; i++)
        if (strcmp(coop_rules[rule].param[i], param) == 0)
            return i;
    return -1;
}
