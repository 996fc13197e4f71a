/* test_game.c: the stage games and the gain of one interaction (sim/model/game.c,
 * include/coop_game.h).
 *
 * Exact values: the four payoffs of each domain game of the default scenario, the
 * goal weight, the capacity scaling sqrt(cap_partner/cap_own), the institutional
 * multiplier, the enforcement penalty and the free-riding share.  Values that are
 * exact in binary are compared with ==, the others to 4 ulp. */
#include <criterion/criterion.h>

#include <math.h>

#include "coop_game.h"

/* a and b at most n representable doubles apart */
static int ulp_close(double a, double b, int n)
{
    for (int k = 0; k < n && a != b; k++)
        a = nextafter(a, b);
    return a == b;
}

#define ULP_EQ(a, b) cr_assert(ulp_close((a), (b), 4), "%.17g != %.17g", (double)(a), (double)(b))

static const coop_game pd = {3, 0, 5, 1};

Test(game, payoff_table)
{
    cr_assert_eq(coop_game_payoff(&pd, COOP_C, COOP_C), 3.0);
    cr_assert_eq(coop_game_payoff(&pd, COOP_C, COOP_D), 0.0);
    cr_assert_eq(coop_game_payoff(&pd, COOP_D, COOP_C), 5.0);
    cr_assert_eq(coop_game_payoff(&pd, COOP_D, COOP_D), 1.0);
    double pay[4];
    coop_game_table(&pd, pay);
    for (int own = 0; own < 2; own++)
        for (int other = 0; other < 2; other++)
            cr_assert_eq(pay[2 * own + other], coop_game_payoff(&pd, own, other));
}

Test(game, donation)
{
    coop_game g = coop_game_donation(5.0, 1.0);
    cr_assert_eq(g.R, 4.0);
    cr_assert_eq(g.S, -1.0);
    cr_assert_eq(g.T, 5.0);
    cr_assert_eq(g.P, 0.0);
    cr_assert_eq(coop_game_classify(&g), COOP_GAME_PD);
}

Test(game, classify_the_default_domains)
{
    /* Trade near harmony, energy and transport stag hunts, security and political
     * prisoner's dilemmas (docs/ODD.md, "2. Entities, state variables and scales";
     * the values of configs/eu_ca.cfg). */
    const coop_game political = {3, 0, 5, 1}, trade = {4, 1, 3.5, 0.5}, energy = {5, 0, 3, 1},
                    security = {3, 0, 5, 1}, transport = {4, 0, 3, 1}, chicken = {3, 1, 5, 0},
                    flat = {1, 1, 1, 1};
    cr_assert_eq(coop_game_classify(&political), COOP_GAME_PD);
    cr_assert_eq(coop_game_classify(&trade), COOP_GAME_HARMONY);
    cr_assert_eq(coop_game_classify(&energy), COOP_GAME_STAG_HUNT);
    cr_assert_eq(coop_game_classify(&security), COOP_GAME_PD);
    cr_assert_eq(coop_game_classify(&transport), COOP_GAME_STAG_HUNT);
    cr_assert_eq(coop_game_classify(&chicken), COOP_GAME_CHICKEN);
    cr_assert_eq(coop_game_classify(&flat), COOP_GAME_OTHER);
    cr_assert_str_eq(coop_game_kind_name(COOP_GAME_PD), "prisoners_dilemma");
    cr_assert_str_eq(coop_game_kind_name(COOP_GAME_STAG_HUNT), "stag_hunt");
    cr_assert_str_eq(coop_game_kind_name(COOP_GAME_HARMONY), "harmony");
    cr_assert_str_eq(coop_game_kind_name(COOP_GAME_CHICKEN), "chicken");
    cr_assert_str_eq(coop_game_kind_name(COOP_GAME_OTHER), "other");
    cr_assert_eq(coop_game_min(&trade), 0.5);
    cr_assert_eq(coop_game_max(&trade), 4.0);
}

Test(game, capacity_scale)
{
    cr_assert_eq(coop_game_capacity_scale(1.0, 1.0), 1.0);
    cr_assert_eq(coop_game_capacity_scale(1.0, 4.0), 2.0);
    cr_assert_eq(coop_game_capacity_scale(4.0, 1.0), 0.5);
    /* mutual but unequal: the same absolute gain sqrt(c_a c_b) for both sides */
    double ca = 78.3, cb = 3872.0;
    ULP_EQ(ca * coop_game_capacity_scale(ca, cb), cb * coop_game_capacity_scale(cb, ca));
}

/* Gain = goal * sqrt(cap_partner/cap_own) * payoff, for each domain of the default
 * scenario, the EU (capacity 3872) against KZ (78.3) and back. */
