/* cmd_report.c: the `coopsim report` driver (coop_cmd.h): the page of
 * coop_report.h (sim/figures/report.c) for a results directory, and what the
 * command says about it. */
#include "coop_cmd.h"

#include <stdio.h>

#include "coop_report.h"

int coop_report_run(const char *dir, const char *out, int quiet, coop_err *err)
{
    char path[4200];
    coop_report_opts o = {.out = out, .log = quiet ? NULL : stdout};
    int status = coop_report(dir, &o, err);
    if (!status && !quiet) {
        if (out)
            snprintf(path, sizeof path, "%s", out);
        else
            snprintf(path, sizeof path, "%s/report.html", dir);
        fprintf(stderr, "coopsim: report of %s written to %s\n", dir, path);
    }
    return status;
}
