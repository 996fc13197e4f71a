/* coop_population.h: the generated population of a configuration's `network`
 * group, built by the model layer (sim/model/population.c).
 *
 * The configuration module only describes a generated population (network.*,
 * actor_template, actor_overrides); it never draws.  coop_population_build draws the
 * network once per configuration from its own stream (COOP_STREAM_NETWORK of
 * coop_rng_seed, from experiment.seed and experiment.rng), so every replicate, world
 * and sweep point shares it, and turns its nodes into actors (profiles of the
 * template, network.initial_c drawn from the same stream after the network) and its
 * edges into ties, kept compact (coop_pop_cfg in coop_config.h: a lattice draws nothing
 * and keeps no ties).  coop_config_load_with calls it in the middle of loading, while
 * the text is at hand, so that overrides, regions, events, sweeps and the hypothesis
 * actors that name generated nodes are checked against the built population with
 * their usual FILE:LINE messages.  coop_population_load is the loader every command and test
 * uses: coop_config_load with the population built. */
#ifndef COOP_POPULATION_H
#define COOP_POPULATION_H

#include <stddef.h>

#include "coop_config.h"
#include "coop_error.h"

/* The builder (a coop_population_fn): fills cfg->pop and, for an edge
 * list, cfg->net.n and cfg->net.n_isolated from the description in cfg (see
 * coop_population_fn in coop_config.h for the contract).  Does nothing without a
 * network group. */
int coop_population_build(coop_config *cfg, coop_err *err);

/* coop_config_load with generated populations built (coop_config_load_with and
 * coop_population_build): the configuration as the engine runs it. */
int coop_population_load(const char *path, const char *const *overrides, size_t n_overrides,
                         coop_config *cfg, coop_err *err);

#endif
