/* test_strategy.c: the decision rules (sim/model/strategy.c, include/coop_strategy.h).
 *
 * Each deterministic rule's action sequence against fixed opponents, the textbook
 * match scores with R=3, S=0, T=5, P=1 (TFT vs ALLD: 9 vs 14 over 10 rounds, 199
 * vs 204 over 200), that a deterministic rule consumes no random number, and exact
 * values of the learning formulas (Bush-Mosteller, Fermi, proportional imitation). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "coop_game.h"
#include "coop_rules.h"
#include "coop_strategy.h"

/* a and b at most n representable doubles apart */
static int ulp_close(double a, double b, int n)
{
    for (int k = 0; k < n && a != b; k++)
        a = nextafter(a, b);
    return a == b;
}

#define ULP_EQ(a, b) cr_assert(ulp_close((a), (b), 4), "%.17g != %.17g", (double)(a), (double)(b))

/* A player: a rule with its default parameters (or given ones), or a fixed
 * sequence of moves ("CDC..." repeated) when rule < 0. */
typedef struct player {
    int rule;
    double param[COOP_RULE_PARAMS_MAX];
    const char *seq;
} player;

static player rule_player(int rule)
{
    player p = {rule, {0}, NULL};
    for (int k = 0; k < coop_rules[rule].n_params; k++)
        p.param[k] = coop_rules[rule].def[k];
    return p;
}

static player seq_player(const char *seq)
{
    player p = {-1, {0}, seq};
    return p;
}

static int move(gsl_rng *r, const player *p, unsigned mem, int round)
{
    if (p->rule < 0)
        return p->seq[round % strlen(p->seq)] == 'C' ? COOP_C : COOP_D;
    double q;
    return coop_strategy_choose(r, p->rule, p->param, 0.5, mem, &q);
}

/* Plays n rounds; writes the moves as "CD..." strings and the scores.  Checks
 * that no random number was drawn (all the players here are deterministic). */
static void match(const player *a, const player *b, int n, char *ma, char *mb, double *sa,
                  double *sb)
{
    static const coop_game pd = {3, 0, 5, 1};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *fresh = gsl_rng_alloc(gsl_rng_mt19937);
    unsigned mema = 0, memb = 0;
    *sa = *sb = 0;
    for (int k = 0; k < n; k++) {
        int xa = move(r, a, mema, k), xb = move(r, b, memb, k);
        if (ma)
            ma[k] = xa ? 'C' : 'D';
        if (mb)
            mb[k] = xb ? 'C' : 'D';
        *sa += coop_game_payoff(&pd, xa, xb);
        *sb += coop_game_payoff(&pd, xb, xa);
        mema = coop_strategy_remember(mema, xa, xb);
        memb = coop_strategy_remember(memb, xb, xa);
    }
    if (ma)
        ma[n] = '\0';
    if (mb)
        mb[n] = '\0';
    cr_assert_eq(gsl_rng_get(r), gsl_rng_get(fresh), "a deterministic match drew a random number");
    gsl_rng_free(r);
    gsl_rng_free(fresh);
}

static void expect_moves(player a, player b, int n, const char *want_a, const char *want_b)
{
    char ma[256], mb[256];
    double sa, sb;
    match(&a, &b, n, ma, mb, &sa, &sb);
    if (want_a)
        cr_assert_str_eq(ma, want_a);
    if (want_b)
        cr_assert_str_eq(mb, want_b);
}

Test(strategy, table_is_indexed_by_rule)
{
    for (int r = 0; r < COOP_N_RULES; r++) {
        cr_assert_eq(coop_strategies[r].rule, r);
        cr_assert_not_null(coop_strategies[r].p_coop);
    }
    cr_assert_eq(coop_strategies[COOP_RULE_TFT].learning, COOP_LEARN_NONE);
    cr_assert_eq(coop_strategies[COOP_RULE_MEMORY_ONE].learning, COOP_LEARN_NONE);
    cr_assert_eq(coop_strategies[COOP_RULE_BUSH_MOSTELLER].learning, COOP_LEARN_REINFORCE);
    cr_assert_eq(coop_strategies[COOP_RULE_FERMI].learning, COOP_LEARN_IMITATE);
    cr_assert_eq(coop_strategies[COOP_RULE_IMITATE_BEST].learning, COOP_LEARN_IMITATE);
    cr_assert_eq(coop_strategies[COOP_RULE_REPLICATOR].learning, COOP_LEARN_IMITATE);
    cr_assert_eq(coop_strategies[COOP_RULE_MORAN].learning, COOP_LEARN_MORAN);
}

