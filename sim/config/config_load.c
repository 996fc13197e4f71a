/* config_load.c: the loader: a libconfig file (plus `--set PATH=VALUE` overrides)
 * into the validated plain structs of coop_config.h, and destroy and copy.
 *
 * Loading has three stages.  (1) libconfig parses the file into a tree, with
 * auto-conversion on, so an integer is accepted where a float is read (`T = 5;`);
 * a float where an integer is read is an error.  (2) Each override's VALUE is
 * parsed by libconfig too and grafted into that tree at PATH (config_params.c), so
 * an overridden value is type- and range-checked exactly like one from the file;
 * every setting an override creates carries the override's text in its libconfig
 * hook, so that errors about it read "--set PATH=VALUE: ..." instead of
 * "FILE:LINE: ...".  (3) The tree is walked once, scope by scope, into a
 * coop_config, with the cross-checks (names, ties, motivators, events); a `network`
 * group's population is built in the middle of that walk by the model layer's
 * builder that coop_config_load_with is given (coop_population_fn), so that the
 * groups after it check node names with the tree still at hand.  Events are
 * finally replayed on a scratch copy, so an event that would drive a parameter out
 * of its range is reported at load time, not in the middle of a run.
 *
 * Nothing here writes files or exits: errors are values (COOP_ECONFIG with a
 * message naming file and line, setting, value and allowed range). */
#include "coop_config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <libconfig.h>

#include "coop_fmt.h"
#include "coop_rng.h" /* COOP_MAX_POINTS: a sweep's points */
#include "config_internal.h"

/* ------------------------------------------------------------------------ */
/* Scopes                                                                    */
/* ------------------------------------------------------------------------ */

static int load_experiment_time(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g, *s;
    int st;
    if ((st = cfg_get_group(c, root, "experiment", "experiment", &g))
        || (st = cfg_load_scope(c, g, SC_EXPERIMENT, "experiment", cfg)))
        return st;
    s = g ? config_setting_get_member(g, "rng") : NULL;
    int found = 0;
    char list[COOP_ERR_MAX / 2] = "";
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t; t++) {
        if (strcmp((*t)->name, cfg->rng) == 0)
            found = 1;
        if (list[0])
            cfg_cat(list, sizeof list, ", ");
        cfg_cat(list, sizeof list, (*t)->name);
    }
    if (!found) {
        char v[256], hint[CFG_HINT_MAX];
        cfg_fmt_value(v, sizeof v, s);
        /* the hint before the long list, which may fill the message */
        return cfg_fail(c, s, "experiment.rng = %s is not a GSL generator type%s (known: %s)", v,
                        cfg_hint(hint, cfg->rng, list), list);
    }

    if ((st = cfg_get_group(c, root, "time", "time", &g))
        || (st = cfg_load_scope(c, g, SC_TIME, "time", cfg)))
        return st;
    s = g ? config_setting_get_member(g, "end") : NULL;
    if (!s && g)
        s = config_setting_get_member(g, "start");
    if (!(cfg->start < cfg->end)) {
        char a[40], b[40];
        cfg_fmt_float(a, sizeof a, cfg->start);
        cfg_fmt_float(b, sizeof b, cfg->end);
        return cfg_fail(c, s, "time.end = %s must be after time.start = %s", b, a);
    }
    double steps = round((cfg->end - cfg->start) * cfg->steps_per_year);
    if (steps < 1 || steps > INT_MAX) {
        char a[40];
        cfg_fmt_num(a, sizeof a, steps);
        return cfg_fail(c, s, "time: (end - start) * steps_per_year rounds to %s steps: between 1 "
                          "and %d are allowed", a, INT_MAX);
    }
    cfg->n_steps = (int)steps;
    return COOP_OK;
}

static int load_institutions(const ctx *c, const config_setting_t *root, coop_institutions_cfg *in)
{
    static const char *const def_levels[] = {"none", "framework_signed", "framework_in_force",
                                             "enhanced"};
    static const double def_theta[] = {0.0, 0.3, 0.5, 0.7};
    static const double def_omega[] = {0.0, 0.2, 0.4, 0.6};
    const config_setting_t *g, *s;
    int st;
    if ((st = cfg_get_group(c, root, "institutions", "institutions", &g))
        || (st = cfg_load_scope(c, g, SC_INSTITUTIONS, "institutions", in)))
        return st;

    const config_setting_t *lv = g ? config_setting_get_member(g, "levels") : NULL;
    if (!lv) {
        in->n_levels = 4;
        for (int l = 0; l < 4; l++)
            snprintf(in->level_name[l], COOP_NAME_MAX, "%s", def_levels[l]);
    } else {
        if ((st = cfg_get_vector(c, lv, "institutions.levels", "\"none\", ...")))
            return st;
        int n = config_setting_length(lv);
        if (n < 2 || n > COOP_MAX_LEVELS)
            return cfg_fail(c, lv,
                            "institutions.levels has %d entries: between 2 and %d are allowed", n,
                            COOP_MAX_LEVELS);
        in->n_levels = n;
        for (int l = 0; l < n; l++) {
            char path[64];
            snprintf(path, sizeof path, "institutions.levels.%d", l);
            s = config_setting_get_elem(lv, (unsigned)l);
            if ((st = cfg_get_name(c, s, path, CH_IDENT, in->level_name[l])))
                return st;
            for (int m = 0; m < l; m++)
                if (strcmp(in->level_name[m], in->level_name[l]) == 0)
                    return cfg_fail(c, s, "%s = \"%s\": duplicate level name", path,
                                    in->level_name[l]);
        }
    }

    for (int which = 0; which < 2; which++) {
        const char *name = which ? "omega" : "theta";
        const double *def = which ? def_omega : def_theta;
        double *dst = which ? in->omega : in->theta;
        s = g ? config_setting_get_member(g, name) : NULL;
        if (!s) {
            if (in->n_levels != 4)
                return cfg_fail(c, lv, "institutions.%s is missing: it is required when "
                                   "institutions.levels has %d entries (the default has 4)",
                            name, in->n_levels);
            memcpy(dst, def, 4 * sizeof *def);
            continue;
        }
        char path[64];
        snprintf(path, sizeof path, "institutions.%s", name);
        if ((st = cfg_get_vector(c, s, path, "0.0, ...")))
            return st;
        if (config_setting_length(s) != in->n_levels)
            return cfg_fail(c, s, "institutions.%s has %d entries: it needs one per level (%d)",
                            name, config_setting_length(s), in->n_levels);
        for (int l = 0; l < in->n_levels; l++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)l);
            snprintf(path, sizeof path, "institutions.%s.%d", name, l);
            if ((st = cfg_get_number(c, e, path, 0, 1, 0, &dst[l])))
                return st;
            if (!which && l > 0 && dst[l] < dst[l - 1]) {
                char a[40], b[40];
                cfg_fmt_float(a, sizeof a, dst[l]);
                cfg_fmt_float(b, sizeof b, dst[l - 1]);
                return cfg_fail(c, e, "%s = %s is below institutions.theta.%d = %s: theta must be "
                                  "non-decreasing", path, a, l - 1, b);
            }
        }
    }
    return COOP_OK;
}

