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
 * the same for any number of threads (docs/OUTPUT.md, "Guarantees").
 *
 * Reporting: each strategy's score per turn per opponent is summarised over the
 * repetitions by its median (the ranking statistic, as in the Axelrod library),
 * mean, standard deviation and quartiles; ties keep configuration order.  The
 * files and the printed table write every real with the project's number writer
 * (coop_fmt.h), so they show the same text. */
#define HAVE_INLINE 1

#include "coop_tournament.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_statistics_double.h>
#include <omp.h>

#include "coop_fmt.h"
#include "coop_game.h"
#include "coop_rng.h"
#include "coop_stats.h"
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
    free(t->matrix);
    free(t->median);
    free(t->mean);
    free(t->sd);
    free(t->q1);
    free(t->q3);
    free(t->rank);
    free(t->order);
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
    t->matrix = calloc(n * n, sizeof *t->matrix);
    t->median = calloc(n, sizeof *t->median);
    t->mean = calloc(n, sizeof *t->mean);
    t->sd = calloc(n, sizeof *t->sd);
    t->q1 = calloc(n, sizeof *t->q1);
    t->q3 = calloc(n, sizeof *t->q3);
    t->rank = calloc(n, sizeof *t->rank);
    t->order = calloc(n, sizeof *t->order);
    if (!t->name || !t->score || !t->matrix || !t->median || !t->mean || !t->sd || !t->q1 ||
        !t->q3 || !t->rank || !t->order)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
        snprintf(t->name[i], COOP_NAME_MAX, "%s", coop_cfg_actor_name(cfg, i));
        if (coop_player_init(&pl[i], a->rule, a->rule_param, err)) {
            char why[COOP_ERR_MAX];
            snprintf(why, sizeof why, "%s", err->text);
            COOP_FAIL(err, COOP_ECONFIG, "actors.%s: %s", t->name[i], why);
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
        for (size_t j = 0; j < n; j++) {
            double sum = 0.0;
            for (int r = 0; r < reps; r++)
                sum += t->score[(size_t)r * n * n + i * n + j];
            t->matrix[i * n + j] = sum / reps / turns;
        }
        for (int r = 0; r < reps; r++) {
            const double *s = t->score + (size_t)r * n * n + i * n;
            double tot = 0.0;
            for (size_t j = 0; j < n; j++)
                tot += j != i ? s[j] : 0.0;
            v[r] = tot / ((double)turns * (double)(n - 1));
        }
        coop_summary sm;
        coop_summary_of(v, (size_t)reps, 1, &sm);
        t->mean[i] = sm.mean, t->sd[i] = sm.sd;
        qsort(v, (size_t)reps, sizeof *v, cmp_double);
        t->median[i] = gsl_stats_median_from_sorted_data(v, 1, (size_t)reps);
        t->q1[i] = gsl_stats_quantile_from_sorted_data(v, 1, (size_t)reps, 0.25);
        t->q3[i] = gsl_stats_quantile_from_sorted_data(v, 1, (size_t)reps, 0.75);
    }
    free(v);
    /* Rank by median; equal medians keep configuration order. */
    for (size_t i = 0; i < n; i++) {
        int rank = 1;
        for (size_t j = 0; j < n; j++)
            rank += t->median[j] > t->median[i] || (t->median[j] == t->median[i] && j < i);
        t->rank[i] = rank;
        t->order[rank - 1] = i;
    }
    free(pl);
    return t;
nomem:
    free(pl);
    coop_tournament_free(t);
    COOP_FAIL(err, COOP_ENOMEM, "tournament: out of memory");
    return NULL;
}

const char coop_tournament_csv_header[] = "rank,strategy,median,mean,sd,q1,q3";

/* Opens path's temporary file for a coop_csv; COOP_EIO on failure. */
static int csv_begin(coop_csv *c, char *tmp, size_t size, const char *path, coop_err *err)
{
    if (snprintf(tmp, size, "%s.tmp", path) >= (int)size)
        return COOP_FAIL(err, COOP_EIO, "tournament: path too long: %s", path);
    *c = (coop_csv){fopen(tmp, "w"), 0, 0};
    if (!c->f)
        return COOP_FAIL(err, COOP_EIO, "cannot write %s: %s", tmp, strerror(errno));
    return COOP_OK;
}

