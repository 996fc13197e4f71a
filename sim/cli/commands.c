/* commands.c: the body of every coopsim command (coop_commands.h) and the table
 * main.c looks them up in.  Each command turns the parsed command line and the
 * loaded configuration into a call of its module: the experiment with the results
 * directory as its sink (run), the sweep driver (sweep), the drivers of
 * cmd_hypothesis.c, cmd_validate.c, cmd_sensitivity.c and cmd_infer.c,
 * tournament.c, plot.c, cmd_report.c.  Every results directory is owned by
 * output.c (coop_output.h); a command only names it.  Stopping signals are
 * caught here: the handler only sets a flag that the experiment checks between
 * replicates, so nothing stops inside the parallel region. */
#include "coop_commands.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "coop_cmd.h"
#include "coop_drive.h"
#include "coop_experiment.h"
#include "coop_hypothesis.h"
#include "coop_output.h"
#include "coop_plot.h"
#include "coop_population.h"
#include "coop_progress.h"
#include "coop_sens.h"
#include "coop_sweep.h"
#include "coop_tournament.h"
#include "coop_validate.h"
#include "coop_version.h"

/* ---- signals ---- */

/* The signal (SIGINT, SIGTERM) that asked the experiment to stop; 0 while none. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

void coop_command_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART; /* a second signal kills at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    coop_experiment_set_stop(&stop_signal); /* under MPI, checked while ranks wait */
}

const volatile sig_atomic_t *coop_command_stop_signal(void)
{
    return &stop_signal;
}

/* ---- what the commands share ---- */

