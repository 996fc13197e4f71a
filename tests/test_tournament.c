/* test_tournament.c: the match kernel and round-robin tournaments
 * (sim/experiment/tournament.c).
 *
 * Exact values: every match score of the nine deterministic strategies of
 * tests/test_classic.c (the same hand-derived table) on the kernel, without
 * noise and with noise 1e-12 (the noisy branch, no error in reach); the noisy
 * kernel's mean scores against their analytic expectation within binomial error;
 * the tournament's statistics and ranks of configs/classic/tournament.cfg, its
 * tie-break, tournament.csv, matrix.csv and the printed table; thread
 * invariance with noise; a learning rule rejected. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_fmt.h"
#include "coop_tournament.h"

/* score[a][b]: the 200-round score of row a against column b, R=3 S=0 T=5 P=1
 * (docs/VALIDATION.md; derivation in tests/test_classic.c). */
enum { ALLC, ALLD, TFT, STFT, TF2T, GRIM, WSLS, ALT, BUL, NS };
static const int score[NS][NS] = {
    {600, 0, 600, 597, 600, 600, 600, 300, 0},
    {1000, 200, 204, 200, 208, 204, 600, 600, 996},
    {600, 199, 600, 500, 600, 600, 600, 498, 450},
    {602, 200, 500, 200, 602, 203, 401, 500, 450},
    {600, 198, 600, 597, 600, 600, 600, 300, 360},
    {600, 199, 600, 203, 600, 600, 600, 597, 991},
    {600, 100, 600, 401, 600, 600, 600, 450, 265},
    {800, 100, 503, 500, 800, 107, 450, 400, 397},
    {1000, 1, 450, 450, 560, 6, 600, 402, 400},
};

static void player(coop_player *pl, int s)
{
    static const int rule[NS] = {COOP_RULE_ALLC, COOP_RULE_ALLD, COOP_RULE_TFT,
                                 COOP_RULE_STFT, COOP_RULE_TF2T, COOP_RULE_GRIM,
                                 COOP_RULE_WSLS, COOP_RULE_MEMORY_ONE, COOP_RULE_MEMORY_ONE};
    static const double alt[5] = {0, 0, 1, 1, 1}, bul[5] = {0, 1, 0, 1, 0}, none[5] = {0};
    coop_err err = {0};
    cr_assert_eq(coop_player_init(pl, rule[s], s == ALT ? alt : s == BUL ? bul : none, &err),
                 COOP_OK);
}

/* Plays every pair of the table at `noise` and expects the exact scores. */
static void expect_table(double noise)
{
    static const double pay[4] = {1, 5, 0, 3}; /* {P, T, S, R} */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    coop_player a, b;
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++) {
            player(&a, i);
            player(&b, j);
            double sa = 0.0, sb = 0.0;
            coop_match_play(r, &a, &b, pay, 200, noise, &sa, &sb);
            cr_expect_eq(sa, (double)score[i][j], "%d vs %d: %g, expected %d", i, j, sa,
                         score[i][j]);
            cr_expect_eq(sb, (double)score[j][i], "%d vs %d: %g, expected %d", j, i, sb,
                         score[j][i]);
        }
    gsl_rng_free(r);
}

Test(tournament, kernel_match_scores_exact)
{
    expect_table(0.0);
}

/* Noise 1e-12 takes the kernel's noisy branch, but the first error is ~1e12
 * actions away (the chance of one in these 81 matches is about 3e-8): the table
 * must come out exactly, every turn played and scored. */
Test(tournament, tiny_noise_reproduces_exact_table)
{
    expect_table(1e-12);
}

/* Two unconditional strategies at noise e: each turn A plays its intended action
 * with probability 1 - e and B likewise, independently, so A's expected score
 * per turn is the sum over the four outcomes of their probabilities times A's
 * payoff.  Over N matches of 200 turns, each side's mean match score must lie
 * within 5 standard errors (from the observed variance) of 200 times that. */
