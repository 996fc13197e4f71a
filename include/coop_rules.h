/* coop_rules.h: the decision rules (docs/ODD.md, "7.6 Decision rules and
 * learning") as a schema: ids, names, parameters with defaults and ranges.  The
 * configuration validates against it; the strategy module implements the
 * behaviour behind each id. */
#ifndef COOP_RULES_H
#define COOP_RULES_H

#define COOP_RULE_PARAMS_MAX 5

typedef enum coop_rule_id {
    COOP_RULE_ALLC,
    COOP_RULE_ALLD,
    COOP_RULE_TFT,
    COOP_RULE_STFT,
    COOP_RULE_TF2T,
    COOP_RULE_GTFT,           /* generosity */
    COOP_RULE_GRIM,
    COOP_RULE_WSLS,
    COOP_RULE_RANDOM,         /* p */
    COOP_RULE_MEMORY_ONE,     /* p_cc, p_cd, p_dc, p_dd, first */
    COOP_RULE_BUSH_MOSTELLER, /* aspiration, learning_rate */
    COOP_RULE_FERMI,          /* K */
    COOP_RULE_IMITATE_BEST,
    COOP_RULE_REPLICATOR,
    COOP_RULE_MORAN,          /* birth-death: one reproduction per update */
    COOP_N_RULES
} coop_rule_id;

/* Name, parameters with their defaults and closed ranges, whether the rule learns
 * from payoffs (uses propensities), and a one-line description with its source. */
typedef struct coop_rule_info {
    const char *name;
    int n_params;
    const char *param[COOP_RULE_PARAMS_MAX];
    double def[COOP_RULE_PARAMS_MAX];
    double min[COOP_RULE_PARAMS_MAX];
    double max[COOP_RULE_PARAMS_MAX];
    const char *doc;
} coop_rule_info;

extern const coop_rule_info coop_rules[COOP_N_RULES];

/* The rule id of a name, or -1. */
int coop_rule_lookup(const char *name);

/* The index of a parameter of a rule by name, or -1. */
int coop_rule_param(int rule, const char *param);

#endif
