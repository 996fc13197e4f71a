/* coop_survival.h: time-to-event statistics of the hypothesis outcomes.
 *
 * "Reaches the enhanced level" is an event in time; a replicate where it has
 * not happened by the horizon is censored there.  coop_km is the Kaplan-Meier
 * (product-limit) estimator of the survival curve S(t) = P(T > t) (Kaplan & Meier
 * 1958); coop_km_rmst is the restricted mean survival time, the area under S up
 * to a horizon tau, i.e. the mean of min(T, tau) (Royston & Parmar 2013).  When
 * every censoring time is at or after tau (the model's only censoring is the
 * end of the run, at the horizon), the KM RMST equals the plain mean of
 * min(T, tau) over the replicates: coop_km_rmst and coop_rmst_plain agree
 * (tests/test_survival.c checks it).
 *
 * Pure functions on arrays: no configuration, no I/O, no allocation. */
#ifndef COOP_SURVIVAL_H
#define COOP_SURVIVAL_H

#include <stddef.h>

/* One step of a Kaplan-Meier curve: at time `time`, `at_risk` subjects were
 * still at risk (time >= this time), `events` of them had the event, and the
 * curve falls to `surv` (S just after time). */
typedef struct coop_km_step {
    double time;
    size_t at_risk, events, censored; /* censored: subjects censored at exactly this time */
    double surv;
} coop_km_step;

/* The Kaplan-Meier curve of n subjects with times t[i] and event indicators
 * event[i] (1 event, 0 censored; subjects with a non-finite time are skipped).
 * Writes one step per distinct time with an event or a censoring, ascending,
 * into out (room for n steps) and returns their number.  At tied times events
 * are taken to happen before censorings (the usual convention: a subject
 * censored at t was at risk at t).  scratch: room for n indices. */
size_t coop_km(const double *t, const int *event, size_t n, coop_km_step *out,
               size_t *scratch);

/* S(t) of a curve of k steps: 1 before the first step, the last step's surv at
 * or after it. */
double coop_km_surv(const coop_km_step *s, size_t k, double t);

/* The restricted mean survival time: the integral of S from 0 to tau of a
 * curve of k steps (times assumed >= 0). */
double coop_km_rmst(const coop_km_step *s, size_t k, double tau);

/* The mean of min(t[i], tau) over the finite t[i]; NaN when there are none. */
double coop_rmst_plain(const double *t, size_t n, double tau);

#endif