/* Flushes, syncs and closes c and renames tmp to path, or removes tmp; COOP_EIO on
 * any failure.  Synced, so that the results directory (coop_output.h) renamed
 * after it holds the file whole. */
static int csv_end(coop_csv *c, const char *tmp, const char *path, coop_err *err)
{
    int bad = c->bad | (fflush(c->f) != 0) | (fsync(fileno(c->f)) != 0);
    bad |= fclose(c->f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        return COOP_FAIL(err, COOP_EIO, "cannot write %s%s%s", path, c->errnum ? ": " : "",
                         c->errnum ? strerror(c->errnum) : "");
    }
    return COOP_OK;
}

/* The five statistics of strategy i, in the order of the header. */
static void stats_of(const coop_tournament *t, size_t i, double x[5])
{
    x[0] = t->median[i], x[1] = t->mean[i], x[2] = t->sd[i], x[3] = t->q1[i], x[4] = t->q3[i];
}

int coop_tournament_write(const coop_tournament *t, const char *path, coop_err *err)
{
    char tmp[COOP_PATH_MAX + 16];
    coop_csv c;
    int status = csv_begin(&c, tmp, sizeof tmp, path, err);
    if (status)
        return status;
    coop_csv_put(&c, "%s\n", coop_tournament_csv_header);
    for (size_t k = 0; k < t->n; k++) {
        size_t i = t->order[k];
        double x[5];
        stats_of(t, i, x);
        coop_csv_put(&c, "%zu,", k + 1);
        coop_csv_text(&c, t->name[i]);
        for (int q = 0; q < 5; q++) {
            coop_csv_put(&c, ",");
            coop_csv_num(&c, x[q]);
        }
        coop_csv_put(&c, "\n");
    }
    return csv_end(&c, tmp, path, err);
}

int coop_tournament_write_matrix(const coop_tournament *t, const char *path, coop_err *err)
{
    char tmp[COOP_PATH_MAX + 16];
    coop_csv c;
    int status = csv_begin(&c, tmp, sizeof tmp, path, err);
    if (status)
        return status;
    coop_csv_put(&c, "strategy,opponent,score_per_turn\n");
    for (size_t a = 0; a < t->n; a++)
        for (size_t b = 0; b < t->n; b++) {
            size_t i = t->order[a], j = t->order[b];
            coop_csv_text(&c, t->name[i]);
            coop_csv_put(&c, ",");
            coop_csv_text(&c, t->name[j]);
            coop_csv_put(&c, ",");
            coop_csv_num(&c, t->matrix[i * t->n + j]);
            coop_csv_put(&c, "\n");
        }
    return csv_end(&c, tmp, path, err);
}

void coop_tournament_print(const coop_tournament *t, FILE *out)
{
    static const char *const head[5] = {"median", "mean", "sd", "q1", "q3"};
    int w = 8;
    for (size_t i = 0; i < t->n; i++)
        w = (int)strlen(t->name[i]) > w ? (int)strlen(t->name[i]) : w;
    fprintf(out, "%-4s  %-*s", "rank", w, "strategy");
    for (int q = 0; q < 5; q++)
        fprintf(out, "  %14s", head[q]);
    fputc('\n', out);
    for (size_t k = 0; k < t->n; k++) {
        size_t i = t->order[k];
        double x[5];
        stats_of(t, i, x);
        fprintf(out, "%-4zu  %-*s", k + 1, w, t->name[i]);
        for (int q = 0; q < 5; q++) {
            char buf[COOP_FMT_G10_MAX];
            coop_csv_fmt_num(buf, x[q]);
            fprintf(out, "  %14s", buf);
        }
        fputc('\n', out);
    }
    fputs("score per turn per opponent over repetitions; ranked by median, equal medians in "
          "configuration order\n", out);
}
