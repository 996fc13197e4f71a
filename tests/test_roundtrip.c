/* test_roundtrip.c: every key of the configuration schema survives the printer.
 *
 * A manifest (coop_config_print) must load back into the very configuration it
 * was printed from.  The property is checked key by key over the schema table
 * itself (coop_config_schema_info), so a key added later is covered with no edit
 * here: for each key, in each base configuration and at each place the key can
 * live (actors.NAME. also as actor_template. and actor_overrides.INDEX.), the key
 * is given a value that differs from its default and from every other key's
 * value (offsets unique to the key's index), through --set; the loaded
 * configuration must differ from the base (the value is distinctive), then it is
 * printed, the text loaded again, and the two configurations compared field by
 * field (every scalar of every struct, every array element).  A printer that
 * writes one key with another key's value (the series_nodes/self mix-up) loads
 * back different and fails here.  Containers (groups, lists) have no value of
 * their own: their members are keys of the table.  Each key must round-trip in at
 * least one place; a key of a type this file cannot give a value to fails the
 * test, naming it. */
#define _XOPEN_SOURCE 700

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_io.h"
#include "coop_config.h"
#include "coop_rules.h"

/* ---- base configurations: every list non-empty, every group present ---- */

#define COMMON                                                                             \
    "experiment = { name = \"rt\"; seed = 7; replicates = 3; };\n"                         \
    "time = { start = 2000.0; end = 2010.0; steps_per_year = 2; };\n"                       \
    "domains = ( { name = \"d1\"; R = 3.0; S = 0.0; T = 5.0; P = 1.0; },\n"                 \
    "            { name = \"d2\"; b = 2.0; c = 1.0; } );\n"                                 \
    "observables = ( { name = \"trade\"; domains = [ \"d1\" ]; } );\n"

#define LISTED                                                                             \
    COMMON                                                                                 \
    "actors = ( { name = \"A\"; region = \"r1\";\n"                                         \
    "             motivator = { target = \"B\"; initiative_rate = 0.2; }; },\n"             \
    "           { name = \"B\"; }, { name = \"C\"; region = \"r1\"; }, { name = \"D\";\n" \
    "             motivator = { target = \"A\"; }; },\n" \
    "           { name = \"E\"; } );\n" \
    "ties = ( { a = \"A\"; b = \"B\"; }, { a = \"B\"; b = \"C\"; }, { a = \"C\"; b = \"D\"; },\n" \
    "         { a = \"A\"; b = \"C\"; } );\n"                                               \
    "events = ( { date = 2005.0; path = \"noise\"; value = 0.02; } );\n"                    \
    "hypothesis = { placebo = [ \"C\" ]; };\n"                                              \
    "output = { snapshots = [ 1 ]; };\n"

#define NETWORK                                                                            \
    COMMON                                                                                 \
    "actor_template = { region = \"r1\"; };\n"                                              \
    "actor_overrides = ( { nodes = [ 1 ]; openness = 0.5; },\n"                             \
    "                    { from = 2; to = 3; region = \"r2\"; },\n"                         \
    "                    { in_region = \"r2\"; rule = \"tft\"; } );\n"

/* The sweep of bases 0-2 (grid, lhs, list), written out so that a key of
 * sweep.parameters.INDEX (which --set does not reach) can be given in the text:
 * key replaces the parameter's own setting of that name, or is added. */
static const struct { const char *head, *param[3][2]; } sweeps[] = {
    {"method = \"grid\";", {{"path", "\"noise\""}, {"values", "[ 0.01, 0.02 ]"}}},
    {"method = \"lhs\"; n = 5;", {{"path", "\"noise\""}, {"min", "0.01"}, {"max", "0.3"}}},
    {"method = \"list\"; rows = ( [ 0.01 ], [ 0.02 ] );", {{"path", "\"noise\""}}},
};
#define N_SWEEPS (sizeof sweeps / sizeof sweeps[0])

/* Two edge lists, as absolute paths (the bases are loaded from /tmp). */
static char edges_a[4096], edges_b[4096];

static const char *const network_bases[] = {
    NETWORK "network = { type = \"ring\"; n = 8; k = 2; };\n",
    NETWORK "network = { type = \"lattice\"; L = 3; };\n",
    NETWORK "network = { type = \"file\"; file = \"%s\"; };\n",
};
#define N_BASES (N_SWEEPS + sizeof network_bases / sizeof network_bases[0])

