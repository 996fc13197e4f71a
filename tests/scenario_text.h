/* scenario_text.h: the resolved text of a configuration without the groups a
 * sweep or a calibration search changes (experiment, output, sweep) and the
 * analysis designs that manifests carry (sensitivity, infer), so tests
 * can check that configurations meant to describe one scenario stay in step. */
#ifndef COOP_TEST_SCENARIO_TEXT_H
#define COOP_TEST_SCENARIO_TEXT_H

#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_config.h"

/* The text from `time` to the end, without `output`, `sweep`, `sensitivity` and `infer`
 * (printed last); the caller frees it. */
static inline char *scenario_text(const char *path)
{
    coop_config c;
    coop_err err = {0};
    memset(&c, 0, sizeof c);
    cr_assert(eq(int, coop_config_load(path, NULL, 0, &c, &err), COOP_OK), "%s", err.text);
    char *t = NULL;
    size_t n;
    FILE *m = open_memstream(&t, &n);
    cr_assert(eq(int, coop_config_print(&c, m), COOP_OK));
    fclose(m);
    coop_config_destroy(&c);
    char *time = strstr(t, "\ntime = {"), *out = strstr(t, "\noutput = {");
    char *hyp = strstr(t, "\nhypothesis = {"), *sw = strstr(t, "\nsweep = {");
    cr_assert(time && out && hyp && time < out && out < hyp);
    if (sw)
        sw[1] = '\0';
    char *design = strstr(t, "\nsensitivity = {");
    if (!design)
        design = strstr(t, "\ninfer = {");
    if (design)
        design[1] = '\0';
    size_t a = (size_t)(out - time), b = strlen(hyp);
    char *r = malloc(a + b + 1);
    memcpy(r, time, a);
    memcpy(r + a, hyp, b + 1);
    free(t);
    return r;
}

#endif
