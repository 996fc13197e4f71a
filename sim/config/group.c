/* group.c: reading a configuration file's extra groups (coop_group.h): the one
 * "FILE:LINE: message" failure, the file read, and numbers, for the commands whose
 * group the loader leaves alone (validation, sensitivity, infer). */
#include "coop_group.h"

#include <stdarg.h>
#include <stdio.h>

int coop_group_fail(const coop_group *g, const config_setting_t *s, const char *fmt, ...)
{
    char msg[COOP_ERR_MAX - 300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return COOP_FAIL(g->err, COOP_ECONFIG, "%s:%d: %s", g->file,
                     s ? (int)config_setting_source_line(s) : 0, msg);
}

int coop_group_read(config_t *lc, const char *file, const char *name, int auto_convert,
                    const config_setting_t **group, coop_err *err)
{
    *group = NULL;
    config_init(lc);
    if (auto_convert)
        config_set_auto_convert(lc, 1);
    if (!config_read_file(lc, file))
        return COOP_FAIL(err, COOP_ECONFIG, "%s: cannot read the %s group: %s", file, name,
                         config_error_text(lc));
    const config_setting_t *g = config_lookup(lc, name);
    if (g && config_setting_is_group(g))
        *group = g;
    return COOP_OK;
}

int coop_group_is_number(const config_setting_t *s)
{
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

double coop_group_number(const config_setting_t *s)
{
    return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                        : (double)config_setting_get_int64(s);
}
