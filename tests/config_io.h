/* config_io.h: configurations in the tests: loaded from a file or from text
 * (load_ok, load_text; a failure fails the test) and printed back to text
 * (print_str). */
#ifndef COOP_TEST_CONFIG_IO_H
#define COOP_TEST_CONFIG_IO_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "coop_config.h"
#include "coop_population.h"
#include "files.h"

/* Loads path with the n overrides ov into *cfg; anything but COOP_OK fails the test. */
static inline void load_ok(const char *path, const char *const *ov, size_t n, coop_config *cfg)
{
    coop_err err = {0};
    int st = coop_population_load(path, ov, n, cfg, &err);
    cr_assert_eq(st, COOP_OK, "loading %s failed: %s", path, err.text);
}

/* load_ok on a temporary file holding text. */
static inline void load_text(const char *text, const char *const *ov, size_t n, coop_config *cfg)
{
    char path[64];
    temp_file(path, text);
    load_ok(path, ov, n, cfg);
    unlink(path);
}

/* The text of coop_config_print(cfg); the caller frees it. */
static inline char *print_str(const coop_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(coop_config_print(cfg, f), COOP_OK);
    fclose(f);
    return buf;
}

#endif
