/* config_params.c: numeric parameter paths (events, sweeps, --set): resolving a
 * path to a coop_param_ref, the path of a ref, getting and setting a parameter
 * (with the goal-share rule), and the `--set PATH=VALUE` overrides grafted into the
 * libconfig tree before it is loaded. */
#include "coop_config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "coop_fmt.h"
#include "config_internal.h"

/* ------------------------------------------------------------------------ */
/* Overrides: --set PATH=VALUE grafted into the libconfig tree               */
/* ------------------------------------------------------------------------ */

/* Copies src under parent as `name` (NULL inside lists and arrays).  keep_pos
 * keeps the source line, file and hook (rebuilding a list); otherwise the copy
 * has none, so that the override's hook on its root locates it. */
static config_setting_t *graft(config_setting_t *parent, const char *name,
                               const config_setting_t *src, int keep_pos)
{
    int type = config_setting_type(src);
    config_setting_t *dst = config_setting_add(parent, name, type);
    if (!dst)
        return NULL;
    int ok = 1;
    switch (type) {
    case CONFIG_TYPE_INT: ok = config_setting_set_int(dst, config_setting_get_int(src)); break;
    case CONFIG_TYPE_INT64: ok = config_setting_set_int64(dst, config_setting_get_int64(src)); break;
    case CONFIG_TYPE_FLOAT: ok = config_setting_set_float(dst, config_setting_get_float(src)); break;
    case CONFIG_TYPE_BOOL: ok = config_setting_set_bool(dst, config_setting_get_bool(src)); break;
    case CONFIG_TYPE_STRING: ok = config_setting_set_string(dst, config_setting_get_string(src)); break;
    default:
        for (int i = 0; i < config_setting_length(src) && ok; i++) {
            const config_setting_t *e = config_setting_get_elem(src, (unsigned)i);
            ok = graft(dst, config_setting_is_group(src) ? config_setting_name(e) : NULL, e,
                       keep_pos) != NULL;
        }
        break;
    }
    if (ok && keep_pos) {
        /* libconfig 1.5 has no setter for these; the fields are public. */
        dst->line = src->line;
        dst->file = src->file;
        config_setting_set_hook(dst, config_setting_get_hook(src));
    }
    return ok ? dst : NULL;
}

typedef struct ovr {
    const ctx *c;
    const char *text;               /* PATH=VALUE */
    const config_setting_t *value;  /* parsed VALUE */
    config_setting_t *root;
} ovr;

