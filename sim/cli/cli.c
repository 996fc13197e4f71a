/* cli.c: the command line of coopsim (README.md, "Command line").
 *
 * `coopsim COMMAND INPUT [options]`: the first argument names the command, the
 * rest is parsed with getopt_long (options may come before or after INPUT).
 * Options that change the configuration (--seed, --replicates, --series) are
 * turned into `--set` overrides here, so that the configuration module checks
 * them exactly like values in the file and the manifest records them. */
#include "coop_cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 4096

static const char *const command_names[] = {
    [COOP_CMD_NONE] = "", [COOP_CMD_RUN] = "run", [COOP_CMD_SWEEP] = "sweep",
    [COOP_CMD_HYPOTHESIS] = "hypothesis", [COOP_CMD_VALIDATE] = "validate",
    [COOP_CMD_CHECK] = "check", [COOP_CMD_TOURNAMENT] = "tournament",
    [COOP_CMD_SENSITIVITY] = "sensitivity",
    [COOP_CMD_INFER] = "infer",
    [COOP_CMD_PLOT] = "plot", [COOP_CMD_REPORT] = "report", [COOP_CMD_HELP] = "help",
    [COOP_CMD_VERSION] = "version",
};

static const char *const command_args[] = {
    [COOP_CMD_RUN] = "CONFIG [options]", [COOP_CMD_SWEEP] = "CONFIG [options]",
    [COOP_CMD_HYPOTHESIS] = "CONFIG [options]", [COOP_CMD_VALIDATE] = "CONFIG [options]",
    [COOP_CMD_CHECK] = "CONFIG [options]", [COOP_CMD_TOURNAMENT] = "CONFIG [options]",
    [COOP_CMD_SENSITIVITY] = "CONFIG [options]",
    [COOP_CMD_INFER] = "CONFIG [options]",
    [COOP_CMD_PLOT] = "RESULTS_DIR [-o OUT]",
    [COOP_CMD_REPORT] = "RESULTS_DIR [-o FILE]",
};

static const char *const command_summary[] = {
    [COOP_CMD_RUN] = "R replicates of one scenario",
    [COOP_CMD_SWEEP] = "every point of the config's sweep, R replicates each",
    [COOP_CMD_HYPOTHESIS] = "paired factual/counterfactual (and placebo) experiment",
    [COOP_CMD_VALIDATE] = "replay a historical scenario and score it against the record",
    [COOP_CMD_CHECK] = "validate the configuration; print it fully resolved",
    [COOP_CMD_TOURNAMENT] = "round robin of the config's strategies -> tournament.csv",
    [COOP_CMD_SENSITIVITY] = "Morris screening or Sobol' indices -> sensitivity.csv",
    [COOP_CMD_INFER] = "ABC-SMC posterior of the infer group's parameters (and models)",
    [COOP_CMD_PLOT] = "figures (PNG) from a results directory",
    [COOP_CMD_REPORT] = "one self-contained HTML page of a results directory",
};

const char *coop_cli_command_name(coop_command cmd)
{
    return command_names[cmd];
}

static coop_command command_of(const char *name)
{
    for (int c = COOP_CMD_RUN; c <= COOP_CMD_REPORT; c++)
        if (strcmp(command_names[c], name) == 0)
            return (coop_command)c;
    return COOP_CMD_NONE;
}

static const char options_text[] =
    "Options:\n"
    "  -o, --output DIR      results directory (default: results/<experiment name>)\n"
    "      --seed N          master seed, 0..4294967295 (sets experiment.seed)\n"
    "      --replicates N    replicates per point, 1..65536 (sets experiment.replicates);\n"
    "                        hypothesis: `auto` doubles them from experiment.replicates until\n"
    "                        the primary (1-alpha) CI half-width is below SESOI/4, at most\n"
    "                        hypothesis.max_replicates (docs/HYPOTHESIS.md)\n"
    "      --threads N       OpenMP threads, 1..4096 (default: OMP_NUM_THREADS, else all cores)\n"
    "      --set PATH=VALUE  override any configuration value, e.g.\n"
    "                        --set actors.KZ.openness=0.7 --set domains.security.T=5\n"
    "      --series MODE     per-step data kept: none, summary or full (sets output.series)\n"
    "      --force           replace coopsim's files in an existing results directory\n"
    "                        (other files there are kept)\n"
    "      --resume          finish an interrupted sweep, sensitivity or infer\n"
    "      --posterior DIR   hypothesis: draw each replicate's parameters from the posterior\n"
    "                        of `coopsim infer` in DIR (docs/INFERENCE.md)\n"
    "      --quiet           no progress bar\n"
    "  -h, --help            this help\n";

