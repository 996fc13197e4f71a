/* coop_rng.h: per-work-item random number generators.
 *
 * Every replicate of every point draws from its own GSL generator, seeded from
 * (master seed, point, replicate) by coop_rng_seed, so results do not depend on
 * which thread runs which work item. */
#ifndef COOP_RNG_H
#define COOP_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#define COOP_MAX_POINTS 65535 /* the point is packed in 16 bits of the seed index */

/* The seed of work item (point, replicate): a bijective 32-bit mix of the index
 * point * 2^16 + replicate, keyed by the master seed, mapped away from 0.
 * Distinct (point, replicate) with point < 65535 and replicate < 65536 give
 * distinct seeds for the same master seed; the result is never 0. */
uint32_t coop_rng_seed(uint32_t master, uint32_t point, uint32_t replicate);

/* The GSL generator type of a name (e.g. "mt19937", "taus2"), or NULL. */
const gsl_rng_type *coop_rng_type(const char *name);

#endif