static void expect_noisy(int sa_, int sb_, double e)
{
    static const double pay[4] = {1, 5, 0, 3}; /* {P, T, S, R} */
    const double R = 3, S = 0, T = 5, P = 1;
    const int N = 20000, turns = 200;
    double ca = sa_ == ALLC ? 1 - e : e, cb = sb_ == ALLC ? 1 - e : e; /* P(C) */
    double ea = turns * (ca * cb * R + ca * (1 - cb) * S + (1 - ca) * cb * T +
                         (1 - ca) * (1 - cb) * P);
    double eb = turns * (ca * cb * R + cb * (1 - ca) * S + (1 - cb) * ca * T +
                         (1 - ca) * (1 - cb) * P);
    coop_player a, b;
    player(&a, sa_);
    player(&b, sb_);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    double m[2] = {0}, q[2] = {0};
    for (int k = 0; k < N; k++) {
        double x[2] = {0.0, 0.0};
        coop_match_play(r, &a, &b, pay, turns, e, &x[0], &x[1]);
        for (int s = 0; s < 2; s++)
            m[s] += x[s], q[s] += x[s] * x[s];
    }
    gsl_rng_free(r);
    double expected[2] = {ea, eb};
    for (int s = 0; s < 2; s++) {
        double mean = m[s] / N, var = (q[s] - N * mean * mean) / (N - 1);
        double se = sqrt(var / N);
        cr_expect(se > 0.01 && se < 0.5, "side %d: standard error %g", s, se);
        cr_expect_leq(fabs(mean - expected[s]), 5 * se,
                      "%d vs %d at noise %g, side %c: mean %g, expected %g (se %g)", sa_, sb_,
                      e, "AB"[s], mean, expected[s], se);
    }
}

/* ALLC vs ALLC at 0.1: 200 (0.81 R + 0.09 (S + T) + 0.01 P) = 578 for both (a
 * kernel applying B's errors to A gives 672 / 492; one dropping a turn 575). */
Test(tournament, noisy_kernel_matches_expectation)
{
    cr_expect_float_eq(200 * (0.81 * 3 + 0.09 * (0 + 5) + 0.01 * 1), 578.0, 1e-9);
    expect_noisy(ALLC, ALLC, 0.1);
    expect_noisy(ALLD, ALLD, 0.1); /* 200 (0.81 P + 0.09 (S + T) + 0.01 R) = 258 */
    expect_noisy(ALLC, ALLD, 0.1);
    expect_noisy(ALLD, ALLC, 0.02);
}

Test(tournament, learning_rule_rejected)
{
    coop_player pl;
    coop_err err = {0};
    double p[5] = {0.1};
    cr_assert_eq(coop_player_init(&pl, COOP_RULE_FERMI, p, &err), COOP_ECONFIG);
    cr_assert(strstr(err.text, "rule 'fermi' learns"), "%s", err.text);
}

static void load(const char *const *ov, size_t n, coop_config *cfg)
{
    load_ok("configs/classic/tournament.cfg", ov, n, cfg);
}

/* configs/classic/tournament.cfg without noise, its gtft entrant replaced by tft
 * (gtft's forgiveness draws make its scores random): each strategy's score per
 * turn per opponent is its row sum of the table over the nine other entrants,
 * over 200 turns and 9 opponents; with one repetition median = mean = q1 = q3
 * and sd is undefined. */
