/* test_group.c: reading a command's extra group of a configuration file
 * (coop_group.h, sim/config/group.c): the group found or not, the file that cannot
 * be read, numbers of every type, and the "FILE:LINE: message" failure with the
 * setting's line.  (validate, sensitivity and infer assert their own messages in
 * their suites.) */
#include <criterion/criterion.h>
#include <string.h>

#include "coop_group.h"
#include "files.h"

static const char text[] =
    "x = 1;\n"                         /* line 1 */
    "extra = {\n"                      /* line 2 */
    "  i = 3;\n"                       /* line 3 */
    "  f = 2.5;\n"                     /* line 4 */
    "  big = 9007199254740993L;\n"     /* line 5: 2^53 + 1 */
    "  s = \"word\";\n"                /* line 6 */
    "  b = true;\n"                    /* line 7 */
    "};\n"
    "notgroup = 4;\n";

Test(group, read_number_fail)
{
    char path[64];
    temp_file(path, text);
    config_t lc;
    const config_setting_t *g = NULL;
    coop_err err = {0};
    cr_assert_eq(coop_group_read(&lc, path, "extra", 1, &g, &err), COOP_OK, "%s", err.text);
    cr_assert_not_null(g);
    const config_setting_t *i = config_setting_get_member(g, "i");
    const config_setting_t *f = config_setting_get_member(g, "f");
    const config_setting_t *big = config_setting_get_member(g, "big");
    const config_setting_t *s = config_setting_get_member(g, "s");
    const config_setting_t *b = config_setting_get_member(g, "b");
    cr_expect(coop_group_is_number(i) && coop_group_is_number(f) && coop_group_is_number(big));
    cr_expect(!coop_group_is_number(s) && !coop_group_is_number(b));
    cr_expect_eq(coop_group_number(i), 3.0);
    cr_expect_eq(coop_group_number(f), 2.5);
    cr_expect_eq(coop_group_number(big), (double)9007199254740993LL); /* not via a float */
    cr_expect_eq(coop_group_number(s), 0.0);
    coop_group rd = {path, NULL, &err};
    cr_expect_eq(coop_group_fail(&rd, s, "extra.s = \"%s\": a number is required", "word"),
                 COOP_ECONFIG);
    char want[256];
    snprintf(want, sizeof want, "%s:6: extra.s = \"word\": a number is required", path);
    cr_expect_str_eq(err.text, want);
    cr_expect_eq(err.code, COOP_ECONFIG);
    coop_group_fail(&rd, NULL, "no setting");
    snprintf(want, sizeof want, "%s:0: no setting", path);
    cr_expect_str_eq(err.text, want);
    config_destroy(&lc);

    /* absent, and present but not a group: found as NULL, no error */
    cr_assert_eq(coop_group_read(&lc, path, "missing", 0, &g, &err), COOP_OK);
    cr_expect_null(g);
    config_destroy(&lc);
    cr_assert_eq(coop_group_read(&lc, path, "notgroup", 0, &g, &err), COOP_OK);
    cr_expect_null(g);
    config_destroy(&lc);
    unlink(path);
}

Test(group, unreadable_file)
{
    char path[64];
    temp_file(path, "extra = { i = ; };\n");
    config_t lc;
    const config_setting_t *g = (const config_setting_t *)&g;
    coop_err err = {0};
    cr_assert_eq(coop_group_read(&lc, path, "extra", 1, &g, &err), COOP_ECONFIG);
    cr_expect_null(g);
    char want[128];
    snprintf(want, sizeof want, "%s: cannot read the extra group: ", path);
    cr_expect(strncmp(err.text, want, strlen(want)) == 0, "%s", err.text);
    cr_expect_gt(strlen(err.text), strlen(want), "libconfig's reason follows: %s", err.text);
    config_destroy(&lc);
    unlink(path);
}
