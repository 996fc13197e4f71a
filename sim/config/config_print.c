/* config_print.c: the printer of a resolved configuration (a results manifest is
 * one), driven by the schema table, and the `validation`, `sensitivity` and `infer`
 * groups kept as text for it.
 * network.file and validation.trade_file are printed absolute, or, by
 * coop_config_print_in, relative to the manifest's directory. */
#define _XOPEN_SOURCE 700 /* realpath (the validation group's trade_file); POSIX.1-2008 */

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
/* Printer                                                                   */
/* ------------------------------------------------------------------------ */

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\x%02x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void put_float(FILE *out, double v)
{
    char buf[64];
    cfg_fmt_float(buf, sizeof buf, v);
    fputs(buf, out);
}

static void put_key(FILE *out, int ind, const char *name)
{
    fprintf(out, "%*s%s = ", ind, "", name);
}

/* ---- the validation group, kept as text ---- */

/* Writes the value of libconfig setting s as libconfig text whose closing bracket
 * is indented by ind: groups and lists one member a line, arrays on one line,
 * integers as read (64-bit ones with the L suffix), floats exactly (fmt_float),
 * strings escaped.  The string setting `subst` is written as `with` instead. */
static void put_setting_value(FILE *out, int ind, const config_setting_t *s,
                              const config_setting_t *subst, const char *with)
{
    int n = config_setting_length(s);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: fprintf(out, "%d", config_setting_get_int(s)); break;
    case CONFIG_TYPE_INT64: fprintf(out, "%lldL", config_setting_get_int64(s)); break;
    case CONFIG_TYPE_FLOAT: {
        double v = config_setting_get_float(s);
        if (isinf(v)) /* a literal beyond the doubles: reads back as the same infinity */
            fputs(v > 0 ? "1e999" : "-1e999", out);
        else
            put_float(out, v);
        break;
    }
    case CONFIG_TYPE_BOOL: fputs(config_setting_get_bool(s) ? "true" : "false", out); break;
    case CONFIG_TYPE_STRING:
        put_string(out, s == subst ? with : config_setting_get_string(s));
        break;
    case CONFIG_TYPE_GROUP:
        fputs("{\n", out);
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            put_key(out, ind + 2, config_setting_name(e));
            put_setting_value(out, ind + 2, e, subst, with);
            fputs(";\n", out);
        }
        fprintf(out, "%*s}", ind, "");
        break;
    case CONFIG_TYPE_ARRAY:
        fputs("[ ", out);
        for (int i = 0; i < n; i++) {
            put_setting_value(out, ind, config_setting_get_elem(s, (unsigned)i), subst, with);
            fputs(i + 1 < n ? ", " : " ", out);
        }
        fputs("]", out);
        break;
    case CONFIG_TYPE_LIST:
        if (!n) {
            fputs("( )", out);
            break;
        }
        fputs("(\n", out);
        for (int i = 0; i < n; i++) {
            fprintf(out, "%*s", ind + 2, "");
            put_setting_value(out, ind + 2, config_setting_get_elem(s, (unsigned)i), subst, with);
            fputs(i + 1 < n ? ",\n" : "\n", out);
        }
        fprintf(out, "%*s)", ind, "");
        break;
    default: break;
    }
}

/* The group g as the text "NAME = ...;\n" (put_setting_value: the string setting
 * subst written as with) into *text, owned; COOP_ENOMEM when it cannot be built. */
static int group_text(const ctx *c, const config_setting_t *g, const config_setting_t *subst,
                      const char *with, char **text)
{
    size_t len = 0;
    FILE *m = open_memstream(text, &len);
    if (!m)
        return cfg_nomem(c->err);
    fprintf(m, "%s = ", config_setting_name(g));
    put_setting_value(m, 0, g, subst, with);
    fputs(";\n", m);
    int bad = ferror(m);
    if (fclose(m) != 0 || bad) {
        free(*text);
        *text = NULL;
        return cfg_nomem(c->err);
    }
    return COOP_OK;
}

/* Keeps the file's `validation` group (when it has one) in cfg->validation as the
 * text "validation = ...;\n" that coop_config_print writes, so that a manifest can
 * be validated again.  validation.trade_file is relative to the configuration's
 * directory (sim/analysis/validate.c); a relative one that names an existing file is
 * kept as that file's absolute path (realpath); coop_config_print_in writes it
 * relative to the results directory, so a manifest finds it from any directory and
 * on any machine that has the tree; otherwise it is kept as written (validate
 * reports it).  Comments
 * are not kept.  COOP_ENOMEM when the text cannot be built. */