/* Name of element i of a list of named groups, for messages: NAME or the index. */
static void element_path(char *buf, size_t size, const char *list, const config_setting_t *e,
                         int i)
{
    const char *name = NULL;
    const config_setting_t *n = config_setting_is_group(e) ? config_setting_get_member(e, "name") : NULL;
    if (n && config_setting_type(n) == CONFIG_TYPE_STRING)
        name = config_setting_get_string(n);
    if (name && cfg_valid_name(name, CH_IDENT))
        snprintf(buf, size, "%s.%s", list, name);
    else
        snprintf(buf, size, "%s.%d", list, i);
}

static int load_domains(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = cfg_get_list(c, root, "domains", &l)))
        return st;
    if (!l) {
        if (ALLOC(cfg->domains, 1))
            return cfg_nomem(c->err);
        cfg->n_domains = 1;
        coop_domain_cfg *d = &cfg->domains[0];
        snprintf(d->name, sizeof d->name, "pd");
        d->R = 3, d->S = 0, d->T = 5, d->P = 1, d->b = 2, d->c = 1;
        return COOP_OK;
    }
    size_t n = (size_t)config_setting_length(l);
    if (n == 0)
        return cfg_fail(c, l, "domains = ( ) is empty: at least one domain is required");
    if (ALLOC(cfg->domains, n))
        return cfg_nomem(c->err);
    cfg->n_domains = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_domain_cfg *d = &cfg->domains[i];
        char prefix[COOP_PATH_MAX];
        element_path(prefix, sizeof prefix, "domains", e, (int)i);
        if ((st = cfg_load_scope(c, e, SC_DOMAIN, prefix, d)))
            return st;
        d->line = (int)config_setting_source_line(e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->domains[j].name, d->name) == 0)
                return cfg_fail(c, config_setting_get_member(e, "name"),
                                "%s: duplicate domain name '%s' (also domains entry %zu)", prefix,
                                d->name, j);
        static const char *const form[2][4] = {{"R", "S", "T", "P"}, {"b", "c", NULL, NULL}};
        const config_setting_t *first[2] = {NULL, NULL};
        for (int f = 0; f < 2; f++)
            for (int m = 0; m < 4 && form[f][m] && !first[f]; m++)
                first[f] = config_setting_get_member(e, form[f][m]);
        if (first[0] && first[1])
            return cfg_fail(c, first[1],
                            "%s: mixes the R, S, T, P form with the b, c form (donation "
                            "game): give one of them",
                            prefix);
        d->donation = first[1] != NULL;
        for (int m = 0; m < 4 && form[d->donation][m]; m++)
            if ((st = cfg_load_key(c, e, prefix, cfg_find_key(SC_DOMAIN, form[d->donation][m]), d)))
                return st;
        if (d->donation) {
            d->R = d->b - d->c, d->S = -d->c, d->T = d->b, d->P = 0;
        } else {
            d->b = 2, d->c = 1; /* unused; keeps copies and prints deterministic */
        }
    }
    return COOP_OK;
}

static int load_observables(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = cfg_get_list(c, root, "observables", &l)) || !l)
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (ALLOC(cfg->observables, n))
        return cfg_nomem(c->err);
    cfg->n_observables = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        coop_observable_cfg *o = &cfg->observables[i];
        char prefix[COOP_PATH_MAX], path[COOP_PATH_MAX * 2];
        element_path(prefix, sizeof prefix, "observables", e, (int)i);
        if (ALLOC(o->drive, cfg->n_domains))
            return cfg_nomem(c->err);
        if ((st = cfg_load_scope(c, e, SC_OBSERVABLE, prefix, o)))
            return st;
        o->line = (int)config_setting_source_line(e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->observables[j].name, o->name) == 0)
                return cfg_fail(c, config_setting_get_member(e, "name"),
                                "%s: duplicate observable name '%s'", prefix, o->name);
        const config_setting_t *ds = config_setting_get_member(e, "domains");
        cfg_join(path, sizeof path, prefix, "domains");
        if (!ds) {
            memset(o->drive, 1, cfg->n_domains);
            continue;
        }
        if ((st = cfg_get_vector(c, ds, path, "\"trade\", ...")))
            return st;
        for (int k = 0; k < config_setting_length(ds); k++) {
            const config_setting_t *s = config_setting_get_elem(ds, (unsigned)k);
            const char *t;
            char epath[COOP_PATH_MAX * 2 + 16];
            snprintf(epath, sizeof epath, "%s.%d", path, k);
            if ((st = cfg_get_string(c, s, epath, &t)))
                return st;
            int d = coop_config_domain(cfg, t);
            if (d < 0) {
                char names[512], hint[CFG_HINT_MAX];
                cfg_domain_names(names, sizeof names, cfg);
                return cfg_fail(c, s, "%s = \"%s\": no domain named '%s' (domains: %s)%s", epath,
                                t, t, names, cfg_hint(hint, t, names));
            }
            if (o->drive[d])
                return cfg_fail(c, s, "%s = \"%s\": domain listed twice", epath, t);
            o->drive[d] = 1;
        }
    }
    return COOP_OK;
}


