/* main.c: the coopsim program, a thin dispatcher.  Parses the command line
 * (coop_cli.h), loads the configuration once (coop_command_load) for the commands
 * that take one, looks the command up in the table of coop_commands.h, calls it,
 * and maps its status to the exit code (README.md, "Command line"): 0 success,
 * 1 runtime failure, 2 usage or configuration error.  The only place that exits. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "coop_cli.h"
#include "coop_cmd.h"
#include "coop_commands.h"
#include "coop_config.h"
#include "coop_drive.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_infer.h"
#include "coop_output.h"
#include "coop_sweep.h"

static int root_main(int argc, char **argv);

/* A worker rank of build/coopsim-mpi (coop_experiment.h): loads the same
 * configuration as rank 0, describes the command's work (run, sweep, hypothesis,
 * sensitivity and infer are distributed; the other commands run on rank 0 alone) and serves
 * it through coop_experiment_worker, the workers' one entry point; rank 0 sends
 * the blocks of work items (infer: of a generation's particles) and writes
 * everything, this rank prints nothing.
 * Returns the status for coop_experiment_finish (which reports a failure to rank
 * 0). */
static int worker_main(int argc, char **argv, coop_err *err)
{
    coop_cli cli;
    coop_config cfg;
    memset(&cfg, 0, sizeof cfg);
    coop_sweep *sw = NULL;
    coop_work work = {0};
    int status = coop_cli_parse(argc, argv, &cli, err);
    int distributed = !status && (cli.cmd == COOP_CMD_RUN || cli.cmd == COOP_CMD_SWEEP ||
                                  cli.cmd == COOP_CMD_HYPOTHESIS ||
                                  cli.cmd == COOP_CMD_SENSITIVITY || cli.cmd == COOP_CMD_INFER);
    if (distributed)
        status = coop_command_load(&cli, &cfg, err); /* rank 0 refuses the same */
    if (distributed && !status) {
        coop_command_catch_signals();
        if (cli.cmd == COOP_CMD_RUN)
            work = coop_experiment_run_work(&cfg);
        else if (cli.cmd == COOP_CMD_HYPOTHESIS)
            status = coop_hypothesis_work(&cfg, &work, err);
        else if (cli.cmd == COOP_CMD_SENSITIVITY)
            status = coop_sens_work(&cfg, &work, err);
        else if (cli.cmd == COOP_CMD_INFER)
            status = coop_infer_work(&cfg, cli.threads, coop_command_stop_signal(), &work, err);
        else if (!(sw = coop_sweep_alloc(&cfg, err)))
            status = err->code ? err->code : COOP_ENOMEM;
        else
            work = coop_drive_sweep_work(&cfg, sw, 1, coop_drive_factual, coop_drive_sweep_point,
                                         sw);
        work.prepare = coop_output_prepare; /* the prepare stage of rank 0's output sink */
    }
    if (!status)
        status = coop_experiment_worker(distributed && (work.make || work.farm) ? &work : NULL,
                                        cli.threads, err);
    if (distributed && cli.cmd == COOP_CMD_HYPOTHESIS)
        coop_hypothesis_work_free(&work);
    if (distributed && cli.cmd == COOP_CMD_SENSITIVITY)
        coop_sens_work_free(&work);
    if (distributed && cli.cmd == COOP_CMD_INFER)
        coop_infer_work_free(&work);
    coop_sweep_free(sw);
    coop_config_destroy(&cfg);
    coop_cli_destroy(&cli);
    return status;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL reports through return values; never abort */
    if (coop_experiment_init(&argc, &argv) != COOP_OK) {
        fprintf(stderr, "coopsim: MPI cannot start\n");
        return 1;
    }
    coop_err err = {0};
    int status;
    if (coop_experiment_rank() > 0)
        status = worker_main(argc, argv, &err);
    else
        status = root_main(argc, argv);
    return coop_exit_status(coop_experiment_finish(status, &err));
}

/* The program (rank 0 under MPI): returns the status; prints its error. */
static int root_main(int argc, char **argv)
{
    coop_cli cli;
    coop_err err = {0};
    int status = coop_cli_parse(argc, argv, &cli, &err);
    if (status) {
        if (cli.cmd != COOP_CMD_NONE && cli.cmd != COOP_CMD_HELP) /* its own options */
            fprintf(stderr, "coopsim: %s\nTry 'coopsim %s --help'.\n", err.text,
                    coop_cli_command_name(cli.cmd));
        else
            fprintf(stderr, "coopsim: %s\nTry 'coopsim --help'.\n", err.text);
        coop_cli_destroy(&cli);
        return status;
    }
    coop_config cfg;
    memset(&cfg, 0, sizeof cfg);
    const coop_command_entry *c = coop_command_find(cli.cmd);
    if (!c)
        status = COOP_FAIL(&err, COOP_EIO, "'%s' is not available in this version yet",
                           coop_cli_command_name(cli.cmd));
    else if (!c->needs_config || !(status = coop_command_load(&cli, &cfg, &err))) {
        if (cfg.net.n_isolated) /* allowed (network.isolated = "allow"): a note, not an error */
            fprintf(stderr, "coopsim: note: %s: %zu of the %d nodes have no tie "
                    "(network.isolated = \"allow\")\n", cfg.net.file, cfg.net.n_isolated,
                    cfg.net.n);
        status = c->run(&cli, c->needs_config ? &cfg : NULL, &err);
    }
    if (status)
        fprintf(stderr, "coopsim: %s\n", err.text);
    coop_config_destroy(&cfg);
    coop_cli_destroy(&cli);
    return status;
}