Test(tournament, statistics_and_ranks_without_noise)
{
    coop_config cfg;
    const char *ov[] = {"actors.gtft.rule=tft"};
    load(ov, 1, &cfg);
    coop_err err = {0};
    coop_tournament *t = coop_tournament_run(&cfg, 1, &err);
    cr_assert_not_null(t, "%s", err.text);
    cr_assert_eq(t->n, 10);
    /* entrant -> table index: allc alld tft stft tf2t grim wsls (gtft as tft) alt bully */
    static const int ix[10] = {ALLC, ALLD, TFT, STFT, TF2T, GRIM, WSLS, TFT, ALT, BUL};
    for (int i = 0; i < 10; i++) {
        double total = 0.0;
        for (int j = 0; j < 10; j++) {
            total += j != i ? score[ix[i]][ix[j]] : 0.0;
            cr_expect_eq(t->matrix[i * 10 + j], score[ix[i]][ix[j]] / 200.0);
        }
        double v = total / (200.0 * 9.0);
        cr_expect_eq(t->median[i], v, "%s: %g, expected %g", t->name[i], t->median[i], v);
        cr_expect_eq(t->mean[i], v);
        cr_expect_eq(t->q1[i], v);
        cr_expect_eq(t->q3[i], v);
        cr_expect(isnan(t->sd[i]));
    }
    /* totals: grim 4990, tft and gtft 4647 (tied: configuration order), tf2t 4455,
     * alld and wsls 4216 (tied), alternator 4160, stft 3958, bully 3919, allc 3897 */
    static const int rank[10] = {10, 5, 2, 8, 4, 1, 6, 3, 7, 9};
    for (int i = 0; i < 10; i++) {
        cr_expect_eq(t->rank[i], rank[i], "%s: rank %d, expected %d", t->name[i], t->rank[i],
                     rank[i]);
        cr_expect_eq(t->order[rank[i] - 1], (size_t)i);
    }
    coop_tournament_free(t);
    coop_config_destroy(&cfg);
}

/* Equal medians keep configuration order: allc, tft and gtft all play tft (three
 * identical entrants, at 1, 3 and 8 in the list) and rank 2, 3, 4 in that order,
 * not alphabetically (allc, gtft, tft) nor in reverse. */
Test(tournament, ties_keep_configuration_order)
{
    coop_config cfg;
    const char *ov[] = {"actors.allc.rule=tft", "actors.gtft.rule=tft"};
    load(ov, 2, &cfg);
    coop_err err = {0};
    coop_tournament *t = coop_tournament_run(&cfg, 1, &err);
    cr_assert_not_null(t, "%s", err.text);
    cr_assert_eq(t->median[0], t->median[2]);
    cr_assert_eq(t->median[0], t->median[7]);
    cr_expect_eq(t->rank[5], 1, "grim first");
    cr_expect_eq(t->rank[0], 2, "allc (as tft): %d", t->rank[0]);
    cr_expect_eq(t->rank[2], 3, "tft: %d", t->rank[2]);
    cr_expect_eq(t->rank[7], 4, "gtft (as tft): %d", t->rank[7]);
    cr_expect(t->order[1] == 0 && t->order[2] == 2 && t->order[3] == 7);
    coop_tournament_free(t);
    coop_config_destroy(&cfg);
}

/* Type-7 quantile of sorted x[0..n-1], written out independently of GSL. */
static double quantile7(const double *x, int n, double p)
{
    double h = (n - 1) * p;
    int lo = (int)floor(h);
    return lo + 1 < n ? x[lo] + (h - lo) * (x[lo + 1] - x[lo]) : x[lo];
}

static int cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* With noise 0.05, 100 repetitions and seed 19 every statistic is recomputed here
 * from the raw match scores; the ranking follows the median, not the mean: alld has
 * the better median (2.542222222 against 2.5375), grim the better mean (2.544588889
 * against 2.542994444), and alld ranks above grim.  (The seed is one where the two
 * statistics disagree: seeds 19 and 30 of 1-40 under the seeding of docs/ODD.md 7.9.)  The matrix is the per-pair mean per turn, and the mean of a row
 * without its diagonal is the strategy's mean. */