/* `coopsim report --help` after its usage line (docs/OUTPUT.md, "report.html"). */
static const char report_text[] =
    "Writes one self-contained HTML page of RESULTS_DIR (any command's results\n"
    "directory): what the directory is and what each file holds; for a hypothesis\n"
    "test the verdict table as `coopsim hypothesis` prints it (recomputed from\n"
    "outcomes.csv); the results tables (hypothesis, channels, validation,\n"
    "tournament, sensitivity, inference: the first 200 rows of each, the number left\n"
    "out said); the figures of `coopsim plot` embedded as PNG (drawn first into\n"
    "RESULTS_DIR/figures/ when there are none); the command that reproduces the\n"
    "results; the manifest verbatim; the version.  No script, no network access:\n"
    "it opens in any browser and prints.\n\n"
    "Writes: RESULTS_DIR/report.html (or FILE), replaced only when complete;\n"
    "RESULTS_DIR/figures/ when it had no figures (as `coopsim plot`).\n\n"
    "Options:\n"
    "  -o, --output FILE     the page (default: RESULTS_DIR/report.html)\n"
    "      --quiet           print nothing\n\n"
    "Example:\n"
    "  coopsim hypothesis configs/eu_ca.cfg --replicates 200 -o results/kz\n"
    "  coopsim report results/kz        # then open results/kz/report.html\n";

void coop_cli_usage(FILE *out, coop_command topic)
{
    if (topic >= COOP_CMD_RUN && topic <= COOP_CMD_REPORT) {
        fprintf(out, "Usage: coopsim %s %s\n\n%s.\n\n", command_names[topic], command_args[topic],
                command_summary[topic]);
        if (topic == COOP_CMD_CHECK)
            fputs("Loads CONFIG, applies the overrides, checks every value and prints the\n"
                  "resolved configuration (every key, defaults filled) in libconfig syntax.\n\n",
                  out);
        else if (topic == COOP_CMD_RUN)
            fputs("Runs the replicates of CONFIG in parallel and writes the results directory:\n"
                  "manifest.cfg, series.csv, ties.csv, population.csv, summary.csv,\n"
                  "milestones.csv, outcomes.csv (docs/OUTPUT.md).  A CONFIG with a sweep group\n"
                  "is refused (exit status 2): `coopsim sweep CONFIG` runs its points.  A\n"
                  "results manifest is refused when another command wrote it (its\n"
                  "run.subcommand): that command reproduces it.\n\n",
                  out);
        else if (topic == COOP_CMD_INFER)
            fputs("Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC) over\n"
                  "CONFIG's `infer` group: the parameters' priors, the observed targets, the\n"
                  "competing models, the population size and the stopping rule\n"
                  "(docs/INFERENCE.md).  Prints a line per generation (tolerance, simulations,\n"
                  "acceptance rate, effective sample size, model probabilities) and the\n"
                  "posterior summary and predictive checks; writes manifest.cfg,\n"
                  "posterior.csv, generations.csv, models.csv, infer_summary.csv and\n"
                  "predictive.csv (docs/OUTPUT.md).  --seed N sets the sampler's seed (unless\n"
                  "infer.seed is given).  Results are identical for any --threads.  Ctrl-C\n"
                  "(or SIGTERM) keeps the complete generations; `coopsim infer\n"
                  "DIR/manifest.cfg --resume` finishes the run with the same files.\n\n",
                  out);
        else if (topic == COOP_CMD_SWEEP)
            fputs("Runs every point of CONFIG's sweep group (docs/CONFIG.md, \"Sweeps\"), R\n"
                  "replicates each, and streams the results point by point into the results\n"
                  "directory, with points.csv listing the points.  Ctrl-C (or SIGTERM) stops\n"
                  "it with every complete point kept; `coopsim sweep DIR/manifest.cfg --resume`\n"
                  "finishes it with exactly the files an uninterrupted run writes\n"
                  "(docs/OUTPUT.md, \"Sweeps\").\n\n",
                  out);
        else if (topic == COOP_CMD_SENSITIVITY)
            fputs("Runs the design of CONFIG's sensitivity group (docs/SENSITIVITY.md): Morris\n"
                  "elementary effects (mu, mu*, sigma) or Sobol' first-order and total indices\n"
                  "(Saltelli 2010, Jansen 1999) of the chosen outcomes over the parameters'\n"
                  "ranges, R replicates per design row with common random numbers within a\n"
                  "block, bootstrap intervals.  Writes sensitivity.csv, sensitivity_design.csv,\n"
                  "sensitivity_outputs.csv, sensitivity_variance.csv (docs/OUTPUT.md) and\n"
                  "prints the parameters ranked by ST or mu*.  `function = \"ishigami\"` (or\n"
                  "\"g\", \"linear\") replaces the simulation by an analytic test function.\n"
                  "Ctrl-C (or SIGTERM) keeps the complete blocks; `coopsim sensitivity\n"
                  "DIR/manifest.cfg --resume` finishes the analysis with the same files.\n\n",
                  out);
        if (topic == COOP_CMD_REPORT)
            fputs(report_text, out);
        else if (topic != COOP_CMD_PLOT)
            fputs(options_text, out);
        else
            fputs("Draws into RESULTS_DIR/figures/ (or OUT), through a temporary folder that\n"
                  "replaces it only when every figure is drawn (docs/FIGURES.md).\n\n"
                  "Options:\n"
                  "  -o, --output OUT      the figures folder (default: RESULTS_DIR/figures)\n"
                  "      --quiet           print nothing\n",
                  out);
        fputs("\nExit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n", out);
        return;
    }
    fputs("coopsim: agent-based simulation of cooperation on networks\n\n"
          "Usage:\n",
          out);
    for (int c = COOP_CMD_RUN; c <= COOP_CMD_REPORT; c++)
        fprintf(out, "  coopsim %-10s %-17s %s\n", command_names[c], command_args[c],
                command_summary[c]);
    fputs("  coopsim --help | --version\n\n", out);
    fputs(options_text, out);
    fputs("\n`coopsim COMMAND --help` describes one command.  Documentation: README.md, docs/.\n"
          "Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n",
          out);
}