int cfg_keep_validation(const ctx *c, const config_setting_t *root, coop_config *cfg)
{
    const config_setting_t *g = config_setting_get_member(root, "validation");
    if (!g)
        return COOP_OK;
    const config_setting_t *tf = config_setting_is_group(g)
                                     ? config_setting_get_member(g, "trade_file") : NULL;
    const char *file = tf ? config_setting_get_string(tf) : NULL;
    char *abs = NULL;
    if (file && file[0] && file[0] != '/') {
        const char *slash = strrchr(c->file, '/');
        size_t dl = slash ? (size_t)(slash - c->file) + 1 : 0;
        char *joined = malloc(dl + strlen(file) + 1);
        if (!joined)
            return cfg_nomem(c->err);
        memcpy(joined, c->file, dl);
        strcpy(joined + dl, file);
        abs = realpath(joined, NULL); /* NULL (kept as written) when it does not resolve */
        free(joined);
    }
    int st = group_text(c, g, abs ? tf : NULL, abs, &cfg->validation);
    free(abs);
    return st;
}

int cfg_keep_group(const ctx *c, const config_setting_t *root, const char *name, char **text)
{
    const config_setting_t *g = config_setting_get_member(root, name);
    return g ? group_text(c, g, NULL, NULL, text) : COOP_OK;
}

static void print_generic(FILE *out, int ind, const key *k, const void *base)
{
    const void *p = (const char *)base + k->off;
    put_key(out, ind, k->name);
    switch (k->type) {
    case V_FLOAT: put_float(out, *(const double *)p); break;
    case V_INT: fprintf(out, "%d", *(const int *)p); break;
    case V_SEED: {
        unsigned long v = *(const unsigned long *)p;
        fprintf(out, v > INT_MAX ? "%luL" : "%lu", v);
        break;
    }
    case V_TEXT: put_string(out, (const char *)p); break;
    case V_ENUM: {
        int i;
        memcpy(&i, p, sizeof i);
        put_string(out, k->enums[i]);
        break;
    }
    default: break;
    }
    fputs(";\n", out);
}

typedef void special_fn(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i);

static void print_scope(FILE *out, int ind, int scope, const void *base, special_fn *special,
                        const coop_config *cfg, size_t i)
{
    for (size_t j = 0; j < cfg_n_keys; j++) {
        const key *k = &cfg_schema[j];
        if (k->scope != scope)
            continue;
        if (k->type == V_IGNORED) {
            if (special) /* special_top prints the kept validation group */
                special(out, ind, k, cfg, i);
            continue;
        }
        if (k->off != NOOFF && !(k->flags & K_PAYOFF))
            print_generic(out, ind, k, base);
        else if (special)
            special(out, ind, k, cfg, i);
    }
}

static void print_name_of(FILE *out, int ind, const char *key, const coop_config *cfg, int actor)
{
    put_key(out, ind, key);
    put_string(out, actor >= 0 ? coop_cfg_actor_name(cfg, actor) : "");
    fputs(";\n", out);
}

static void special_motivator(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    if (strcmp(k->name, "target") == 0)
        print_name_of(out, ind, "target", cfg, coop_cfg_actor(cfg, i)->motivator.target);
}

static void special_actor_of(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i,
                             const coop_actor_cfg *a);

static void special_actor(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    special_actor_of(out, ind, k, cfg, i, coop_cfg_actor(cfg, i));
}

static void special_template(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    special_actor_of(out, ind, k, cfg, i, &cfg->tmpl);
}

static void special_network(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    if (strcmp(k->name, "self") == 0 || strcmp(k->name, "series_nodes") == 0) {
        put_key(out, ind, k->name);
        int v = strcmp(k->name, "self") == 0 ? cfg->net.self : cfg->net.series_nodes;
        fputs(v ? "true;\n" : "false;\n", out);
    } else if (strcmp(k->name, "file") == 0 && cfg->net.type == COOP_NET_FILE) {
        put_key(out, ind, "file");
        put_string(out, cfg->net.file);
        fputs(";\n", out);
    }
}

