/* survival.c: Kaplan-Meier curves and restricted mean survival times
 * (coop_survival.h), the time-to-event statistics of the hypothesis outcomes. */
#include "coop_survival.h"

#include <math.h>
#include <stdlib.h>

/* Sorting indices by time, events first at ties.  qsort has no context
 * argument, so the arrays travel in a thread-local pointer pair set per call
 * (safe from several threads at once). */
static _Thread_local const double *sort_t;
static _Thread_local const int *sort_e;

static int by_time(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (sort_t[i] != sort_t[j])
        return sort_t[i] < sort_t[j] ? -1 : 1;
    int ei = sort_e[i] != 0, ej = sort_e[j] != 0;
    if (ei != ej)
        return ei ? -1 : 1;
    return (i > j) - (i < j);
}

size_t coop_km(const double *t, const int *event, size_t n, coop_km_step *out,
               size_t *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(t[i]))
            scratch[m++] = i;
    sort_t = t, sort_e = event;
    qsort(scratch, m, sizeof *scratch, by_time);
    size_t k = 0, at_risk = m;
    double surv = 1.0;
    for (size_t i = 0; i < m;) {
        double ti = t[scratch[i]];
        size_t d = 0, c = 0, j = i;
        for (; j < m && t[scratch[j]] == ti; j++)
            event[scratch[j]] ? d++ : c++;
        if (d)
            surv *= 1.0 - (double)d / (double)at_risk;
        out[k++] = (coop_km_step){ti, at_risk, d, c, surv};
        at_risk -= j - i;
        i = j;
    }
    return k;
}

double coop_km_surv(const coop_km_step *s, size_t k, double t)
{
    double surv = 1.0;
    for (size_t i = 0; i < k && s[i].time <= t; i++)
        surv = s[i].surv;
    return surv;
}

double coop_km_rmst(const coop_km_step *s, size_t k, double tau)
{
    double area = 0.0, prev = 0.0, surv = 1.0;
    for (size_t i = 0; i < k && s[i].time < tau; i++) {
        area += surv * (s[i].time - prev);
        prev = s[i].time;
        surv = s[i].surv;
    }
    return area + surv * (tau - prev);
}

double coop_rmst_plain(const double *t, size_t n, double tau)
{
    double sum = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(t[i]))
            sum += t[i] < tau ? t[i] : tau, m++;
    return m ? sum / (double)m : NAN;
}