Test(tournament, statistics_over_repetitions)
{
    coop_config cfg;
    const char *ov[] = {"noise=0.05", "experiment.replicates=100", "experiment.seed=19"};
    load(ov, 3, &cfg);
    coop_err err = {0};
    coop_tournament *t = coop_tournament_run(&cfg, 1, &err);
    cr_assert_not_null(t, "%s", err.text);
    size_t n = t->n;
    double v[100];
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0, rowsum = 0.0;
        for (int r = 0; r < 100; r++) {
            double tot = 0.0;
            for (size_t j = 0; j < n; j++)
                tot += j == i ? 0.0 : t->score[(size_t)r * n * n + i * n + j];
            v[r] = tot / (200.0 * 9.0);
            sum += v[r];
        }
        double mean = sum / 100, ss = 0.0;
        for (int r = 0; r < 100; r++)
            ss += (v[r] - mean) * (v[r] - mean);
        qsort(v, 100, sizeof *v, cmp);
        cr_expect_float_eq(t->mean[i], mean, 1e-12, "%s", t->name[i]);
        cr_expect_float_eq(t->sd[i], sqrt(ss / 99), 1e-12, "%s", t->name[i]);
        cr_expect_eq(t->median[i], 0.5 * (v[49] + v[50]), "%s", t->name[i]);
        cr_expect_float_eq(t->q1[i], quantile7(v, 100, 0.25), 1e-12, "%s", t->name[i]);
        cr_expect_float_eq(t->q3[i], quantile7(v, 100, 0.75), 1e-12, "%s", t->name[i]);
        cr_expect(t->q1[i] < t->median[i] && t->median[i] < t->q3[i]);
        for (size_t j = 0; j < n; j++) {
            double m = 0.0;
            for (int r = 0; r < 100; r++)
                m += t->score[(size_t)r * n * n + i * n + j];
            cr_expect_float_eq(t->matrix[i * n + j], m / 100 / 200, 1e-12);
            rowsum += j == i ? 0.0 : t->matrix[i * n + j];
        }
        cr_expect_float_eq(rowsum / 9, t->mean[i], 1e-12, "%s", t->name[i]);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (t->median[i] > t->median[j])
                cr_expect_lt(t->rank[i], t->rank[j], "%s, %s", t->name[i], t->name[j]);
    /* alld (1) and grim (5) */
    cr_expect_gt(t->median[1], t->median[5]);
    cr_expect_lt(t->mean[1], t->mean[5]);
    cr_expect_eq(t->rank[1], 1);
    cr_expect_eq(t->rank[5], 2);
    coop_tournament_free(t);
    coop_config_destroy(&cfg);
}

Test(tournament, same_for_any_thread_count)
{
    const char *ov[] = {"noise=0.05", "experiment.replicates=12"};
    coop_config cfg;
    load(ov, 2, &cfg);
    coop_err err = {0};
    coop_tournament *t1 = coop_tournament_run(&cfg, 1, &err);
    coop_tournament *t4 = coop_tournament_run(&cfg, 4, &err);
    cr_assert(t1 && t4);
    size_t cells = (size_t)t1->reps * t1->n * t1->n;
    cr_assert_eq(memcmp(t1->score, t4->score, cells * sizeof(double)), 0);
    cr_assert_eq(memcmp(t1->median, t4->median, t1->n * sizeof(double)), 0);
    /* with noise the repetitions differ */
    double spread = 0.0;
    for (int r = 1; r < t1->reps; r++)
        spread += t1->score[(size_t)r * t1->n * t1->n + 2 * t1->n + 1]
                  != t1->score[2 * t1->n + 1]; /* tft vs alld across repetitions */
    cr_assert_gt(spread, 0.0);
    coop_tournament_free(t1);
    coop_tournament_free(t4);
    coop_config_destroy(&cfg);
}

/* tournament.csv, matrix.csv and the printed table of the default configuration
 * (one repetition, seed 1): exact texts, the number writer's (no 4990.0000001
 * style digits), and the table's rows carry the CSV's fields. */
