/* config_internal.h: private to the configuration files (sim/config_*.c): the
 * schema's key type and scopes, the loading context, and the helpers the files
 * share.  Not in include/ and not included by any other module.
 *
 * The files: config_schema.c (the key table, its lookups, typed reading of keys,
 * errors with their location, the schema as documentation), config_load.c (files,
 * limits, the scopes, events, sweeps, load/destroy/copy), config_actors.c (actors,
 * ties, and the description of a generated population, which the model layer
 * builds through ctx.build), config_params.c (parameter paths and the
 * --set overrides), config_print.c (the printer), config_pop.c (the accessors of
 * actors and ties and the compact generated population, coop_pop_cfg). */
#ifndef COOP_CONFIG_INTERNAL_H
#define COOP_CONFIG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <libconfig.h>

#include "coop_config.h"
#include "coop_suggest.h"

/* Where a key lives; the prefix is how docs and messages write the scope. */
enum scope {
    SC_TOP, SC_EXPERIMENT, SC_TIME, SC_DOMAIN, SC_OBSERVABLE, SC_ACTOR, SC_MOTIVATOR,
    SC_TIE, SC_INSTITUTIONS, SC_ENGAGEMENT, SC_EVENT, SC_OUTPUT, SC_HYPOTHESIS,
    SC_SWEEP, SC_SWEEP_PARAM, SC_NETWORK, SC_OVERRIDE, SC_SESOI, N_SCOPES
};

/* Value types.  The scalar ones (V_FLOAT .. V_ENUM) with an offset are loaded and
 * printed by generic code; the others are handled by hand in their scope. */
enum vtype {
    V_FLOAT,   /* double; int settings accepted (auto-convert) */
    V_INT,     /* int; float settings rejected */
    V_SEED,    /* unsigned long in [0, 2^32-1]; int64 (L suffix) accepted */
    V_TEXT,    /* char[COOP_NAME_MAX], checked against a character class */
    V_ENUM,    /* int index into key.enums */
    V_GROUP,   /* a group { ... } */
    V_LIST,    /* a list ( { ... }, ... ) of groups */
    V_MAP,     /* a group NAME = number; ... */
    V_NAMES,   /* an array (or list) of strings */
    V_FLOATS,  /* an array (or list) of numbers */
    V_REF,     /* a string naming an actor */
    V_PATHS,   /* a string or an array of strings */
    V_IGNORED, /* accepted, not checked (run: not printed; validation: printed as text) */
    V_BOOL,    /* true or false */
    V_ROWS,    /* a list of arrays (or lists) of numbers */
    V_INTS     /* an array (or list) of integers */
};

/* Character classes of names. */
enum { CH_ANY, CH_IDENT, CH_IDENT0, CH_KEY, CH_FILE };

enum {
    K_REQUIRED = 1,  /* no default: the key must be given */
    K_MIN_OPEN = 2,  /* range excludes min */
    K_MAX_OPEN = 4,  /* range excludes max */
    K_PAYOFF = 8,    /* R, S, T, P, b, c: loaded and printed in the domain's form only */
};

#define NOOFF ((size_t)-1)
#define NOFIELD (-1)

typedef struct key {
    unsigned char scope, type, chars, flags;
    const char *name;
    double def;                 /* default of numbers */
    const char *sdef;           /* default of strings and enums; else the default in words */
    double min, max;            /* allowed range of numbers */
    size_t off;                 /* offset in the scope's struct, NOOFF when none */
    int field;                  /* coop_field when events and sweeps may change it */
    const char *const *enums;   /* V_ENUM: the names, NULL-terminated */
    const char *doc;            /* meaning; rationale or source of the default */
} key;

#define PMAX 1e6 /* bound of payoffs and event values */

/* Actor names sorted, for lookups while loading (configurations may list
 * thousands of actors and ties). */
typedef struct name_ix {
    const char *name;
    int i;
} name_ix;

typedef struct ctx {
    const char *file;  /* the configuration file, for messages */
    coop_err *err;
    name_ix *actors;   /* sorted by name, then index; NULL until the actors are read */
    size_t n_actors;
    coop_population_fn build; /* makes a generated population (NULL: none may be given) */
} ctx;

/* ---- config_schema.c: the table ---- */

extern const key cfg_schema[];
extern const size_t cfg_n_keys;
extern const char *const cfg_chars_doc[];
extern const char *const cfg_sweep_method_names[]; /* sweep.method, in coop_sweep_method order */
extern const char *const cfg_net_type_names[];     /* network.type, in coop_net_type order */
extern const char *const cfg_op_names[];           /* events' op, in coop_op order */

#define ALLOC(p, n) (((p) = cfg_alloc_array((n), sizeof *(p))) == NULL && (n) > 0)

/* ---- config_schema.c: lookups, text, errors, typed values ---- */

