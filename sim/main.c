/* main.c: the coopsim program.  Parses the command line, loads the
 * configuration, hands it to the experiment with the output module as its sink,
 * and maps the status to the exit code (SPEC.md): 0 success, 1 runtime failure,
 * 2 usage or configuration error.  The only place that exits. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_cli.h"
#include "coop_config.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_output.h"
#include "coop_version.h"

/* Writes the resolved configuration to stdout. */
static int cmd_check(const coop_config *cfg, coop_err *err)
{
    if (coop_config_print(cfg, stdout) != COOP_OK || fflush(stdout) != 0)
        return COOP_FAIL(err, COOP_EIO, "cannot write the configuration to standard output");
    return COOP_OK;
}

static int cmd_run(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX];
    if (cli->outdir)
        snprintf(dir, sizeof dir, "%s", cli->outdir);
    else
        snprintf(dir, sizeof dir, "results/%s", cfg->name);
    int threads = coop_experiment_threads(cli->threads);

    coop_output *out = coop_output_open(dir, cfg, cli->force, err);
    if (!out)
        return err->code ? err->code : COOP_EIO;
    coop_run_info info;
    coop_run_info_start(&info, cli->command_line, threads);
    coop_sink sink = coop_output_sink(out);
    int status = coop_experiment_run(cfg, threads, &sink, err);
    if (status) {
        coop_output_abort(out);
        return status;
    }
    coop_run_info_finish(&info, "complete");
    if ((status = coop_output_close(out, &info, err)))
        return status;
    if (!cli->quiet)
        fprintf(stderr, "coopsim: %d replicates of '%s' written to %s/\n", cfg->replicates,
                cfg->name, dir);
    return COOP_OK;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL reports through return values; never abort */

    coop_cli cli;
    coop_err err = {0};
    int status = coop_cli_parse(argc, argv, &cli, &err);
    if (status) {
        fprintf(stderr, "coopsim: %s\nTry 'coopsim --help'.\n", err.text);
        coop_cli_destroy(&cli);
        return coop_exit_status(status);
    }

    coop_config cfg;
    memset(&cfg, 0, sizeof cfg);
    switch (cli.cmd) {
    case COOP_CMD_HELP:
        coop_cli_usage(stdout, cli.topic);
        break;
    case COOP_CMD_VERSION:
        printf("coopsim %s\n", COOP_VERSION);
        break;
    case COOP_CMD_CHECK:
    case COOP_CMD_RUN:
        status = coop_config_load(cli.input, (const char *const *)cli.overrides,
                                  cli.n_overrides, &cfg, &err);
        if (!status)
            status = cli.cmd == COOP_CMD_CHECK ? cmd_check(&cfg, &err)
                                               : cmd_run(&cli, &cfg, &err);
        break;
    default:
        status = COOP_FAIL(&err, COOP_EIO, "'%s' is not available in this version yet",
                           coop_cli_command_name(cli.cmd));
        break;
    }
    if (status)
        fprintf(stderr, "coopsim: %s\n", err.text);
    coop_config_destroy(&cfg);
    coop_cli_destroy(&cli);
    return coop_exit_status(status);
}
