/* posterior_fixture.h: a small inference directory for `coopsim hypothesis --posterior`
 * (test_infer.c, test_mpi_hyp.c): posterior.csv and models.csv of two generations on
 * the KZ motivator's initiative_rate and brokerage.  Generation 1 holds two motivator
 * particles, (0.085, 0.036) and `particle2` (its two values, "a,b"), and one none
 * particle of weight 0; "0.085,0.036" makes it a point mass at eu_ca_history.cfg's own
 * values. */
#ifndef COOP_TEST_POSTERIOR_FIXTURE_H
#define COOP_TEST_POSTERIOR_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <sys/stat.h>

#include "files.h"

static inline void posterior_fixture(const char *dir, const char *particle2)
{
    char path[512], text[512];
    cr_assert(mkdir(dir, 0777) == 0, "mkdir %s", dir);
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    snprintf(text, sizeof text,
             "generation,model,particle,weight,distance,"
             "actors.KZ.motivator.initiative_rate,actors.KZ.motivator.brokerage\n"
             "0,none,0,0.5,1,,\n0,motivator,1,0.5,1,0.5,0.5\n"
             "1,motivator,0,0.25,0.1,0.085,0.036\n1,none,1,0,0.2,,\n"
             "1,motivator,2,0.75,0.2,%s\n", particle2);
    write_file(path, text);
    snprintf(path, sizeof path, "%s/models.csv", dir);
    write_file(path, "generation,model,probability,particles,bayes_factor\n"
                     "0,motivator,0.5,1,1\n0,none,0.5,1,1\n1,motivator,1,2,1\n1,none,0,1,0\n");
}

#endif
