/* config_actors.c: loading the population: the listed actors and ties, or the
 * description of a generated network (the `network` group, `actor_template` and
 * `actor_overrides`).  This module draws nothing: the model layer builds the
 * network (ctx.build, a coop_population_fn: coop_population_build), and the
 * overrides, regions and later groups are then checked against its nodes.
 * The isolated nodes of an edge list that network.isolated = "allow" keeps are
 * counted in cfg->net.n_isolated (allowed, so not an error; the command line notes
 * them: this module prints nothing).
 * network.file (an edge list) is relative to the directory of the file that names
 * it (a --set: the working directory). */
#include "coop_config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "coop_fmt.h"

#include "config_internal.h"

static int ix_cmp(const void *x, const void *y)
{
    const name_ix *p = x, *q = y;
    int d = strcmp(p->name, q->name);
    return d ? d : (p->i > q->i) - (p->i < q->i);
}

static int ix_key_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const name_ix *)elem)->name);
}

/* Looks up an actor named by string setting s; the message names `path`. */
int cfg_get_actor_ref(const ctx *c, const coop_config *cfg, const config_setting_t *s,
                      const char *path, int *out)
{
    const char *t;
    int st = cfg_get_string_as(c, s, path, "a string, the name of an actor", &t);
    if (st)
        return st;
    if (c->actors) {
        const name_ix *hit = bsearch(t, c->actors, c->n_actors, sizeof *c->actors, ix_key_cmp);
        *out = hit ? hit->i : -1;
    } else {
        *out = coop_config_actor(cfg, t);
    }
    char hint[CFG_HINT_MAX];
    if (*out < 0)
        return cfg_fail(c, s, "%s = \"%s\": no actor named '%s'%s", path, t, t,
                        cfg_actor_hint(hint, c, cfg, t));
    return COOP_OK;
}

static int load_goals(const ctx *c, const config_setting_t *e, const char *prefix,
                      coop_config *cfg, coop_actor_cfg *a)
{
    const config_setting_t *g = config_setting_get_member(e, "goals");
    char path[COOP_PATH_MAX * 2];
    int st;
    cfg_join(path, sizeof path, prefix, "goals");
    if (!g) {
        for (size_t d = 0; d < cfg->n_domains; d++)
            a->goals[d] = 1.0 / (double)cfg->n_domains;
        return COOP_OK;
    }
    if ((st = cfg_need_group(c, g, path, "DOMAIN = weight; ...")))
        return st;
    const key *k = cfg_find_key(SC_ACTOR, "goals");
    double sum = 0;
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        char wpath[COOP_PATH_MAX * 3];
        cfg_join(wpath, sizeof wpath, path, config_setting_name(s));
        int d = coop_config_domain(cfg, config_setting_name(s));
        if (d < 0) {
            char names[512], hint[CFG_HINT_MAX];
            cfg_domain_names(names, sizeof names, cfg);
            return cfg_fail(c, s, "%s: no domain named '%s' (domains: %s)%s", wpath,
                            config_setting_name(s), names,
                            cfg_hint(hint, config_setting_name(s), names));
        }
        if ((st = cfg_get_number(c, s, wpath, k->min, k->max, 0, &a->goals[d])))
            return st;
        sum += a->goals[d];
    }
    if (!(sum > 0))
        return cfg_fail(c, g, "%s: the weights sum to 0: at least one must be > 0", path);
    /* Weights that already sum to 1 (a printed configuration) are kept as they are,
     * so that loading is idempotent. */
    if (fabs(sum - 1.0) > 1e-12)
        for (size_t d = 0; d < cfg->n_domains; d++)
            a->goals[d] /= sum;
    return COOP_OK;
}