Test(strategy, memory_bits)
{
    unsigned m = coop_strategy_remember(0, COOP_C, COOP_D);
    cr_assert_eq(m, COOP_MEM_OWN | COOP_MEM_ONE | COOP_MEM_GRIM);
    m = coop_strategy_remember(m, COOP_D, COOP_C);
    cr_assert_eq(m, COOP_MEM_PARTNER | COOP_MEM_ONE | COOP_MEM_TWO | COOP_MEM_GRIM);
    m = coop_strategy_remember(m, COOP_C, COOP_C);
    cr_assert_eq(m, COOP_MEM_OWN | COOP_MEM_PARTNER | COOP_MEM_PARTNER2 | COOP_MEM_ONE
                        | COOP_MEM_TWO | COOP_MEM_GRIM);
    cr_assert_eq(coop_strategy_remember(0, COOP_C, COOP_C),
                 COOP_MEM_OWN | COOP_MEM_PARTNER | COOP_MEM_ONE);
}

Test(strategy, tft_vs_alld_10_rounds)
{
    player tft = rule_player(COOP_RULE_TFT), alld = rule_player(COOP_RULE_ALLD);
    char ma[16], mb[16];
    double sa, sb;
    match(&tft, &alld, 10, ma, mb, &sa, &sb);
    cr_assert_str_eq(ma, "CDDDDDDDDD");
    cr_assert_str_eq(mb, "DDDDDDDDDD");
    cr_assert_eq(sa, 9.0);
    cr_assert_eq(sb, 14.0);
}

Test(strategy, textbook_scores_200_rounds)
{
    struct { int a, b; double sa, sb; } cases[] = {
        {COOP_RULE_TFT, COOP_RULE_ALLD, 199, 204},  {COOP_RULE_TFT, COOP_RULE_TFT, 600, 600},
        {COOP_RULE_ALLC, COOP_RULE_ALLD, 0, 1000},  {COOP_RULE_WSLS, COOP_RULE_ALLD, 100, 600},
        {COOP_RULE_GRIM, COOP_RULE_TFT, 600, 600},  {COOP_RULE_STFT, COOP_RULE_TFT, 500, 500},
        {COOP_RULE_TF2T, COOP_RULE_ALLD, 198, 208}, {COOP_RULE_GRIM, COOP_RULE_ALLD, 199, 204},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        player a = rule_player(cases[k].a), b = rule_player(cases[k].b);
        double sa, sb;
        match(&a, &b, 200, NULL, NULL, &sa, &sb);
        cr_assert_eq(sa, cases[k].sa, "%s vs %s: %g", coop_rules[cases[k].a].name,
                     coop_rules[cases[k].b].name, sa);
        cr_assert_eq(sb, cases[k].sb, "%s vs %s: %g", coop_rules[cases[k].a].name,
                     coop_rules[cases[k].b].name, sb);
    }
}

Test(strategy, sequences_against_fixed_opponents)
{
    player allc = rule_player(COOP_RULE_ALLC), alld = rule_player(COOP_RULE_ALLD);
    expect_moves(rule_player(COOP_RULE_ALLC), alld, 5, "CCCCC", NULL);
    expect_moves(rule_player(COOP_RULE_ALLD), allc, 5, "DDDDD", NULL);
    expect_moves(rule_player(COOP_RULE_TFT), seq_player("CDDCC"), 6, "CCDDCC", NULL);
    expect_moves(rule_player(COOP_RULE_STFT), allc, 5, "DCCCC", NULL);
    expect_moves(rule_player(COOP_RULE_STFT), rule_player(COOP_RULE_TFT), 6, "DCDCDC", "CDCDCD");
    expect_moves(rule_player(COOP_RULE_TF2T), alld, 6, "CCDDDD", NULL);
    expect_moves(rule_player(COOP_RULE_TF2T), seq_player("DC"), 8, "CCCCCCCC", NULL);
    expect_moves(rule_player(COOP_RULE_TF2T), seq_player("CDDCC"), 7, "CCCDCCC", NULL);
    expect_moves(rule_player(COOP_RULE_GRIM), seq_player("CDCCCCCC"), 6, "CCDDDD", NULL);
    expect_moves(rule_player(COOP_RULE_WSLS), alld, 6, "CDCDCD", NULL);
    expect_moves(rule_player(COOP_RULE_WSLS), allc, 4, "CCCC", NULL);
    /* wsls after T (own D, partner C) stays D; after P shifts to C */
    expect_moves(rule_player(COOP_RULE_WSLS), seq_player("DCCDD"), 6, "CDDDCD", NULL);
}