static int add_override(coop_cli *cli, coop_err *err, const char *fmt, const char *a,
                        const char *b)
{
    size_t len = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *s = malloc(len);
    char **grown = realloc(cli->overrides, (cli->n_overrides + 1) * sizeof *grown);
    if (!s || !grown) {
        free(s);
        if (grown)
            cli->overrides = grown;
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    }
    snprintf(s, len, fmt, a, b ? b : "");
    cli->overrides = grown;
    cli->overrides[cli->n_overrides++] = s;
    return COOP_OK;
}

/* A whole decimal integer in [lo, hi], or an error naming the option. */
static int parse_int(const char *opt, const char *text, long long lo, long long hi,
                     long long *out, coop_err *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < lo || v > hi)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: '%s' is not an integer in [%lld, %lld]", opt,
                         text, lo, hi);
    *out = v;
    return COOP_OK;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

enum { OPT_SEED = 256, OPT_REPLICATES, OPT_THREADS, OPT_SET, OPT_SERIES, OPT_FORCE,
       OPT_RESUME, OPT_QUIET, OPT_VERSION, OPT_POSTERIOR };

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"seed", required_argument, NULL, OPT_SEED},
    {"replicates", required_argument, NULL, OPT_REPLICATES},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"set", required_argument, NULL, OPT_SET},
    {"series", required_argument, NULL, OPT_SERIES},
    {"force", no_argument, NULL, OPT_FORCE},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"posterior", required_argument, NULL, OPT_POSTERIOR},
    {NULL, 0, NULL, 0},
};