static int load_rule(const ctx *c, const config_setting_t *e, const char *prefix, coop_actor_cfg *a)
{
    const config_setting_t *s = config_setting_get_member(e, "rule");
    char path[COOP_PATH_MAX * 2];
    int st;
    cfg_join(path, sizeof path, prefix, "rule");
    a->rule = coop_rule_lookup(cfg_find_key(SC_ACTOR, "rule")->sdef);
    if (s) {
        const char *t;
        char list[512] = "", expected[540];
        for (int r = 0; r < COOP_N_RULES; r++) {
            if (r)
                cfg_cat(list, sizeof list, ", ");
            cfg_cat(list, sizeof list, coop_rules[r].name);
        }
        snprintf(expected, sizeof expected, "a string, one of %s", list);
        if ((st = cfg_get_string_as(c, s, path, expected, &t)))
            return st;
        a->rule = coop_rule_lookup(t);
        if (a->rule < 0) {
            char hint[CFG_HINT_MAX];
            return cfg_fail(c, s, "%s = \"%s\" is not a rule (known: %s)%s", path, t, list,
                            cfg_hint(hint, t, list));
        }
    }
    const coop_rule_info *ri = &coop_rules[a->rule];
    for (int i = 0; i < ri->n_params; i++)
        a->rule_param[i] = ri->def[i];
    const config_setting_t *g = config_setting_get_member(e, "rule_params");
    cfg_join(path, sizeof path, prefix, "rule_params");
    if (!g)
        return COOP_OK;
    if ((st = cfg_need_group(c, g, path, "PARAM = value; ...")))
        return st;
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *p = config_setting_get_elem(g, (unsigned)i);
        char ppath[COOP_PATH_MAX * 3];
        cfg_join(ppath, sizeof ppath, path, config_setting_name(p));
        int k = coop_rule_param(a->rule, config_setting_name(p));
        if (k < 0) {
            char names[256], hint[CFG_HINT_MAX];
            cfg_rule_param_names(names, sizeof names, a->rule);
            return cfg_fail(c, p, "unknown setting '%s': rule '%s' has parameters: %s%s", ppath,
                            ri->name, names, cfg_hint(hint, config_setting_name(p), names));
        }
        if ((st = cfg_get_number(c, p, ppath, ri->min[k], ri->max[k], 0, &a->rule_param[k])))
            return st;
    }
    return COOP_OK;
}


/* ------------------------------------------------------------------------ */
/* Generated networks: the `network` group and `actor_template`              */
/* ------------------------------------------------------------------------ */

/* The actor template: every SC_ACTOR key but name and motivator. */
static int load_template(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g;
    coop_actor_cfg *a = &cfg->tmpl;
    int st;
    if ((st = cfg_get_group(c, root, "actor_template", "actor_template", &g)))
        return st;
    a->motivator.target = -1;
    a->region_id = -1;
    if (g && (st = cfg_check_keys(c, g, SC_ACTOR, "actor_template")))
        return st;
    const char *banned[] = {"name", "motivator"};
    for (int b = 0; g && b < 2; b++) {
        const config_setting_t *s = config_setting_get_member(g, banned[b]);
        if (s)
            return cfg_fail(c, s, "actor_template.%s: not allowed in the template (nodes are named "
                              "n0, n1, ... or by the edge list; a motivator needs a listed "
                              "actor)", banned[b]);
    }
    for (size_t i = 0; i < cfg_n_keys; i++) {
        const key *k = &cfg_schema[i];
        if (k->scope != SC_ACTOR || k->off == NOOFF || strcmp(k->name, "name") == 0)
            continue;
        if ((st = cfg_load_key(c, g, "actor_template", k, a)))
            return st;
    }
    if (ALLOC(a->goals, cfg->n_domains))
        return cfg_nomem(c->err);
    if (g)
        return (st = load_goals(c, g, "actor_template", cfg, a)) ? st
                                                                 : load_rule(c, g, "actor_template", a);
    for (size_t d = 0; d < cfg->n_domains; d++)
        a->goals[d] = 1.0 / (double)cfg->n_domains;
    a->rule = coop_rule_lookup(cfg_find_key(SC_ACTOR, "rule")->sdef);
    for (int i = 0; i < coop_rules[a->rule].n_params; i++)
        a->rule_param[i] = coop_rules[a->rule].def[i];
    return COOP_OK;
}