static void special_actor_of(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i,
                             const coop_actor_cfg *a)
{
    (void)i;
    const coop_rule_info *ri = &coop_rules[a->rule];
    if (strcmp(k->name, "goals") == 0) {
        fprintf(out, "%*sgoals = {\n", ind, "");
        for (size_t d = 0; d < cfg->n_domains; d++) {
            put_key(out, ind + 2, cfg->domains[d].name);
            put_float(out, a->goals[d]);
            fputs(";\n", out);
        }
        fprintf(out, "%*s};\n", ind, "");
    } else if (strcmp(k->name, "rule") == 0) {
        put_key(out, ind, "rule");
        put_string(out, ri->name);
        fputs(";\n", out);
    } else if (strcmp(k->name, "rule_params") == 0) {
        fprintf(out, "%*srule_params = {", ind, "");
        for (int p = 0; p < ri->n_params; p++) {
            fprintf(out, "%s%*s%s = ", p ? "" : "\n", ind + 2, "", ri->param[p]);
            put_float(out, a->rule_param[p]);
            fputs(";\n", out);
        }
        fprintf(out, "%*s};\n", ri->n_params ? ind : 1, "");
    } else if (strcmp(k->name, "motivator") == 0 && a->motivator.target >= 0) {
        fprintf(out, "%*smotivator = {\n", ind, "");
        print_scope(out, ind + 2, SC_MOTIVATOR, &a->motivator, special_motivator, cfg, i);
        fprintf(out, "%*s};\n", ind, "");
    }
}

static void special_domain(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    const coop_domain_cfg *d = &cfg->domains[i];
    int bc = strcmp(k->name, "b") == 0 || strcmp(k->name, "c") == 0;
    if ((k->flags & K_PAYOFF) && bc == d->donation)
        print_generic(out, ind, k, d);
}

static void special_observable(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    if (strcmp(k->name, "domains") != 0)
        return;
    fprintf(out, "%*sdomains = [", ind, "");
    int first = 1;
    for (size_t d = 0; d < cfg->n_domains; d++)
        if (cfg->observables[i].drive[d]) {
            fputs(first ? " " : ", ", out);
            put_string(out, cfg->domains[d].name);
            first = 0;
        }
    fputs(" ];\n", out);
}

static void special_tie(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    const coop_tie_cfg *t = &cfg->ties[i];
    if (strcmp(k->name, "a") == 0 || strcmp(k->name, "b") == 0) {
        print_name_of(out, ind, k->name, cfg, k->name[0] == 'a' ? t->a : t->b);
    } else if (strcmp(k->name, "observables") == 0) {
        fprintf(out, "%*sobservables = {", ind, "");
        for (size_t o = 0; o < cfg->n_observables; o++) {
            fprintf(out, "%s%*s%s = ", o ? "" : "\n", ind + 2, "", cfg->observables[o].name);
            put_float(out, t->obs0[o]);
            fputs(";\n", out);
        }
        fprintf(out, "%*s};\n", cfg->n_observables ? ind : 1, "");
    }
}

static void special_event(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    if (strcmp(k->name, "path") == 0) {
        put_key(out, ind, "path");
        put_string(out, cfg->events[i].path);
        fputs(";\n", out);
    }
}

static void special_institutions(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    const coop_institutions_cfg *in = &cfg->inst;
    fprintf(out, "%*s%s = [ ", ind, "", k->name);
    for (int l = 0; l < in->n_levels; l++) {
        if (l)
            fputs(", ", out);
        if (strcmp(k->name, "levels") == 0)
            put_string(out, in->level_name[l]);
        else
            put_float(out, strcmp(k->name, "theta") == 0 ? in->theta[l] : in->omega[l]);
    }
    fputs(" ];\n", out);
}

