/* results_fixture.h: the fixture of the suites that write results directories
 * from C (tests/test_experiment.c, tests/test_output.c): a fresh directory under
 * /tmp and tests/data/exp_small.cfg loaded with full series, both gone after
 * each test. */
#ifndef COOP_TEST_RESULTS_FIXTURE_H
#define COOP_TEST_RESULTS_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_config.h"

/* base (64 bytes) gets a fresh directory /tmp/coop_SUITE_XXXXXX; cfg the scenario. */
static inline void results_setup(char *base, const char *suite, coop_config *cfg)
{
    snprintf(base, 64, "/tmp/coop_%s_XXXXXX", suite);
    cr_assert_not_null(mkdtemp(base));
    coop_err err = {0};
    memset(cfg, 0, sizeof *cfg);
    cr_assert_eq(coop_config_load("tests/data/exp_small.cfg", NULL, 0, cfg, &err), COOP_OK, "%s",
                 err.text);
    cfg->series = COOP_SERIES_FULL;
}

static inline void results_teardown(const char *base, coop_config *cfg)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_assert_eq(system(cmd), 0);
    coop_config_destroy(cfg);
}

#endif