Test(tournament, files_and_table)
{
    coop_config cfg;
    load(NULL, 0, &cfg);
    coop_err err = {0};
    coop_tournament *t = coop_tournament_run(&cfg, 2, &err);
    cr_assert_not_null(t);
    char path[] = "/tmp/coop_tournXXXXXX", mpath[] = "/tmp/coop_tournmXXXXXX";
    int fd = mkstemp(path), md = mkstemp(mpath);
    cr_assert(fd >= 0 && md >= 0);
    close(fd);
    close(md);
    cr_assert_eq(coop_tournament_write(t, path, &err), COOP_OK, "%s", err.text);
    cr_assert_eq(coop_tournament_write_matrix(t, mpath, &err), COOP_OK, "%s", err.text);

    FILE *table = tmpfile();
    coop_tournament_print(t, table);
    rewind(table);
    char tline[512];
    cr_assert_not_null(fgets(tline, sizeof tline, table));
    cr_expect_str_eq(tline, "rank  strategy            median            mean              sd"
                            "              q1              q3\n");

    FILE *f = fopen(path, "r");
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "rank,strategy,median,mean,sd,q1,q3\n");
    static const char *const first[2] = {
        "1,grim,2.772222222,2.772222222,NA,2.772222222,2.772222222\n",
        "2,tft,2.581666667,2.581666667,NA,2.581666667,2.581666667\n"};
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (rows < 2)
            cr_expect_str_eq(line, first[rows]);
        cr_expect_eq(atoi(line), rows + 1);
        /* the table's row: the same fields, space-separated */
        cr_assert_not_null(fgets(tline, sizeof tline, table));
        char want[256], got[512];
        size_t k = 0;
        for (const char *c = line; *c; c++)
            want[k++] = *c == ',' ? ' ' : *c;
        want[k] = 0;
        k = 0;
        for (const char *c = tline; *c; c++)
            if (*c != ' ' || (k > 0 && got[k - 1] != ' '))
                got[k++] = *c;
        got[k] = 0;
        cr_expect_str_eq(got, want);
        rows++;
    }
    fclose(f);
    fclose(table);
    cr_expect_eq(rows, 10);

    /* matrix.csv: 100 rows, both columns in rank order, grim's row first */
    f = fopen(mpath, "r");
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "strategy,opponent,score_per_turn\n");
    static const char *const mfirst[3] = {"grim,grim,3\n", "grim,tft,3\n", "grim,gtft,3\n"};
    rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (rows < 3)
            cr_expect_str_eq(line, mfirst[rows]);
        if (rows == 93) /* allc (10th) against alld (4th) */
            cr_expect_str_eq(line, "allc,alld,0\n");
        rows++;
    }
    fclose(f);
    cr_expect_eq(rows, 100);
    unlink(path);
    unlink(mpath);
    coop_tournament_free(t);
    coop_config_destroy(&cfg);
}

/* ---- end to end: coopsim tournament ---- */

#include "e2e.h"

Test(tournament, command_line, .timeout = 60)
{
    char dir[64], a[128], b[128];
    e2e_tmpdir(dir, sizeof dir);
    cr_assert(dir[0]);
    snprintf(a, sizeof a, "%s/t1", dir);
    snprintf(b, sizeof b, "%s/t2", dir);
    e2e_result *r = e2e_run("tournament configs/classic/tournament.cfg -o %s --threads 1 "
                            "--set noise=0.05 --replicates 20", a);
    cr_assert_eq(r->status, 0, "%s", r->err);
    cr_assert(strstr(r->out, "rank  strategy"), "%s", r->out);
    cr_assert(strstr(r->out, "ranked by median, equal medians in configuration order"), "%s",
              r->out);
    r = e2e_run("tournament configs/classic/tournament.cfg -o %s --threads 2 --quiet "
                "--set noise=0.05 --replicates 20", b);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char fa[160], fb[160];
    snprintf(fa, sizeof fa, "%s/tournament.csv", a);
    snprintf(fb, sizeof fb, "%s/tournament.csv", b);
    cr_assert(e2e_same_file(fa, fb), "1 and 2 threads differ");
    snprintf(fa, sizeof fa, "%s/matrix.csv", a);
    snprintf(fb, sizeof fb, "%s/matrix.csv", b);
    cr_assert(e2e_same_file(fa, fb), "matrix.csv: 1 and 2 threads differ");
    snprintf(fa, sizeof fa, "%s/manifest.cfg", a);
    cr_assert(e2e_exists(fa));
    /* an existing directory needs --force; a learning rule is a configuration error */
    r = e2e_run("tournament configs/classic/tournament.cfg -o %s --quiet", a);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "results directory exists"), "%s", r->err);
    r = e2e_run("tournament configs/classic/tournament.cfg -o %s/t3 --quiet "
                "--set actors.tft.rule=fermi", dir);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->err, "actors.tft: tournament: rule 'fermi' learns"), "%s", r->err);
    cr_assert(!e2e_exists(strcat(strcpy(fa, dir), "/t3")), "nothing left behind");
    e2e_rmrf(dir);
}