static int ovr_fail(const ovr *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ovr_fail(const ovr *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = cfg_vformat(fmt, ap);
    va_end(ap);
    int st = COOP_FAIL(o->c->err, COOP_ECONFIG, "--set %s: %s", o->text,
                       msg ? msg : "(out of memory)");
    free(msg);
    return st;
}

static void mark(const ovr *o, config_setting_t *s)
{
    config_setting_set_hook(s, (void *)o->text);
}

/* Puts the override's value at parent.name, replacing what is there. */
static int set_member(const ovr *o, config_setting_t *parent, const char *name, const char *path)
{
    if (config_setting_get_member(parent, name))
        config_setting_remove(parent, name);
    config_setting_t *s = graft(parent, name, o->value, 0);
    if (!s)
        return ovr_fail(o, "cannot set '%s': '%s' is not a valid setting name", path, name);
    mark(o, s);
    return COOP_OK;
}

/* The group parent.name, created (and marked) when absent. */
static int ensure_group(const ovr *o, config_setting_t *parent, const char *name,
                        const char *path, config_setting_t **out)
{
    config_setting_t *s = config_setting_get_member(parent, name);
    if (!s) {
        s = config_setting_add(parent, name, CONFIG_TYPE_GROUP);
        if (!s)
            return ovr_fail(o, "cannot set '%s': '%s' is not a valid setting name", path, name);
        mark(o, s);
    } else if (!config_setting_is_group(s)) {
        return ovr_fail(o, "cannot set '%s': '%s' is not a group in the configuration", path, path);
    }
    *out = s;
    return COOP_OK;
}

/* The names of the domains as the tree has them (the default "pd" when absent). */
static void tree_domain_names(const config_setting_t *root, const char **names, int *n, int max)
{
    const config_setting_t *l = config_setting_get_member(root, "domains");
    *n = 0;
    if (!l) {
        names[(*n)++] = "pd";
        return;
    }
    for (int i = 0; i < config_setting_length(l) && *n < max; i++) {
        const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        const char *t;
        if (config_setting_is_group(e) && config_setting_lookup_string(e, "name", &t))
            names[(*n)++] = t;
    }
}

/* Replaces element idx of array/list s with the override's scalar value.  The
 * vector is rebuilt as a list (libconfig cannot replace an array element by one
 * of another type), keeping the other elements' lines. */
static int set_element(const ovr *o, config_setting_t *s, const char *idx, const char *path)
{
    char *endp;
    errno = 0;
    long i = strtol(idx, &endp, 10);
    if (config_setting_length(s) == 0)
        return ovr_fail(o, "'%s' names nothing: '%s' is empty (set the whole list)", path,
                        config_setting_name(s));
    if (*endp || endp == idx || errno || i < 0 || i >= config_setting_length(s))
        return ovr_fail(o, "'%s' names nothing: '%s' has %d entries (0 to %d)", path,
                        config_setting_name(s), config_setting_length(s),
                        config_setting_length(s) - 1);
    if (!config_setting_is_scalar(o->value))
        return ovr_fail(o, "'%s' is an element of a vector: give a single value", path);
    config_t scratch;
    config_init(&scratch);
    int st = COOP_OK;
    config_setting_t *copy = graft(config_root_setting(&scratch), "v", s, 1);
    config_setting_t *parent = config_setting_parent(s);
    const char *name = config_setting_name(s);
    char saved[COOP_NAME_MAX * 2];
    snprintf(saved, sizeof saved, "%s", name);
    if (!copy) {
        st = COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
        goto out;
    }
    config_setting_remove(parent, saved);
    config_setting_t *list = config_setting_add(parent, saved, CONFIG_TYPE_LIST);
    if (!list) {
        st = COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
        goto out;
    }
    list->line = copy->line;
    list->file = copy->file;
    config_setting_set_hook(list, config_setting_get_hook(copy));
    for (int k = 0; k < config_setting_length(copy); k++) {
        config_setting_t *e;
        if (k == i) {
            e = graft(list, NULL, o->value, 0);
            if (e)
                mark(o, e);
        } else {
            e = graft(list, NULL, config_setting_get_elem(copy, (unsigned)k), 1);
        }
        if (!e) {
            st = COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
            goto out;
        }
    }
out:
    config_destroy(&scratch);
    return st;
}

/* Creates a vector from its default so that one element can be overridden. */
static int ensure_vector(const ovr *o, config_setting_t *parent, int scope, const char *name,
                         const char *path, config_setting_t **out)
{
    config_setting_t *s = config_setting_get_member(parent, name);
    if (s) {
        if (!config_setting_is_array(s) && !config_setting_is_list(s))
            return ovr_fail(o, "cannot set '%s': '%s' is not an array", path, name);
        *out = s;
        return COOP_OK;
    }
    static const char *const levels[] = {"none", "framework_signed", "framework_in_force",
                                         "enhanced"};
    static const double theta[] = {0.0, 0.3, 0.5, 0.7}, omega[] = {0.0, 0.2, 0.4, 0.6};
    s = config_setting_add(parent, name, CONFIG_TYPE_ARRAY);
    if (!s)
        return COOP_FAIL(o->c->err, COOP_ENOMEM, "out of memory applying --set %s", o->text);
    mark(o, s);
    if (scope == SC_OBSERVABLE) {
        const char *names[1024];
        int n;
        tree_domain_names(o->root, names, &n, 1024);
        for (int i = 0; i < n; i++)
            config_setting_set_string_elem(s, -1, names[i]);
    } else if (scope == SC_INSTITUTIONS) { /* hypothesis.placebo: empty by default */
        for (int i = 0; i < 4; i++) {
            if (strcmp(name, "levels") == 0)
                config_setting_set_string_elem(s, -1, levels[i]);
            else
                config_setting_set_float_elem(s, -1, strcmp(name, "theta") == 0 ? theta[i] : omega[i]);
        }
    }
    *out = s;
    return COOP_OK;
}

/* The element of list l whose string member `member` is name (NULL if none). */
static config_setting_t *find_named(const config_setting_t *l, const char *member, const char *name)
{
    for (int i = 0; i < config_setting_length(l); i++) {
        config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
        const char *t;
        if (config_setting_is_group(e) && config_setting_lookup_string(e, member, &t)
            && strcmp(t, name) == 0)
            return e;
    }
    return NULL;
}

/* The element of list l (actors, domains, observables, ties, events) that comp names. */
static int find_element(const ovr *o, config_setting_t *l, const char *list, const char *comp,
                        config_setting_t **out)
{
    *out = NULL;
    if (strcmp(list, "ties") == 0) {
        char a[COOP_NAME_MAX * 2], *b;
        snprintf(a, sizeof a, "%s", comp);
        b = strchr(a, '-');
        if (!b)
            return ovr_fail(o, "'ties.%s' names no tie: write ties.A-B", comp);
        *b++ = '\0';
        for (int i = 0; i < config_setting_length(l) && !*out; i++) {
            config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
            const char *x, *y;
            if (config_setting_is_group(e) && config_setting_lookup_string(e, "a", &x)
                && config_setting_lookup_string(e, "b", &y)
                && ((strcmp(x, a) == 0 && strcmp(y, b) == 0)
                    || (strcmp(x, b) == 0 && strcmp(y, a) == 0)))
                *out = e;
        }
        if (!*out)
            return ovr_fail(o, "no tie between '%s' and '%s'", a, b);
        return COOP_OK;
    }
    if (strcmp(list, "events") == 0 || strcmp(list, "actor_overrides") == 0) {
        const char *what = list[0] == 'e' ? "event" : "override";
        char *endp;
        long i = strtol(comp, &endp, 10);
        if (*endp || endp == comp || i < 0 || i >= config_setting_length(l))
            return ovr_fail(o, "no %s with index '%s' (the configuration has %d %ss)", what, comp,
                            config_setting_length(l), what);
        *out = config_setting_get_elem(l, (unsigned)i);
        if (!config_setting_is_group(*out))
            return ovr_fail(o, "%s.%s is not a group", list, comp);
        return COOP_OK;
    }
    *out = find_named(l, "name", comp);
    if (!*out) {
        const char *what = strcmp(list, "actors") == 0    ? "actor"
                           : strcmp(list, "domains") == 0 ? "domain"
                                                          : "observable";
        return ovr_fail(o, "no %s named '%s'", what, comp);
    }
    return COOP_OK;
}

/* Walks comp[0..n) below group g of `scope` (path names g) and sets the value. */
static int descend(const ovr *o, config_setting_t *g, int scope, char **comp, int n,
                   const char *gpath)
{
    char path[COOP_PATH_MAX * 2];
    cfg_join(path, sizeof path, gpath, comp[0]);
    const key *k = cfg_find_key(scope, comp[0]);
    if (!k && scope == SC_OVERRIDE && cfg_template_key(cfg_find_key(SC_ACTOR, comp[0])))
        k = cfg_find_key(scope = SC_ACTOR, comp[0]); /* an override's actor_template key */
    if (!k || k->type == V_IGNORED) {
        char known[512], hint[CFG_HINT_MAX];
        cfg_known_keys(known, sizeof known, scope);
        return ovr_fail(o, "unknown setting '%s' (known: %s)%s", path, known,
                        cfg_hint(hint, comp[0], known));
    }
    if (n == 1) {
        if (scope == SC_ACTOR && strcmp(comp[0], "rule") == 0) {
            /* A new rule starts from its own defaults: drop the old rule's parameters
             * that came from the file (keep those given with --set). */
            const char *old = cfg_find_key(SC_ACTOR, "rule")->sdef;
            config_setting_lookup_string(g, "rule", &old);
            int same = config_setting_type(o->value) == CONFIG_TYPE_STRING
                       && strcmp(old, config_setting_get_string(o->value)) == 0;
            config_setting_t *rp = config_setting_get_member(g, "rule_params");
            if (!same && rp && config_setting_is_group(rp) && !config_setting_get_hook(rp))
                for (int i = config_setting_length(rp) - 1; i >= 0; i--)
                    if (!config_setting_get_hook(config_setting_get_elem(rp, (unsigned)i)))
                        config_setting_remove_elem(rp, (unsigned)i);
        }
        return set_member(o, g, comp[0], path);
    }
    config_setting_t *s = NULL;
    int st;
    switch (k->type) {
    case V_MAP:
        if (n != 2)
            break;
        {
            /* hypothesis.weights = "equal" becomes the group its first weight starts */
            config_setting_t *was = config_setting_get_member(g, comp[0]);
            if (was && scope == SC_HYPOTHESIS && config_setting_type(was) == CONFIG_TYPE_STRING)
                config_setting_remove(g, comp[0]);
            int created = !config_setting_get_member(g, comp[0]);
            if ((st = ensure_group(o, g, comp[0], path, &s)))
                return st;
            if (created && scope == SC_ACTOR && strcmp(comp[0], "goals") == 0) {
                /* Start from the default, equal weights, and change one. */
                const char *names[1024];
                int nd;
                tree_domain_names(o->root, names, &nd, 1024);
                for (int i = 0; i < nd; i++) {
                    config_setting_t *w = config_setting_add(s, names[i], CONFIG_TYPE_FLOAT);
                    if (w)
                        config_setting_set_float(w, 1.0);
                }
            }
            char mpath[COOP_PATH_MAX * 3];
            cfg_join(mpath, sizeof mpath, path, comp[1]);
            return set_member(o, s, comp[1], mpath);
        }
    case V_GROUP:
        if ((st = ensure_group(o, g, comp[0], path, &s)))
            return st;
        return descend(o, s, scope == SC_HYPOTHESIS ? SC_SESOI : SC_MOTIVATOR, comp + 1, n - 1,
                       path);
    case V_NAMES:
    case V_FLOATS:
        if (n != 2)
            break;
        if ((st = ensure_vector(o, g, scope, comp[0], path, &s)))
            return st;
        {
            char epath[COOP_PATH_MAX * 3];
            cfg_join(epath, sizeof epath, path, comp[1]);
            return set_element(o, s, comp[1], epath);
        }
    default:
        break;
    }
    char full[COOP_PATH_MAX * 3];
    cfg_join(full, sizeof full, gpath, comp[0]);
    for (int i = 1; i < n; i++) {
        cfg_cat(full, sizeof full, ".");
        cfg_cat(full, sizeof full, comp[i]);
    }
    return ovr_fail(o, "'%s' names nothing: '%s' has no part '%s'", full, path, comp[1]);
}

/* Parses VALUE the way libconfig parses a setting's value; a VALUE libconfig
 * rejects is taken as a bare string (so that --set actors.KZ.rule=wsls works).
 * An integer beyond int range gets the L suffix libconfig 1.5 needs. */
static int parse_value(config_t *vc, const char *value, coop_err *err, const char *text)
{
    size_t n = strlen(value);
    char *buf = malloc(n + 8);
    if (!buf)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory applying --set %s", text);
    const char *p = value + (value[0] == '-' || value[0] == '+');
    int digits = *p != '\0';
    for (const char *q = p; *q; q++)
        digits = digits && *q >= '0' && *q <= '9';
    int big = 0;
    if (digits) {
        errno = 0;
        long long x = strtoll(value, NULL, 10);
        big = errno == 0 && (x > INT_MAX || x < INT_MIN);
    }
    snprintf(buf, n + 8, "v = %s%s;", value, big ? "L" : "");
    config_set_auto_convert(vc, 1);
    int ok = config_read_string(vc, buf) && config_setting_length(config_root_setting(vc)) == 1;
    free(buf);
    if (!ok) {
        config_destroy(vc);
        config_init(vc);
        config_set_auto_convert(vc, 1);
        config_setting_t *s = config_setting_add(config_root_setting(vc), "v", CONFIG_TYPE_STRING);
        if (!s || !config_setting_set_string(s, value))
            return COOP_FAIL(err, COOP_ENOMEM, "out of memory applying --set %s", text);
    }
    return COOP_OK;
}

int cfg_apply_override(const ctx *c, config_t *lc, const char *text)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: expected PATH=VALUE", text);
    size_t plen = (size_t)(eq - text);
    if (plen >= COOP_PATH_MAX)
        return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: the path is longer than %d characters",
                         text, COOP_PATH_MAX - 1);
    char fullpath[COOP_PATH_MAX], pathbuf[COOP_PATH_MAX], *comp[16];
    memcpy(pathbuf, text, plen);
    pathbuf[plen] = '\0';
    memcpy(fullpath, pathbuf, plen + 1);
    int n = 0;
    for (char *s = pathbuf;; s++) {
        char *dot = strchr(s, '.');
        if (n == 16)
            return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: the path has too many parts", text);
        comp[n++] = s;
        if (!dot)
            break;
        *dot = '\0';
        s = dot;
    }
    for (int i = 0; i < n; i++)
        if (!comp[i][0])
            return COOP_FAIL(c->err, COOP_ECONFIG, "--set %s: the path has an empty part", text);

    config_t vc;
    config_init(&vc);
    int st = parse_value(&vc, eq + 1, c->err, text);
    if (st) {
        config_destroy(&vc);
        return st;
    }
    config_setting_t *root = config_root_setting(lc);
    ovr o = {c, text, config_setting_get_elem(config_root_setting(&vc), 0), root};

    const key *k = cfg_find_key(SC_TOP, comp[0]);
    int scope = cfg_child_scope(comp[0]);
    config_setting_t *s;
    if (k && k->type == V_IGNORED && strcmp(k->name, "validation") == 0) {
        st = ovr_fail(&o, "the `validation` group cannot be changed with --set: coopsim "
                      "validate reads it from the file as written (edit a copy of the file)");
    } else if (!k || k->type == V_IGNORED) {
        char known[512], hint[CFG_HINT_MAX];
        cfg_known_keys(known, sizeof known, SC_TOP);
        st = ovr_fail(&o, "unknown setting '%s' (known: %s)%s", comp[0], known,
                      cfg_hint(hint, comp[0], known));
    } else if (n == 1) {
        st = set_member(&o, root, comp[0], comp[0]);
    } else if (k->type == V_GROUP) {
        if (!(st = ensure_group(&o, root, comp[0], comp[0], &s)))
            st = descend(&o, s, scope, comp + 1, n - 1, comp[0]);
    } else if (k->type == V_LIST) {
        config_setting_t *l = config_setting_get_member(root, comp[0]), *e;
        if (!l) {
            l = config_setting_add(root, comp[0], CONFIG_TYPE_LIST);
            if (l && strcmp(comp[0], "domains") == 0) {
                /* The default domain, so that domains.pd.KEY can be set. */
                config_setting_t *d = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
                config_setting_t *nm = d ? config_setting_add(d, "name", CONFIG_TYPE_STRING) : NULL;
                if (nm)
                    config_setting_set_string(nm, "pd");
            }
            if (l)
                mark(&o, l);
        }
        if (!l)
            st = COOP_FAIL(c->err, COOP_ENOMEM, "out of memory applying --set %s", text);
        else if (!config_setting_is_list(l))
            st = ovr_fail(&o, "cannot set '%s': '%s' is not a list", fullpath, comp[0]);
        else if (!(st = find_element(&o, l, comp[0], comp[1], &e))) {
            char epath[COOP_PATH_MAX];
            snprintf(epath, sizeof epath, "%s.%s", comp[0], comp[1]);
            if (n == 2)
                st = ovr_fail(&o, "'%s' names a whole entry: set one of its keys, e.g. %s.%s",
                              epath, epath, strcmp(comp[0], "ties") == 0 ? "weight" : "name");
            else
                st = descend(&o, e, scope, comp + 2, n - 2, epath);
        }
    } else {
        st = ovr_fail(&o, "'%s' names nothing: '%s' is a single value", fullpath, comp[0]);
    }
    config_destroy(&vc);
    return st;
}


