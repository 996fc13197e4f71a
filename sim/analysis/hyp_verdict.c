/* hyp_verdict.c: the verdicts of `coopsim hypothesis` (see coop_hypothesis.h and
 * docs/HYPOTHESIS.md, "Verdicts"): each outcome tested against its smallest effect
 * of interest, the four-level verdict behind the primary outcome's gate, the
 * headline that reports them honestly, and `--replicates auto`.
 *
 * The statistics are coop_paired.h's (coop_paired_sesoi, coop_gatekeep, checked
 * against scipy in tests/test_paired.c); this file applies them to the results of
 * one comparison (coop_hyp_decide takes any array of coop_hyp_result, so that
 * other families of rows get the same treatment) and puts them into words. */
#include "coop_hypothesis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coop_fmt.h"
#include "hyp_internal.h"

double coop_hyp_level(const coop_hyp_point *res, int o)
{
    return o == res->primary ? 1.0 - res->alpha : 1.0 - res->alpha / (COOP_N_OUTCOMES - 1);
}

void coop_hyp_result_test(coop_hyp_result *r, double sesoi, double alpha)
{
    coop_paired_sesoi(&r->s, sesoi, alpha, &r->e);
}

/* The jobs as coop_paired jobs, oriented: the difference the thesis predicts to be
 * positive (a - b forward, b - a for an outcome where fewer is better); NULL when
 * out of memory (err says so). */
static coop_paired_job *oriented(const hyp_job *job, int n, size_t R, coop_err *err)
{
    coop_paired_job *pj = calloc(n > 0 ? (size_t)n : 1, sizeof *pj);
    if (!pj) {
        COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory for %d comparisons", n);
        return NULL;
    }
    for (int k = 0; k < n; k++) {
        int fwd = coop_hypothesis_orientation(job[k].o) > 0;
        pj[k] = (coop_paired_job){fwd ? job[k].a : job[k].b, fwd ? job[k].b : job[k].a, R,
                                  &job[k].r->s};
    }
    return pj;
}

int hyp_boot_all(const coop_hypothesis_cfg *h, const hyp_job *job, int n, size_t R,
                 uint32_t seed, coop_err *err)
{
    coop_paired_job *pj = oriented(job, n, R, err);
    if (!pj)
        return COOP_ENOMEM;
    int st = coop_paired_boot_all(pj, (size_t)n, h->confidence, (size_t)h->bootstrap, seed, err);
    free(pj);
    return st;
}

int hyp_compare_all(const coop_hypothesis_cfg *h, const hyp_job *job, int n, size_t R,
                    uint32_t seed, coop_err *err)
{
    coop_paired_job *pj = oriented(job, n, R, err);
    if (!pj)
        return COOP_ENOMEM;
    for (int k = 0; k < n; k++) {
        job[k].r->outcome = job[k].o;
        job[k].r->orientation = coop_hypothesis_orientation(job[k].o);
    }
    int st = coop_paired_compare_all(pj, (size_t)n, h->confidence, (size_t)h->bootstrap, seed,
                                     err);
    free(pj);
    for (int k = 0; !st && k < n; k++) {
        coop_hyp_result *r = job[k].r;
        if (r->orientation < 0) { /* the means as factual, other */
            double t = r->s.mean_a;
            r->s.mean_a = r->s.mean_b;
            r->s.mean_b = t;
        }
        coop_hyp_result_test(r, h->sesoi[job[k].o], h->alpha); /* against its SESOI */
    }
    return st;
}

int coop_hyp_decide(coop_hyp_result *r, int m, int primary, double alpha, coop_err *err)
{
    if (!r || m < 1 || primary < 0 || primary >= m)
        return COOP_FAIL(err, COOP_EINVAL, "hypothesis: %d results, primary %d", m, primary);
    double *p = malloc((size_t)m * sizeof *p);
    if (!p)
        return COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory");
    for (int k = 0; k < m; k++)
        p[k] = r[k].e.p_decision;
    int st = coop_gatekeep(p, (size_t)m, (size_t)primary, p, err);
    for (int k = 0; k < m && !st; k++) {
        r[k].p_adj = p[k];
        r[k].verdict = coop_sesoi_verdict(r[k].e.claim, p[k], alpha);
    }
    free(p);
    return st;
}

/* ---------------------------------------------------------------- the headline */