Test(strategy, parameterised_rules_in_their_deterministic_limits)
{
    player alld = rule_player(COOP_RULE_ALLD);
    player g0 = rule_player(COOP_RULE_GTFT), g1 = rule_player(COOP_RULE_GTFT);
    g0.param[0] = 0.0, g1.param[0] = 1.0;
    expect_moves(g0, alld, 5, "CDDDD", NULL); /* generosity 0 = tft */
    expect_moves(g1, alld, 5, "CCCCC", NULL); /* generosity 1 = allc */
    player r0 = rule_player(COOP_RULE_RANDOM), r1 = rule_player(COOP_RULE_RANDOM);
    r0.param[0] = 0.0, r1.param[0] = 1.0;
    expect_moves(r0, alld, 4, "DDDD", NULL);
    expect_moves(r1, alld, 4, "CCCC", NULL);
    /* memory_one: defaults are tft; (1,0,0,1, first 1) is wsls; all 0 is alld */
    expect_moves(rule_player(COOP_RULE_MEMORY_ONE), seq_player("CDDCC"), 6, "CCDDCC", NULL);
    player wsls = rule_player(COOP_RULE_MEMORY_ONE);
    double w[5] = {1, 0, 0, 1, 1};
    memcpy(wsls.param, w, sizeof w);
    expect_moves(wsls, seq_player("DCCDD"), 6, "CDDDCD", NULL);
    player m0 = rule_player(COOP_RULE_MEMORY_ONE);
    memset(m0.param, 0, sizeof m0.param);
    expect_moves(m0, rule_player(COOP_RULE_ALLC), 4, "DDDD", NULL);
}

Test(strategy, learners_play_their_propensity)
{
    double q, par[COOP_RULE_PARAMS_MAX] = {0.5, 0.5};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *fresh = gsl_rng_alloc(gsl_rng_mt19937);
    for (int rule = COOP_RULE_BUSH_MOSTELLER; rule <= COOP_RULE_REPLICATOR; rule++) {
        cr_assert_eq(coop_strategy_choose(r, rule, par, 1.0, 0, &q), COOP_C);
        cr_assert_eq(q, 1.0);
        cr_assert_eq(coop_strategy_choose(r, rule, par, 0.0, 0, &q), COOP_D);
        cr_assert_eq(q, 0.0);
    }
    cr_assert_eq(gsl_rng_get(r), gsl_rng_get(fresh)); /* no draw at 0 or 1 */
    (void)coop_strategy_choose(r, COOP_RULE_BUSH_MOSTELLER, par, 0.5, 0, &q);
    cr_assert_eq(q, 0.5);
    gsl_rng_set(fresh, gsl_rng_default_seed);
    gsl_rng_get(fresh); /* the comparison above */
    gsl_rng_get(fresh); /* the choice at 0.5 */
    cr_assert_eq(gsl_rng_get(r), gsl_rng_get(fresh)); /* exactly one draw in between */
    gsl_rng_free(r);
    gsl_rng_free(fresh);
}

Test(strategy, bernoulli_frequency)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int c = 0, n = 100000;
    for (int k = 0; k < n; k++)
        c += coop_strategy_bernoulli(r, 0.3);
    /* binomial sd = sqrt(n p (1-p)) = 145; 5 sd */
    cr_assert(fabs(c - 0.3 * n) < 5 * 145, "%d", c);
    gsl_rng_free(r);
}

