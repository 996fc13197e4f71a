/* coop_game.h: 2x2 stage games and the payoffs of one interaction (pure functions).
 *
 * A domain's stage game is given by R, S, T, P (reward, sucker, temptation,
 * punishment) from the row player's side; the game is symmetric.  The engine turns
 * a game payoff into an actor's gain in two steps (docs/ODD.md, "7.3 Play"):
 *
 *   v    = (1 + beta*level) * ((1 - x) * pi(a_own, a_partner) + x * R)
 *          - [a_own = D and level > 0] * gamma * level          (effective payoff)
 *   gain = goal_own[d] * sqrt(cap_partner / cap_own) * v          (scaled gain)
 *
 * where x in [0,1] is the free-riding share (the part of the domain's outcome that
 * the actor's regional neighbours already provide, section 3.5).  With x = 0,
 * beta = gamma = 0, equal capacities and goal weight 1 the gain is exactly the
 * game's payoff, so textbook match scores are reproduced.  The hot functions are
 * static inline so that the engine and the tests run the same code. */
#ifndef COOP_GAME_H
#define COOP_GAME_H

/* Actions: D = 0, C = 1 (so a count of actions is a count of cooperations). */
enum { COOP_D = 0, COOP_C = 1 };

typedef struct coop_game {
    double R, S, T, P;
} coop_game;

/* The classes of symmetric 2x2 games the model description names. */
typedef enum coop_game_kind {
    COOP_GAME_HARMONY,    /* R > T and S > P: cooperation dominates */
    COOP_GAME_PD,         /* T > R > P > S: prisoner's dilemma */
    COOP_GAME_STAG_HUNT,  /* R > T >= P > S: coordination on trust */
    COOP_GAME_CHICKEN,    /* T > R > S > P: snowdrift */
    COOP_GAME_OTHER
} coop_game_kind;

/* The donation game (b: benefit to the partner, c: cost to the giver):
 * R = b - c, S = -c, T = b, P = 0. */
coop_game coop_game_donation(double b, double c);

/* The class of a game (strict inequalities as in the comments above). */
coop_game_kind coop_game_classify(const coop_game *g);

/* "harmony", "prisoners_dilemma", "stag_hunt", "chicken" or "other". */
const char *coop_game_kind_name(coop_game_kind kind);

/* The smallest and largest of R, S, T, P. */
double coop_game_min(const coop_game *g);
double coop_game_max(const coop_game *g);

/* The game payoff to the player who played `own` against `other` (COOP_C/COOP_D). */
static inline double coop_game_payoff(const coop_game *g, int own, int other)
{
    return own ? (other ? g->R : g->S) : (other ? g->T : g->P);
}

/* A game as a table indexed by 2*own + other: {P, T, S, R}.  The engine keeps
 * one per domain so that a payoff is one load, without branches on the actions. */
static inline void coop_game_table(const coop_game *g, double pay[4])
{
    pay[0] = g->P, pay[1] = g->T, pay[2] = g->S, pay[3] = g->R;
}

/* The effective payoff v in game units (see above) from a table (coop_game_table):
 * free-riding share x, institutional multiplier mult = 1 + beta*level, enforcement
 * penalty pen = gamma*level (charged only for a defection, and only when
 * level > 0: pass pen = 0 at level 0).  own and other are 0 or 1.  With x = 0 the
 * result is exactly mult * payoff - penalty. */
static inline double coop_game_effective_table(const double pay[4], int own, int other, double x,
                                               double mult, double pen)
{
    double u = (1.0 - x) * pay[2 * own + other] + x * pay[3];
    return mult * u - pen * (double)(1 - own);
}

/* The same from the game itself (for callers outside the hot loop). */
static inline double coop_game_effective(const coop_game *g, int own, int other, double x,
                                         double mult, double pen)
{
    double pay[4];
    coop_game_table(g, pay);
    return coop_game_effective_table(pay, own != 0, other != 0, x, mult, pen);
}

/* The capacity scaling of a gain: sqrt(cap_partner / cap_own), so that both sides
 * receive the same absolute gain sqrt(cap_own*cap_partner)*v, which is a larger
 * share of a small actor's capacity than of a large one's (mutual but unequal). */
double coop_game_capacity_scale(double cap_own, double cap_partner);

/* The full gain of one interaction in one domain: goal * capacity scale * effective
 * payoff, with level, beta and gamma as in the institutions (level 0: no penalty). */
double coop_game_gain(const coop_game *g, int own, int other, double goal, double cap_own,
                      double cap_partner, int level, double beta, double gamma, double x);

#endif