/* ------------------------------------------------------------------------ */
/* Parameter paths                                                           */
/* ------------------------------------------------------------------------ */

/* "a, b" of the keys of a scope that events and sweeps may change. */
static void numeric_keys(char *buf, size_t size, int scope)
{
    buf[0] = '\0';
    for (size_t i = 0; i < cfg_n_keys; i++) {
        if (cfg_schema[i].scope != scope || cfg_schema[i].field == NOFIELD)
            continue;
        if (buf[0])
            cfg_cat(buf, size, ", ");
        cfg_cat(buf, size, cfg_schema[i].name);
    }
    if (scope == SC_ACTOR)
        cfg_cat(buf, size, ", motivator.KEY");
}

static int parse_index(const char *s, int n, int *out)
{
    char *end;
    long i = strtol(s, &end, 10);
    if (!*s || *end || i < 0 || i >= n)
        return 0;
    *out = (int)i;
    return 1;
}

/* The scope that path components comp[0..n) name, the index of the element in it
 * (an actor, domain, observable or tie) and the first component of the key (rest);
 * COOP_ECONFIG with the reason in why. */
static int resolve_scope(const coop_config *cfg, char *const *comp, int n, int *scope,
                         int *index, int *rest, char *why, size_t size)
{
    const char *c0 = comp[0];
    *rest = 1, *index = 0;
    if (strcmp(c0, "actors") == 0 || strcmp(c0, "domains") == 0 || strcmp(c0, "ties") == 0
        || strcmp(c0, "observables") == 0) {
        if (n < 3) {
            snprintf(why, size, "names no numeric parameter: write %s.%s.KEY", c0,
                     c0[0] == 't' ? "A-B" : "NAME");
            return COOP_ECONFIG;
        }
        *rest = 2;
        if (c0[0] == 'a') {
            *scope = SC_ACTOR, *index = coop_config_actor(cfg, comp[1]);
            if (*index < 0) {
                char hint[CFG_HINT_MAX];
                snprintf(why, size, "no actor named '%s'%s", comp[1],
                         cfg_actor_hint(hint, NULL, cfg, comp[1]));
                return COOP_ECONFIG;
            }
        } else if (c0[0] == 'd') {
            *scope = SC_DOMAIN, *index = coop_config_domain(cfg, comp[1]);
            if (*index < 0) {
                char names[512], hint[CFG_HINT_MAX];
                cfg_domain_names(names, sizeof names, cfg);
                snprintf(why, size, "no domain named '%s'%s", comp[1], cfg_hint(hint, comp[1], names));
                return COOP_ECONFIG;
            }
        } else if (c0[0] == 'o') {
            *scope = SC_OBSERVABLE, *index = coop_config_observable(cfg, comp[1]);
            if (*index < 0) {
                char hint[CFG_HINT_MAX];
                snprintf(why, size, "no observable named '%s'%s", comp[1],
                         cfg_observable_hint(hint, cfg, comp[1]));
                return COOP_ECONFIG;
            }
        } else {
            char a[COOP_PATH_MAX], *b;
            snprintf(a, sizeof a, "%s", comp[1]);
            b = strchr(a, '-');
            if (!b) {
                snprintf(why, size, "'%s' names no tie: write ties.A-B", comp[1]);
                return COOP_ECONFIG;
            }
            *b++ = '\0';
            *scope = SC_TIE, *index = coop_config_tie(cfg, a, b);
            if (*index < 0) {
                snprintf(why, size, "no tie between '%s' and '%s'", a, b);
                return COOP_ECONFIG;
            }
        }
    } else if (n == 1 && strcmp(c0, "noise") == 0) {
        *scope = SC_TOP, *rest = 0;
    } else if (strcmp(c0, "engagement") == 0) {
        *scope = SC_ENGAGEMENT;
    } else if (strcmp(c0, "institutions") == 0) {
        *scope = SC_INSTITUTIONS;
    } else {
        snprintf(why, size, "names no numeric parameter (paths start with noise, engagement, "
                            "institutions, domains, actors, ties or observables)");
        return COOP_ECONFIG;
    }
    return COOP_OK;
}

