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

/* The options of the command line.  Each command accepts a set of them (its help
 * entry's `options`, a bit set of (1u << id)); parsing refuses any other. */
typedef enum coop_option {
    COOP_OPT_OUTPUT,     /* -o, --output */
    COOP_OPT_SEED,
    COOP_OPT_REPLICATES,
    COOP_OPT_THREADS,
    COOP_OPT_SET,
    COOP_OPT_SERIES,
    COOP_OPT_FORCE,
    COOP_OPT_RESUME,
    COOP_OPT_POSTERIOR,
    COOP_OPT_QUIET,
    COOP_OPT_HELP,       /* -h, --help: every command */
    COOP_N_OPTIONS
} coop_option;

#define COOP_OPT_BIT(o) (1u << (o))

typedef struct coop_option_info {
    const char *name;    /* the long name, without "--" */
    char short_name;     /* 'o', 'h', or 0 */
    const char *arg;     /* the value's placeholder ("DIR"), NULL for a flag */
    const char *text;    /* what it does, with its range (may hold line breaks) */
} coop_option_info;

extern const coop_option_info coop_cli_options[COOP_N_OPTIONS];

/* The help of one command (sim/cli/help.c): one entry per command, in the order
 * of the overview; adding a command is adding an entry. */
typedef struct coop_command_help {
    coop_command cmd;
    const char *name;        /* "run" */
    const char *args;        /* "CONFIG", "" when none */
    const char *summary;     /* one line, for the overview */
    unsigned options;        /* COOP_OPT_BIT of each accepted option */
    const char *description; /* paragraphs, lines of at most 78 characters */
    const char *files;       /* what it writes */
    const char *example;     /* one or more command lines */
    const char *output_arg;  /* what -o names ("OUT", "FILE"); NULL: "DIR" */
} coop_command_help;

extern const coop_command_help coop_cli_help[];
extern const size_t coop_cli_n_help;

/* The entry of cmd, or NULL (COOP_CMD_NONE). */
const coop_command_help *coop_cli_help_of(coop_command cmd);

/* The entry named name ("run"), or NULL. */
const coop_command_help *coop_cli_help_named(const char *name);

/* Parses argv.  Returns COOP_OK, or COOP_ECONFIG with err->text saying what is
 * wrong (unknown command or option, missing or malformed value).  The caller
 * releases cli with coop_cli_destroy in both cases. */
int coop_cli_parse(int argc, char **argv, coop_cli *cli, coop_err *err);
void coop_cli_destroy(coop_cli *cli);

/* Writes the help of a command (COOP_CMD_NONE: the overview) to out. */
void coop_cli_usage(FILE *out, coop_command topic);

/* Writes the man page (troff, docs/coopsim.1) made from the help table to out. */
void coop_cli_man(FILE *out);

/* The name of a command ("run", ...). */
const char *coop_cli_command_name(coop_command cmd);

#endif
