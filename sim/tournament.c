/* tournament.c: round-robin tournaments between fixed strategies (Axelrod 1984)
 * on a dedicated match kernel (see coop_tournament.h).
 *
 * The kernel keeps the whole state of a match in two bytes, the memory bytes of
 * coop_strategy.h, and looks each player's probability of C up in a 256-entry
 * table precomputed from its rule, so a turn is two table loads, a draw only
 * where a probability is strictly between 0 and 1, the implementation errors
 * (sampled by geometric gaps between errors, as in model.c: the same law as one
 * draw per action) and two payoff loads.  It plays exactly the rules of the
 * engine: the same match on configs/classic/match.cfg gives the same scores
 * (tests/test_tournament.c).
 *
 * Parallelism: OpenMP over repetitions, each with its own generator seeded from
 * (seed, 0, repetition, COOP_STREAM_TOURNAMENT) by coop_rng_seed and its matches
 * in a fixed order; the scores are reduced serially afterwards, so the result is
 * the same for any number of threads (STYLE.md "Randomness and threads"). */
#define HAVE_INLINE 1

#include "coop_tournament.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "coop_game.h"
#include "coop_rng.h"
#include "coop_strategy.h"

int coop_player_init(coop_player *pl, int rule, const double *param, coop_err *err)
{
    if (rule < 0 || rule >= COOP_N_RULES)
        return COOP_FAIL(err, COOP_EINVAL, "tournament: rule id %d", rule);
    const coop_strategy *st = &coop_strategies[rule];
    if (st->learning != COOP_LEARN_NONE)
        return COOP_FAIL(err, COOP_ECONFIG,
                         "tournament: rule '%s' learns; a tournament needs fixed strategies",
                         coop_rules[rule].name);
    for (unsigned m = 0; m < 256; m++)
        pl->p[m] = st->p_coop(m, param, 0.5);
    return COOP_OK;
}

/* Error-free actions before the next implementation error. */
static inline long next_gap(gsl_rng *r, double noise)
{
    if (noise >= 1.0)
        return 0;
    return (long)floor(log(gsl_rng_uniform_pos(r)) / log1p(-noise));
}

static inline int act(gsl_rng *r, double p)
{
    return p >= 1.0 ? 1 : (p <= 0.0 ? 0 : gsl_rng_uniform(r) < p);
}

void coop_match_play(gsl_rng *r, const coop_player *a, const coop_player *b, const double pay[4],
                     int turns, double noise, double *sa, double *sb)
{
    unsigned ma = 0, mb = 0;
    double ga = 0.0, gb = 0.0;
    if (noise <= 0.0) {
        for (int t = 0; t < turns; t++) {
            int xa = act(r, a->p[ma]), xb = act(r, b->p[mb]);
            ga += pay[2 * xa + xb], gb += pay[2 * xb + xa];
            ma = coop_strategy_remember(ma, xa, xb) & 0xffu;
            mb = coop_strategy_remember(mb, xb, xa) & 0xffu;
        }
    } else {
        long gap = next_gap(r, noise);
        for (int t = 0; t < turns; t++) {
            int xa = act(r, a->p[ma]), xb = act(r, b->p[mb]);
            if (gap == 0)
                xa ^= 1, gap = next_gap(r, noise);
            else
                gap--;
            if (gap == 0)
                xb ^= 1, gap = next_gap(r, noise);
            else
                gap--;
            ga += pay[2 * xa + xb], gb += pay[2 * xb + xa];
            ma = coop_strategy_remember(ma, xa, xb) & 0xffu;
            mb = coop_strategy_remember(mb, xb, xa) & 0xffu;
        }
    }
    *sa += ga, *sb += gb;
}

void coop_tournament_free(coop_tournament *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->score);
    free(t->total);
    free(t->per_turn);
    free(t->rank);
    free(t);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