/* ref->sub from the component after key k (sub, NULL when none) for the keys that
 * take one: a level, a domain, a rule parameter or an observable; *want counts the
 * components the path must have.  COOP_ECONFIG with the reason in why. */
static int resolve_sub(const coop_config *cfg, const key *k, const char *sub,
                       coop_param_ref *ref, int *want, char *why, size_t size)
{
    switch (k->field) {
    case COOP_F_INST_THETA:
    case COOP_F_INST_OMEGA:
        (*want)++;
        if (!sub || !parse_index(sub, cfg->inst.n_levels, &ref->sub)) {
            snprintf(why, size, "write institutions.%s.LEVEL with LEVEL in 0..%d", k->name,
                     cfg->inst.n_levels - 1);
            return COOP_ECONFIG;
        }
        break;
    case COOP_F_ACTOR_GOAL:
        (*want)++;
        if (!sub || (ref->sub = coop_config_domain(cfg, sub)) < 0) {
            char names[512], hint[CFG_HINT_MAX];
            cfg_domain_names(names, sizeof names, cfg);
            snprintf(why, size, "no domain named '%s' (domains: %s)%s", sub ? sub : "", names,
                     cfg_hint(hint, sub ? sub : "", names));
            return COOP_ECONFIG;
        }
        break;
    case COOP_F_ACTOR_RULE_PARAM: {
        int r = coop_cfg_actor(cfg, ref->index)->rule;
        (*want)++;
        if (!sub || (ref->sub = coop_rule_param(r, sub)) < 0) {
            char names[256], hint[CFG_HINT_MAX];
            cfg_rule_param_names(names, sizeof names, r);
            snprintf(why, size, "rule '%s' of actor '%s' has no parameter '%s' (parameters: %s)%s",
                     coop_rules[r].name, coop_cfg_actor_name(cfg, ref->index), sub ? sub : "",
                     names,
                     cfg_hint(hint, sub ? sub : "", names));
            return COOP_ECONFIG;
        }
        break;
    }
    case COOP_F_TIE_OBS:
        (*want)++;
        if (!sub || (ref->sub = coop_config_observable(cfg, sub)) < 0) {
            char hint[CFG_HINT_MAX];
            snprintf(why, size, "no observable named '%s'%s", sub ? sub : "",
                     cfg_observable_hint(hint, cfg, sub ? sub : ""));
            return COOP_ECONFIG;
        }
        break;
    case COOP_F_DOMAIN_B:
    case COOP_F_DOMAIN_C:
        if (!cfg->domains[ref->index].donation) {
            snprintf(why, size, "domain '%s' is not a donation game (it has R, S, T, P)",
                     cfg->domains[ref->index].name);
            return COOP_ECONFIG;
        }
        break;
    default: break;
    }
    return COOP_OK;
}

