/* game.c: 2x2 stage games (see coop_game.h).
 *
 * The classes follow the usual ordering of the four payoffs (Rapoport & Guyer 1966;
 * for the names used in international relations, Snidal 1985, "Coordination versus
 * prisoners' dilemma", APSR 79:923): prisoner's dilemma T > R > P > S, stag hunt
 * R > T >= P > S, chicken T > R > S > P, harmony R > T with S > P.  The capacity
 * scaling sqrt(cap_partner/cap_own) is the model's default form (docs/ODD.md, "7.3 Play"). */
#include "coop_game.h"

#include <math.h>

coop_game coop_game_donation(double b, double c)
{
    coop_game g = {b - c, -c, b, 0.0};
    return g;
}

coop_game_kind coop_game_classify(const coop_game *g)
{
    if (g->T > g->R && g->R > g->P && g->P > g->S)
        return COOP_GAME_PD;
    if (g->R > g->T && g->T >= g->P && g->P > g->S)
        return COOP_GAME_STAG_HUNT;
    if (g->T > g->R && g->R > g->S && g->S > g->P)
        return COOP_GAME_CHICKEN;
    if (g->R > g->T && g->S > g->P)
        return COOP_GAME_HARMONY;
    return COOP_GAME_OTHER;
}

const char *coop_game_kind_name(coop_game_kind kind)
{
    switch (kind) {
    case COOP_GAME_HARMONY: return "harmony";
    case COOP_GAME_PD: return "prisoners_dilemma";
    case COOP_GAME_STAG_HUNT: return "stag_hunt";
    case COOP_GAME_CHICKEN: return "chicken";
    default: return "other";
    }
}

static double min2(double a, double b)
{
    return a < b ? a : b;
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

double coop_game_min(const coop_game *g)
{
    return min2(min2(g->R, g->S), min2(g->T, g->P));
}

double coop_game_max(const coop_game *g)
{
    return max2(max2(g->R, g->S), max2(g->T, g->P));
}

double coop_game_capacity_scale(double cap_own, double cap_partner)
{
    return sqrt(cap_partner / cap_own);
}

double coop_game_gain(const coop_game *g, int own, int other, double goal, double cap_own,
                      double cap_partner, int level, double beta, double gamma, double x)
{
    double mult = 1.0 + beta * level;
    double pen = level > 0 ? gamma * level : 0.0;
    return goal * coop_game_capacity_scale(cap_own, cap_partner)
           * coop_game_effective(g, own, other, x, mult, pen);
}