/* x with four significant digits and a sign, NA for NaN. */
static const char *signed4(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "NA");
    else
        snprintf(buf, size, "%+.4g", x == 0.0 ? 0.0 : x);
    return buf;
}

/* What a verdict of the primary outcome says, for the headline. */
static const char *meaning(coop_verdict v)
{
    switch (v) {
    case COOP_VERDICT_SUPPORTED:
        return "the role moves it the way the thesis predicts, by more than the SESOI";
    case COOP_VERDICT_CONTRADICTED:
        return "the role moves it against the thesis, by more than the SESOI";
    case COOP_VERDICT_NEGLIGIBLE:
        return "any effect of the role is smaller than the SESOI: equivalent to none";
    default:
        return "the interval crosses a bound at +-SESOI: neither an effect that matters nor "
               "its absence is shown";
    }
}

/* The secondary outcomes of cm with verdict v, named after ": " (count returned). */
static int named(const coop_hyp_comparison *cm, int primary, coop_verdict v, char *buf,
                 size_t size)
{
    int n = 0;
    buf[0] = '\0';
    for (int o = 0; o < COOP_N_OUTCOMES; o++)
        if (o != primary && cm->r[o].verdict == v)
            coop_fmt_cat(buf, size, "%s%s", n++ ? ", " : "", coop_outcome_names[o]);
    return n;
}

/* 1 when verdict v of a secondary outcome disagrees with the primary's p: a
 * directional verdict other than the primary's (any directional one when the
 * primary is negligible or inconclusive). */
static int disagrees(coop_verdict p, coop_verdict v)
{
    int dir = v == COOP_VERDICT_SUPPORTED || v == COOP_VERDICT_CONTRADICTED;
    return dir && v != p;
}

int coop_hypothesis_headline(FILE *out, const coop_hyp_point *res, const char *mot)
{
    const coop_hyp_comparison *cm = &res->cmp[0];
    const coop_hyp_result *pr = &cm->r[res->primary];
    const char *oc = coop_outcome_names[res->primary];
    char d[32], lo[32], hi[32], names[512];
    double l, h;
    coop_paired_interval(&pr->s, 1.0 - res->alpha, &l, &h);
    fprintf(out, "\nVerdict: %s on the primary outcome %s: %s's motivator role changes it by "
            "%s (%g%% CI [%s, %s]; SESOI %g): %s.\n", coop_verdict_name(cm->verdict), oc, mot,
            signed4(d, sizeof d, pr->s.diff), 100.0 * (1.0 - res->alpha),
            signed4(lo, sizeof lo, l), signed4(hi, sizeof hi, h), pr->e.sesoi,
            meaning(cm->verdict));

    int m = COOP_N_OUTCOMES - 1;
    if (cm->verdict == COOP_VERDICT_INCONCLUSIVE) {
        fprintf(out, "Secondary outcomes (%d): not tested, because the primary outcome, their "
                "gate, is inconclusive (docs/HYPOTHESIS.md, \"Multiplicity\").\n", m);
    } else {
        static const coop_verdict order[] = {COOP_VERDICT_SUPPORTED, COOP_VERDICT_CONTRADICTED,
                                             COOP_VERDICT_NEGLIGIBLE, COOP_VERDICT_INCONCLUSIVE};
        fprintf(out, "Secondary outcomes (%d, Holm-adjusted behind the primary):", m);
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            int n = named(cm, res->primary, order[i], names, sizeof names);
            fprintf(out, "%s %d %s%s%s%s", i ? "," : "", n, coop_verdict_name(order[i]),
                    n ? " (" : "", names, n ? ")" : "");
        }
        fputs(".\n", out);
        int dis = 0;
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            dis += o != res->primary && disagrees(cm->verdict, cm->r[o].verdict);
        if (dis) {
            fprintf(out, "Disagreement:");
            int first = 1;
            for (size_t i = 0; i < 2; i++) {
                if (!disagrees(cm->verdict, order[i]))
                    continue;
                int n = named(cm, res->primary, order[i], names, sizeof names);
                if (n)
                    fprintf(out, "%s %d of %d secondary outcomes %s: %s", first ? "" : ";", n,
                            m, coop_verdict_name(order[i]), names);
                first = first && !n;
            }
            fprintf(out, ", against the primary's %s.\n", coop_verdict_name(cm->verdict));
        }
    }
    if (h - l > pr->e.sesoi && pr->e.sesoi > 0.0 && !isnan(pr->e.n_needed))
        fprintf(out, "Replicates: too few for the SESOI: the primary interval is %.3g wide, "
                "wider than its SESOI %g; about %.0f replicates would make it no wider "
                "(ceil((2 t sd / SESOI)^2) at the observed sd; `--replicates auto` grows them; "
                "docs/HYPOTHESIS.md).\n", h - l, pr->e.sesoi, pr->e.n_needed);
    fputs("A finding about the model under its assumptions (docs/HYPOTHESIS.md), not about "
          "history.\n", out);
    return ferror(out) ? COOP_EIO : COOP_OK;
}