Test(strategy, aspiration_and_stimulus)
{
    const coop_game pd = {3, 0, 5, 1}, flat = {2, 2, 2, 2};
    double A, M;
    coop_strategy_aspiration(&pd, 0.5, &A, &M);
    cr_assert_eq(A, 2.5);
    cr_assert_eq(M, 2.5);
    coop_strategy_aspiration(&pd, 0.0, &A, &M);
    cr_assert_eq(A, 0.0);
    cr_assert_eq(M, 5.0);
    coop_strategy_aspiration(&flat, 0.5, &A, &M);
    cr_assert_eq(A, 2.0);
    cr_assert_eq(M, 1.0);
    ULP_EQ(coop_strategy_stimulus(3.0, 2.5, 2.5), 0.2);
    cr_assert_eq(coop_strategy_stimulus(0.0, 2.5, 2.5), -1.0);
    cr_assert_eq(coop_strategy_stimulus(10.0, 2.5, 2.5), 1.0);
    cr_assert_eq(coop_strategy_stimulus(-10.0, 2.5, 2.5), -1.0);
}

Test(strategy, bush_mosteller_exact)
{
    /* C punished (s = -1, l = 0.5): p_C 1 -> 0.5 */
    cr_assert_eq(coop_strategy_bush_mosteller(1.0, COOP_C, -1.0, 0.5), 0.5);
    /* C rewarded: p + l s (1-p) = 0.5 + 0.25 * 0.5 */
    cr_assert_eq(coop_strategy_bush_mosteller(0.5, COOP_C, 0.5, 0.5), 0.625);
    /* D rewarded: p_D 0.5 -> 0.625, so p_C -> 0.375 */
    cr_assert_eq(coop_strategy_bush_mosteller(0.5, COOP_D, 0.5, 0.5), 0.375);
    /* D punished: p_D 0.5 -> 0.25, p_C -> 0.75 */
    cr_assert_eq(coop_strategy_bush_mosteller(0.5, COOP_D, -1.0, 0.5), 0.75);
    /* the stimulus is clamped to [-1, 1] */
    cr_assert_eq(coop_strategy_bush_mosteller(0.5, COOP_C, 7.0, 0.5), 0.75);
    cr_assert_eq(coop_strategy_bush_mosteller(0.5, COOP_C, -7.0, 0.5), 0.25);
    /* learning rate 0 and stimulus 0 leave p unchanged; bounds hold */
    cr_assert_eq(coop_strategy_bush_mosteller(0.3, COOP_C, 1.0, 0.0), 0.3);
    cr_assert_eq(coop_strategy_bush_mosteller(0.3, COOP_D, 0.0, 0.5), 0.3);
    cr_assert_eq(coop_strategy_bush_mosteller(0.0, COOP_D, 1.0, 1.0), 0.0);
    cr_assert_eq(coop_strategy_bush_mosteller(1.0, COOP_C, 1.0, 1.0), 1.0);
    cr_assert_eq(coop_strategy_bush_mosteller(0.2, COOP_C, 1.0, 1.0), 1.0);
    /* the textbook form q + l s (1-q) / q + l s q on the action taken */
    for (double p = 0.0; p <= 1.0; p += 0.125)
        for (double s = -1.0; s <= 1.0; s += 0.25)
            for (int a = 0; a < 2; a++) {
                double q = a ? p : 1.0 - p;
                q += s >= 0 ? 0.3 * s * (1.0 - q) : 0.3 * s * q;
                double want = a ? q : 1.0 - q;
                double got = coop_strategy_bush_mosteller(p, a, s, 0.3);
                cr_assert(fabs(got - want) < 1e-15, "p %g s %g a %d: %.17g != %.17g", p, s, a,
                          got, want);
            }
}

Test(strategy, fermi_and_replicator)
{
    cr_assert_eq(coop_strategy_fermi(2.0, 2.0, 0.1), 0.5);
    ULP_EQ(coop_strategy_fermi(1.0, 0.0, 1.0), 1.0 / (1.0 + exp(1.0)));
    cr_assert_eq(coop_strategy_fermi(3.0, 5.0, 1e-6), 1.0);
    cr_assert_eq(coop_strategy_fermi(5.0, 3.0, 1e-6), 0.0);
    cr_assert_eq(coop_strategy_replicator(1.0, 3.0, 4.0), 0.5);
    cr_assert_eq(coop_strategy_replicator(3.0, 1.0, 4.0), 0.0);
    cr_assert_eq(coop_strategy_replicator(1.0, 9.0, 4.0), 1.0);
    cr_assert_eq(coop_strategy_replicator(1.0, 3.0, 0.0), 0.0);
}
