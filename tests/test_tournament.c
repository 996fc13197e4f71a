/* test_tournament.c: the match kernel and round-robin tournaments
 * (sim/tournament.c).
 *
 * Exact values: every match score of the nine deterministic strategies of
 * tests/test_classic.c (the same hand-derived table) on the kernel, and the
 * tournament totals and ranks of configs/classic/tournament.cfg without noise;
 * thread invariance with noise; a learning rule rejected; tournament.csv. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coop_config.h"
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

Test(tournament, kernel_match_scores_exact)
{
    static const double pay[4] = {1, 5, 0, 3}; /* {P, T, S, R} */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    coop_player a, b;
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++) {
            player(&a, i);
            player(&b, j);
            double sa = 0.0, sb = 0.0;
            coop_match_play(r, &a, &b, pay, 200, 0.0, &sa, &sb);
            cr_expect_eq(sa, (double)score[i][j], "%d vs %d: %g, expected %d", i, j, sa,
                         score[i][j]);
            cr_expect_eq(sb, (double)score[j][i], "%d vs %d: %g, expected %d", j, i, sb,
                         score[j][i]);
        }
    gsl_rng_free(r);
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
    coop_err err = {0};
    cr_assert_eq(coop_config_load("configs/classic/tournament.cfg", ov, n, cfg, &err), COOP_OK,
                 "%s", err.text);
}

/* configs/classic/tournament.cfg without noise, its gtft entrant replaced by tft
 * (gtft's forgiveness draws make its scores random): each total is the row sum of
 * the table over the nine other entrants, the score per turn that total over 200
 * turns and 9 opponents. */
Test(tournament, totals_and_ranks_without_noise)
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
        for (int j = 0; j < 10; j++)
            total += j != i ? score[ix[i]][ix[j]] : 0.0;
        cr_expect_eq(t->total[i], total, "%s: %g, expected %g", t->name[i], t->total[i], total);
        cr_expect_eq(t->per_turn[i], total / (200.0 * 9.0));
    }
    /* ranks follow the score per turn */
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 10; j++)
            if (t->per_turn[i] > t->per_turn[j])
                cr_expect_lt(t->rank[i], t->rank[j]);
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
    cr_assert_eq(memcmp(t1->per_turn, t4->per_turn, t1->n * sizeof(double)), 0);
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

Test(tournament, csv_in_rank_order)
{
    coop_config cfg;
    const char *ov[] = {"actors.gtft.rule=tft"};
    load(ov, 1, &cfg);
    coop_err err = {0};
    coop_tournament *t = coop_tournament_run(&cfg, 2, &err);
    cr_assert_not_null(t);
    char path[] = "/tmp/coop_tournXXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(coop_tournament_write(t, path, &err), COOP_OK, "%s", err.text);
    FILE *f = fopen(path, "r");
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "strategy,total_score,score_per_turn,rank\n");
    int prev = 0, rows = 0;
    while (fgets(line, sizeof line, f)) {
        int rank = atoi(strrchr(line, ',') + 1);
        cr_assert_eq(rank, prev + 1);
        prev = rank, rows++;
    }
    fclose(f);
    unlink(path);
    cr_assert_eq(rows, 10);
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
    cr_assert(strstr(r->out, "rank"), "%s", r->out);
    r = e2e_run("tournament configs/classic/tournament.cfg -o %s --threads 2 --quiet "
                "--set noise=0.05 --replicates 20", b);
    cr_assert_eq(r->status, 0, "%s", r->err);
    char fa[160], fb[160];
    snprintf(fa, sizeof fa, "%s/tournament.csv", a);
    snprintf(fb, sizeof fb, "%s/tournament.csv", b);
    cr_assert(e2e_same_file(fa, fb), "1 and 2 threads differ");
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
