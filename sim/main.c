/* main.c: the coopsim program.  Parses the command line, loads the
 * configuration, hands it to the experiment with the output module as its sink,
 * and maps the status to the exit code (README.md, "Command line"): 0 success,
 * 1 runtime failure, 2 usage or configuration error.  The only place that exits. */
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coop_cli.h"
#include "coop_config.h"
#include "coop_drive.h"
#include "coop_error.h"
#include "coop_experiment.h"
#include "coop_hypothesis.h"
#include "coop_output.h"
#include "coop_plot.h"
#include "coop_progress.h"
#include "coop_sweep.h"
#include "coop_tournament.h"
#include "coop_validate.h"
#include "coop_version.h"

/* The signal (SIGINT, SIGTERM) that asked the experiment to stop; 0 while none.
 * The handler only sets it; the progress sink checks it between replicates, so
 * nothing stops inside the parallel region. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* From here on SIGINT and SIGTERM stop the experiment cleanly.  A second one
 * kills at once (the handler resets itself): a sweep stays resumable even then. */
static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    coop_experiment_set_stop(&stop_signal); /* under MPI, checked while ranks wait */
}

/* Where the progress bar goes: stderr when it is a terminal, unless --quiet. */
static FILE *progress_tty(const coop_cli *cli)
{
    return !cli->quiet && isatty(STDERR_FILENO) ? stderr : NULL;
}

/* Writes the resolved configuration to stdout. */
static int cmd_check(const coop_config *cfg, coop_err *err)
{
    if (cfg->sweep.present) {  /* what only a combination of sweep values can break */
        coop_sweep *sw = coop_sweep_alloc(cfg, err);
        if (!sw)
            return err->code ? err->code : COOP_ENOMEM;
        coop_sweep_free(sw);
    }
    if (coop_config_print(cfg, stdout) != COOP_OK || fflush(stdout) != 0)
        return COOP_FAIL(err, COOP_EIO, "cannot write the configuration to standard output");
    return COOP_OK;
}

/* What a command must refuse before it runs (exit status 2), so that it never
 * silently does something else: a results manifest written by another command
 * (its run.subcommand; that command reproduces the directory, this one would
 * not), and for `run` a configuration with a sweep group (a run is one point). */
static int check_command(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    const char *name = coop_cli_command_name(cli->cmd);
    char wrote[32];
    if (coop_manifest_command(cli->input, wrote, sizeof wrote) && strcmp(wrote, name) != 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s was written by `coopsim %s`, which reproduces "
                         "its results: run `coopsim %s %s` (`coopsim %s` would not)",
                         cli->input, wrote, wrote, cli->input, name);
    if (cli->cmd == COOP_CMD_RUN && cfg->sweep.present)
        return COOP_FAIL(err, COOP_ECONFIG, "%s has a `sweep` group, which `coopsim run` does "
                         "not run: use `coopsim sweep %s` (every point), or remove the sweep "
                         "group to run one point", cli->input, cli->input);
    return COOP_OK;
}