/* Base b's text, with sweep parameter key `key` = value when key is not NULL. */
static void base_text(size_t b, const char *key, const char *value, char *buf, size_t size)
{
    if (b >= N_SWEEPS) {
        snprintf(buf, size, network_bases[b - N_SWEEPS], edges_a);
        return;
    }
    int given = 0;
    snprintf(buf, size, "%ssweep = { %s parameters = ( {", LISTED, sweeps[b].head);
    for (int i = 0; i < 3 && sweeps[b].param[i][0]; i++) {
        int mine = key && strcmp(key, sweeps[b].param[i][0]) == 0;
        given |= mine;
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, " %s = %s;", sweeps[b].param[i][0],
                 mine ? value : sweeps[b].param[i][1]);
    }
    size_t n = strlen(buf);
    if (key && !given)
        snprintf(buf + n, size - n, " %s = %s;", key, value);
    n = strlen(buf);
    snprintf(buf + n, size - n, " } ); };\n");
}


/* Where a key pattern's placeholders may point in the bases. */
static const struct { const char *pattern, *const subst[4]; } places[] = {
    {"actors.NAME.", {"actors.A.", "actors.E.", "actor_template.", "actor_overrides.0."}},
    {"domains.NAME.", {"domains.d1.", "domains.d2."}},
    {"observables.NAME.", {"observables.trade."}},
    {"ties.A-B.", {"ties.A-B."}},
    {"events.INDEX.", {"events.0."}},
    {"sweep.parameters.INDEX.", {"sweep.parameters.0."}},
    {"actor_overrides.INDEX.", {"actor_overrides.0.", "actor_overrides.1.",
                                "actor_overrides.2."}},
};

/* ---- helpers ---- */

static int load_str(const char *text, const char *set, coop_config *cfg, coop_err *err)
{
    char path[64];
    temp_file(path, text);
    const char *ov[1] = {set};
    int st = coop_population_load(path, ov, set ? 1 : 0, cfg, err);
    unlink(path);
    return st;
}

/* Byte equality of two structs once the fields listed are cleared: their pointers
 * (the arrays are compared element by element) and their `line` (where the text
 * came from, which printing changes).  Every other scalar field, present and
 * future, takes part.  Both sides come from zeroed memory, so padding compares
 * equal. */
typedef struct skip { size_t off, size; } skip;
#define P(type, member) {offsetof(type, member), sizeof(void *)}
#define L(type, member) {offsetof(type, member), sizeof(int)}

static int same_scalars(const void *x, const void *y, size_t size, const skip *ign, size_t n,
                        size_t *where)
{
    unsigned char a[sizeof(coop_config)], b[sizeof(coop_config)];
    cr_assert_leq(size, sizeof a);
    memcpy(a, x, size);
    memcpy(b, y, size);
    for (size_t i = 0; i < n; i++) {
        memset(a + ign[i].off, 0, ign[i].size);
        memset(b + ign[i].off, 0, ign[i].size);
    }
    for (size_t i = 0; i < size; i++)
        if (a[i] != b[i]) {
            *where = i;
            return 0;
        }
    return 1;
}

#define IGN(...) ((const skip[]){__VA_ARGS__}), sizeof((const skip[]){__VA_ARGS__}) / sizeof(skip)

