/* coop_cli.h: the command line (argv -> options).  Parsing only: nothing here
 * loads a configuration or runs anything. */
#ifndef COOP_CLI_H
#define COOP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "coop_error.h"

typedef enum coop_command {
    COOP_CMD_NONE,
    COOP_CMD_RUN,
    COOP_CMD_SWEEP,
    COOP_CMD_HYPOTHESIS,
    COOP_CMD_VALIDATE,
    COOP_CMD_CHECK,
    COOP_CMD_TOURNAMENT,
    COOP_CMD_SENSITIVITY,
    COOP_CMD_INFER,    /* ABC-SMC calibration (coop_infer.h) */
    COOP_CMD_PLOT,
    COOP_CMD_REPORT,   /* the HTML page of a results directory (coop_report.h) */
    COOP_CMD_HELP,     /* coopsim --help, or CMD --help (then `topic` is CMD) */
    COOP_CMD_VERSION
} coop_command;

typedef struct coop_cli {
    coop_command cmd;
    coop_command topic;      /* the command whose help was asked, COOP_CMD_NONE for all */
    const char *input;       /* CONFIG, or RESULTS_DIR for plot and report (points into argv) */
    const char *outdir;      /* -o DIR; NULL = results/<experiment name> */
    int threads;             /* --threads N; 0 = OMP_NUM_THREADS or all cores */
    int force, resume, quiet;
    int replicates_auto;     /* --replicates auto (hypothesis only): coop_hypothesis_auto_replicates */
    const char *posterior;   /* --posterior DIR (hypothesis only): coop_infer_hypothesis */
    /* --set PATH=VALUE in order; --seed, --replicates and --series become overrides
     * of experiment.seed, experiment.replicates and output.series, so that they are
     * checked like the file and recorded in the manifest.  Owned (freed by destroy). */
    char **overrides;
    size_t n_overrides;
    char *command_line;      /* argv joined with spaces, for the manifest; owned */
} coop_cli;

/* Parses argv.  Returns COOP_OK, or COOP_ECONFIG with err->text saying what is
 * wrong (unknown command or option, missing or malformed value).  The caller
 * releases cli with coop_cli_destroy in both cases. */
int coop_cli_parse(int argc, char **argv, coop_cli *cli, coop_err *err);
void coop_cli_destroy(coop_cli *cli);

/* Writes the usage of a command (COOP_CMD_NONE: the overview) to out. */
void coop_cli_usage(FILE *out, coop_command topic);

/* The name of a command ("run", ...). */
const char *coop_cli_command_name(coop_command cmd);

#endif