static int cmd_run(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    if (cli->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--resume finishes an interrupted sweep (coopsim "
                         "sweep); a run is never left half done");
    char dir[COOP_PATH_MAX];
    if (cli->outdir)
        snprintf(dir, sizeof dir, "%s", cli->outdir);
    else
        snprintf(dir, sizeof dir, "results/%s", cfg->name);
    int threads = coop_experiment_threads(cli->threads);

    catch_stop_signals();
    coop_output *out = coop_output_open(dir, cfg, cli->force, err);
    if (!out)
        return err->code ? err->code : COOP_EIO;
    coop_run_info info;
    coop_run_info_start(&info, cli->command_line, threads);
    info.subcommand = "run";
    coop_progress *pg = coop_progress_alloc(progress_tty(cli), 1, 0, cfg->replicates, &stop_signal);
    if (!pg) {
        coop_output_abort(out);
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    coop_sink osink = coop_output_sink(out), sink = coop_progress_sink(pg, &osink);
    int status = coop_experiment_run(cfg, threads, &sink, err);
    coop_progress_free(pg);
    if (status) {
        coop_output_abort(out);
        if (status == COOP_EINTR)
            COOP_FAIL(err, status, "interrupted by %s: nothing written",
                      coop_drive_signal_name(stop_signal));
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

/* -o DIR; else the directory of DIR/manifest.cfg when resuming from it; else
 * results/NAME. */
static void sweep_dir(const coop_cli *cli, const coop_config *cfg, char *dir, size_t size)
{
    const char *slash = strrchr(cli->input, '/');
    if (cli->outdir)
        snprintf(dir, size, "%s", cli->outdir);
    else if (cli->resume && slash && strcmp(slash + 1, "manifest.cfg") == 0)
        snprintf(dir, size, "%.*s", (int)(slash - cli->input), cli->input);
    else
        snprintf(dir, size, "results/%s", cfg->name);
}

/* `coopsim hypothesis`: the paired factual/counterfactual/placebo experiment, at
 * one point or at every point of the sweep (sim/hypothesis.c); the verdict table
 * goes to stdout; stops cleanly on SIGINT or SIGTERM. */
static int cmd_hypothesis(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX];
    sweep_dir(cli, cfg, dir, sizeof dir);
    catch_stop_signals();
    coop_hyp_opts opts = {
        .dir = dir,
        .force = cli->force,
        .resume = cli->resume,
        .threads = cli->threads,
        .command = cli->command_line,
        .quiet = cli->quiet,
        .table = stdout,
        .progress = progress_tty(cli),
        .stop = &stop_signal,
    };
    int status = coop_hypothesis_run(cfg, &opts, err);
    if (status == COOP_EINTR && !cfg->sweep.present)
        COOP_FAIL(err, status, "interrupted by %s: nothing written",
                  coop_drive_signal_name(stop_signal));
    return status;
}

/* `coopsim validate`: replicates of a historical scenario (or of every point of
 * its sweep) scored against the record (sim/validate.c); the table goes to stdout. */
static int cmd_validate(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    if (cli->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--resume finishes an interrupted sweep (coopsim "
                         "sweep); a validation is never left half done");
    char dir[COOP_PATH_MAX];
    sweep_dir(cli, cfg, dir, sizeof dir);
    catch_stop_signals();
    coop_validate_opts opts = {
        .dir = dir,
        .force = cli->force,
        .threads = cli->threads,
        .command = cli->command_line,
        .quiet = cli->quiet,
        .table = stdout,
        .progress = progress_tty(cli),
        .stop = &stop_signal,
    };
    return coop_validate_run(cfg, &opts, err);
}

static int root_main(int argc, char **argv);

static int sweep_point_cfg(void *ctx, int point, int world, coop_config *cfg, coop_err *err)
{
    (void)world;
    return coop_sweep_config(ctx, point, cfg, err);
}

/* `coopsim sweep`: every point of the configuration's sweep, R replicates each,
 * streamed point by point into a resumable results directory (coop_output.h,
 * "sweeps"); stops cleanly on SIGINT or SIGTERM. */
static int cmd_sweep(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    catch_stop_signals();  /* a signal from here on ends in a resumable directory */
    coop_sweep *sw = coop_sweep_alloc(cfg, err);
    if (!sw)
        return err->code ? err->code : COOP_ENOMEM;
    char dir[COOP_PATH_MAX];
    sweep_dir(cli, cfg, dir, sizeof dir);
    static const char *const factual[] = {"factual"};
    coop_drive_opts o = {dir, "sweep", cli->command_line, cli->threads, cli->force, cli->resume,
                         progress_tty(cli), cli->quiet, &stop_signal};
    int ran, status = coop_drive_sweep(cfg, sw, 1, factual, sweep_point_cfg, sw, &o, &ran, err);
    if (!status && ran && !cli->quiet)
        fprintf(stderr, "coopsim: %d points x %d replicates of '%s' written to %s/\n",
                coop_sweep_size(sw), cfg->replicates, cfg->name, dir);
    coop_sweep_free(sw);
    return status;
}

/* `coopsim tournament`: a round robin of the configuration's actors as
 * strategies (sim/tournament.c) into DIR/tournament.csv, DIR/matrix.csv and
 * DIR/manifest.cfg; the ranking goes to stdout. */
static int cmd_tournament(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX], path[COOP_PATH_MAX + 32], tmp[COOP_PATH_MAX + 48];
    struct stat st;
    int status = COOP_OK;
    if (cli->outdir)
        snprintf(dir, sizeof dir, "%s", cli->outdir);
    else
        snprintf(dir, sizeof dir, "results/%s", cfg->name);
    if (stat(dir, &st) == 0 && (!S_ISDIR(st.st_mode) || !cli->force))
        return COOP_FAIL(err, COOP_EINVAL, "%s: %s", dir,
                         S_ISDIR(st.st_mode) ? "results directory exists (use --force to replace it)"
                                             : "exists and is not a directory");
    coop_run_info info;
    coop_run_info_start(&info, cli->command_line, coop_experiment_threads(cli->threads));
    info.subcommand = "tournament";
    coop_tournament *t = coop_tournament_run(cfg, cli->threads, err);
    if (!t)
        return err->code;
    coop_run_info_finish(&info, "complete");
    if (!cli->outdir)
        mkdir("results", 0777);
    if (mkdir(dir, 0777) != 0 && stat(dir, &st) != 0) {
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot create the results directory", dir);
        goto out;
    }
    snprintf(path, sizeof path, "%s/tournament.csv", dir);
    if ((status = coop_tournament_write(t, path, err)))
        goto out;
    snprintf(path, sizeof path, "%s/manifest.cfg", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || coop_config_print_in(cfg, f, dir) != COOP_OK || coop_run_info_print(f, &info) != COOP_OK ||
        fclose(f) != 0 || rename(tmp, path) != 0) {
        status = COOP_FAIL(err, COOP_EIO, "%s: cannot write", path);
        goto out;
    }
    snprintf(path, sizeof path, "%s/matrix.csv", dir);
    if ((status = coop_tournament_write_matrix(t, path, err)))
        goto out;
    if (!cli->quiet) {
        coop_tournament_print(t, stdout);
        fprintf(stderr, "coopsim: tournament of %zu strategies, %d repetitions, written to %s/\n",
                t->n, t->reps, dir);
    }
out:
    coop_tournament_free(t);
    return status;
}

/* A worker rank of build/coopsim-mpi (coop_experiment.h): loads the same
 * configuration as rank 0, describes the command's work (run, sweep and
 * hypothesis are distributed; the other commands run on rank 0 alone) and serves
 * it through coop_experiment_worker, the workers' one entry point; rank 0 sends
 * the blocks of work items and writes everything, this rank prints nothing.
 * Returns the status for coop_experiment_finish (which reports a failure to rank
 * 0). */
static int worker_main(int argc, char **argv, coop_err *err)
{
    static const char *const factual[] = {"factual"};
    coop_cli cli;
    coop_config cfg;
    memset(&cfg, 0, sizeof cfg);
    coop_sweep *sw = NULL;
    coop_work work = {0};
    int status = coop_cli_parse(argc, argv, &cli, err);
    int distributed = !status && (cli.cmd == COOP_CMD_RUN || cli.cmd == COOP_CMD_SWEEP ||
                                  cli.cmd == COOP_CMD_HYPOTHESIS);
    if (distributed) {
        status = coop_config_load(cli.input, (const char *const *)cli.overrides,
                                  cli.n_overrides, &cfg, err);
        if (!status)
            status = check_command(&cli, &cfg, err); /* rank 0 refuses the same */
    }
    if (distributed && !status) {
        catch_stop_signals();
        if (cli.cmd == COOP_CMD_RUN)
            work = coop_experiment_run_work(&cfg);
        else if (cli.cmd == COOP_CMD_HYPOTHESIS)
            status = coop_hypothesis_work(&cfg, &work, err);
        else if (!(sw = coop_sweep_alloc(&cfg, err)))
            status = err->code ? err->code : COOP_ENOMEM;
        else
            work = coop_drive_sweep_work(&cfg, sw, 1, factual, sweep_point_cfg, sw);
    }
    if (!status)
        status = coop_experiment_worker(distributed ? &work : NULL, cli.threads, err);
    if (distributed && cli.cmd == COOP_CMD_HYPOTHESIS)
        coop_hypothesis_work_free(&work);
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
        fprintf(stderr, "coopsim: %s\nTry 'coopsim --help'.\n", err.text);
        coop_cli_destroy(&cli);
        return status;
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
    case COOP_CMD_HYPOTHESIS:
    case COOP_CMD_TOURNAMENT:
    case COOP_CMD_VALIDATE:
    case COOP_CMD_SWEEP:
        status = coop_config_load(cli.input, (const char *const *)cli.overrides,
                                  cli.n_overrides, &cfg, &err);
        if (!status && cli.cmd != COOP_CMD_CHECK)
            status = check_command(&cli, &cfg, &err);
        if (status)
            break;
        if (cli.cmd == COOP_CMD_CHECK)
            status = cmd_check(&cfg, &err);
        else if (cli.cmd == COOP_CMD_RUN)
            status = cmd_run(&cli, &cfg, &err);
        else if (cli.cmd == COOP_CMD_HYPOTHESIS)
            status = cmd_hypothesis(&cli, &cfg, &err);
        else if (cli.cmd == COOP_CMD_TOURNAMENT)
            status = cmd_tournament(&cli, &cfg, &err);
        else if (cli.cmd == COOP_CMD_VALIDATE)
            status = cmd_validate(&cli, &cfg, &err);
        else
            status = cmd_sweep(&cli, &cfg, &err);
        break;
    case COOP_CMD_PLOT: { /* figures of a results directory (sim/plot.c) */
        coop_plot_opts popts = {cli.quiet ? NULL : stdout, NULL};
        status = coop_plot_into(cli.input, cli.outdir, &popts, &err);
        break;
    }
    default:
        status = COOP_FAIL(&err, COOP_EIO, "'%s' is not available in this version yet",
                           coop_cli_command_name(cli.cmd));
        break;
    }
    if (status)
        fprintf(stderr, "coopsim: %s\n", err.text);
    coop_config_destroy(&cfg);
    coop_cli_destroy(&cli);
    return status;
}
