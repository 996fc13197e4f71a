/* plan.h: the coop_plan the experiment tests hand to coop_experiment_run_plan
 * and coop_experiment_run_lazy, built in one place. */
#ifndef COOP_TEST_PLAN_H
#define COOP_TEST_PLAN_H

#include <stdint.h>

#include "coop_experiment.h"

/* n_points points from point0, n_worlds worlds each (cfg[p * n_worlds + w], NULL
 * for a lazy plan; world_name[w]), `replicates` replicates under master seed
 * `seed`, with no per-step arrays and no snapshots: a test that wants them sets
 * keep_series or keep_snapshots on the result. */
static inline coop_plan test_plan(int n_points, int point0, int n_worlds,
                                  const coop_config *const *cfg, const char *const *world_name,
                                  int replicates, uint32_t seed)
{
    coop_plan plan = {
        .n_points = n_points,
        .point0 = point0,
        .n_worlds = n_worlds,
        .cfg = cfg,
        .world_name = world_name,
        .replicates = replicates,
        .seed = seed,
    };
    return plan;
}

#endif
