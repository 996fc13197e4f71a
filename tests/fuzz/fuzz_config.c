/* fuzz_config.c: libFuzzer target for the configuration loader (make fuzz).
 *
 * The input is the text of a configuration file; the seed corpus is every
 * configuration of configs/ and tests/bad/.  Each input is written to a file,
 * loaded, and held to the properties of fuzz.h.  Inputs whose network would be
 * large (network.n, L, m or k above a few hundred) or that name an edge-list file
 * other than a small regular one are skipped before loading. */
#include <libconfig.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fuzz.h"

static char in_path[64], again_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(in_path, sizeof in_path, "/tmp/coopsim-fuzz-%d.cfg", (int)getpid());
    snprintf(again_path, sizeof again_path, "/tmp/coopsim-fuzz-%d-again.cfg", (int)getpid());
    return 0;
}

/* Whether the text, read by libconfig, asks for a small population: every
 * integer under `network` at most FUZZ_MAX_ACTORS (n, L^2, m, k), and no edge-list
 * file but a regular one under 1 MB.  Text libconfig cannot read is small: the
 * loader rejects it before building anything. */
static int small(const char *text)
{
    config_t lc;
    config_init(&lc);
    int ok = 1;
    if (config_read_string(&lc, text)) {
        const config_setting_t *net = config_lookup(&lc, "network");
        for (int i = 0; net && config_setting_is_group(net) && i < config_setting_length(net); i++) {
            const config_setting_t *s = config_setting_get_elem(net, (unsigned)i);
            int type = config_setting_type(s);
            if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64 || type == CONFIG_TYPE_FLOAT) {
                double x = type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                     : (double)config_setting_get_int64(s);
                double lim = strcmp(config_setting_name(s), "L") == 0 ? 20 : FUZZ_MAX_ACTORS;
                ok &= !(x > lim);
            } else if (type == CONFIG_TYPE_STRING && strcmp(config_setting_name(s), "file") == 0) {
                struct stat sb;
                const char *f = config_setting_get_string(s);
                ok &= f && stat(f, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size < (1 << 20);
            }
        }
    }
    config_destroy(&lc);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (text && small(text)) {
        fuzz_write(in_path, data, size);
        coop_config cfg;
        coop_err err = {0};
        int st = coop_population_load(in_path, NULL, 0, &cfg, &err);
        fuzz_check_load(st, &cfg, &err, in_path, again_path);
    }
    free(text);
    return 0;
}