int coop_command_load(const coop_cli *cli, coop_config *cfg, coop_err *err)
{
    int status = coop_population_load(cli->input, (const char *const *)cli->overrides,
                                      cli->n_overrides, cfg, err);
    if (status || cli->cmd == COOP_CMD_CHECK)
        return status;
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

/* Where the progress bar goes: stderr when it is a terminal, unless --quiet. */
static FILE *progress_tty(const coop_cli *cli)
{
    return !cli->quiet && isatty(STDERR_FILENO) ? stderr : NULL;
}

/* The options of a command that runs experiments into dir: from the command
 * line, the table on stdout, stopped by SIGINT or SIGTERM. */
static coop_run_opts run_opts(const coop_cli *cli, const char *dir)
{
    coop_run_opts o = {
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
    return o;
}

/* The results directory: -o DIR; else, with resume_dir, the directory of
 * DIR/manifest.cfg when resuming from it; else results/NAME. */
static void results_dir(const coop_cli *cli, const coop_config *cfg, int resume_dir, char *dir,
                        size_t size)
{
    const char *slash = strrchr(cli->input, '/');
    if (cli->outdir)
        snprintf(dir, size, "%s", cli->outdir);
    else if (resume_dir && cli->resume && slash && strcmp(slash + 1, "manifest.cfg") == 0)
        snprintf(dir, size, "%.*s", (int)(slash - cli->input), cli->input);
    else
        snprintf(dir, size, "results/%s", cfg->name);
}

static int refuse_resume(const coop_cli *cli, const char *what, coop_err *err)
{
    if (!cli->resume)
        return COOP_OK;
    return COOP_FAIL(err, COOP_ECONFIG, "--resume finishes an interrupted sweep, sensitivity "
                     "analysis or inference; a %s is never left half done", what);
}

/* ---- the commands ---- */

/* `coopsim check`: the resolved configuration to stdout. */
static int cmd_check(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    (void)cli;
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

/* `coopsim run`: R replicates of one point into a results directory. */
static int cmd_run(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    if (refuse_resume(cli, "run", err))
        return err->code;
    char dir[COOP_PATH_MAX];
    results_dir(cli, cfg, 0, dir, sizeof dir);
    int threads = coop_experiment_threads(cli->threads);

    coop_command_catch_signals();
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

/* `coopsim sweep`: every point of the configuration's sweep, R replicates each,
 * streamed point by point into a resumable results directory (coop_drive.h);
 * stops cleanly on SIGINT or SIGTERM. */
static int cmd_sweep(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    coop_command_catch_signals();  /* a signal from here on ends in a resumable directory */
    coop_sweep *sw = coop_sweep_alloc(cfg, err);
    if (!sw)
        return err->code ? err->code : COOP_ENOMEM;
    char dir[COOP_PATH_MAX];
    results_dir(cli, cfg, 1, dir, sizeof dir);
    coop_drive_opts o = {dir, "sweep", cli->command_line, cli->threads, cli->force, cli->resume,
                         progress_tty(cli), cli->quiet, &stop_signal};
    int ran, status = coop_drive_sweep(cfg, sw, 1, coop_drive_factual, coop_drive_sweep_point,
                                       sw, &o, &ran, err);
    if (!status && ran && !cli->quiet)
        fprintf(stderr, "coopsim: %d points x %d replicates of '%s' written to %s/\n",
                coop_sweep_size(sw), cfg->replicates, cfg->name, dir);
    coop_sweep_free(sw);
    return status;
}

/* `coopsim hypothesis --replicates auto`: the replicates chosen by
 * coop_hypothesis_auto_replicates (a line per round on stderr unless --quiet),
 * then the test with that many, recorded in the manifest as experiment.replicates. */
static int hypothesis_auto(const coop_cli *cli, const coop_config *cfg, coop_run_opts *opts,
                           coop_err *err)
{
    int n = 0, status;
    coop_config c;
    if (coop_experiment_ranks() > 1) /* the worker ranks' plans take experiment.replicates */
        return COOP_FAIL(err, COOP_ECONFIG, "--replicates auto runs on one process: find the "
                         "number with build/coopsim, then give --replicates N under MPI");
    if ((status = coop_hypothesis_auto_replicates(cfg, opts, cli->quiet ? NULL : stderr, &n,
                                                  err)))
        return status;
    if ((status = coop_config_copy(&c, cfg, err)))
        return status;
    c.replicates = n;
    if (!cli->quiet)
        fprintf(stderr, "coopsim: --replicates auto: using %d replicates\n", n);
    status = coop_hypothesis_run(&c, opts, err);
    if (status == COOP_EINTR)
        COOP_FAIL(err, status, "interrupted by %s: nothing written",
                  coop_drive_signal_name(stop_signal));
    coop_config_destroy(&c);
    return status;
}

/* `coopsim hypothesis`: the paired factual/counterfactual/placebo experiment, at
 * one point or at every point of the sweep (sim/cli/cmd_hypothesis.c); the verdict table
 * goes to stdout; stops cleanly on SIGINT or SIGTERM. */
static int cmd_hypothesis(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX];
    results_dir(cli, cfg, 1, dir, sizeof dir);
    coop_command_catch_signals();
    coop_run_opts opts = run_opts(cli, dir);
    if (cli->posterior) { /* verdicts over an inference posterior (sim/cli/cmd_infer.c) */
        if (cli->replicates_auto || cfg->sweep.present || cli->resume)
            return COOP_FAIL(err, COOP_ECONFIG, "--posterior runs one point with a fixed number "
                             "of replicates: no sweep group, --replicates auto or --resume");
        return coop_infer_hypothesis(cfg, cli->posterior, &opts, err);
    }
    if (cli->replicates_auto)
        return hypothesis_auto(cli, cfg, &opts, err);
    int status = coop_hypothesis_run(cfg, &opts, err);
    if (status == COOP_EINTR && !cfg->sweep.present)
        COOP_FAIL(err, status, "interrupted by %s: nothing written",
                  coop_drive_signal_name(stop_signal));
    return status;
}

/* `coopsim validate`: replicates of a historical scenario (or of every point of
 * its sweep) scored against the record (sim/analysis/validate.c); the table goes to stdout. */
static int cmd_validate(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    if (refuse_resume(cli, "validation", err))
        return err->code;
    char dir[COOP_PATH_MAX];
    results_dir(cli, cfg, 1, dir, sizeof dir);
    coop_command_catch_signals();
    coop_run_opts opts = run_opts(cli, dir);
    return coop_validate_run(cfg, &opts, err);
}

/* `coopsim tournament`: a round robin of the configuration's actors as
 * strategies (sim/experiment/tournament.c) into a results directory holding manifest.cfg,
 * tournament.csv and matrix.csv; the ranking goes to stdout. */
static int cmd_tournament(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX], path[COOP_PATH_MAX + 64];
    results_dir(cli, cfg, 0, dir, sizeof dir);
    coop_output *out = coop_output_open_bare(dir, cfg, cli->force, err);
    if (!out)
        return err->code ? err->code : COOP_EIO;
    coop_run_info info;
    coop_run_info_start(&info, cli->command_line, coop_experiment_threads(cli->threads));
    info.subcommand = "tournament";
    coop_tournament *t = coop_tournament_run(cfg, cli->threads, err);
    if (!t) {
        coop_output_abort(out);
        return err->code;
    }
    coop_run_info_finish(&info, "complete");
    snprintf(path, sizeof path, "%s/tournament.csv", coop_output_tmpdir(out));
    int status = coop_tournament_write(t, path, err);
    snprintf(path, sizeof path, "%s/matrix.csv", coop_output_tmpdir(out));
    if (!status)
        status = coop_tournament_write_matrix(t, path, err);
    if (status)
        coop_output_abort(out);
    else
        status = coop_output_close(out, &info, err);
    if (!status && !cli->quiet) {
        coop_tournament_print(t, stdout);
        fprintf(stderr, "coopsim: tournament of %zu strategies, %d repetitions, written to %s/\n",
                t->n, t->reps, dir);
    }
    coop_tournament_free(t);
    return status;
}

/* `coopsim sensitivity`: Morris screening or Sobol' indices of the configuration's
 * sensitivity group (cmd_sensitivity.c); the ranked table goes to stdout; stops
 * cleanly on SIGINT or SIGTERM, ready for --resume. */
static int cmd_sensitivity(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX];
    results_dir(cli, cfg, 1, dir, sizeof dir);
    coop_command_catch_signals();
    coop_run_opts opts = run_opts(cli, dir);
    return coop_sens_run(cfg, &opts, err);
}

/* `coopsim infer`: ABC-SMC over the configuration's infer group
 * (sim/cli/cmd_infer.c); the summary goes to stdout; stops cleanly on SIGINT or
 * SIGTERM after the last complete generation, ready for --resume. */
static int cmd_infer(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    char dir[COOP_PATH_MAX];
    results_dir(cli, cfg, 1, dir, sizeof dir);
    coop_command_catch_signals();
    coop_run_opts opts = run_opts(cli, dir);
    return coop_infer_run(cfg, &opts, err);
}

/* `coopsim plot`: figures of a results directory (sim/figures/plot.c). */
static int cmd_plot(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    (void)cfg;
    coop_plot_opts popts = {cli->quiet ? NULL : stdout, NULL};
    return coop_plot_into(cli->input, cli->outdir, &popts, err);
}

/* `coopsim report`: the HTML page of a results directory (sim/cli/cmd_report.c). */
static int cmd_report(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    (void)cfg;
    return coop_report_run(cli->input, cli->outdir, cli->quiet, err);
}

static int cmd_help(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    (void)cfg, (void)err;
    coop_cli_usage(stdout, cli->topic);
    return COOP_OK;
}

static int cmd_version(const coop_cli *cli, const coop_config *cfg, coop_err *err)
{
    (void)cli, (void)cfg, (void)err;
    printf("coopsim %s\n", COOP_VERSION);
    return COOP_OK;
}

/* ---- the table ---- */

static const coop_command_entry commands[] = {
    {COOP_CMD_RUN, cmd_run, 1},
    {COOP_CMD_SWEEP, cmd_sweep, 1},
    {COOP_CMD_HYPOTHESIS, cmd_hypothesis, 1},
    {COOP_CMD_VALIDATE, cmd_validate, 1},
    {COOP_CMD_CHECK, cmd_check, 1},
    {COOP_CMD_TOURNAMENT, cmd_tournament, 1},
    {COOP_CMD_SENSITIVITY, cmd_sensitivity, 1},
    {COOP_CMD_INFER, cmd_infer, 1},
    {COOP_CMD_PLOT, cmd_plot, 0},
    {COOP_CMD_REPORT, cmd_report, 0},
    {COOP_CMD_HELP, cmd_help, 0},
    {COOP_CMD_VERSION, cmd_version, 0},
};

const coop_command_entry *coop_command_find(coop_command cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].cmd == cmd)
            return &commands[i];
    return NULL;
}