/* hypothesis.motivator and hypothesis.target (g: the group, NULL when absent). */
static int load_hypothesis_actors(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    int st;
    const config_setting_t *sm = g ? config_setting_get_member(g, "motivator") : NULL;
    const config_setting_t *stg = g ? config_setting_get_member(g, "target") : NULL;
    const char *m = NULL, *t = NULL;
    if ((sm && (st = cfg_get_string(c, sm, "hypothesis.motivator", &m)))
        || (stg && (st = cfg_get_string(c, stg, "hypothesis.target", &t))))
        return st;
    coop_hypothesis_cfg *h = &cfg->hyp;
    h->motivator = h->target = -1;
    if (!sm) {
        for (size_t i = 0; i < cfg->n_actors && h->motivator < 0; i++)
            if (coop_cfg_actor(cfg, i)->motivator.target >= 0)
                h->motivator = (int)i;
    } else if (m[0]) {
        if ((st = cfg_get_actor_ref(c, cfg, sm, "hypothesis.motivator", &h->motivator)))
            return st;
    }
    if (h->motivator < 0) {
        if (t && t[0])
            return cfg_fail(c, stg,
                            "hypothesis.target = \"%s\" needs a hypothesis.motivator (there "
                            "is none)",
                            t);
        return COOP_OK;
    }
    if (!t) {
        h->target = coop_cfg_actor(cfg, h->motivator)->motivator.target;
        if (h->target < 0)
            return cfg_fail(c, sm, "hypothesis.target is missing: actor '%s' has no motivator role "
                               "to take it from", coop_cfg_actor_name(cfg, h->motivator));
        return COOP_OK;
    }
    if (!t[0])
        return cfg_fail(c, stg, "hypothesis.target = \"\": a target is required with "
                            "hypothesis.motivator = \"%s\"",
                            coop_cfg_actor_name(cfg, h->motivator));
    if ((st = cfg_get_actor_ref(c, cfg, stg, "hypothesis.target", &h->target)))
        return st;
    if (h->target == h->motivator)
        return cfg_fail(c, stg, "hypothesis.target = \"%s\" is the motivator itself", t);
    return COOP_OK;
}

/* Whether actor k is one of "the others" of the hypothesis: a regional
 * neighbour of the motivator that is not the target (coop_outcome_states). */
static int is_other(const coop_config *cfg, int k)
{
    const coop_hypothesis_cfg *h = &cfg->hyp;
    int region = h->motivator >= 0 ? coop_cfg_actor(cfg, h->motivator)->region_id : -1;
    return region >= 0 && k != h->motivator && k != h->target &&
           coop_cfg_actor(cfg, k)->region_id == region;
}

/* hypothesis.weights: "equal" (the default; also when absent) or a group
 * NAME = weight with one weight >= 0 per other state, some > 0. */
static int load_weights(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    coop_hypothesis_cfg *h = &cfg->hyp;
    const config_setting_t *w = g ? config_setting_get_member(g, "weights") : NULL;
    h->n_weights = 0;
    if (!w)
        return COOP_OK;
    if (config_setting_type(w) == CONFIG_TYPE_STRING) {
        const char *v = config_setting_get_string(w);
        if (strcmp(v, "equal") == 0)
            return COOP_OK;
        return cfg_fail(c, w, "hypothesis.weights = \"%s\": must be \"equal\" or a group "
                        "STATE = weight; ... with a weight >= 0 for every other state", v);
    }
    int st;
    if ((st = cfg_need_group(c, w, "hypothesis.weights", "\"equal\" or STATE = weight; ...")))
        return st;
    const key *k = cfg_find_key(SC_HYPOTHESIS, "weights");
    int n_oth = 0;
    for (size_t a = 0; a < cfg->n_actors; a++)
        n_oth += is_other(cfg, (int)a);
    if (n_oth > COOP_MAX_STATES)
        return cfg_fail(c, w, "hypothesis.weights: the motivator has %d other states; weights "
                        "are allowed for at most %d", n_oth, COOP_MAX_STATES);
    double sum = 0;
    for (int i = 0; i < config_setting_length(w); i++) {
        const config_setting_t *s = config_setting_get_elem(w, (unsigned)i);
        char wpath[COOP_PATH_MAX * 2];
        snprintf(wpath, sizeof wpath, "hypothesis.weights.%s", config_setting_name(s));
        int a = coop_config_actor(cfg, config_setting_name(s));
        if (a < 0 || !is_other(cfg, a))
            return cfg_fail(c, s, "%s: '%s' is not one of the motivator's other states (its "
                            "regional neighbours except the target)", wpath,
                            config_setting_name(s));
        h->weight_actor[h->n_weights] = a;
        if ((st = cfg_get_number(c, s, wpath, k->min, k->max, 0, &h->weight[h->n_weights])))
            return st;
        sum += h->weight[h->n_weights++];
    }
    for (size_t a = 0; a < cfg->n_actors; a++) {
        int listed = !is_other(cfg, (int)a);
        for (int i = 0; i < h->n_weights && !listed; i++)
            listed = h->weight_actor[i] == (int)a;
        if (!listed)
            return cfg_fail(c, w, "hypothesis.weights has no weight for '%s': give one for "
                            "every other state", coop_cfg_actor_name(cfg, a));
    }
    if (!(sum > 0))
        return cfg_fail(c, w, "hypothesis.weights: the weights sum to 0: at least one must be "
                        "> 0");
    return COOP_OK;
}

/* The hypothesis group: its scalar keys, the motivator and target, the weights,
 * then the placebo actors (each must be able to take the motivator's role). */
static int load_hypothesis(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g;
    int st;
    if ((st = cfg_get_group(c, root, "hypothesis", "hypothesis", &g))
        || (st = cfg_load_scope(c, g, SC_HYPOTHESIS, "hypothesis", &cfg->hyp))
        || (st = load_hypothesis_actors(c, g, cfg)) || (st = load_weights(c, g, cfg)))
        return st;
    const config_setting_t *sg = NULL;
    if ((g && (st = cfg_get_group(c, g, "sesoi", "hypothesis.sesoi", &sg)))
        || (st = cfg_load_scope(c, sg, SC_SESOI, "hypothesis.sesoi", &cfg->hyp)))
        return st;
    coop_hypothesis_cfg *h = &cfg->hyp;
    h->n_placebo = 0;
    const config_setting_t *ch = g ? config_setting_get_member(g, "channels") : NULL;
    h->channels = 0;
    if (ch && config_setting_type(ch) != CONFIG_TYPE_BOOL) {
        char v[256];
        cfg_fmt_value(v, sizeof v, ch);
        return cfg_fail(c, ch, "hypothesis.channels = %s has the wrong type: expected true or "
                        "false", v);
    }
    if (ch)
        h->channels = config_setting_get_bool(ch);
    const config_setting_t *pl = g ? config_setting_get_member(g, "placebo") : NULL;
    if (!pl)
        return COOP_OK;
    if ((st = cfg_get_vector(c, pl, "hypothesis.placebo", "\"NAME\", ...")))
        return st;
    int n = config_setting_length(pl);
    if (n > COOP_MAX_PLACEBO)
        return cfg_fail(c, pl, "hypothesis.placebo has %d entries: at most %d are allowed", n,
                        COOP_MAX_PLACEBO);
    if (n > 0 && h->motivator < 0)
        return cfg_fail(c, pl, "hypothesis.placebo needs a motivator whose role it takes (there is "
                           "no hypothesis.motivator)");
    if (n > 0 && coop_cfg_actor(cfg, h->motivator)->motivator.target < 0)
        return cfg_fail(c, pl, "hypothesis.placebo needs a motivator role to move: actor '%s' has "
                           "none", coop_cfg_actor_name(cfg, h->motivator));
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(pl, (unsigned)i);
        char path[64];
        int a;
        snprintf(path, sizeof path, "hypothesis.placebo.%d", i);
        if ((st = cfg_get_actor_ref(c, cfg, s, path, &a)))
            return st;
        const char *nm = coop_cfg_actor_name(cfg, a);
        if (a == h->motivator)
            return cfg_fail(c, s, "%s = \"%s\" is the motivator itself: a placebo is another actor",
                            path, nm);
        if (a == coop_cfg_actor(cfg, h->motivator)->motivator.target || a == h->target)
            return cfg_fail(c, s, "%s = \"%s\" is the target: it cannot motivate itself", path, nm);
        for (int j = 0; j < i; j++)
            if (h->placebo[j] == a)
                return cfg_fail(c, s, "%s = \"%s\" is listed twice", path, nm);
        h->placebo[i] = a;
    }
    h->n_placebo = n;
    return COOP_OK;
}