int coop_cli_parse(int argc, char **argv, coop_cli *cli, coop_err *err)
{
    memset(cli, 0, sizeof *cli);
    cli->command_line = join_args(argc, argv);
    if (!cli->command_line)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");

    if (argc < 2)
        return COOP_FAIL(err, COOP_ECONFIG, "no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        cli->cmd = COOP_CMD_HELP;
        cli->topic = argc > 2 ? command_of(argv[2]) : COOP_CMD_NONE;
        return COOP_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        cli->cmd = COOP_CMD_VERSION;
        return COOP_OK;
    }
    cli->cmd = command_of(argv[1]);
    if (cli->cmd == COOP_CMD_NONE)
        return COOP_FAIL(err, COOP_ECONFIG, "unknown command '%s' (commands: run, sweep, "
                         "hypothesis, validate, check, tournament, sensitivity, infer, plot, "
                         "report)", argv[1]);

    /* getopt_long over the arguments after the command; argv[1] acts as argv[0]. */
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    optind = 0; /* 0: full re-initialisation (glibc), so parse can run more than once */
    opterr = 0;
    int c, status;
    long long v;
    while ((c = getopt_long(sub_argc, sub_argv, ":o:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'o':
            cli->outdir = optarg;
            break;
        case 'h':
            cli->topic = cli->cmd;
            cli->cmd = COOP_CMD_HELP;
            return COOP_OK;
        case OPT_VERSION:
            cli->cmd = COOP_CMD_VERSION;
            return COOP_OK;
        case OPT_SEED:
            if ((status = parse_int("--seed", optarg, 0, 4294967295LL, &v, err)))
                return status;
            if ((status = add_override(cli, err, "experiment.seed=%s%s", optarg, NULL)))
                return status;
            break;
        case OPT_REPLICATES:
            if (strcmp(optarg, "auto") == 0) {
                if (cli->cmd != COOP_CMD_HYPOTHESIS)
                    return COOP_FAIL(err, COOP_ECONFIG, "--replicates auto: only `coopsim "
                                     "hypothesis` sizes its replicates (give a number)");
                cli->replicates_auto = 1;
                break;
            }
            if ((status = parse_int("--replicates", optarg, 1, 65536, &v, err)))
                return status;
            if ((status = add_override(cli, err, "experiment.replicates=%s%s", optarg, NULL)))
                return status;
            break;
        case OPT_THREADS:
            if ((status = parse_int("--threads", optarg, 1, MAX_THREADS, &v, err)))
                return status;
            cli->threads = (int)v;
            break;
        case OPT_SET:
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return COOP_FAIL(err, COOP_ECONFIG, "--set '%s': expected PATH=VALUE", optarg);
            if ((status = add_override(cli, err, "%s%s", optarg, NULL)))
                return status;
            break;
        case OPT_SERIES:
            if (strcmp(optarg, "none") && strcmp(optarg, "summary") && strcmp(optarg, "full"))
                return COOP_FAIL(err, COOP_ECONFIG,
                                 "--series: '%s' is not one of none, summary, full", optarg);
            if ((status = add_override(cli, err, "output.series=\"%s\"%s", optarg, NULL)))
                return status;
            break;
        case OPT_FORCE:
            cli->force = 1;
            break;
        case OPT_POSTERIOR:
            if (cli->cmd != COOP_CMD_HYPOTHESIS)
                return COOP_FAIL(err, COOP_ECONFIG, "--posterior is an option of `coopsim "
                                 "hypothesis` only");
            cli->posterior = optarg;
            break;
        case OPT_RESUME:
            cli->resume = 1;
            break;
        case OPT_QUIET:
            cli->quiet = 1;
            break;
        case ':':
            return COOP_FAIL(err, COOP_ECONFIG, "option '%s' needs a value",
                             sub_argv[optind - 1]);
        default:
            return COOP_FAIL(err, COOP_ECONFIG, "unknown option '%s'", sub_argv[optind - 1]);
        }
    }
    if (optind >= sub_argc)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: missing %s", command_names[cli->cmd],
                         cli->cmd == COOP_CMD_PLOT || cli->cmd == COOP_CMD_REPORT ? "RESULTS_DIR"
                                                                             : "CONFIG");
    cli->input = sub_argv[optind++];
    if (optind < sub_argc)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: unexpected argument '%s'",
                         command_names[cli->cmd], sub_argv[optind]);
    return COOP_OK;
}

void coop_cli_destroy(coop_cli *cli)
{
    for (size_t i = 0; i < cli->n_overrides; i++)
        free(cli->overrides[i]);
    free(cli->overrides);
    free(cli->command_line);
    memset(cli, 0, sizeof *cli);
}
