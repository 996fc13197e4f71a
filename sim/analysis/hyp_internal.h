/* hyp_internal.h: what hypothesis.c and hyp_states.c share: the oriented
 * comparisons, one row of hypothesis.csv and the table's number formats. */
#ifndef COOP_HYP_INTERNAL_H
#define COOP_HYP_INTERNAL_H

#include <stddef.h>

#include "coop_fmt.h"
#include "coop_hypothesis.h"

/* One oriented comparison to make: outcome o of the factual world's sample a
 * against the other world's b (R replicates each), into r. */
typedef struct hyp_job {
    int o;
    const double *a, *b;
    coop_hyp_result *r;
} hyp_job;

/* The jobs' comparisons (sim/analysis/hyp_verdict.c): each oriented so that the
 * thesis predicts a positive difference (the means reported as factual, other),
 * with the bootstrap seeded by seed (shared by jobs of one pair count,
 * coop_paired_compare_all) and tested against its outcome's SESOI. */
int hyp_compare_all(const coop_hypothesis_cfg *h, const hyp_job *job, int n, size_t R,
                    uint32_t seed, coop_err *err);

/* One row of hypothesis.csv (coop_hypothesis_csv_header): result r of outcome
 * r->outcome in comparison `cmp` over `state` ("all", "common" or a state name). */
void hyp_csv_row(coop_csv *w, int point, const char *cmp, const char *state,
                 const coop_hyp_result *r);

/* The rows of the per-state results and the placebo difference-in-differences. */
void hyp_states_csv(coop_csv *w, const coop_hyp_point *res);

/* A number for the table: four significant digits, NA for NaN (sign: with +). */
const char *hyp_num(char *buf, size_t size, double x, int sign);
/* A p-value for the table; with eq, as a relation for a sentence. */
const char *hyp_pval(char *buf, size_t size, double p, int eq);

#endif