/* An event and where it came from, while loading. */
typedef struct ev_src {
    coop_event_cfg ev;
    const config_setting_t *where;
    int index;  /* in the file's events list */
    size_t seq; /* order of expansion, for a stable sort */
} ev_src;

static int ev_cmp(const void *x, const void *y)
{
    const ev_src *p = x, *q = y;
    if (p->ev.date != q->ev.date)
        return p->ev.date < q->ev.date ? -1 : 1;
    /* Stable: equal dates keep the file's order (expanded paths in list order). */
    return (p->seq > q->seq) - (p->seq < q->seq);
}

static int load_events(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *l;
    int st;
    if ((st = cfg_get_list(c, root, "events", &l)) || !l)
        return st;
    size_t n_list = (size_t)config_setting_length(l), n = 0, cap = n_list;
    ev_src *v;
    if (ALLOC(v, cap))
        return cfg_nomem(c->err);
    for (size_t i = 0; i < n_list; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        char prefix[64], path[96], cpath[COOP_PATH_MAX + 96];
        coop_event_cfg ev = {0};
        snprintf(prefix, sizeof prefix, "events.%zu", i);
        if ((st = cfg_load_scope(c, e, SC_EVENT, prefix, &ev)))
            goto out;
        ev.line = (int)config_setting_source_line(e);
        const config_setting_t *sd = config_setting_get_member(e, "date");
        if (!(ev.date >= cfg->start && ev.date < cfg->end)) {
            char a[40], b[40], d[40];
            cfg_fmt_num(a, sizeof a, cfg->start);
            cfg_fmt_num(b, sizeof b, cfg->end);
            cfg_fmt_value(d, sizeof d, sd);
            st = cfg_fail(c, sd, "%s.date = %s is outside the time window [%s, %s)", prefix, d, a,
                          b);
            goto out;
        }
        const config_setting_t *sp = config_setting_get_member(e, "path");
        snprintf(path, sizeof path, "%s.path", prefix);
        if (!sp) {
            st = cfg_fail(c, e, "%s: missing required setting 'path'", prefix);
            goto out;
        }
        int scalar = config_setting_type(sp) == CONFIG_TYPE_STRING;
        if (!scalar && (st = cfg_get_vector(c, sp, path, "\"PATH\", ...")))
            goto out;
        int np = scalar ? 1 : config_setting_length(sp);
        if (np == 0) {
            st = cfg_fail(c, sp, "%s = [ ] is empty: name at least one parameter", path);
            goto out;
        }
        if (n + (size_t)np > cap) {
            cap = 2 * cap + (size_t)np;
            ev_src *w = realloc(v, cap * sizeof *v);
            if (!w) {
                st = cfg_nomem(c->err);
                goto out;
            }
            v = w;
        }
        for (int k = 0; k < np; k++) {
            const config_setting_t *s = scalar ? sp : config_setting_get_elem(sp, (unsigned)k);
            const char *t;
            if (scalar)
                snprintf(cpath, sizeof cpath, "%s", path);
            else
                snprintf(cpath, sizeof cpath, "%s.%d", path, k);
            if ((st = cfg_get_string(c, s, cpath, &t)))
                goto out;
            if (strlen(t) >= COOP_PATH_MAX) {
                st = cfg_fail(c, s, "%s is longer than %d characters", cpath, COOP_PATH_MAX - 1);
                goto out;
            }
            char why[COOP_ERR_MAX];
            if (cfg_resolve(cfg, t, &ev.ref, why, sizeof why)) {
                st = cfg_fail(c, s, "%s = \"%s\": %s", cpath, t, why);
                goto out;
            }
            snprintf(ev.path, sizeof ev.path, "%s", t);
            v[n] = (ev_src){ev, s, (int)i, n};
            n++;
        }
    }
    if (n > 1)
        qsort(v, n, sizeof *v, ev_cmp);
    if (ALLOC(cfg->events, n)) {
        st = cfg_nomem(c->err);
        goto out;
    }
    cfg->n_events = n;
    for (size_t i = 0; i < n; i++)
        cfg->events[i] = v[i].ev;

    /* Replay the events on a scratch copy: an event that would drive a parameter
     * out of its range is an error now rather than in the middle of a run. */
    coop_config tmp;
    coop_err e2 = {0};
    if ((st = coop_config_copy(&tmp, cfg, c->err)))
        goto out;
    for (size_t i = 0; i < n && !st; i++) {
        const coop_event_cfg *ev = &v[i].ev;
        if (coop_config_set_param(&tmp, &ev->ref, ev->op, ev->value, &e2)) {
            char d[40], x[40];
            cfg_fmt_num(d, sizeof d, ev->date);
            cfg_fmt_num(x, sizeof x, ev->value);
            st = cfg_fail(c, v[i].where, "events.%d (%s %s %s at %s): %s", v[i].index, ev->path,
                          cfg_op_names[ev->op], x, d, e2.text);
        }
    }
    coop_config_destroy(&tmp);
out:
    free(v);
    return st;
}

/* ---- sweep ---- */


/* A number of any numeric type (no range: sweep values are checked against their
 * parameter's range by sweep_check). */