const key *cfg_find_key(int scope, const char *name);
const key *cfg_find_field(int field);
int cfg_child_scope(const char *top);
void cfg_cat(char *dst, size_t size, const char *src);
void cfg_join(char *dst, size_t size, const char *a, const char *b);
void cfg_fmt_num(char *buf, size_t size, double v);
void cfg_fmt_float(char *buf, size_t size, double v);
void cfg_fmt_range(char *buf, size_t size, double min, double max, int flags);
void cfg_fmt_value(char *buf, size_t size, const config_setting_t *s);
int cfg_in_range(double x, double min, double max, int flags);
int cfg_valid_name(const char *s, int chars);
/* The text fmt and ap make, malloc'd (NULL when out of memory). */
char *cfg_vformat(const char *fmt, va_list ap);
int cfg_fail(const ctx *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cfg_nomem(coop_err *err);
void cfg_known_keys(char *buf, size_t size, int scope);
void cfg_domain_names(char *buf, size_t size, const coop_config *cfg);
void cfg_rule_param_names(char *buf, size_t size, int rule);
/* "; did you mean `NAME`?" for the name nearest to word (coop_suggest.h), or "": of
 * a list "a, b, c", of the actors (the sorted index while loading, else cfg), of
 * the observables.  Each writes into hint (CFG_HINT_MAX bytes) and returns it. */
#define CFG_HINT_MAX (COOP_SUGGEST_MAX + 32)
const char *cfg_hint(char *hint, const char *word, const char *list);
const char *cfg_actor_hint(char *hint, const ctx *c, const coop_config *cfg, const char *word);
const char *cfg_observable_hint(char *hint, const coop_config *cfg, const char *word);
int cfg_get_number(const ctx *c, const config_setting_t *s, const char *path, double min,
                   double max, int flags, double *out);
int cfg_get_integer(const ctx *c, const config_setting_t *s, const char *path, double min,
                    double max, long long *out);
int cfg_get_string(const ctx *c, const config_setting_t *s, const char *path, const char **out);
/* The same, the wrong type's message saying what is expected ("a string, one of ..."). */
int cfg_get_string_as(const ctx *c, const config_setting_t *s, const char *path,
                      const char *expected, const char **out);
int cfg_get_name(const ctx *c, const config_setting_t *s, const char *path, int chars,
                 char out[COOP_NAME_MAX]);
int cfg_load_key(const ctx *c, const config_setting_t *g, const char *prefix, const key *k,
                 void *base);
int cfg_check_keys(const ctx *c, const config_setting_t *g, int scope, const char *prefix);
int cfg_load_scope(const ctx *c, const config_setting_t *g, int scope, const char *prefix,
                   void *base);
int cfg_need_group(const ctx *c, const config_setting_t *g, const char *path, const char *form);
int cfg_get_group(const ctx *c, const config_setting_t *parent, const char *name,
                  const char *path, const config_setting_t **out);
int cfg_get_list(const ctx *c, const config_setting_t *root, const char *name,
                 const config_setting_t **out);
int cfg_get_vector(const ctx *c, const config_setting_t *s, const char *path, const char *what);
/* calloc, NULL for n = 0; ALLOC(p, n) is true when it failed. */
void *cfg_alloc_array(size_t n, size_t size);

/* ---- config_actors.c: the population ---- */

/* The actor that string setting s names, into *out (messages name `path`). */
int cfg_get_actor_ref(const ctx *c, const coop_config *cfg, const config_setting_t *s,
                      const char *path, int *out);
/* Whether k is an actor_template key, and its bit in coop_override_cfg.set. */
int cfg_template_key(const key *k);
unsigned cfg_actor_bit(const key *k);
/* The `network` group, the actors (listed, or one per generated node: the
 * network is drawn here, from its own stream) and the listed ties. */
int cfg_load_network(const ctx *c, const config_setting_t *root, coop_config *cfg);
int cfg_load_actors(ctx *c, const config_setting_t *root, coop_config *cfg);
int cfg_load_ties(const ctx *c, const config_setting_t *root, coop_config *cfg);

/* ---- config_params.c: parameter paths and --set ---- */

/* One --set PATH=VALUE grafted into the libconfig tree. */
int cfg_apply_override(const ctx *c, config_t *lc, const char *text);
/* A parameter path into ref; on failure the reason (without the path) in why. */
int cfg_resolve(const coop_config *cfg, const char *path, coop_param_ref *ref, char *why,
                size_t size);
/* The double a valid ref designates, with its allowed range. */
double *cfg_param_ptr(const coop_config *cfg, const coop_param_ref *r, double *min,
                      double *max, int *flags);

/* ---- config_print.c ---- */

/* The file's `validation` group kept as text in cfg->validation. */
int cfg_keep_validation(const ctx *c, const config_setting_t *root, coop_config *cfg);

/* The file's group `name` (sensitivity, infer), when it has one, kept as the text
 * "NAME = ...;\n" in *text (owned; comments dropped).  COOP_ENOMEM on failure. */
int cfg_keep_group(const ctx *c, const config_setting_t *root, const char *name, char **text);

#endif