/* ---------------------------------------------------------------- --replicates auto */

/* Keeps the last point's comparisons (there is one point). */
static int keep_point(void *ctx, const coop_hyp_point *res, const coop_config *cfg,
                      coop_err *err)
{
    (void)cfg, (void)err;
    *(coop_hyp_point *)ctx = *res;
    return COOP_OK;
}

/* The primary outcome's counterfactual comparison with n replicates of w. */
static int pilot(const coop_config *cfg, const coop_run_opts *opts, const coop_hyp_worlds *w,
                 int n, coop_hyp_point *res, coop_err *err)
{
    coop_hyp_collector *col = coop_hyp_collector_alloc(w->n, n, (uint32_t)cfg->seed, NULL,
                                                       keep_point, res, err);
    if (!col)
        return err && err->code ? err->code : COOP_ENOMEM;
    const coop_config *cfgs[COOP_HYP_MAX_WORLDS];
    for (int k = 0; k < w->n; k++)
        cfgs[k] = &w->cfg[k];
    coop_plan plan = {
        .n_points = 1,
        .n_worlds = w->n,
        .cfg = cfgs,
        .world_name = w->names,
        .replicates = n,
        .seed = (uint32_t)cfg->seed,
    };
    coop_hyp_collector_farm(col, opts->threads, 0); /* the statistics after the items */
    coop_sink sink = coop_hyp_collector_sink(col);
    int st = coop_experiment_run_plan(&plan, coop_experiment_threads(opts->threads), &sink, err);
    if (!st)
        st = coop_hyp_collector_flush(col, err);
    coop_hyp_collector_free(col);
    return st;
}

int coop_hypothesis_auto_replicates(const coop_config *cfg, const coop_run_opts *opts,
                                    FILE *log, int *out, coop_err *err)
{
    const coop_hypothesis_cfg *h = &cfg->hyp;
    if (cfg->sweep.present)
        return COOP_FAIL(err, COOP_ECONFIG, "--replicates auto sizes one comparison; a sweep's "
                         "points would each need their own number (give --replicates N)");
    if (!(h->sesoi[h->primary] > 0.0))
        return COOP_FAIL(err, COOP_ECONFIG, "--replicates auto needs hypothesis.sesoi.%s > 0 "
                         "(the interval is sized against it)", coop_outcome_names[h->primary]);
    coop_hyp_worlds *w = coop_hyp_worlds_alloc(cfg, err);
    coop_hyp_point *res = malloc(sizeof *res);
    if (!w || !res) {
        coop_hyp_worlds_free(w);
        free(res);
        return w ? COOP_FAIL(err, COOP_ENOMEM, "hypothesis: out of memory")
                 : (err && err->code ? err->code : COOP_ENOMEM);
    }
    int n = cfg->replicates < 2 ? 2 : cfg->replicates, st = COOP_OK;
    if (n > h->max_replicates)
        n = h->max_replicates;
    double target = h->sesoi[h->primary] / 4.0;
    for (;;) {
        if ((st = pilot(cfg, opts, w, n, res, err)))
            break;
        double l, hi;
        coop_paired_interval(&res->cmp[0].r[h->primary].s, 1.0 - h->alpha, &l, &hi);
        double half = (hi - l) / 2.0;
        int done = half < target, last = n >= h->max_replicates;
        if (log)
            fprintf(log, "coopsim: --replicates auto: %d replicates: primary half-width %.3g %s "
                    "SESOI/4 = %.3g%s\n", n, half, done ? "<" : ">=", target,
                    done ? "" : last ? " (hypothesis.max_replicates reached)" : "; doubling");
        if (done || last || isnan(half))
            break;
        n = n > h->max_replicates / 2 ? h->max_replicates : 2 * n;
    }
    *out = n;
    coop_hyp_worlds_free(w);
    free(res);
    return st;
}