static int get_real(const ctx *c, const config_setting_t *s, const char *path, double *out)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: *out = config_setting_get_int(s); return COOP_OK;
    case CONFIG_TYPE_INT64: *out = (double)config_setting_get_int64(s); return COOP_OK;
    case CONFIG_TYPE_FLOAT: *out = config_setting_get_float(s); return COOP_OK;
    default: {
        char v[256];
        cfg_fmt_value(v, sizeof v, s);
        return cfg_fail(c, s, "%s = %s has the wrong type: expected a number", path, v);
    }
    }
}

/* A value a sweep point sets must lie in the parameter's range (a goal weight is a
 * share in [0, 1]), as --set and events require. */
static int sweep_check(const ctx *c, const config_setting_t *s, const char *path, double x,
                       const coop_config *cfg, const coop_sweep_param_cfg *p)
{
    double lo, hi;
    int fl;
    if (!cfg_param_ptr(cfg, &p->ref, &lo, &hi, &fl))
        return cfg_fail(c, s, "%s: %s designates no parameter", path, p->path);
    if (p->ref.field == COOP_F_ACTOR_GOAL)
        lo = 0, hi = 1, fl = 0;
    if (isfinite(x) && cfg_in_range(x, lo, hi, fl))
        return COOP_OK;
    char v[40], r[96];
    cfg_fmt_num(v, sizeof v, x);
    cfg_fmt_range(r, sizeof r, lo, hi, fl);
    return cfg_fail(c, s, "%s = %s is outside the range of %s: %s", path, v, p->path, r);
}

/* One entry of sweep.parameters: its path, and the keys its method needs. */
static int load_sweep_param(const ctx *c, const config_setting_t *e, size_t i, coop_config *cfg,
                            double *grid_points)
{
    coop_sweep_cfg *sw = &cfg->sweep;
    coop_sweep_param_cfg *p = &sw->params[i];
    const char *mname = cfg_sweep_method_names[sw->method];
    char prefix[64], path[COOP_PATH_MAX];
    int st;
    snprintf(prefix, sizeof prefix, "sweep.parameters.%zu", i);
    if ((st = cfg_check_keys(c, e, SC_SWEEP_PARAM, prefix)))
        return st;
    p->line = (int)config_setting_source_line(e);

    const config_setting_t *sp = config_setting_get_member(e, "path");
    const char *t;
    snprintf(path, sizeof path, "%s.path", prefix);
    if (!sp)
        return cfg_fail(c, e, "%s: missing required setting 'path'", prefix);
    if ((st = cfg_get_string(c, sp, path, &t)))
        return st;
    if (strlen(t) >= COOP_PATH_MAX)
        return cfg_fail(c, sp, "%s is longer than %d characters", path, COOP_PATH_MAX - 1);
    char why[COOP_ERR_MAX];
    if (cfg_resolve(cfg, t, &p->ref, why, sizeof why))
        return cfg_fail(c, sp, "%s = \"%s\": %s", path, t, why);
    snprintf(p->path, sizeof p->path, "%s", t);
    for (size_t j = 0; j < i; j++) {
        const coop_param_ref *q = &sw->params[j].ref;
        if (q->field == p->ref.field && q->index == p->ref.index && q->sub == p->ref.sub)
            return cfg_fail(c, sp,
                            "%s = \"%s\": the same parameter as sweep.parameters.%zu (\"%s\")",
                            path, t, j, sw->params[j].path);
    }

    const config_setting_t *smin = config_setting_get_member(e, "min");
    const config_setting_t *smax = config_setting_get_member(e, "max");
    const config_setting_t *slog = config_setting_get_member(e, "log");
    const config_setting_t *sv = config_setting_get_member(e, "values");
    if (sw->method == COOP_SWEEP_LHS || sw->method == COOP_SWEEP_SOBOL) {
        if (sv)
            return cfg_fail(c, sv,
                            "%s.values: method = \"%s\" samples [min, max]; a list of values "
                            "belongs to method = \"grid\"",
                            prefix, mname);
        if (!smin || !smax)
            return cfg_fail(c, e, "%s: missing required setting '%s' (method = \"%s\" samples "
                              "[min, max])", prefix, smin ? "max" : "min", mname);
        snprintf(path, sizeof path, "%s.min", prefix);
        if ((st = get_real(c, smin, path, &p->min)) || (st = sweep_check(c, smin, path, p->min, cfg, p)))
            return st;
        snprintf(path, sizeof path, "%s.max", prefix);
        if ((st = get_real(c, smax, path, &p->max)) || (st = sweep_check(c, smax, path, p->max, cfg, p)))
            return st;
        if (!(p->min <= p->max)) {
            char a[40], b[40];
            cfg_fmt_num(a, sizeof a, p->min);
            cfg_fmt_num(b, sizeof b, p->max);
            return cfg_fail(c, smax, "%s.max = %s is below %s.min = %s", prefix, b, prefix, a);
        }
        if (slog) {
            if (config_setting_type(slog) != CONFIG_TYPE_BOOL) {
                char v[256];
                cfg_fmt_value(v, sizeof v, slog);
                return cfg_fail(c, slog, "%s.log = %s has the wrong type: expected true or false",
                                prefix, v);
            }
            p->log = config_setting_get_bool(slog);
        }
        if (p->log && !(p->min > 0)) {
            char a[40];
            cfg_fmt_num(a, sizeof a, p->min);
            return cfg_fail(c, smin, "%s.min = %s: log = true needs min > 0", prefix, a);
        }
        return COOP_OK;
    }

    const config_setting_t *extra = smin ? smin : smax ? smax : slog;
    if (extra)
        return cfg_fail(c, extra,
                        "%s.%s: only methods lhs and sobol sample a range (method = \"%s\")",
                        prefix, config_setting_name(extra), mname);
    if (sw->method == COOP_SWEEP_LIST) {
        if (sv)
            return cfg_fail(c, sv, "%s.values: method = \"list\" takes the values from sweep.rows",
                            prefix);
        return COOP_OK;
    }
    if (!sv)
        return cfg_fail(c, e, "%s: missing required setting 'values' (method = \"grid\")", prefix);
    snprintf(path, sizeof path, "%s.values", prefix);
    if ((st = cfg_get_vector(c, sv, path, "0.1, 0.2, ...")))
        return st;
    size_t n = (size_t)config_setting_length(sv);
    if (n == 0)
        return cfg_fail(c, sv, "%s = [ ] is empty: give at least one value", path);
    if (ALLOC(p->values, n))
        return cfg_nomem(c->err);
    p->n_values = n;
    for (size_t k = 0; k < n; k++) {
        const config_setting_t *s = config_setting_get_elem(sv, (unsigned)k);
        char epath[COOP_PATH_MAX + 24];
        snprintf(epath, sizeof epath, "%s.%zu", path, k);
        if ((st = get_real(c, s, epath, &p->values[k]))
            || (st = sweep_check(c, s, epath, p->values[k], cfg, p)))
            return st;
    }
    *grid_points *= (double)n;
    return COOP_OK;
}

