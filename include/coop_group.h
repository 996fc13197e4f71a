/* coop_group.h: reading a group of a configuration file that the loader accepts
 * and leaves alone (validation, sensitivity, infer: the group of one command, read
 * by its analysis module from cfg->source itself).  One way to read the file, to
 * take a number, and to fail with "FILE:LINE: message" (exit status 2) naming the
 * setting, shared by validate.c, sens_config.c and infer_load.c. */
#ifndef COOP_GROUP_H
#define COOP_GROUP_H

#include <libconfig.h>

#include "coop_config.h"
#include "coop_error.h"

/* What a group's reader carries: the file (for messages), the configuration it
 * belongs to, and where errors go. */
typedef struct coop_group {
    const char *file;
    const coop_config *cfg;
    coop_err *err;
} coop_group;

/* COOP_ECONFIG with err filled as "FILE:LINE: message", LINE that of setting s in
 * the file (0 when s is NULL); the message is cut to leave room for the file. */
int coop_group_fail(const coop_group *g, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads `file` into lc (initialised here; libconfig's auto-conversion of numbers
 * as auto_convert says) and looks up its top-level group `name`: *group is the
 * group, or NULL when there is none or that setting is not a group.  COOP_ECONFIG
 * "FILE: cannot read the NAME group: REASON" when the file cannot be read.  The
 * caller calls config_destroy(lc) in every case. */
int coop_group_read(config_t *lc, const char *file, const char *name, int auto_convert,
                    const config_setting_t **group, coop_err *err);

/* Whether s holds a number (an integer, a 64-bit integer or a float). */
int coop_group_is_number(const config_setting_t *s);

/* The value of a number setting: a float as read, an integer exactly (as far as a
 * double holds it); 0 for a setting that is no number. */
double coop_group_number(const config_setting_t *s);

#endif
