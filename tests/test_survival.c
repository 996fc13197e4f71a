/* test_survival.c: the Kaplan-Meier estimator and the restricted mean survival
 * time (coop_survival.h) on hand-worked examples. */
#include <criterion/criterion.h>
#include <math.h>

#include "coop_survival.h"

#define TOL 1e-12

/* Eight subjects, ties and censoring (event 1, censored 0):
 *   time  1  2  2  3  3  4  5  5
 *   event 1  1  0  1  1  0  1  0
 * Worked by hand (events before censorings at a tie):
 *   t=1: at risk 8, 1 event            S = 7/8            = 0.875
 *   t=2: at risk 7, 1 event, 1 cens.   S = 0.875 * 6/7    = 0.75
 *   t=3: at risk 5, 2 events           S = 0.75 * 3/5     = 0.45
 *   t=4: at risk 3, 0 events, 1 cens.  S = 0.45
 *   t=5: at risk 2, 1 event, 1 cens.   S = 0.45 * 1/2     = 0.225
 * RMST(6)   = 1*1 + 0.875*1 + 0.75*1 + 0.45*2 + 0.225*1 = 3.75
 * RMST(2.5) = 1*1 + 0.875*1 + 0.75*0.5                   = 2.25
 * RMST(0.5) = 0.5 (S = 1 before the first event). */
static const double T8[] = {3, 1, 5, 2, 4, 2, 5, 3}; /* shuffled on purpose */
static const int E8[] = {1, 1, 1, 0, 0, 1, 0, 1};

Test(survival, km_hand_example_with_ties_and_censoring)
{
    coop_km_step s[8];
    size_t scratch[8];
    size_t k = coop_km(T8, E8, 8, s, scratch);
    cr_assert_eq(k, 5);
    const double time[] = {1, 2, 3, 4, 5}, surv[] = {0.875, 0.75, 0.45, 0.45, 0.225};
    const size_t risk[] = {8, 7, 5, 3, 2}, ev[] = {1, 1, 2, 0, 1}, cens[] = {0, 1, 0, 1, 1};
    for (size_t i = 0; i < k; i++) {
        cr_assert_float_eq(s[i].time, time[i], TOL);
        cr_assert_float_eq(s[i].surv, surv[i], TOL, "S(%g) = %.17g", time[i], s[i].surv);
        cr_assert_eq(s[i].at_risk, risk[i]);
        cr_assert_eq(s[i].events, ev[i]);
        cr_assert_eq(s[i].censored, cens[i]);
    }
    cr_assert_float_eq(coop_km_rmst(s, k, 6.0), 3.75, TOL);
    cr_assert_float_eq(coop_km_rmst(s, k, 2.5), 2.25, TOL);
    cr_assert_float_eq(coop_km_rmst(s, k, 0.5), 0.5, TOL);
    cr_assert_float_eq(coop_km_surv(s, k, 0.9), 1.0, TOL);
    cr_assert_float_eq(coop_km_surv(s, k, 3.0), 0.45, TOL);
    cr_assert_float_eq(coop_km_surv(s, k, 10.0), 0.225, TOL);
}

/* Non-finite times are skipped; no events: S stays 1 and RMST is tau. */
Test(survival, km_skips_nan_and_handles_no_events)
{
    const double t[] = {NAN, 2, 3};
    const int e[] = {1, 0, 0};
    coop_km_step s[3];
    size_t scratch[3];
    size_t k = coop_km(t, e, 3, s, scratch);
    cr_assert_eq(k, 2);
    cr_assert_eq(s[0].at_risk, 2);
    cr_assert_float_eq(s[1].surv, 1.0, TOL);
    cr_assert_float_eq(coop_km_rmst(s, k, 4.0), 4.0, TOL);
    cr_assert(isnan(coop_rmst_plain(t, 0, 4.0)));
}

/* With censoring only at the horizon tau (the model's case), the KM RMST is the
 * mean of min(T, tau): (1.5 + 3 + 3 + 7 + 2 + 7) / 6 = 23.5 / 6 for tau = 7 and
 * (1.5 + 2 + 2.5 * 4) / 6 = 13.5 / 6 for tau = 2.5 (a horizon before some events). */
Test(survival, km_rmst_equals_mean_of_min_under_censoring_at_the_horizon)
{
    const double t[] = {1.5, 3, 3, 7, 2, 7};
    const int e[] = {1, 1, 1, 0, 1, 0};
    coop_km_step s[6];
    size_t scratch[6];
    size_t k = coop_km(t, e, 6, s, scratch);
    cr_assert_float_eq(coop_km_rmst(s, k, 7.0), 23.5 / 6.0, TOL);
    cr_assert_float_eq(coop_rmst_plain(t, 6, 7.0), 23.5 / 6.0, TOL);
    cr_assert_float_eq(coop_km_rmst(s, k, 2.5), 13.5 / 6.0, TOL);
    cr_assert_float_eq(coop_rmst_plain(t, 6, 2.5), 13.5 / 6.0, TOL);
    /* and on a larger pseudo-random sample with many ties (times on a quarter grid) */
    double tt[400];
    int ee[400];
    coop_km_step ss[400];
    size_t sc[400];
    unsigned x = 12345u;
    for (int i = 0; i < 400; i++) {
        x = x * 1103515245u + 12345u;
        int q = (int)((x >> 16) % 200); /* quarter 0..199; 160 = the horizon */
        tt[i] = q < 160 ? q / 4.0 : 40.0;
        ee[i] = q < 160;
    }
    k = coop_km(tt, ee, 400, ss, sc);
    cr_assert_float_eq(coop_km_rmst(ss, k, 40.0), coop_rmst_plain(tt, 400, 40.0), 1e-9);
}