/* sweep.rows of method list: one vector per point, one value per parameter. */
static int load_sweep_rows(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    coop_sweep_cfg *sw = &cfg->sweep;
    const config_setting_t *r = config_setting_get_member(g, "rows");
    int st;
    if (sw->method != COOP_SWEEP_LIST) {
        if (r)
            return cfg_fail(c, r, "sweep.rows: only method = \"list\" takes rows (method = \"%s\")",
                            cfg_sweep_method_names[sw->method]);
        return COOP_OK;
    }
    if (!r)
        return cfg_fail(c, g, "sweep: missing required setting 'rows' (method = \"list\")");
    if (!config_setting_is_list(r) && !config_setting_is_array(r)) {
        char v[256];
        cfg_fmt_value(v, sizeof v, r);
        return cfg_fail(c, r,
                        "sweep.rows = %s has the wrong type: expected a list ( [ v1, v2, ... ], "
                        "... )",
                        v);
    }
    size_t n = (size_t)config_setting_length(r), np = sw->n_params;
    if (n == 0)
        return cfg_fail(c, r, "sweep.rows = ( ) is empty: give at least one row");
    if (n > COOP_MAX_POINTS)
        return cfg_fail(c, r, "sweep.rows has %zu rows: at most %d points are allowed", n,
                        COOP_MAX_POINTS);
    if (ALLOC(sw->rows, n * np))
        return cfg_nomem(c->err);
    sw->n_rows = n;
    for (size_t k = 0; k < n; k++) {
        const config_setting_t *e = config_setting_get_elem(r, (unsigned)k);
        char path[64];
        snprintf(path, sizeof path, "sweep.rows.%zu", k);
        if ((st = cfg_get_vector(c, e, path, "v1, v2, ...")))
            return st;
        if ((size_t)config_setting_length(e) != np)
            return cfg_fail(c, e, "%s has %d values: it needs one per parameter (%zu)", path,
                            config_setting_length(e), np);
        for (size_t j = 0; j < np; j++) {
            const config_setting_t *s = config_setting_get_elem(e, (unsigned)j);
            char epath[96];
            snprintf(epath, sizeof epath, "%s.%zu", path, j);
            double *x = &sw->rows[k * np + j];
            if ((st = get_real(c, s, epath, x)) || (st = sweep_check(c, s, epath, *x, cfg, &sw->params[j])))
                return st;
        }
    }
    return COOP_OK;
}

/* The sweep group (after everything its paths can name).  Values are checked one
 * by one against their parameter's range here; what only a combination of values
 * can violate (theta order, events replayed at a point) is checked when
 * coop_sweep_alloc builds the points. */
static int load_sweep(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    coop_sweep_cfg *sw = &cfg->sweep;
    const config_setting_t *g, *s;
    int st;
    if ((st = cfg_get_group(c, root, "sweep", "sweep", &g)) || !g)
        return st;
    if ((st = cfg_load_scope(c, g, SC_SWEEP, "sweep", sw)))
        return st;
    sw->present = 1;
    sw->line = (int)config_setting_source_line(g);
    sw->seed = cfg->seed;
    if ((s = config_setting_get_member(g, "seed"))) {
        long long x = 0;
        if ((st = cfg_get_integer(c, s, "sweep.seed", 0, 4294967295.0, &x)))
            return st;
        sw->seed = (unsigned long)x;
    }
    const config_setting_t *l = config_setting_get_member(g, "parameters");
    if (!l)
        return cfg_fail(c, g, "sweep: missing required setting 'parameters'");
    if ((st = cfg_get_list(c, g, "parameters", &l)))
        return st;
    size_t n = (size_t)config_setting_length(l);
    if (n == 0)
        return cfg_fail(c, l, "sweep.parameters = ( ) is empty: sweep at least one parameter");
    if (sw->method == COOP_SWEEP_SOBOL && n > 40)
        return cfg_fail(c, l,
                        "sweep.parameters has %zu entries: method = \"sobol\" takes at most 40 "
                        "(GSL's gsl_qrng_sobol)",
                        n);
    if (ALLOC(sw->params, n))
        return cfg_nomem(c->err);
    sw->n_params = n;
    double grid_points = 1;
    for (size_t i = 0; i < n; i++)
        if ((st = load_sweep_param(c, config_setting_get_elem(l, (unsigned)i), i, cfg,
                                   &grid_points)))
            return st;
    if (sw->method == COOP_SWEEP_GRID && grid_points > COOP_MAX_POINTS)
        return cfg_fail(c, l, "sweep: the grid has %.0f points (the product of the numbers of "
                          "values): at most %d are allowed", grid_points, COOP_MAX_POINTS);
    return load_sweep_rows(c, g, cfg);
}

/* output.snapshots: at most COOP_MAX_SNAPSHOTS steps, each in [0, n_steps - 1],
 * strictly ascending, into cfg->snapshots (owned; NULL when absent or empty).
 * The time group is loaded first, so n_steps is known. */
static int load_snapshots(const ctx *c, const config_setting_t *g, coop_config *cfg)
{
    const config_setting_t *s = g ? config_setting_get_member(g, "snapshots") : NULL;
    int st;
    if (!s)
        return COOP_OK;
    if ((st = cfg_get_vector(c, s, "output.snapshots", "step, ...")))
        return st;
    size_t n = (size_t)config_setting_length(s);
    if (n > COOP_MAX_SNAPSHOTS)
        return cfg_fail(c, s, "output.snapshots has %zu entries: at most %d are allowed", n,
                        COOP_MAX_SNAPSHOTS);
    if (n == 0)
        return COOP_OK;
    if (ALLOC(cfg->snapshots, n))
        return cfg_nomem(c->err);
    cfg->n_snapshots = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char path[64];
        long long x;
        snprintf(path, sizeof path, "output.snapshots.%zu", i);
        if ((st = cfg_get_integer(c, e, path, 0, (double)cfg->n_steps - 1, &x)))
            return st;
        if (i > 0 && x <= cfg->snapshots[i - 1])
            return cfg_fail(c, e,
                            "%s = %lld is not after output.snapshots.%zu = %d: the steps must "
                            "be strictly ascending",
                            path, x, i - 1, cfg->snapshots[i - 1]);
        cfg->snapshots[i] = (int)x;
    }
    return COOP_OK;
}