/* The population of the network group g, built by the model layer (c->build, a
 * coop_population_fn: the network drawn from its stream, the nodes made template
 * copies, the edges ties); its messages get the group's FILE:LINE. */
static int build(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    if (!c->build)
        return cfg_fail(c, g, "network: a generated population is built by the model layer: "
                              "load the configuration with coop_population_load");
    /* network.n bounds an edge list's indices only when given (the builder sets it to
     * the count read, which the printer writes, so that a manifest reads alike) */
    if (cfg->net.type == COOP_NET_FILE && !config_setting_get_member(g, "n"))
        cfg->net.n = 0;
    coop_err berr = {0};
    int st = c->build(cfg, &berr);
    if (st == COOP_ENOMEM)
        return cfg_nomem(c->err);
    return st ? cfg_fail(c, g, "%s", berr.text) : COOP_OK;
}

const char *coop_net_type_name(int t)
{
    return t >= 0 && t <= COOP_NET_FILE ? cfg_net_type_names[t] : "?";
}

int coop_config_valid_ident(const char *s)
{
    return cfg_valid_name(s, CH_IDENT);
}

/* ---- actor_overrides: the template changed for selected nodes ---- */

/* A template key: every `actors.NAME.` key but name and motivator. */
int cfg_template_key(const key *k)
{
    return k && k->scope == SC_ACTOR && strcmp(k->name, "name") != 0
           && strcmp(k->name, "motivator") != 0;
}

/* The bit of an `actors.NAME.` key in coop_override_cfg.set: its rank in the schema
 * (12 keys today; an unsigned holds 32). */
unsigned cfg_actor_bit(const key *k)
{
    unsigned j = 0;
    for (const key *p = cfg_schema; p < k; p++)
        j += p->scope == SC_ACTOR;
    return 1u << j;
}

/* Every member of override e must be a selector or a template key. */
static int check_override_keys(const ctx *c, const config_setting_t *e, const char *prefix)
{
    if (!config_setting_is_group(e))
        return cfg_check_keys(c, e, SC_OVERRIDE, prefix); /* reports the wrong type */
    for (int i = 0; i < config_setting_length(e); i++) {
        const config_setting_t *s = config_setting_get_elem(e, (unsigned)i);
        const char *nm = config_setting_name(s);
        const key *ka = cfg_find_key(SC_ACTOR, nm);
        if (cfg_find_key(SC_OVERRIDE, nm) || cfg_template_key(ka))
            continue;
        if (ka)
            return cfg_fail(c, s, "%s.%s: not allowed in an override (as in actor_template)",
                            prefix, nm);
        char known[512];
        cfg_known_keys(known, sizeof known, SC_OVERRIDE);
        for (size_t j = 0; j < cfg_n_keys; j++)
            if (cfg_template_key(&cfg_schema[j]))
                coop_fmt_cat(known, sizeof known, ", %s", cfg_schema[j].name);
        char hint[CFG_HINT_MAX];
        return cfg_fail(c, s, "unknown setting '%s.%s' (known: %s)%s", prefix, nm, known,
                        cfg_hint(hint, nm, known));
    }
    return COOP_OK;
}