Test(game, gain_goal_and_capacity_each_domain)
{
    const coop_game games[5] = {{3, 0, 5, 1}, {4, 1, 3.5, 0.5}, {5, 0, 3, 1}, {3, 0, 5, 1}, {4, 0, 3, 1}};
    const double eu_goal[5] = {0.35, 0.15, 0.25, 0.15, 0.10};
    const double kz_goal[5] = {0.05, 0.30, 0.30, 0.15, 0.20};
    const double cap_eu = 3872.0, cap_kz = 78.3;
    for (int d = 0; d < 5; d++)
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) {
                double pi_eu = coop_game_payoff(&games[d], a, b);
                double pi_kz = coop_game_payoff(&games[d], b, a);
                ULP_EQ(coop_game_gain(&games[d], a, b, eu_goal[d], cap_eu, cap_kz, 0, 0, 0, 0),
                       eu_goal[d] * sqrt(cap_kz / cap_eu) * pi_eu);
                ULP_EQ(coop_game_gain(&games[d], b, a, kz_goal[d], cap_kz, cap_eu, 0, 0, 0, 0),
                       kz_goal[d] * sqrt(cap_eu / cap_kz) * pi_kz);
            }
    /* hand values: trade, mutual cooperation, goal 0.25, capacities 1 and 4 */
    const coop_game trade = {4, 1, 3.5, 0.5};
    cr_assert_eq(coop_game_gain(&trade, COOP_C, COOP_C, 0.25, 1.0, 4.0, 0, 0, 0, 0), 2.0);
    cr_assert_eq(coop_game_gain(&trade, COOP_C, COOP_C, 0.25, 4.0, 1.0, 0, 0, 0, 0), 0.5);
    cr_assert_eq(coop_game_gain(&trade, COOP_D, COOP_C, 0.5, 4.0, 1.0, 0, 0, 0, 0), 0.875);
}

Test(game, textbook_payoff_with_unit_scaling)
{
    /* equal capacities, goal 1, level 0: exactly the game */
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            cr_assert_eq(coop_game_gain(&pd, a, b, 1.0, 2.5, 2.5, 0, 0.3, 0.7, 0.0),
                         coop_game_payoff(&pd, a, b));
}

Test(game, institutions_multiplier_and_penalty)
{
    /* level 2, beta 0.5, gamma 0.25: (1 + 1) * payoff, minus 0.5 for a defection */
    cr_assert_eq(coop_game_gain(&pd, COOP_C, COOP_C, 1, 1, 1, 2, 0.5, 0.25, 0), 6.0);
    cr_assert_eq(coop_game_gain(&pd, COOP_C, COOP_D, 1, 1, 1, 2, 0.5, 0.25, 0), 0.0);
    cr_assert_eq(coop_game_gain(&pd, COOP_D, COOP_C, 1, 1, 1, 2, 0.5, 0.25, 0), 9.5);
    cr_assert_eq(coop_game_gain(&pd, COOP_D, COOP_D, 1, 1, 1, 2, 0.5, 0.25, 0), 1.5);
    /* level 0: no multiplier, no penalty */
    cr_assert_eq(coop_game_gain(&pd, COOP_D, COOP_C, 1, 1, 1, 0, 0.5, 0.25, 0), 5.0);
    /* the penalty is scaled like the payoff: goal 0.5, capacity scale 2 */
    cr_assert_eq(coop_game_gain(&pd, COOP_D, COOP_D, 0.5, 1, 4, 1, 0.0, 1.0, 0), 0.0);
    cr_assert_eq(coop_game_gain(&pd, COOP_D, COOP_C, 0.5, 1, 4, 1, 0.0, 1.0, 0), 4.0);
}

Test(game, free_riding_share)
{
    /* x = 0.5: half of the outcome is the regional public good, valued at R */
    cr_assert_eq(coop_game_effective(&pd, COOP_C, COOP_C, 0.5, 1, 0), 3.0);
    cr_assert_eq(coop_game_effective(&pd, COOP_C, COOP_D, 0.5, 1, 0), 1.5);
    cr_assert_eq(coop_game_effective(&pd, COOP_D, COOP_C, 0.5, 1, 0), 4.0);
    cr_assert_eq(coop_game_effective(&pd, COOP_D, COOP_D, 0.5, 1, 0), 2.0);
    /* the marginal value of one's own cooperation shrinks by (1 - x) */
    const coop_game stag = {5, 0, 3, 1};
    double full = coop_game_effective(&stag, COOP_C, COOP_C, 0, 1, 0)
                  - coop_game_effective(&stag, COOP_D, COOP_C, 0, 1, 0);
    double half = coop_game_effective(&stag, COOP_C, COOP_C, 0.5, 1, 0)
                  - coop_game_effective(&stag, COOP_D, COOP_C, 0.5, 1, 0);
    cr_assert_eq(full, 2.0);
    cr_assert_eq(half, 1.0);
    /* x = 0 is exactly the game, x = 1 is R whatever is played */
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            cr_assert_eq(coop_game_effective(&pd, a, b, 0.0, 1, 0), coop_game_payoff(&pd, a, b));
            cr_assert_eq(coop_game_effective(&pd, a, b, 1.0, 1, 0), 3.0);
        }
}

Test(game, table_and_struct_forms_agree)
{
    const coop_game g = {4, 1, 3.5, 0.5};
    double pay[4];
    coop_game_table(&g, pay);
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            cr_assert_eq(coop_game_effective_table(pay, a, b, 0.3, 1.2, 0.7),
                         coop_game_effective(&g, a, b, 0.3, 1.2, 0.7));
}