static int same_doubles(const double *a, const double *b, size_t n)
{
    if (!a || !b)
        return a == b;
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* The first difference between a and b as text into why (empty when none). */
static void diff(const coop_config *a, const coop_config *b, char *why, size_t size)
{
    size_t off = 0;
    why[0] = '\0';
    coop_config x = *a, y = *b;
    memset(x.source, 0, sizeof x.source);
    memset(y.source, 0, sizeof y.source);
    if (!same_scalars(&x, &y, sizeof x,
                      IGN(P(coop_config, domains), P(coop_config, actors),
                          P(coop_config, ties), P(coop_config, pop.of), P(coop_config, pop.prof),
                          P(coop_config, pop.ta), P(coop_config, pop.tb), P(coop_config, pop.tw),
                          P(coop_config, pop.obs0),
                          P(coop_config, regions), P(coop_config, observables),
                          P(coop_config, events), P(coop_config, snapshots),
                          P(coop_config, sweep.params), P(coop_config, sweep.rows),
                          P(coop_config, tmpl.goals), P(coop_config, overrides),
                          P(coop_config, validation), L(coop_config, sweep.line),
                          L(coop_config, net.line), L(coop_config, tmpl.line)),
                      &off)) {
        snprintf(why, size, "coop_config differs at byte %zu (network group at %zu..%zu)", off,
                 offsetof(coop_config, net), offsetof(coop_config, net) + sizeof x.net);
        return;
    }
    for (size_t i = 0; i < a->n_domains; i++)
        if (!same_scalars(&a->domains[i], &b->domains[i], sizeof *a->domains,
                          IGN(L(coop_domain_cfg, line)), &off))
            return (void)snprintf(why, size, "domains[%zu] differ at byte %zu", i, off);
    for (size_t i = 0; i < a->n_observables; i++) {
        if (!same_scalars(&a->observables[i], &b->observables[i], sizeof *a->observables,
                          IGN(P(coop_observable_cfg, drive), L(coop_observable_cfg, line)), &off))
            return (void)snprintf(why, size, "observables[%zu] differ at byte %zu", i, off);
        if (memcmp(a->observables[i].drive, b->observables[i].drive, a->n_domains) != 0)
            return (void)snprintf(why, size, "observables[%zu].domains differ", i);
    }
    for (size_t i = 0; i < a->n_actors; i++) {
        const coop_actor_cfg *p = coop_cfg_actor(a, i), *q = coop_cfg_actor(b, i);
        if (!same_scalars(p, q, sizeof *p,
                          IGN(P(coop_actor_cfg, goals), L(coop_actor_cfg, line)), &off))
            return (void)snprintf(why, size, "actors[%zu] (%s) differ at byte %zu", i,
                                  coop_cfg_actor_name(a, i), off);
        if (!same_doubles(p->goals, q->goals, a->n_domains))
            return (void)snprintf(why, size, "actors[%zu].goals differ", i);
    }
    for (size_t i = 0; i < a->n_ties; i++) {
        /* by value (coop_cfg_tie), so field by field: a copy's padding is undefined; a
         * new field changes the size and fails the assertion */
        _Static_assert(sizeof(coop_tie_cfg) == 2 * sizeof(int) + 2 * sizeof(double)
                           + sizeof(double *) + 2 * sizeof(int), "a new field of coop_tie_cfg");
        coop_tie_cfg p = coop_cfg_tie(a, i), q = coop_cfg_tie(b, i);
        if (p.a != q.a || p.b != q.b || memcmp(&p.weight, &q.weight, sizeof p.weight)
            || memcmp(&p.rivalry, &q.rivalry, sizeof p.rivalry))
            return (void)snprintf(why, size, "ties[%zu] differ", i);
        if (!same_doubles(p.obs0, q.obs0, a->n_observables))
            return (void)snprintf(why, size, "ties[%zu].observables differ", i);
    }
    for (size_t i = 0; i < a->n_regions; i++)
        if (strcmp(a->regions[i], b->regions[i]) != 0)
            return (void)snprintf(why, size, "regions[%zu] differ", i);
    for (size_t i = 0; i < a->n_events; i++)
        if (!same_scalars(&a->events[i], &b->events[i], sizeof *a->events,
                          IGN(L(coop_event_cfg, line)), &off))
            return (void)snprintf(why, size, "events[%zu] differ at byte %zu", i, off);
    for (size_t i = 0; i < a->n_snapshots; i++)
        if (a->snapshots[i] != b->snapshots[i])
            return (void)snprintf(why, size, "output.snapshots[%zu] differ", i);
    for (size_t i = 0; i < a->sweep.n_params; i++) {
        const coop_sweep_param_cfg *p = &a->sweep.params[i], *q = &b->sweep.params[i];
        if (!same_scalars(p, q, sizeof *p, IGN(P(coop_sweep_param_cfg, values), L(coop_sweep_param_cfg, line)), &off))
            return (void)snprintf(why, size, "sweep.parameters[%zu] differ at byte %zu", i, off);
        if (!same_doubles(p->values, q->values, p->n_values))
            return (void)snprintf(why, size, "sweep.parameters[%zu].values differ", i);
    }
    if (!same_doubles(a->sweep.rows, b->sweep.rows, a->sweep.n_rows * a->sweep.n_params))
        return (void)snprintf(why, size, "sweep.rows differ");
    if (a->net.present && !same_doubles(a->tmpl.goals, b->tmpl.goals, a->n_domains))
        return (void)snprintf(why, size, "actor_template.goals differ");
    for (size_t i = 0; i < a->n_overrides; i++) {
        const coop_override_cfg *p = &a->overrides[i], *q = &b->overrides[i];
        if (!same_scalars(p, q, sizeof *p,
                          IGN(P(coop_override_cfg, nodes), P(coop_override_cfg, a.goals),
                              L(coop_override_cfg, line), L(coop_override_cfg, a.line)),
                          &off))
            return (void)snprintf(why, size, "actor_overrides[%zu] differ at byte %zu", i, off);
        if (p->n_nodes && memcmp(p->nodes, q->nodes, p->n_nodes * sizeof *p->nodes) != 0)
            return (void)snprintf(why, size, "actor_overrides[%zu].nodes differ", i);
        if (!same_doubles(p->a.goals, q->a.goals, a->n_domains))
            return (void)snprintf(why, size, "actor_overrides[%zu].goals differ", i);
    }
    if ((a->validation || b->validation)
        && (!a->validation || !b->validation || strcmp(a->validation, b->validation) != 0))
        snprintf(why, size, "validation differs");
}

/* ---- values that no other key holds ---- */

/* Candidate values (as --set VALUE text) for key i of this type; *n of them. */
static void candidates(size_t i, const coop_schema_info *k, char out[][128], size_t *n)
{
    *n = 0;
#define ADD(...) snprintf(out[(*n)++], 128, __VA_ARGS__)
    double d = 0.001 * (double)(i + 1) + 0.000123; /* unique to the key */
    if (strcmp(k->type, "float") == 0) {
        ADD("%.17g", k->def + d);
        ADD("%.17g", k->def - d);
        ADD("%.17g", k->min + (k->max - k->min) * (0.3 + d));
        ADD("%.17g", 2004 + d); /* a date of the bases' time axis */
        ADD("%.17g", 0.05 + d); /* a value of the parameter the bases sweep */
    } else if (strncmp(k->type, "int", 3) == 0) {
        long long def = (long long)k->def;
        ADD("%lld", def + 1 + (long long)(i % 3));
        ADD("%lld", def + 2);
        ADD("%lld", def + 1);
        ADD("%lld", def - 1);
        ADD("%lld", def + 1000 + (long long)i);
        ADD("%lld", def + 4000000000LL + (long long)i);
    } else if (k->enums) {
        for (int e = 0; k->enums[e] && *n < 16; e++)
            if (strcmp(k->enums[e], k->sdef) != 0)
                ADD("\"%s\"", k->enums[e]);
    } else if (strcmp(k->type, "bool") == 0) {
        ADD("true");
        ADD("false");
    } else if (strcmp(k->type, "string") == 0 || strncmp(k->type, "string or", 9) == 0) {
        ADD("\"zq%zu\"", i);
        const char *pool[] = {"", "B", "C", "D", "A", "r1", "r2", edges_b, "taus2", "engagement.alpha", "tft",
                              "wsls", "moran"};
        for (size_t p = 0; p < sizeof pool / sizeof *pool; p++)
            ADD("\"%s\"", pool[p]);
    } else if (strcmp(k->type, "group of floats") == 0) {
        /* domains, the observable, the bases' other state C (hypothesis.weights) */
        const char *pool[5 + COOP_N_RULES * COOP_RULE_PARAMS_MAX] = {"d1", "d2", "trade", "C"};
        size_t np = 4;
        for (int r = 0; r < COOP_N_RULES; r++)
            for (int p = 0; p < coop_rules[r].n_params; p++)
                pool[np++] = coop_rules[r].param[p];
        for (size_t p = 0; p < np && *n < 40; p++)
            ADD(".%s=%.17g", pool[p], 0.3 + d);
    } else if (strcmp(k->type, "array of strings") == 0) {
        ADD("[ \"z0\", \"z1\", \"z2\", \"z3\" ]");
        ADD("[ \"d2\" ]");
        ADD("[ \"D\" ]");
        ADD("[ \"B\", \"D\" ]");
    } else if (strcmp(k->type, "array of floats") == 0) {
        ADD("[ 0.0, %.17g, 0.5, 0.7 ]", 0.3 + d);
        ADD("[ 0.0, %.17g, 0.4, 0.6 ]", 0.2 + d);
        ADD("[ %.17g, 0.02 ]", 0.01 + d);
    } else if (strcmp(k->type, "array of ints") == 0) {
        ADD("[ 0, %zu ]", 2 + i % 3);
        ADD("[ 2 ]");
    } else if (strcmp(k->type, "list of arrays of floats") == 0) {
        ADD("( [ %.17g ], [ 0.03 ] )", 0.01 + d);
    }
#undef ADD
}

/* The concrete paths of a key pattern. */
static size_t concrete(const char *pattern, char out[][COOP_PATH_MAX])
{
    size_t n = 0;
    for (size_t p = 0; p < sizeof places / sizeof *places; p++) {
        size_t len = strlen(places[p].pattern);
        if (strncmp(pattern, places[p].pattern, len) != 0)
            continue;
        for (int s = 0; s < 4 && places[p].subst[s]; s++)
            snprintf(out[n++], COOP_PATH_MAX, "%s%s", places[p].subst[s], pattern + len);
        return n;
    }
    snprintf(out[n++], COOP_PATH_MAX, "%s", pattern);
    return n;
}

static int container(const char *type)
{
    return strcmp(type, "group") == 0 || strcmp(type, "list of groups") == 0;
}

Test(roundtrip, every_key_survives_print_and_reload)
{
    char *ea = realpath("tests/data/edges_a.csv", NULL), *eb = realpath("tests/data/edges_b.csv", NULL);
    cr_assert(ea && eb, "tests/data/edges_[ab].csv not found (tests run from the repository root)");
    snprintf(edges_a, sizeof edges_a, "%s", ea);
    snprintf(edges_b, sizeof edges_b, "%s", eb);
    free(ea), free(eb);
    coop_config base[N_BASES];
    char bases_text[N_BASES][4096];
    for (size_t b = 0; b < N_BASES; b++) {
        coop_err err = {0};
        base_text(b, NULL, NULL, bases_text[b], sizeof bases_text[b]);
        cr_assert_eq(load_str(bases_text[b], NULL, &base[b], &err), COOP_OK, "base %zu: %s", b,
                     err.text);
    }
    size_t n_keys = coop_config_schema_size(), checked = 0;
    cr_assert_gt(n_keys, 100);
    for (size_t i = 0; i < n_keys; i++) {
        coop_schema_info k;
        cr_assert_eq(coop_config_schema_info(i, &k), COOP_OK);
        if (container(k.type))
            continue; /* its members are keys of the table */
        char paths[4][COOP_PATH_MAX], vals[48][128];
        size_t n_paths = concrete(k.path, paths), n_vals = 0, ok = 0;
        candidates(i, &k, vals, &n_vals);
        cr_assert_gt(n_vals, 0, "%s: this test gives no value to a key of type '%s': extend "
                     "candidates()", k.path, k.type);
        for (size_t b = 0; b < N_BASES; b++)
            for (size_t p = 0; p < n_paths; p++)
                for (size_t v = 0; v < n_vals; v++) {
                    char set[8192], why[COOP_ERR_MAX + 256];
                    snprintf(set, sizeof set, "%s%s%s", paths[p], vals[v][0] == '.' ? "" : "=",
                             vals[v]);
                    coop_config c, again;
                    coop_err err = {0};
                    /* sweep.parameters.INDEX.KEY in the text, anything else by --set */
                    const char *sp = "sweep.parameters.INDEX.", *src = bases_text[b];
                    char own[4096];
                    int in_text = strncmp(k.path, sp, strlen(sp)) == 0;
                    if (in_text && b >= N_SWEEPS)
                        continue;
                    if (in_text) {
                        base_text(b, k.path + strlen(sp), vals[v], own, sizeof own);
                        src = own;
                    }
                    if (load_str(src, in_text ? NULL : set, &c, &err) != COOP_OK)
                        continue;
                    diff(&base[b], &c, why, sizeof why);
                    if (!why[0]) { /* not distinctive here */
                        coop_config_destroy(&c);
                        continue;
                    }
                    char *text = print_str(&c);
                    int st = load_str(text, NULL, &again, &err);
                    cr_assert_eq(st, COOP_OK, "--set %s (base %zu): the printed text does not "
                                 "load: %s\n%s", set, b, err.text, text);
                    diff(&c, &again, why, sizeof why);
                    cr_expect_eq(why[0], '\0', "--set %s (base %zu): %s after print and "
                                 "reload; printed:\n%s", set, b, why, text);
                    char *second = print_str(&again);
                    cr_expect_str_eq(text, second, "--set %s (base %zu): not a fixed point", set, b);
                    free(text);
                    free(second);
                    coop_config_destroy(&again);
                    coop_config_destroy(&c);
                    ok++;
                    break; /* one distinctive value per base and place */
                }
        cr_expect_gt(ok, 0, "%s (%s): no distinctive value loaded in any base configuration: "
                     "extend bases[] or candidates()", k.path, k.type);
        checked += ok > 0;
    }
    cr_log_info("roundtrip: %zu keys checked", checked);
    for (size_t b = 0; b < N_BASES; b++)
        coop_config_destroy(&base[b]);
}