/* The selectors of override e: nodes, from and to, in_region; at least one. */
static int load_selectors(const ctx *c, const config_setting_t *e, const char *prefix,
                          size_t n_nodes, coop_override_cfg *o)
{
    const config_setting_t *s;
    char path[COOP_PATH_MAX * 2];
    double last = (double)n_nodes - 1;
    long long x;
    int st;
    o->from = o->to = -1;
    if ((s = config_setting_get_member(e, "nodes"))) {
        cfg_join(path, sizeof path, prefix, "nodes");
        if ((st = cfg_get_vector(c, s, path, "node indices")))
            return st;
        o->n_nodes = (size_t)config_setting_length(s);
        if (ALLOC(o->nodes, o->n_nodes))
            return cfg_nomem(c->err);
        for (size_t i = 0; i < o->n_nodes; i++) {
            char epath[COOP_PATH_MAX * 3];
            snprintf(epath, sizeof epath, "%s.%zu", path, i);
            if ((st = cfg_get_integer(c, config_setting_get_elem(s, (unsigned)i), epath, 0, last,
                                      &x)))
                return st;
            o->nodes[i] = (int)x;
        }
    }
    const config_setting_t *f = config_setting_get_member(e, "from");
    const config_setting_t *t = config_setting_get_member(e, "to");
    if (!f != !t)
        return cfg_fail(c, f ? f : t, "%s.%s: needs '%s' (an inclusive index range from..to)",
                        prefix, f ? "from" : "to", f ? "to" : "from");
    if (f) {
        cfg_join(path, sizeof path, prefix, "from");
        if ((st = cfg_get_integer(c, f, path, 0, last, &x)))
            return st;
        o->from = (int)x;
        cfg_join(path, sizeof path, prefix, "to");
        if ((st = cfg_get_integer(c, t, path, o->from, last, &x)))
            return st;
        o->to = (int)x;
    }
    if ((s = config_setting_get_member(e, "in_region"))) {
        cfg_join(path, sizeof path, prefix, "in_region");
        if ((st = cfg_get_name(c, s, path, CH_IDENT, o->in_region)))
            return st;
    }
    if (!o->n_nodes && o->from < 0 && !o->in_region[0])
        return cfg_fail(
            c, e, "%s: selects no nodes: give nodes = [ ... ], from and to, or in_region", prefix);
    return COOP_OK;
}

/* The template keys override e gives, read by the template's own code. */
static int load_override_actor(const ctx *c, const config_setting_t *e, const char *prefix,
                               coop_config *cfg, coop_override_cfg *o)
{
    int st;
    for (size_t i = 0; i < cfg_n_keys; i++) {
        const key *k = &cfg_schema[i];
        if (!cfg_template_key(k) || !config_setting_get_member(e, k->name))
            continue;
        o->set |= cfg_actor_bit(k);
        if (k->off != NOOFF && (st = cfg_load_key(c, e, prefix, k, &o->a)))
            return st;
    }
    if (o->set & cfg_actor_bit(cfg_find_key(SC_ACTOR, "goals"))) {
        if (ALLOC(o->a.goals, cfg->n_domains))
            return cfg_nomem(c->err);
        if ((st = load_goals(c, e, prefix, cfg, &o->a)))
            return st;
    }
    const config_setting_t *rp = config_setting_get_member(e, "rule_params");
    if (rp && !config_setting_get_member(e, "rule"))
        return cfg_fail(c, rp, "%s.rule_params: give `rule` in the same override (the parameters "
                           "belong to a rule)", prefix);
    if (config_setting_get_member(e, "rule")) {
        o->set |= cfg_actor_bit(cfg_find_key(SC_ACTOR, "rule_params"));
        if ((st = load_rule(c, e, prefix, &o->a)))
            return st;
    }
    return COOP_OK;
}