/* Resolves path into ref; on failure writes the reason (without the path) to why. */
int cfg_resolve(const coop_config *cfg, const char *path, coop_param_ref *ref, char *why,
                size_t size)
{
    char buf[COOP_PATH_MAX], *comp[8];
    int n = 0;
    if (strlen(path) >= sizeof buf) {
        snprintf(why, size, "longer than %d characters", COOP_PATH_MAX - 1);
        return COOP_ECONFIG;
    }
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf; n < 8;) {
        comp[n++] = s;
        char *dot = strchr(s, '.');
        if (!dot)
            break;
        *dot = '\0';
        s = dot + 1;
    }
    ref->index = ref->sub = 0;
    const char *c0 = comp[0];
    int scope = -1, rest = 1, index = 0, st;
    char known[512];
    if ((st = resolve_scope(cfg, comp, n, &scope, &index, &rest, why, size)))
        return st;
    ref->index = index;
    const char *kn = rest < n ? comp[rest] : "";
    if (scope == SC_ACTOR && strcmp(kn, "motivator") == 0) {
        if (coop_cfg_actor(cfg, index)->motivator.target < 0) {
            snprintf(why, size, "actor '%s' has no motivator role",
                     coop_cfg_actor_name(cfg, index));
            return COOP_ECONFIG;
        }
        scope = SC_MOTIVATOR, rest++;
        kn = rest < n ? comp[rest] : "";
    }
    const key *k = scope == SC_TOP ? cfg_find_key(SC_TOP, c0) : cfg_find_key(scope, kn);
    if (!k || k->field == NOFIELD) {
        numeric_keys(known, sizeof known, scope);
        char hint[CFG_HINT_MAX];
        snprintf(why, size, "'%s' is not a numeric parameter (numeric: %s)%s", kn[0] ? kn : c0,
                 known, cfg_hint(hint, kn[0] ? kn : c0, known));
        return COOP_ECONFIG;
    }
    ref->field = (coop_field)k->field;
    int want = rest + 1; /* components a plain key uses */
    const char *sub = rest + 1 < n ? comp[rest + 1] : NULL;
    if ((st = resolve_sub(cfg, k, sub, ref, &want, why, size)))
        return st;
    if (n != want) {
        snprintf(why, size, "names no numeric parameter: '%s' has no parts",
                 rest < n ? comp[rest] : c0);
        return COOP_ECONFIG;
    }
    return COOP_OK;
}