coop_tournament *coop_tournament_run(const coop_config *cfg, int threads, coop_err *err)
{
    size_t n = cfg->n_actors;
    if (n < 2 || cfg->n_domains < 1 || cfg->n_steps < 1 || cfg->replicates < 1) {
        COOP_FAIL(err, COOP_ECONFIG, "tournament: needs at least two actors, one domain, one "
                                     "turn and one repetition");
        return NULL;
    }
    const gsl_rng_type *type = coop_rng_type(cfg->rng[0] ? cfg->rng : "mt19937");
    if (!type) {
        COOP_FAIL(err, COOP_ECONFIG, "tournament: unknown generator '%s'", cfg->rng);
        return NULL;
    }
    coop_tournament *t = calloc(1, sizeof *t);
    coop_player *pl = calloc(n, sizeof *pl);
    int reps = cfg->replicates, turns = cfg->n_steps;
    if (!t || !pl)
        goto nomem;
    t->n = n, t->turns = turns, t->reps = reps;
    t->name = calloc(n, sizeof *t->name);
    t->score = calloc((size_t)reps * n * n, sizeof *t->score);
    t->total = calloc(n, sizeof *t->total);
    t->per_turn = calloc(n, sizeof *t->per_turn);
    t->rank = calloc(n, sizeof *t->rank);
    if (!t->name || !t->score || !t->total || !t->per_turn || !t->rank)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        const coop_actor_cfg *a = &cfg->actors[i];
        memcpy(t->name[i], a->name, COOP_NAME_MAX);
        if (coop_player_init(&pl[i], a->rule, a->rule_param, err)) {
            char why[COOP_ERR_MAX];
            snprintf(why, sizeof why, "%s", err->text);
            COOP_FAIL(err, COOP_ECONFIG, "actors.%s: %s", a->name, why);
            free(pl);
            coop_tournament_free(t);
            return NULL;
        }
    }
    coop_game g = {cfg->domains[0].R, cfg->domains[0].S, cfg->domains[0].T, cfg->domains[0].P};
    double pay[4];
    coop_game_table(&g, pay);
    double noise = cfg->noise;
    int failed = 0;
    if (threads <= 0)
        threads = omp_get_max_threads();
#pragma omp parallel for schedule(dynamic) num_threads(threads)
    for (int r = 0; r < reps; r++) {
        gsl_rng *rng = gsl_rng_alloc(type);
        if (!rng) {
#pragma omp atomic write
            failed = 1;
            continue;
        }
        gsl_rng_set(rng,
                    coop_rng_seed((uint32_t)cfg->seed, 0, (uint32_t)r, COOP_STREAM_TOURNAMENT));
        double *s = t->score + (size_t)r * n * n;
        for (size_t i = 0; i < n; i++)
            for (size_t j = i; j < n; j++) {
                double si = 0.0, sj = 0.0;
                coop_match_play(rng, &pl[i], &pl[j], pay, turns, noise, &si, &sj);
                s[i * n + j] = si, s[j * n + i] = i == j ? si : sj;
            }
        gsl_rng_free(rng);
    }
    if (failed)
        goto nomem;
    double *v = malloc((size_t)reps * sizeof *v);
    if (!v)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (int r = 0; r < reps; r++) {
            const double *s = t->score + (size_t)r * n * n + i * n;
            double tot = 0.0;
            for (size_t j = 0; j < n; j++)
                tot += j != i ? s[j] : 0.0;
            sum += tot;
            v[r] = tot / ((double)turns * (double)(n - 1));
        }
        t->total[i] = sum / reps;
        qsort(v, (size_t)reps, sizeof *v, cmp_double);
        t->per_turn[i] = reps % 2 ? v[reps / 2] : 0.5 * (v[reps / 2 - 1] + v[reps / 2]);
    }
    free(v);
    for (size_t i = 0; i < n; i++) {
        int rank = 1;
        for (size_t j = 0; j < n; j++)
            rank += t->per_turn[j] > t->per_turn[i] || (t->per_turn[j] == t->per_turn[i] && j < i);
        t->rank[i] = rank;
    }
    free(pl);
    return t;
nomem:
    free(pl);
    coop_tournament_free(t);
    COOP_FAIL(err, COOP_ENOMEM, "tournament: out of memory");
    return NULL;
}

int coop_tournament_write(const coop_tournament *t, const char *path, coop_err *err)
{
    char tmp[COOP_PATH_MAX + 16];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return COOP_FAIL(err, COOP_EIO, "tournament: path too long: %s", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s: %s", tmp, strerror(errno));
    int bad = fputs("strategy,total_score,score_per_turn,rank\n", f) < 0;
    for (int rank = 1; rank <= (int)t->n; rank++)
        for (size_t i = 0; i < t->n; i++)
            if (t->rank[i] == rank)
                bad |= fprintf(f, "%s,%.17g,%.17g,%d\n", t->name[i], t->total[i],
                               t->per_turn[i], rank) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        return COOP_FAIL(err, COOP_EIO, "cannot write %s", path);
    }
    return COOP_OK;
}