static void special_hypothesis(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    if (strcmp(k->name, "weights") == 0) {
        const coop_hypothesis_cfg *h = &cfg->hyp;
        if (h->n_weights == 0) {
            fprintf(out, "%*sweights = \"equal\";\n", ind, "");
            return;
        }
        fprintf(out, "%*sweights = {", ind, "");
        for (int w = 0; w < h->n_weights; w++) {
            fprintf(out, " %s = ", coop_cfg_actor_name(cfg, h->weight_actor[w]));
            put_float(out, h->weight[w]);
            fputc(';', out);
        }
        fputs(" };\n", out);
        return;
    }
    if (strcmp(k->name, "sesoi") == 0) {
        fprintf(out, "%*ssesoi = {\n", ind, "");
        print_scope(out, ind + 2, SC_SESOI, &cfg->hyp, NULL, cfg, 0);
        fprintf(out, "%*s};\n", ind, "");
        return;
    }
    if (strcmp(k->name, "placebo") == 0) {
        fprintf(out, "%*splacebo = [", ind, "");
        for (int p = 0; p < cfg->hyp.n_placebo; p++) {
            fputs(p ? ", " : " ", out);
            put_string(out, coop_cfg_actor_name(cfg, cfg->hyp.placebo[p]));
        }
        fputs(" ];\n", out);
        return;
    }
    if (strcmp(k->name, "channels") == 0) {
        put_key(out, ind, "channels");
        fputs(cfg->hyp.channels ? "true;\n" : "false;\n", out);
        return;
    }
    print_name_of(out, ind, k->name, cfg,
                  strcmp(k->name, "motivator") == 0 ? cfg->hyp.motivator : cfg->hyp.target);
}

static void special_output(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    if (strcmp(k->name, "snapshots") != 0)
        return;
    fprintf(out, "%*ssnapshots = [", ind, "");
    for (size_t j = 0; j < cfg->n_snapshots; j++)
        fprintf(out, "%s%d", j ? ", " : " ", cfg->snapshots[j]);
    fputs(" ];\n", out);
}

/* A top-level list of groups: each element printed by its scope. */
static void print_list(FILE *out, const char *name, size_t n, int scope, const void *first,
                       size_t size, special_fn *special, const coop_config *cfg)
{
    fprintf(out, "%s = (", name);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n  {\n" : "\n  {\n", out);
        print_scope(out, 4, scope, (const char *)first + i * size, special, cfg, i);
        fputs("  }", out);
    }
    fputs(n ? "\n);\n" : " );\n", out);
}

/* The sweep group, when the configuration has one: per parameter only the keys
 * its method reads, and rows only for method list, so that the output loads. */
static void print_floats(FILE *out, const double *v, size_t n)
{
    fputs("[", out);
    for (size_t k = 0; k < n; k++) {
        fputs(k ? ", " : " ", out);
        put_float(out, v[k]);
    }
    fputs(" ]", out);
}

static void special_sweep(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)i;
    const coop_sweep_cfg *sw = &cfg->sweep;
    int ranged = sw->method == COOP_SWEEP_LHS || sw->method == COOP_SWEEP_SOBOL;
    if (strcmp(k->name, "seed") == 0) {
        put_key(out, ind, "seed");
        fprintf(out, sw->seed > INT_MAX ? "%luL;\n" : "%lu;\n", sw->seed);
    } else if (strcmp(k->name, "parameters") == 0) {
        fprintf(out, "%*sparameters = (", ind, "");
        for (size_t j = 0; j < sw->n_params; j++) {
            const coop_sweep_param_cfg *p = &sw->params[j];
            fprintf(out, "%s%*s{\n", j ? ",\n" : "\n", ind + 2, "");
            put_key(out, ind + 4, "path");
            put_string(out, p->path);
            fputs(";\n", out);
            if (ranged) {
                put_key(out, ind + 4, "min");
                put_float(out, p->min);
                fputs(";\n", out);
                put_key(out, ind + 4, "max");
                put_float(out, p->max);
                fputs(";\n", out);
                put_key(out, ind + 4, "log");
                fputs(p->log ? "true;\n" : "false;\n", out);
            } else if (sw->method == COOP_SWEEP_GRID) {
                put_key(out, ind + 4, "values");
                print_floats(out, p->values, p->n_values);
                fputs(";\n", out);
            }
            fprintf(out, "%*s}", ind + 2, "");
        }
        fprintf(out, "\n%*s);\n", ind, "");
    } else if (strcmp(k->name, "rows") == 0 && sw->method == COOP_SWEEP_LIST) {
        fprintf(out, "%*srows = (", ind, "");
        for (size_t r = 0; r < sw->n_rows; r++) {
            fprintf(out, "%s%*s", r ? ",\n" : "\n", ind + 2, "");
            print_floats(out, sw->rows + r * sw->n_params, sw->n_params);
        }
        fprintf(out, "\n%*s);\n", ind, "");
    }
}