/* The whole tree into cfg. */

static int extract(ctx *c, const config_setting_t *root, coop_config *cfg)
{
    int st;
    if ((st = cfg_check_keys(c, root, SC_TOP, ""))
        || (st = cfg_load_scope(c, root, SC_TOP, "", cfg))
        || (st = load_experiment_time(c, root, cfg)))
        return st;
    const config_setting_t *g;
    if ((st = cfg_get_group(c, root, "engagement", "engagement", &g))
        || (st = cfg_load_scope(c, g, SC_ENGAGEMENT, "engagement", cfg))
        || (st = cfg_get_group(c, root, "output", "output", &g))
        || (st = cfg_load_scope(c, g, SC_OUTPUT, "output", cfg))
        || (st = load_snapshots(c, g, cfg))
        || (st = load_institutions(c, root, &cfg->inst)) || (st = load_domains(c, root, cfg))
        || (st = load_observables(c, root, cfg)) || (st = cfg_load_network(c, root, cfg))
        || (st = cfg_load_actors(c, root, cfg))
        || (st = cfg_load_ties(c, root, cfg)) || (st = load_hypothesis(c, root, cfg))
        || (st = load_events(c, root, cfg)) || (st = load_sweep(c, root, cfg))
        || (st = cfg_keep_validation(c, root, cfg))
        || (st = cfg_keep_group(c, root, "sensitivity", &cfg->sensitivity))
        || (st = cfg_keep_group(c, root, "infer", &cfg->infer)))
        return st;
    return COOP_OK;
}


/* ------------------------------------------------------------------------ */
/* Load, destroy, copy                                                       */
/* ------------------------------------------------------------------------ */

/* Refuses, before libconfig reads it, a configuration that is not a regular file
 * (/dev/zero, a FIFO), is larger than COOP_CONFIG_MAX_BYTES, has a line longer
 * than COOP_CONFIG_MAX_LINE (libconfig lexes long lines in quadratic time) or a
 * NUL byte (libconfig would stop the text there). */
static int prescan(const char *path, coop_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    int st = COOP_OK;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: not a regular file (a configuration is a text "
                       "file)", path);
    else if (sb.st_size > COOP_CONFIG_MAX_BYTES)
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: %lld bytes, more than the %ld MiB a "
                       "configuration may have", path, (long long)sb.st_size,
                       COOP_CONFIG_MAX_BYTES >> 20);
    char buf[65536];
    size_t k, col = 0;
    long line = 1, total = 0;
    while (!st && (k = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < k && !st; i++) {
            if (buf[i] == '\n') {
                line++, col = 0;
            } else if (buf[i] == '\0') {
                st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: a NUL byte (a configuration is "
                               "text)", path, line);
            } else if (++col > COOP_CONFIG_MAX_LINE) {
                st = COOP_FAIL(err, COOP_ECONFIG, "%s:%ld: the line is longer than %d bytes, "
                               "the most a configuration line may have (split it)", path, line,
                               COOP_CONFIG_MAX_LINE);
            }
        }
        total += (long)k;
        if (!st && total > COOP_CONFIG_MAX_BYTES) /* grew while read */
            st = COOP_FAIL(err, COOP_ECONFIG, "%s: more than the %ld MiB a configuration may "
                           "have", path, COOP_CONFIG_MAX_BYTES >> 20);
    }
    if (!st && ferror(f))
        st = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    return st;
}

int coop_config_load(const char *path, const char *const *overrides, size_t n_overrides,
                     coop_config *cfg, coop_err *err)
{
    return coop_config_load_with(path, overrides, n_overrides, NULL, cfg, err);
}

int coop_config_load_with(const char *path, const char *const *overrides, size_t n_overrides,
                          coop_population_fn build, coop_config *cfg, coop_err *err)
{
    ctx c = {path, err, NULL, 0, build};
    config_t lc;
    coop_config tmp;
    int st;
    memset(cfg, 0, sizeof *cfg);
    memset(&tmp, 0, sizeof tmp);
    if (strlen(path) >= COOP_PATH_MAX)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: the file name is longer than %d characters",
                         path, COOP_PATH_MAX - 1);
    if ((st = prescan(path, err)))
        return st;
    for (size_t i = 0; i < n_overrides; i++)
        if (strlen(overrides[i]) > COOP_CONFIG_MAX_LINE)
            return COOP_FAIL(err, COOP_ECONFIG, "--set %.64s...: the text is %zu bytes long, "
                             "more than the %d a --set may have", overrides[i],
                             strlen(overrides[i]), COOP_CONFIG_MAX_LINE);

    config_init(&lc);
    config_set_auto_convert(&lc, 1);
    if (!config_read_file(&lc, path)) {
        if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
            st = COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read: %s", path,
                           config_error_text(&lc));
        else if (strcmp(config_error_text(&lc), "syntax error") == 0) /* libconfig's usual text */
            st = COOP_FAIL(err, COOP_ECONFIG, "%s:%d: syntax error (a ';', quote or bracket "
                           "missing on this line or the one before?)",
                           config_error_file(&lc) ? config_error_file(&lc) : path,
                           config_error_line(&lc));
        else
            st = COOP_FAIL(err, COOP_ECONFIG, "%s:%d: syntax error: %s",
                           config_error_file(&lc) ? config_error_file(&lc) : path,
                           config_error_line(&lc), config_error_text(&lc));
        config_destroy(&lc);
        return st;
    }
    st = COOP_OK;
    for (size_t i = 0; i < n_overrides && !st; i++)
        st = cfg_apply_override(&c, &lc, overrides[i]);
    if (!st) {
        snprintf(tmp.source, sizeof tmp.source, "%s", path);
        st = extract(&c, config_root_setting(&lc), &tmp);
    }
    config_destroy(&lc);
    free(c.actors);
    if (st) {
        coop_config_destroy(&tmp);
        return st;
    }
    *cfg = tmp;
    return COOP_OK;
}