/* Copies the keys o gives onto node a. */
static int apply_to(const ctx *c, coop_config *cfg, const coop_override_cfg *o, size_t i)
{
    coop_actor_cfg *a = coop_cfg_actor_edit(cfg, i); /* materialised: coop_pop_cfg */
    if (!a)
        return cfg_nomem(c->err);
    for (size_t i = 0; i < cfg_n_keys; i++) {
        const key *k = &cfg_schema[i];
        if (!cfg_template_key(k) || !(o->set & cfg_actor_bit(k)))
            continue;
        if (k->off != NOOFF) {
            size_t size = k->type == V_FLOAT ? sizeof(double)
                          : k->type == V_TEXT ? COOP_NAME_MAX
                                              : sizeof(int);
            memcpy((char *)a + k->off, (const char *)&o->a + k->off, size);
        } else if (strcmp(k->name, "goals") == 0) {
            memcpy(a->goals, o->a.goals, cfg->n_domains * sizeof(double));
        } else if (strcmp(k->name, "rule") == 0) {
            a->rule = o->a.rule;
            memcpy(a->rule_param, o->a.rule_param, sizeof a->rule_param);
        }
    }
    return COOP_OK;
}

/* Reads `actor_overrides` and applies each element, in order, to the nodes it
 * selects (in_region is matched before the element changes any node). */
static int load_overrides(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = cfg_get_list(c, root, "actor_overrides", &l)) || !l)
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (ALLOC(cfg->overrides, n))
        return cfg_nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_override_cfg *o = &cfg->overrides[i];
        char prefix[COOP_PATH_MAX];
        snprintf(prefix, sizeof prefix, "actor_overrides.%zu", i);
        cfg->n_overrides = i + 1;
        o->a.motivator.target = -1;
        o->a.region_id = -1;
        o->line = (int)config_setting_source_line(e);
        if ((st = check_override_keys(c, e, prefix))
            || (st = load_selectors(c, e, prefix, cfg->n_actors, o))
            || (st = load_override_actor(c, e, prefix, cfg, o)))
            return st;
        if (o->in_region[0]) {
            size_t hits = 0;
            for (size_t a = 0; a < cfg->n_actors; a++)
                if (strcmp(coop_cfg_actor(cfg, a)->region, o->in_region) == 0) {
                    if ((st = apply_to(c, cfg, o, a)))
                        return st;
                    hits++;
                }
            if (!hits)
                return cfg_fail(c, config_setting_get_member(e, "in_region"),
                                "%s.in_region = \"%s\": no node is in region '%s' (regions come "
                                "from the template and earlier overrides)", prefix, o->in_region,
                                o->in_region);
        }
        for (size_t j = 0; j < o->n_nodes; j++)
            if ((st = apply_to(c, cfg, o, (size_t)o->nodes[j])))
                return st;
        for (int a = o->from; a >= 0 && a <= o->to; a++)
            if ((st = apply_to(c, cfg, o, (size_t)a)))
                return st;
    }
    return COOP_OK;
}

/* The regions of the nodes, in first-seen node order (at most one per override
 * and the template's), set once per profile (coop_pop_cfg). */
static int node_regions(const ctx *c, coop_config *cfg)
{
    unsigned char *done;
    if (ALLOC(cfg->regions, cfg->n_overrides + 1) || ALLOC(done, cfg->pop.n_prof + 1))
        return cfg_nomem(c->err);
    for (size_t i = 0; i < cfg->n_actors; i++) {
        size_t p = cfg->actors ? 0 : cfg->pop.of[i];
        if (!cfg->actors && done[p])
            continue;
        done[p] = 1;
        coop_actor_cfg *a = cfg->actors ? &cfg->actors[i] : cfg->pop.prof[p];
        a->region_id = -1;
        if (!a->region[0])
            continue;
        size_t r = 0;
        while (r < cfg->n_regions && strcmp(cfg->regions[r], a->region) != 0)
            r++;
        if (r == cfg->n_regions)
            memcpy(cfg->regions[cfg->n_regions++], a->region, COOP_NAME_MAX);
        a->region_id = (int)r;
    }
    free(done);
    return COOP_OK;
}

