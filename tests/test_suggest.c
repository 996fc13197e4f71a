/* test_suggest.c: "did you mean ...?" (coop_suggest.h): the distance on cases
 * worked by hand, the closeness threshold and the choice among candidates, then
 * end to end the messages of the common mistakes (a misspelled key, rule, rule
 * parameter, actor, enum value, generator, override path, command and option):
 * exit status 2 and the nearest valid name, and none when nothing is close. */
#include <criterion/criterion.h>
#include <string.h>

#include "coop_suggest.h"
#include "e2e.h"

/* ---- the distance ---- */

Test(suggest, distances_worked_by_hand)
{
    struct { const char *a, *b; int d; } cases[] = {
        {"", "", 0},
        {"abc", "", 3},               /* three deletions */
        {"", "ab", 2},                /* two insertions */
        {"noise", "noise", 0},
        {"kitten", "sitting", 3},     /* k->s, e->i, +g (Levenshtein's classic) */
        {"nosie", "noise", 1},        /* one transposition (s,i) */
        {"theat", "theta", 1},        /* one transposition (a,t) */
        {"ca", "ac", 1},              /* transposition */
        {"ca", "abc", 3},             /* optimal string alignment: not 2 (ca->ac->abc
                                         edits the transposed pair again) */
        {"opennes", "openness", 1},   /* one insertion */
        {"wieght", "weight", 1},      /* transposition (i,e) */
        {"initiative_rat", "initiative_rate", 1},
        {"flaw", "lawn", 2},          /* -f, +n */
        {"KZ", "kz", 0},              /* letters compared without case */
        {"EUU", "EU", 1},
        {"titfortat", "tft", 6},      /* 9 - 3 deletions keep t,f,t */
        {"abcd", "badc", 2},          /* two transpositions */
        {"secruty", "security", 2},   /* transposition (r,u), +i */
        {"oppenes", "openness", 3},   /* -p, +n, +s */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_expect_eq(coop_suggest_distance(cases[i].a, cases[i].b), cases[i].d,
                     "d(%s, %s) = %d, want %d", cases[i].a, cases[i].b,
                     coop_suggest_distance(cases[i].a, cases[i].b), cases[i].d);
        cr_expect_eq(coop_suggest_distance(cases[i].b, cases[i].a), cases[i].d,
                     "not symmetric: %s, %s", cases[i].a, cases[i].b);
    }
    char long_word[COOP_SUGGEST_MAX + 2];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    cr_expect_eq(coop_suggest_distance(long_word, "a"), COOP_SUGGEST_MAX + 1);
}

/* ---- the nearest close name ---- */

static const char *nearest(const char *word, const char *list)
{
    static coop_suggest s;
    coop_suggest_start(&s, word);
    coop_suggest_offer_list(&s, list);
    return coop_suggest_best(&s);
}

Test(suggest, nearest_within_the_threshold)
{
    /* max(1, len/3) edits: 1 for up to 5 letters, 2 for 6 to 8, 3 for 9 to 11 */
    cr_expect_str_eq(nearest("nosie", "experiment, time, noise, interaction"), "noise");
    cr_expect_str_eq(nearest("opennes", "capacity, openness, propensity"), "openness");
    cr_expect_str_eq(nearest("EUU", "EU, KZ, KG"), "EU");
    cr_expect_str_eq(nearest("securty", "trade, security"), "security");
    cr_expect_str_eq(nearest("secruty", "trade, security"), "security");  /* 2 edits, 7 letters */
    cr_expect_null(nearest("oppenes", "openness"));  /* 3 edits (-p, +n, +s) > 7/3 */
    cr_expect_null(nearest("opn", "openness"));                         /* 5 > 1 */
    cr_expect_null(nearest("titfortat", "allc, alld, tft, stft, tf2t"));  /* 6 > 3 */
    cr_expect_null(nearest("all", "none, summary, full"));              /* d(all, full) = 2 > 1 */
    cr_expect_null(nearest("XX", "A, B"));
    cr_expect_null(nearest("A", "B, C"));  /* a one-letter name is never another one */
    cr_expect_null(nearest("noise", "noise"));  /* the word itself is no suggestion */
    cr_expect_null(nearest("", "a, b"));
    /* the nearest wins; of equally near ones, the first offered */
    cr_expect_str_eq(nearest("initiatives", "initiative_rate, initiative"), "initiative");
    cr_expect_str_eq(nearest("ab", "aa, bb"), "aa");
    cr_expect_str_eq(nearest("ab", "bb, aa"), "bb");
    /* lists separated by commas and/or spaces */
    cr_expect_str_eq(nearest("lsh", "grid,lhs sobol,  list"), "lhs");
}