void coop_config_destroy(coop_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; cfg->actors && i < cfg->n_actors; i++)
        free(cfg->actors[i].goals);
    coop_cfg_pop_destroy(&cfg->pop);
    for (size_t i = 0; cfg->ties && i < cfg->n_ties; i++)
        free(cfg->ties[i].obs0);
    for (size_t i = 0; cfg->observables && i < cfg->n_observables; i++)
        free(cfg->observables[i].drive);
    free(cfg->domains);
    free(cfg->actors);
    free(cfg->ties);
    free(cfg->regions);
    free(cfg->observables);
    free(cfg->events);
    for (size_t i = 0; cfg->sweep.params && i < cfg->sweep.n_params; i++)
        free(cfg->sweep.params[i].values);
    free(cfg->sweep.params);
    free(cfg->sweep.rows);
    free(cfg->tmpl.goals);
    for (size_t i = 0; cfg->overrides && i < cfg->n_overrides; i++) {
        free(cfg->overrides[i].nodes);
        free(cfg->overrides[i].a.goals);
    }
    free(cfg->overrides);
    free(cfg->snapshots);
    free(cfg->validation);
    free(cfg->sensitivity);
    free(cfg->infer);
    memset(cfg, 0, sizeof *cfg);
}

static void *dup_array(const void *src, size_t n, size_t size, int *fail)
{
    if (!n || !src)
        return NULL;
    void *p = malloc(n * size);
    if (!p)
        *fail = 1;
    else
        memcpy(p, src, n * size);
    return p;
}

int coop_config_copy(coop_config *dst, const coop_config *src, coop_err *err)
{
    int bad = 0;
    *dst = *src;
    dst->domains = dup_array(src->domains, src->n_domains, sizeof *src->domains, &bad);
    dst->regions = dup_array(src->regions, src->n_regions, sizeof *src->regions, &bad);
    dst->events = dup_array(src->events, src->n_events, sizeof *src->events, &bad);
    dst->actors = dup_array(src->actors, src->n_actors, sizeof *src->actors, &bad);
    for (size_t i = 0; dst->actors && i < src->n_actors; i++)
        dst->actors[i].goals = NULL;
    if (coop_cfg_pop_copy(&dst->pop, src))
        bad = 1;
    dst->tmpl.goals = dup_array(src->tmpl.goals, src->tmpl.goals ? src->n_domains : 0,
                                sizeof(double), &bad);
    dst->overrides = dup_array(src->overrides, src->n_overrides, sizeof *src->overrides, &bad);
    for (size_t i = 0; dst->overrides && i < src->n_overrides; i++)
        dst->overrides[i].nodes = NULL, dst->overrides[i].a.goals = NULL;
    for (size_t i = 0; dst->overrides && i < src->n_overrides; i++) {
        const coop_override_cfg *o = &src->overrides[i];
        dst->overrides[i].nodes = dup_array(o->nodes, o->n_nodes, sizeof *o->nodes, &bad);
        dst->overrides[i].a.goals = dup_array(o->a.goals, o->a.goals ? src->n_domains : 0,
                                              sizeof(double), &bad);
    }
    dst->snapshots = dup_array(src->snapshots, src->n_snapshots, sizeof *src->snapshots, &bad);
    dst->validation = dup_array(src->validation, src->validation ? strlen(src->validation) + 1 : 0,
                                1, &bad);
    dst->sensitivity = dup_array(src->sensitivity,
                                 src->sensitivity ? strlen(src->sensitivity) + 1 : 0, 1, &bad);
    dst->infer = dup_array(src->infer, src->infer ? strlen(src->infer) + 1 : 0, 1, &bad);
    dst->ties = dup_array(src->ties, src->n_ties, sizeof *src->ties, &bad);
    for (size_t i = 0; dst->ties && i < src->n_ties; i++)
        dst->ties[i].obs0 = NULL;
    dst->observables = dup_array(src->observables, src->n_observables, sizeof *src->observables, &bad);
    for (size_t i = 0; dst->observables && i < src->n_observables; i++)
        dst->observables[i].drive = NULL;
    for (size_t i = 0; dst->actors && i < src->n_actors; i++)
        dst->actors[i].goals = dup_array(src->actors[i].goals, src->n_domains, sizeof(double), &bad);
    for (size_t i = 0; dst->ties && i < src->n_ties; i++)
        dst->ties[i].obs0 = dup_array(src->ties[i].obs0, src->n_observables, sizeof(double), &bad);
    for (size_t i = 0; dst->observables && i < src->n_observables; i++)
        dst->observables[i].drive = dup_array(src->observables[i].drive, src->n_domains, 1, &bad);
    const coop_sweep_cfg *ss = &src->sweep;
    dst->sweep.params = dup_array(ss->params, ss->n_params, sizeof *ss->params, &bad);
    for (size_t i = 0; dst->sweep.params && i < ss->n_params; i++)
        dst->sweep.params[i].values = NULL;
    dst->sweep.rows = dup_array(ss->rows, ss->n_rows * ss->n_params, sizeof *ss->rows, &bad);
    for (size_t i = 0; dst->sweep.params && i < ss->n_params; i++)
        dst->sweep.params[i].values = dup_array(ss->params[i].values, ss->params[i].n_values,
                                                sizeof(double), &bad);
    if (bad) {
        coop_config_destroy(dst);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory copying the configuration");
    }
    return COOP_OK;
}

int coop_config_actor(const coop_config *cfg, const char *name)
{
    if (!cfg->actors && name[0] == 'n' && name[1] >= '0' && name[1] <= '9'
        && (name[1] != '0' || !name[2])) { /* a generated node's name: n<index> */
        char *end;
        unsigned long long i = strtoull(name + 1, &end, 10);
        if (!*end && i < cfg->n_actors && strcmp(coop_cfg_actor_name(cfg, i), name) == 0)
            return (int)i;
    }
    for (size_t i = 0; i < cfg->n_actors; i++) {
        const coop_actor_cfg *a = coop_cfg_actor(cfg, i);
        if ((cfg->actors || a->name[0]) && strcmp(a->name, name) == 0)
            return (int)i;
    }
    return -1;
}

int coop_config_domain(const coop_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_domains; i++)
        if (strcmp(cfg->domains[i].name, name) == 0)
            return (int)i;
    return -1;
}

int coop_config_observable(const coop_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_observables; i++)
        if (strcmp(cfg->observables[i].name, name) == 0)
            return (int)i;
    return -1;
}

int coop_config_tie(const coop_config *cfg, const char *a, const char *b)
{
    int x = coop_config_actor(cfg, a), y = coop_config_actor(cfg, b);
    for (size_t i = 0; x >= 0 && y >= 0 && i < cfg->n_ties; i++) {
        int a_ = 0, b_ = 0;
        coop_cfg_tie_ends(cfg, i, &a_, &b_);
        if ((a_ == x && b_ == y) || (a_ == y && b_ == x))
            return (int)i;
    }
    return -1;
}