/* actor_overrides: per element its selectors, then only the keys it gives. */
static void print_overrides(FILE *out, const coop_config *cfg)
{
    fputs("actor_overrides = (", out);
    for (size_t i = 0; i < cfg->n_overrides; i++) {
        const coop_override_cfg *o = &cfg->overrides[i];
        fputs(i ? ",\n  {\n" : "\n  {\n", out);
        if (o->n_nodes) { /* 16 a line: lines stay far below COOP_CONFIG_MAX_LINE */
            put_key(out, 4, "nodes");
            for (size_t j = 0; j < o->n_nodes; j++)
                fprintf(out, "%s%d", j == 0 ? "[ " : j % 16 ? ", " : ",\n      ", o->nodes[j]);
            fputs(" ];\n", out);
        }
        if (o->from >= 0)
            fprintf(out, "    from = %d;\n    to = %d;\n", o->from, o->to);
        if (o->in_region[0]) {
            put_key(out, 4, "in_region");
            put_string(out, o->in_region);
            fputs(";\n", out);
        }
        for (size_t j = 0; j < cfg_n_keys; j++) {
            const key *k = &cfg_schema[j];
            if (!cfg_template_key(k) || !(o->set & cfg_actor_bit(k)))
                continue;
            if (k->off != NOOFF)
                print_generic(out, 4, k, &o->a);
            else
                special_actor_of(out, 4, k, cfg, 0, &o->a);
        }
        fputs("  }", out);
    }
    fputs("\n);\n", out);
}

static void special_top(FILE *out, int ind, const key *k, const coop_config *cfg, size_t i)
{
    (void)ind, (void)i;
    const char *n = k->name;
    int scope = cfg_child_scope(n);
    if (strcmp(n, "network") == 0) {
        if (cfg->net.present) {
            fputs("network = {\n", out);
            print_scope(out, 2, SC_NETWORK, &cfg->net, special_network, cfg, 0);
            fputs("};\n", out);
        }
    } else if (strcmp(n, "actor_template") == 0) {
        if (cfg->net.present) {
            fputs("actor_template = {\n", out);
            for (size_t j = 0; j < cfg_n_keys; j++) {
                const key *ka = &cfg_schema[j];
                if (ka->scope != SC_ACTOR || strcmp(ka->name, "name") == 0
                    || strcmp(ka->name, "motivator") == 0)
                    continue;
                if (ka->off != NOOFF)
                    print_generic(out, 2, ka, &cfg->tmpl);
                else
                    special_template(out, 2, ka, cfg, 0);
            }
            fputs("};\n", out);
        }
    } else if (strcmp(n, "actor_overrides") == 0) {
        if (cfg->net.present && cfg->n_overrides)
            print_overrides(out, cfg);
    } else if (cfg->net.present && (strcmp(n, "actors") == 0 || strcmp(n, "ties") == 0)) {
        /* generated: the network group and the template describe them */
    } else if (k->type == V_GROUP && scope == SC_SWEEP) {
        if (cfg->sweep.present) {
            fputs("sweep = {\n", out);
            print_scope(out, 2, SC_SWEEP, &cfg->sweep, special_sweep, cfg, 0);
            fputs("};\n", out);
        }
    } else if (k->type == V_GROUP) {
        special_fn *fn = scope == SC_INSTITUTIONS ? special_institutions
                         : scope == SC_HYPOTHESIS ? special_hypothesis
                         : scope == SC_OUTPUT     ? special_output
                                                  : NULL;
        const void *base = scope == SC_INSTITUTIONS ? (const void *)&cfg->inst
                           : scope == SC_HYPOTHESIS ? (const void *)&cfg->hyp
                                                    : (const void *)cfg;
        fprintf(out, "%s = {\n", n);
        print_scope(out, 2, scope, base, fn, cfg, 0);
        fputs("};\n", out);
    } else if (strcmp(n, "domains") == 0) {
        print_list(out, n, cfg->n_domains, scope, cfg->domains, sizeof *cfg->domains,
                   special_domain, cfg);
    } else if (strcmp(n, "observables") == 0) {
        print_list(out, n, cfg->n_observables, scope, cfg->observables,
                   sizeof *cfg->observables, special_observable, cfg);
    } else if (strcmp(n, "actors") == 0) {
        print_list(out, n, cfg->n_actors, scope, cfg->actors, sizeof *cfg->actors, special_actor, cfg);
    } else if (strcmp(n, "ties") == 0) {
        print_list(out, n, cfg->n_ties, scope, cfg->ties, sizeof *cfg->ties, special_tie, cfg);
    } else if (strcmp(n, "events") == 0) {
        print_list(out, n, cfg->n_events, scope, cfg->events, sizeof *cfg->events, special_event, cfg);
    } else if (strcmp(n, "validation") == 0 || strcmp(n, "sensitivity") == 0 ||
               strcmp(n, "infer") == 0) { /* the groups kept as text */
        const char *text = n[0] == 'v' ? cfg->validation : n[0] == 's' ? cfg->sensitivity
                                                                        : cfg->infer;
        if (text)
            fputs(text, out);
    }
}

