/* fuzz_set.c: libFuzzer target for the --set overrides (make fuzz).
 *
 * The input is up to 8 lines, each an override PATH=VALUE as the command line
 * passes it, applied to configs/eu_ca.cfg (the scenario with the most keys in
 * use); the seed corpus holds overrides of every kind.  Overrides of the network
 * and of actor_overrides are skipped (fuzz_config covers those groups without
 * building large populations).  Each load is held to the properties of fuzz.h; an
 * error must name the file or the override (its message starts with either). */
#include <stdint.h>

#include "fuzz.h"

#define BASE "configs/eu_ca.cfg"
#define MAX_SETS 8

static char again_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(again_path, sizeof again_path, "/tmp/coopsim-fuzz-set-%d.cfg", (int)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    const char *sets[MAX_SETS];
    size_t n = 0;
    int skip = 0;
    for (char *line = text, *next; !skip && line && *line && n < MAX_SETS; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strncmp(line, "network", 7) == 0 || strncmp(line, "actor_overrides", 15) == 0
            || strstr(line, "network"))
            skip = 1;
        sets[n++] = line;
    }
    if (!skip) {
        coop_config cfg;
        coop_err err = {0};
        int st = coop_population_load(BASE, sets, n, &cfg, &err);
        /* the message names the file (an error in it, or a value the override made
         * wrong there) or the override */
        const char *prefix = strncmp(err.text, "--set", 5) == 0 ? "--set " : BASE;
        fuzz_check_load(st, &cfg, &err, prefix, again_path);
    }
    free(text);
    return 0;
}