int cfg_load_network(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g, *s;
    coop_network_cfg *nc = &cfg->net;
    int st;
    if ((st = cfg_get_group(c, root, "network", "network", &g)))
        return st;
    if (!g) {
        if ((s = config_setting_get_member(root, "actor_template")))
            return cfg_fail(c, s, "actor_template: only used with a `network` group");
        if ((s = config_setting_get_member(root, "actor_overrides")))
            return cfg_fail(c, s, "actor_overrides: only used with a `network` group");
        return COOP_OK;
    }
    nc->present = 1;
    nc->line = (int)config_setting_source_line(g);
    if ((st = cfg_load_scope(c, g, SC_NETWORK, "network", nc)))
        return st;
    const char *bools[] = {"self", "series_nodes"};
    int *bval[] = {&nc->self, &nc->series_nodes};
    for (int b = 0; b < 2; b++) {
        if (!(s = config_setting_get_member(g, bools[b])))
            continue;
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            char v[256];
            cfg_fmt_value(v, sizeof v, s);
            return cfg_fail(c, s, "network.%s = %s has the wrong type: expected true or false",
                            bools[b], v);
        }
        *bval[b] = config_setting_get_bool(s);
    }
    s = config_setting_get_member(g, "file");
    if (nc->type == COOP_NET_FILE) {
        const char *f;
        if (!s)
            return cfg_fail(c, g, "network: missing required setting 'file' (type = \"file\")");
        if ((st = cfg_get_string(c, s, "network.file", &f)))
            return st;
        /* relative to the configuration that names it (a --set: to the working
         * directory), so that a file and its edge list move together */
        const char *from = config_setting_get_hook(s) ? NULL : config_setting_source_file(s);
        if (!from && !config_setting_get_hook(s))
            from = c->file;
        const char *slash = from && f[0] != '/' ? strrchr(from, '/') : NULL;
        int dl = slash ? (int)(slash - from) + 1 : 0;
        if (!f[0] || strlen(f) + (size_t)dl >= sizeof nc->file)
            return cfg_fail(c, s, "network.file = \"%.200s\": %s", f,
                            f[0] ? "the path is too long (at most 255 characters with the "
                               "configuration's directory)" : "empty");
        snprintf(nc->file, sizeof nc->file, "%.*s%s", dl, slash ? from : "", f);
    } else if (s) {
        return cfg_fail(c, s, "network.file: only used with type = \"file\"");
    }
    const char *lists[] = {"actors", "ties"};
    for (int i = 0; i < 2; i++) {
        s = config_setting_get_member(root, lists[i]);
        if (s && config_setting_length(s) > 0)
            return cfg_fail(c, s, "%s: a configuration has either a `network` group or %s lists, "
                              "not both", lists[i], "actors and ties");
    }
    if ((st = load_template(c, root, cfg)) || (st = build(c, g, cfg))
        || (st = load_overrides(c, root, cfg)))
        return st;
    return node_regions(c, cfg);
}