/* target relative to directory dir, both absolute and canonical, into buf. */
static void relative_to(const char *dir, const char *target, char *buf, size_t size)
{
    size_t common = 0, dl = strlen(dir);
    for (size_t i = 0; dir[i] && dir[i] == target[i]; i++)
        if (dir[i] == '/')
            common = i + 1;
    if (strncmp(dir, target, dl) == 0 && target[dl] == '/')
        common = dl + 1;
    buf[0] = '\0';
    for (const char *p = common < dl ? dir + common : ""; *p;) { /* one ../ a component */
        cfg_cat(buf, size, "../");
        p += strcspn(p, "/");
        p += *p == '/';
    }
    cfg_cat(buf, size, target + common);
}

/* dir as an absolute canonical path: the realpath of its longest existing
 * ancestor, then the rest as written (a results directory may not exist yet when
 * its manifest text is made).  NULL when nothing resolves or memory runs out. */
static char *canonical_dir(const char *dir)
{
    size_t n = strlen(dir);
    char *head = strdup(dir), *out = NULL;
    while (head && !out) {
        while (n > 1 && head[n - 1] == '/')
            head[--n] = '\0';
        char *r = realpath(n ? head : ".", NULL);
        if (r) {
            const char *rest = dir + n;
            while (*rest == '/')
                rest++;
            size_t k = strlen(r) + strlen(rest) + 2;
            out = malloc(k);
            if (out)
                snprintf(out, k, "%s%s%s", r, *rest && strcmp(r, "/") ? "/" : "", rest);
            free(r);
            break;
        }
        char *slash = strrchr(head, '/');
        if (!n || !slash) { /* nothing but the working directory is left */
            n = 0, head[0] = '\0';
            continue;
        }
        n = (size_t)(slash - head);
        head[n ? n : 1] = '\0', n = n ? n : 1;
    }
    free(head);
    return out;
}

/* The kept validation text with its absolute trade_file written relative to the
 * canonical directory base (a new string), or NULL when there is nothing to change
 * or memory runs out (the text is then printed as kept). */
static char *validation_in(const char *text, const char *base)
{
    static const char tag[] = "trade_file = \"/";
    const char *at = text ? strstr(text, tag) : NULL;
    if (!at || !base)
        return NULL;
    const char *file = at + sizeof tag - 2, *end = strchr(file, '"');
    char abs[4 * COOP_PATH_MAX], rel[4 * COOP_PATH_MAX];
    if (!end || (size_t)(end - file) >= sizeof abs)
        return NULL;
    memcpy(abs, file, (size_t)(end - file));
    abs[end - file] = '\0';
    relative_to(base, abs, rel, sizeof rel);
    size_t n = strlen(text) - (size_t)(end - file) + strlen(rel) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s%s%s", (int)(file - text), text, rel, end);
    return out;
}

int coop_config_print_in(const coop_config *cfg, FILE *out, const char *dir)
{
    coop_config shown = *cfg; /* shallow: only net.file and the validation text differ */
    char *base = dir ? canonical_dir(dir) : NULL, *validation = validation_in(cfg->validation, base);
    if (cfg->net.present && cfg->net.type == COOP_NET_FILE) {
        char *file = realpath(cfg->net.file, NULL);
        if (file && base)
            relative_to(base, file, shown.net.file, sizeof shown.net.file);
        else if (file && strlen(file) < sizeof shown.net.file)
            memcpy(shown.net.file, file, strlen(file) + 1);
        free(file);
    }
    if (validation)
        shown.validation = validation;
    fputs("# coopsim configuration, fully resolved: every key, defaults filled in.\n", out);
    print_scope(out, 0, SC_TOP, &shown, special_top, &shown, 0);
    free(validation);
    free(base);
    if (fflush(out) != 0 || ferror(out))
        return COOP_EIO;
    return COOP_OK;
}

int coop_config_print(const coop_config *cfg, FILE *out)
{
    return coop_config_print_in(cfg, out, NULL);
}
