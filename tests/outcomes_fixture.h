/* outcomes_fixture.h: the outcome scalars of R replicates of one world, as the
 * hypothesis tests feed them to coop_hypothesis_compare (test_hypothesis.c,
 * test_verdict.c).  Static so that several test files can include it. */
#ifndef COOP_OUTCOMES_FIXTURE_H
#define COOP_OUTCOMES_FIXTURE_H

#include <stdint.h>

#include <criterion/criterion.h>

#include "coop_model.h"
#include "coop_rng.h"

/* Runs replicates 0..R-1 of cfg, replicate r with key coop_rng_key(master, 0, r),
 * and stores its outcome o at out[o * R + r] (the layout of
 * coop_hypothesis_compare's values for one world). */
static inline void run_outcomes(const coop_config *cfg, uint32_t master, int R, double *out)
{
    coop_err err = {0};
    coop_model *model = coop_model_alloc(cfg, &err);
    cr_assert_not_null(model, "%s", err.text);
    coop_record *rec = coop_record_alloc(cfg, 0);
    cr_assert_not_null(rec);
    for (int r = 0; r < R; r++) {
        coop_model_run(model, coop_rng_key(master, 0, (uint32_t)r), rec);
        for (int o = 0; o < COOP_N_OUTCOMES; o++)
            out[o * R + r] = rec->outcome[o];
    }
    coop_record_free(rec);
    coop_model_free(model);
}

#endif