Test(suggest, hint_text)
{
    char hint[COOP_SUGGEST_MAX + 32];
    cr_expect_str_eq(coop_suggest_hint(hint, sizeof hint, "wieght", "a, b, weight, rivalry"),
                     "; did you mean `weight`?");
    cr_expect_str_eq(coop_suggest_hint(hint, sizeof hint, "colour", "a, b, weight"), "");
    coop_suggest s;
    coop_suggest_start(&s, "KZZ");
    coop_suggest_offer(&s, "EU");
    coop_suggest_offer(&s, "KZ");
    cr_expect_str_eq(coop_suggest_hint_of(hint, sizeof hint, &s), "; did you mean `KZ`?");
}

/* ---- end to end: the common mistakes ---- */

Test(suggest_e2e, common_mistakes_name_the_nearest)
{
    struct { const char *args, *hint; } cases[] = {
        {"check tests/bad/unknown_actor_key.cfg", "'actors.KZ.opennes' (known: "},
        {"check tests/bad/unknown_top.cfg", "unknown setting 'nosie'"},
        {"check tests/bad/unknown_tie_key.cfg", "'ties.A-B.wieght'"},
        {"check tests/bad/suggest_motivator_key.cfg", "'actors.KZ.motivator.initiative_rat'"},
        {"check tests/bad/suggest_rule.cfg", "actors.A.rule = \"wlss\" is not a rule"},
        {"check tests/bad/suggest_rule_param.cfg", "'actors.A.rule_params.learning_rte'"},
        {"check tests/bad/motivator_unknown_target.cfg", "no actor named 'EUU'"},
        {"check tests/bad/suggest_event_actor.cfg", "no actor named 'KZZ'"},
        {"check tests/bad/suggest_placebo.cfg", "no actor named 'UZZ'"},
        {"check tests/bad/goals_unknown_domain.cfg", "no domain named 'securty'"},
        {"check tests/bad/suggest_network_type.cfg", "network.type = \"latice\" is not one of"},
        {"check tests/bad/suggest_sweep_method.cfg", "sweep.method = \"lsh\""},
        {"check tests/bad/suggest_rng.cfg", "experiment.rng = \"mt19973\""},
        {"check configs/eu_ca.cfg --set actors.KZ.opennes=0.7",
         "--set actors.KZ.opennes=0.7: unknown setting 'actors.KZ.opennes'"},
        {"check configs/eu_ca.cfg --set actors.KZ.rule=tf2", "\"tf2\" is not a rule"},
        {"hypotesis configs/eu_ca.cfg", "unknown command 'hypotesis'"},
        {"run configs/eu_ca.cfg --seeed 3", "unknown option '--seeed'"},
        {"run configs/eu_ca.cfg --series ful", "--series: 'ful' is not one of"},
    };
    const char *want[] = {"openness", "noise", "weight", "initiative_rate", "wsls",
                          "learning_rate", "EU", "KZ", "UZ", "security", "lattice", "lhs",
                          "mt19937", "openness", "tft", "hypothesis", "--seed", "full"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        e2e_result *r = e2e_run("%s", cases[i].args);
        char hint[128];
        snprintf(hint, sizeof hint, "did you mean `%s`?", want[i]);
        cr_expect_eq(r->status, 2, "%s: status %d", cases[i].args, r->status);
        cr_expect_str_empty(r->out, "%s", cases[i].args);
        cr_expect_not_null(strstr(r->err, cases[i].hint), "%s: %s", cases[i].args, r->err);
        cr_expect_not_null(strstr(r->err, hint), "%s: no '%s' in %s", cases[i].args, hint,
                           r->err);
    }
}

Test(suggest_e2e, no_suggestion_when_nothing_is_close)
{
    const char *cases[] = {
        "check tests/bad/unknown_rule.cfg",           /* titfortat */
        "check tests/bad/network_type_unknown.cfg",   /* torus */
        "check tests/bad/hypothesis_placebo_unknown.cfg",  /* XX */
        "check configs/eu_ca.cfg --set run.x=1",
        "frobnicate configs/eu_ca.cfg",
        "run configs/eu_ca.cfg --bogus",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        e2e_result *r = e2e_run("%s", cases[i]);
        cr_expect_eq(r->status, 2, "%s: status %d", cases[i], r->status);
        cr_expect_gt(strlen(r->err), 20, "%s: no message", cases[i]);
        cr_expect_null(strstr(r->err, "did you mean"), "%s: %s", cases[i], r->err);
    }
}
