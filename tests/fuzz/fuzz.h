/* fuzz.h: what the libFuzzer targets of `make fuzz` share (tests/fuzz/run.sh).
 *
 * The properties every input must keep, checked by fuzz_check_load after a call
 * of coop_config_load: an error comes back as a status with a message that names
 * where it is (the file, or the --set override); a loaded configuration prints,
 * loads again from its printed text and prints the same text (docs/CONFIG.md,
 * round trip); and, when it is small, one replicate of it runs.  Crashes, leaks,
 * out-of-bounds accesses and undefined behaviour are AddressSanitizer's and
 * UndefinedBehaviorSanitizer's to report.  A violated property calls abort(),
 * which libFuzzer records as a crash with the input that caused it. */
#ifndef COOP_FUZZ_H
#define COOP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coop_config.h"
#include "coop_model.h"
#include "coop_population.h"

/* Inputs that would build large populations or long runs are skipped: they find
 * nothing the small ones do not, and they would trip libFuzzer's time limit. */
#define FUZZ_MAX_ACTORS 400
#define FUZZ_MAX_STEPS 600

static void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "coopsim fuzz: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* The text of cfg as coop_config_print writes it (malloc'd). */
static char *fuzz_print(const coop_config *cfg)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        fuzz_fail("open_memstream failed", NULL);
    if (coop_config_print(cfg, f) != COOP_OK)
        fuzz_fail("coop_config_print failed on a loaded configuration", NULL);
    fclose(f);
    return text;
}

/* The input as a C string (malloc'd), or NULL when it holds a NUL byte (text
 * files and command lines cannot) or memory is short. */
static char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    if (strlen(text) != size) {
        free(text);
        return NULL;
    }
    return text;
}

static void fuzz_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write the input file", path);
}

/* One replicate of a small loaded configuration, with every record kept. */
static void fuzz_run(const coop_config *cfg)
{
    if (cfg->n_actors > FUZZ_MAX_ACTORS || cfg->n_steps > FUZZ_MAX_STEPS)
        return;
    coop_err err = {0};
    coop_model *m = coop_model_alloc(cfg, &err);
    if (!m) {
        if (!err.code || !err.text[0])
            fuzz_fail("coop_model_alloc failed without a message", NULL);
        return;
    }
    coop_record *rec = coop_record_alloc(cfg, 1);
    if (!rec || coop_record_add_snapshots(rec, cfg) != COOP_OK)
        fuzz_fail("out of memory for a record", NULL);
    coop_model_run(m, cfg->seed, rec);
    coop_record_free(rec);
    coop_model_free(m);
}

/* After st = coop_config_load(path, ...): the properties above.  prefix is what
 * an error message must start with.  Releases cfg. */
static void fuzz_check_load(int st, coop_config *cfg, const coop_err *err, const char *prefix,
                            const char *again)
{
    if (st != COOP_OK) {
        if (!err->text[0] || strncmp(err->text, prefix, strlen(prefix)) != 0)
            fuzz_fail("an error without a message naming where it is:", err->text);
        return;
    }
    char *a = fuzz_print(cfg);
    fuzz_write(again, a, strlen(a));
    coop_config back;
    coop_err e2 = {0};
    if (coop_population_load(again, NULL, 0, &back, &e2) != COOP_OK)
        fuzz_fail("the printed configuration does not load again:", e2.text);
    char *b = fuzz_print(&back);
    if (strcmp(a, b) != 0)
        fuzz_fail("printing the reloaded configuration gives another text; first:", a);
    free(a);
    free(b);
    coop_config_destroy(&back);
    fuzz_run(cfg);
    coop_config_destroy(cfg);
}

#endif