int coop_config_resolve(const coop_config *cfg, const char *path, coop_param_ref *ref,
                        coop_err *err)
{
    char why[COOP_ERR_MAX];
    if (cfg_resolve(cfg, path, ref, why, sizeof why))
        return COOP_FAIL(err, COOP_ECONFIG, "%s: %s", path, why);
    return COOP_OK;
}

/* The double a valid ref designates, with its allowed range. */
double *cfg_param_ptr(const coop_config *cfg, const coop_param_ref *r, double *min,
                      double *max, int *flags)
{
    const key *k = (r->field >= 0 && r->field < COOP_N_FIELDS) ? cfg_find_field(r->field) : NULL;
    if (!k)
        return NULL;
    *min = k->min, *max = k->max, *flags = k->flags;
    size_t i = (size_t)r->index;
    int sub = r->sub;
    void *base = NULL;
    const coop_tie_cfg *tc;
    switch (k->scope) {
    case SC_TOP:
    case SC_ENGAGEMENT: base = (void *)cfg; break;
    case SC_INSTITUTIONS:
        if (r->field == COOP_F_INST_THETA || r->field == COOP_F_INST_OMEGA) {
            if (sub < 0 || sub >= cfg->inst.n_levels)
                return NULL;
            return (double *)(r->field == COOP_F_INST_THETA ? cfg->inst.theta : cfg->inst.omega) + sub;
        }
        base = (void *)&cfg->inst;
        break;
    case SC_DOMAIN:
        if (i >= cfg->n_domains)
            return NULL;
        base = &cfg->domains[i];
        break;
    case SC_OBSERVABLE:
        if (i >= cfg->n_observables)
            return NULL;
        base = &cfg->observables[i];
        break;
    case SC_ACTOR:
    case SC_MOTIVATOR:
        if (i >= cfg->n_actors)
            return NULL;
        if (r->field == COOP_F_ACTOR_GOAL)
            return (sub >= 0 && (size_t)sub < cfg->n_domains) ? &coop_cfg_actor(cfg, i)->goals[sub]
                                                              : NULL;
        if (r->field == COOP_F_ACTOR_RULE_PARAM) {
            const coop_rule_info *ri = &coop_rules[coop_cfg_actor(cfg, i)->rule];
            if (sub < 0 || sub >= ri->n_params)
                return NULL;
            *min = ri->min[sub], *max = ri->max[sub], *flags = 0;
            return (double *)&coop_cfg_actor(cfg, i)->rule_param[sub];
        }
        base = k->scope == SC_ACTOR ? (void *)coop_cfg_actor(cfg, i)
                                    : (void *)&coop_cfg_actor(cfg, i)->motivator;
        break;
    case SC_TIE:
        if (i >= cfg->n_ties)
            return NULL;
        if (!cfg->ties) { /* a generated tie, read-only: its values in this thread's copy */
            static _Thread_local coop_tie_cfg one;
            one = coop_cfg_tie(cfg, i);
            tc = &one;
        } else {
            tc = &cfg->ties[i];
        }
        if (r->field == COOP_F_TIE_OBS)
            return (sub >= 0 && (size_t)sub < cfg->n_observables) ? &tc->obs0[sub] : NULL;
        base = (void *)tc;
        break;
    default: return NULL;
    }
    return (double *)((char *)base + k->off);
}