int cfg_load_actors(ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if (cfg->net.present) /* generated by load_network */
        return COOP_OK;
    if ((st = cfg_get_list(c, root, "actors", &l)))
        return st;
    if (!l)
        return cfg_fail(c, NULL, "no actors: the setting 'actors' must list at least one actor");
    size_t n = (size_t)config_setting_length(l);
    if (n == 0)
        return cfg_fail(c, l, "actors = ( ) is empty: at least one actor is required");
    if (ALLOC(cfg->actors, n) || ALLOC(cfg->regions, n))
        return cfg_nomem(c->err);
    cfg->n_actors = n;
    const key *kname = cfg_find_key(SC_ACTOR, "name");

    /* Pass 1: names, so that motivators can name actors listed after them. */
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_actor_cfg *a = &cfg->actors[i];
        char prefix[COOP_PATH_MAX];
        snprintf(prefix, sizeof prefix, "actors.%zu", i);
        a->motivator.target = -1;
        a->region_id = -1;
        if (!config_setting_is_group(e))
            return cfg_check_keys(c, e, SC_ACTOR, prefix);
        if ((st = cfg_load_key(c, e, prefix, kname, a)))
            return st;
        a->line = (int)config_setting_source_line(e);
    }

    /* Sort the names: duplicates become neighbours, lookups become searches.  The
     * duplicate reported is the first one in file order. */
    if (ALLOC(c->actors, n))
        return cfg_nomem(c->err);
    c->n_actors = n;
    for (size_t i = 0; i < n; i++)
        c->actors[i] = (name_ix){coop_cfg_actor_name(cfg, i), (int)i};
    qsort(c->actors, n, sizeof *c->actors, ix_cmp);
    int dup = -1, first_of = -1;
    for (size_t k = 0, run = 0; k + 1 < n; k++) {
        if (strcmp(c->actors[k].name, c->actors[k + 1].name) != 0) {
            run = k + 1;
            continue;
        }
        if (dup < 0 || c->actors[k + 1].i < dup)
            dup = c->actors[k + 1].i, first_of = c->actors[run].i;
    }
    if (dup >= 0) {
        const coop_actor_cfg *a = &cfg->actors[dup];
        char first[64] = "";
        if (cfg->actors[first_of].line > 0)
            snprintf(first, sizeof first, " (first at line %d)", cfg->actors[first_of].line);
        return cfg_fail(
            c, config_setting_get_member(config_setting_get_elem(l, (unsigned)dup), "name"),
            "actors.%s: duplicate actor name '%s'%s", a->name, a->name, first);
    }

    /* Pass 2: everything else. */
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_actor_cfg *a = &cfg->actors[i];
        char prefix[COOP_PATH_MAX], path[COOP_PATH_MAX * 2];
        snprintf(prefix, sizeof prefix, "actors.%s", a->name);
        if ((st = cfg_load_scope(c, e, SC_ACTOR, prefix, a)))
            return st;
        if (ALLOC(a->goals, cfg->n_domains))
            return cfg_nomem(c->err);
        if ((st = load_goals(c, e, prefix, cfg, a)) || (st = load_rule(c, e, prefix, a)))
            return st;

        if (a->region[0]) {
            size_t r = 0;
            while (r < cfg->n_regions && strcmp(cfg->regions[r], a->region) != 0)
                r++;
            if (r == cfg->n_regions)
                memcpy(cfg->regions[cfg->n_regions++], a->region, COOP_NAME_MAX);
            a->region_id = (int)r;
        }

        const config_setting_t *m = config_setting_get_member(e, "motivator");
        cfg_join(path, sizeof path, prefix, "motivator");
        if (!m)
            continue;
        if ((st = cfg_load_scope(c, m, SC_MOTIVATOR, path, &a->motivator)))
            return st;
        const config_setting_t *t = config_setting_get_member(m, "target");
        char tpath[COOP_PATH_MAX * 3];
        cfg_join(tpath, sizeof tpath, path, "target");
        if (!t)
            return cfg_fail(c, m, "%s: missing required setting 'target'", path);
        if ((st = cfg_get_actor_ref(c, cfg, t, tpath, &a->motivator.target)))
            return st;
        if (a->motivator.target == (int)i)
            return cfg_fail(c, t,
                            "%s = \"%s\" is the actor itself: a motivator needs another target",
                            tpath, a->name);
    }
    return COOP_OK;
}

typedef struct pair { int a, b, i; } pair;

