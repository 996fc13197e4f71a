/* coop_rng.h: seeds of every random stream, and generator types.
 *
 * Every stream of random numbers in coopsim (a replicate's own generator, its tie,
 * motivator and node-block streams, the network generator, the Latin hypercube,
 * the bootstrap, the tournament) is a GSL generator seeded from one derivation:
 * a 64-bit full-avalanche hash of the tuple (master seed, point, replicate,
 * stream kind, stream index), truncated to a nonzero 32-bit seed (rng.c explains
 * the scheme).  Work items therefore draw from their own streams, so results do
 * not depend on which thread runs which item, and no structural relation links
 * the streams of different master seeds, points, replicates or kinds: any two
 * seeds coincide only by chance, with probability 1 / (2^32 - 1). */
#ifndef COOP_RNG_H
#define COOP_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#define COOP_MAX_POINTS 65535 /* the most points an experiment or sweep may have */

/* The kinds of stream.  The numbers are part of the derivation (changing one
 * changes every result that draws from that kind): never renumber. */
typedef enum coop_stream {
    COOP_STREAM_MAIN = 1,       /* a run's own generator (the Moran process), index 0 */
    COOP_STREAM_TIE = 2,        /* a run's stream of tie (block) `index` */
    COOP_STREAM_MOTIVATOR = 3,  /* a run's motivator initiatives, index 0 */
    COOP_STREAM_BLOCK = 4,      /* a run's stream of node block `index` */
    COOP_STREAM_NETWORK = 5,    /* the network generator: item (0, 0), index 0 */
    COOP_STREAM_LHS = 6,        /* a sweep's Latin hypercube: item (0, 0), index 0 */
    COOP_STREAM_BOOTSTRAP = 7,  /* the hypothesis bootstrap of a point: item (point, 0) */
    COOP_STREAM_TOURNAMENT = 8, /* a tournament repetition r: item (0, r), index 0 */
    COOP_STREAM_ABC = 9,       /* ABC-SMC particle i of generation g: item (g, i);
                                 * index 0 its proposals, 1 + a its attempt a's run */
    /* coopsim sensitivity (coop_sens.h); kinds 17-19 (10-16 unused) */
    COOP_STREAM_SENS_BOOT = 17,   /* the bootstrap of output o's indices: item (o, 0) */
    COOP_STREAM_MORRIS = 18,      /* the Morris trajectories: item (0, 0) */
    COOP_STREAM_SENS_NOISE = 19   /* a test function's noise: item (block, replicate) */
} coop_stream;

/* The 64-bit key of work item (point, replicate) under master seed `master`: the
 * hash of the three words.  A run (coop_model_init) receives this key and seeds
 * each of its streams with coop_rng_stream(key, kind, index). */
uint64_t coop_rng_key(uint32_t master, uint32_t point, uint32_t replicate);

/* The GSL seed of stream (kind, index) of the work item with key `key`: the hash
 * of (key, kind, index) truncated to 32 bits; never 0 (GSL would replace 0 by its
 * default seed). */
uint32_t coop_rng_stream(uint64_t key, coop_stream kind, uint64_t index);

/* coop_rng_stream(coop_rng_key(master, point, replicate), kind, 0): the seed of
 * a stream that is not part of a run (network, LHS, bootstrap, tournament). */
uint32_t coop_rng_seed(uint32_t master, uint32_t point, uint32_t replicate, coop_stream kind);

/* The GSL generator type of a name (e.g. "mt19937", "taus2"), or NULL. */
const gsl_rng_type *coop_rng_type(const char *name);

#endif