int coop_config_ref_path(const coop_config *cfg, const coop_param_ref *ref, char *buf, size_t size)
{
    double lo, hi;
    int fl;
    const key *k = cfg_find_field(ref->field);
    if (!cfg_param_ptr(cfg, ref, &lo, &hi, &fl) || !k)
        return COOP_EINVAL;
    int i = ref->index, sub = ref->sub;
    switch (k->scope) {
    case SC_TOP: snprintf(buf, size, "%s", k->name); break;
    case SC_ENGAGEMENT: snprintf(buf, size, "engagement.%s", k->name); break;
    case SC_INSTITUTIONS:
        if (k->type == V_FLOATS)
            snprintf(buf, size, "institutions.%s.%d", k->name, sub);
        else
            snprintf(buf, size, "institutions.%s", k->name);
        break;
    case SC_DOMAIN: snprintf(buf, size, "domains.%s.%s", cfg->domains[i].name, k->name); break;
    case SC_OBSERVABLE: snprintf(buf, size, "observables.%s.%s", cfg->observables[i].name, k->name); break;
    case SC_MOTIVATOR:
        snprintf(buf, size, "actors.%s.motivator.%s", coop_cfg_actor_name(cfg, i), k->name);
        break;
    case SC_ACTOR:
        if (ref->field == COOP_F_ACTOR_GOAL)
            snprintf(buf, size, "actors.%s.goals.%s", coop_cfg_actor_name(cfg, i),
                     cfg->domains[sub].name);
        else if (ref->field == COOP_F_ACTOR_RULE_PARAM)
            snprintf(buf, size, "actors.%s.rule_params.%s", coop_cfg_actor_name(cfg, i),
                     coop_rules[coop_cfg_actor(cfg, i)->rule].param[sub]);
        else
            snprintf(buf, size, "actors.%s.%s", coop_cfg_actor_name(cfg, i), k->name);
        break;
    case SC_TIE: {
        coop_tie_cfg tie = coop_cfg_tie(cfg, i);
        const coop_tie_cfg *t = &tie;
        if (ref->field == COOP_F_TIE_OBS)
            snprintf(buf, size, "ties.%s-%s.observables.%s", coop_cfg_actor_name(cfg, t->a),
                     coop_cfg_actor_name(cfg, t->b), cfg->observables[sub].name);
        else
            snprintf(buf, size, "ties.%s-%s.%s", coop_cfg_actor_name(cfg, t->a),
                     coop_cfg_actor_name(cfg, t->b), k->name);
        break;
    }
    default: return COOP_EINVAL;
    }
    return COOP_OK;
}