static int pair_cmp(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

int cfg_load_ties(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if (cfg->net.present) /* generated by load_network */
        return COOP_OK;
    if ((st = cfg_get_list(c, root, "ties", &l)) || !l)
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (ALLOC(cfg->ties, n))
        return cfg_nomem(c->err);
    cfg->n_ties = n;
    const key *kobs = cfg_find_key(SC_TIE, "observables");
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_tie_cfg *t = &cfg->ties[i];
        char prefix[COOP_PATH_MAX], path[COOP_PATH_MAX * 2];
        snprintf(prefix, sizeof prefix, "ties.%zu", i);
        if (ALLOC(t->obs0, cfg->n_observables))
            return cfg_nomem(c->err);
        if (!config_setting_is_group(e))
            return cfg_check_keys(c, e, SC_TIE, prefix);
        t->line = (int)config_setting_source_line(e);
        const char *end[2] = {"a", "b"};
        int *idx[2] = {&t->a, &t->b};
        for (int k = 0; k < 2; k++) {
            const config_setting_t *s = config_setting_get_member(e, end[k]);
            if (!s)
                return cfg_fail(c, e, "%s: missing required setting '%s'", prefix, end[k]);
            cfg_join(path, sizeof path, prefix, end[k]);
            if ((st = cfg_get_actor_ref(c, cfg, s, path, idx[k])))
                return st;
        }
        snprintf(prefix, sizeof prefix, "ties.%s-%s", coop_cfg_actor_name(cfg, t->a),
                 coop_cfg_actor_name(cfg, t->b));
        if (t->a == t->b)
            return cfg_fail(c, config_setting_get_member(e, "b"),
                            "%s: a tie from '%s' to itself: a and b must differ", prefix,
                            coop_cfg_actor_name(cfg, t->a));
        if ((st = cfg_load_scope(c, e, SC_TIE, prefix, t)))
            return st;
        const config_setting_t *g = config_setting_get_member(e, "observables");
        cfg_join(path, sizeof path, prefix, "observables");
        if (!g)
            continue;
        if ((st = cfg_need_group(c, g, path, "NAME = value; ...")))
            return st;
        for (int k = 0; k < config_setting_length(g); k++) {
            const config_setting_t *s = config_setting_get_elem(g, (unsigned)k);
            char opath[COOP_PATH_MAX * 3];
            cfg_join(opath, sizeof opath, path, config_setting_name(s));
            size_t o = 0;
            while (o < cfg->n_observables && strcmp(cfg->observables[o].name, config_setting_name(s)))
                o++;
            if (o == cfg->n_observables) {
                char names[512] = "";
                for (size_t q = 0; q < cfg->n_observables; q++) {
                    if (q)
                        cfg_cat(names, sizeof names, ", ");
                    cfg_cat(names, sizeof names, cfg->observables[q].name);
                }
                char hint[CFG_HINT_MAX];
                return cfg_fail(c, s,
                                "%s: no observable named '%s' (declared in 'observables': %s)%s",
                                opath, config_setting_name(s), names[0] ? names : "none",
                                cfg_hint(hint, config_setting_name(s), names));
            }
            if ((st = cfg_get_number(c, s, opath, kobs->min, kobs->max, 0, &t->obs0[o])))
                return st;
        }
    }

    /* One tie per pair: sort (min, max) pairs and compare neighbours. */
    pair *p;
    if (ALLOC(p, n))
        return cfg_nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        int a = cfg->ties[i].a, b = cfg->ties[i].b;
        p[i] = (pair){a < b ? a : b, a < b ? b : a, (int)i};
    }
    if (n > 1)
        qsort(p, n, sizeof *p, pair_cmp);
    for (size_t i = 1; i < n; i++)
        if (p[i].a == p[i - 1].a && p[i].b == p[i - 1].b) {
            const coop_tie_cfg *t = &cfg->ties[p[i].i];
            const config_setting_t *e = config_setting_get_elem(l, (unsigned)p[i].i);
            char first[64] = "";
            if (cfg->ties[p[i - 1].i].line > 0)
                snprintf(first, sizeof first, " (first at line %d)", cfg->ties[p[i - 1].i].line);
            free(p);
            return cfg_fail(c, e, "ties.%s-%s: duplicate tie between '%s' and '%s'%s",
                            coop_cfg_actor_name(cfg, t->a), coop_cfg_actor_name(cfg, t->b),
                            coop_cfg_actor_name(cfg, t->a), coop_cfg_actor_name(cfg, t->b), first);
        }
    free(p);
    return COOP_OK;
}