double coop_config_get_param(const coop_config *cfg, const coop_param_ref *ref)
{
    double lo, hi;
    int fl;
    const double *p = cfg_param_ptr(cfg, ref, &lo, &hi, &fl);
    return p ? *p : NAN;
}

int coop_goal_share(double *g, size_t n, int sub, double x)
{
    double others = 0.0;
    for (size_t d = 0; d < n; d++)
        others += (int)d != sub ? g[d] : 0.0;
    if (!(others > 0.0))
        return -1;
    for (size_t d = 0; d < n; d++)
        g[d] = (int)d != sub ? g[d] * (1.0 - x) / others : x;
    return 0;
}

int coop_config_set_param(coop_config *cfg, const coop_param_ref *ref, coop_op op, double value,
                          coop_err *err)
{
    double lo, hi;
    int fl;
    /* a generated actor or tie is materialised before it changes (coop_pop_cfg) */
    const key *k = (ref->field >= 0 && ref->field < COOP_N_FIELDS) ? cfg_find_field(ref->field)
                                                                      : NULL;
    size_t ix = (size_t)ref->index;
    int scope = k ? (int)k->scope : -1;
    if (((scope == SC_ACTOR || scope == SC_MOTIVATOR) && ix < cfg->n_actors
         && !coop_cfg_actor_edit(cfg, ix))
        || (scope == SC_TIE && ix < cfg->n_ties && !coop_cfg_tie_edit(cfg, ix)))
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory changing a generated actor or tie");
    double *p = cfg_param_ptr(cfg, ref, &lo, &hi, &fl);
    char path[COOP_PATH_MAX * 2], v[40], r[96];
    if (!p || coop_config_ref_path(cfg, ref, path, sizeof path))
        return COOP_FAIL(err, COOP_EINVAL, "invalid parameter reference (field %d, index %d, sub %d)",
                         (int)ref->field, ref->index, ref->sub);
    double x = op == COOP_OP_ADD ? *p + value : op == COOP_OP_MUL ? *p * value : value;
    if (ref->field == COOP_F_ACTOR_GOAL)
        lo = 0, hi = 1, fl = 0; /* a share */
    cfg_fmt_num(v, sizeof v, x);
    cfg_fmt_range(r, sizeof r, lo, hi, fl);
    if (!isfinite(x) || !cfg_in_range(x, lo, hi, fl))
        return COOP_FAIL(err, COOP_ECONFIG, "%s = %s is out of range %s", path, v, r);
    if (ref->field == COOP_F_ACTOR_GOAL) {
        /* The domain gets share x; the others keep their proportions. */
        double *g = coop_cfg_actor(cfg, ref->index)->goals;
        if (coop_goal_share(g, cfg->n_domains, ref->sub, x) && x < 1)
            return COOP_FAIL(err, COOP_ECONFIG, "%s = %s: the other goal weights are all 0, so "
                             "the share of this domain must stay 1", path, v);
        *p = x;
        return COOP_OK;
    }
    if (ref->field == COOP_F_INST_THETA) {
        const double *t = cfg->inst.theta;
        int l = ref->sub;
        if ((l > 0 && x < t[l - 1]) || (l + 1 < cfg->inst.n_levels && x > t[l + 1]))
            return COOP_FAIL(err, COOP_ECONFIG, "%s = %s would make institutions.theta decrease",
                             path, v);
    }
    *p = x;
    if (ref->field == COOP_F_DOMAIN_B || ref->field == COOP_F_DOMAIN_C) {
        coop_domain_cfg *d = &cfg->domains[ref->index];
        d->R = d->b - d->c, d->S = -d->c, d->T = d->b, d->P = 0;
    }
    return COOP_OK;
}
