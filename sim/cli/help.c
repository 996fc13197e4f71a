/* help.c: the help of every command (README.md, "Command line"): one table, one
 * entry per command (usage, description, the options it accepts, the files it
 * writes, an example), from which `coopsim --help`, `coopsim COMMAND --help`
 * (or `coopsim help COMMAND`), the options each command accepts (cli.c) and the
 * man page docs/coopsim.1 (coop_cli_man; tests/test_help.c keeps the file equal
 * to it) are all made.  Adding a command is adding an entry here. */
#include "coop_cli.h"

#include <ctype.h>
#include <string.h>

#include "coop_version.h"

#define BIT COOP_OPT_BIT

/* The options of the commands that run experiments into a results directory. */
#define RUN_OPTS                                                                          \
    (BIT(COOP_OPT_OUTPUT) | BIT(COOP_OPT_SEED) | BIT(COOP_OPT_REPLICATES) |               \
     BIT(COOP_OPT_THREADS) | BIT(COOP_OPT_SET) | BIT(COOP_OPT_SERIES) | BIT(COOP_OPT_FORCE) | \
     BIT(COOP_OPT_QUIET) | BIT(COOP_OPT_HELP))

const coop_option_info coop_cli_options[COOP_N_OPTIONS] = {
    [COOP_OPT_OUTPUT] = {"output", 'o', "DIR",
                         "where to write (default: see the command's Files)"},
    [COOP_OPT_SEED] = {"seed", 0, "N", "master seed, 0..4294967295 (sets experiment.seed)"},
    [COOP_OPT_REPLICATES] = {"replicates", 0, "N",
                             "replicates per point, 1..65536 (sets\n"
                             "experiment.replicates); hypothesis also takes `auto`"},
    [COOP_OPT_THREADS] = {"threads", 0, "N",
                          "OpenMP threads, 1..4096 (default: OMP_NUM_THREADS,\n"
                          "else all cores); results are identical for any number"},
    [COOP_OPT_SET] = {"set", 0, "PATH=VALUE",
                      "override any configuration value (repeatable), e.g.\n"
                      "--set actors.KZ.openness=0.7 --set domains.security.T=5"},
    [COOP_OPT_SERIES] = {"series", 0, "MODE",
                         "per-step data kept: none, summary or full (sets\n"
                         "output.series)"},
    [COOP_OPT_FORCE] = {"force", 0, NULL,
                        "replace coopsim's files in an existing results directory\n"
                        "(other files there are kept)"},
    [COOP_OPT_RESUME] = {"resume", 0, NULL,
                         "finish an interrupted run: give DIR/manifest.cfg as\n"
                         "CONFIG"},
    [COOP_OPT_POSTERIOR] = {"posterior", 0, "DIR",
                            "draw each replicate's parameters from the posterior that\n"
                            "`coopsim infer` wrote in DIR (docs/INFERENCE.md)"},
    [COOP_OPT_QUIET] = {"quiet", 0, NULL, "no progress bar or closing line"},
    [COOP_OPT_HELP] = {"help", 'h', NULL, "this help"},
};

const coop_command_help coop_cli_help[] = {
    {COOP_CMD_RUN, "run", "CONFIG", "R replicates of one scenario", RUN_OPTS,
     "Runs the experiment.replicates replicates of CONFIG in parallel (each with\n"
     "its own seed derived from experiment.seed) and writes the results directory.\n"
     "A CONFIG with a sweep group is refused (exit status 2): `coopsim sweep CONFIG`\n"
     "runs its points.  A results manifest is refused when another command wrote it\n"
     "(its run.subcommand): that command reproduces it.",
     "In DIR (default results/<experiment name>): manifest.cfg, outcomes.csv,\n"
     "milestones.csv; with --series summary or full summary.csv; with full also\n"
     "series.csv, ties.csv, population.csv; with output.snapshots snapshots.csv\n"
     "(docs/OUTPUT.md).",
     "coopsim run configs/eu_ca.cfg --replicates 100 --set actors.KZ.openness=0.7", NULL},
    {COOP_CMD_SWEEP, "sweep", "CONFIG", "every point of the config's sweep, R replicates each",
     RUN_OPTS | BIT(COOP_OPT_RESUME),
     "Runs every point of CONFIG's sweep group (docs/CONFIG.md, \"Sweeps\"), R\n"
     "replicates each, and streams the results point by point into the results\n"
     "directory.  Ctrl-C (or SIGTERM) stops it with every complete point kept;\n"
     "`coopsim sweep DIR/manifest.cfg --resume` finishes it with exactly the files\n"
     "an uninterrupted run writes (docs/OUTPUT.md, \"Sweeps\").",
     "In DIR (default results/<experiment name>): the files of `coopsim run` for\n"
     "every point (a `point` column), and points.csv listing the points.",
     "coopsim sweep configs/sweep_motivator.cfg --replicates 50 --series none\n"
     "coopsim sweep results/sweep_motivator/manifest.cfg --resume", NULL},
    {COOP_CMD_HYPOTHESIS, "hypothesis", "CONFIG",
     "paired factual/counterfactual (and placebo) experiment",
     RUN_OPTS | BIT(COOP_OPT_RESUME) | BIT(COOP_OPT_POSTERIOR),
     "Runs CONFIG with the motivator's role (factual), without it (counterfactual)\n"
     "and with the role moved to each placebo, with common random numbers, and\n"
     "prints the verdict table: per outcome the paired difference, its interval,\n"
     "the smallest effect of interest and a verdict (docs/HYPOTHESIS.md).  With a\n"
     "sweep group it tests every point (resumable with --resume).\n"
     "--replicates auto doubles the replicates from experiment.replicates until the\n"
     "primary (1-alpha) interval's half-width is below SESOI/4, at most\n"
     "hypothesis.max_replicates.  --posterior DIR runs one point with parameters\n"
     "drawn from an inference posterior (no sweep, auto or --resume).",
     "In DIR (default results/<experiment name>): the files of `coopsim run` for\n"
     "each world (a `world` column), hypothesis.csv, with hypothesis.channels\n"
     "channels.csv; with --posterior posterior_hypothesis.csv (docs/OUTPUT.md).",
     "coopsim hypothesis configs/eu_ca.cfg --replicates auto -o results/kz", NULL},
    {COOP_CMD_VALIDATE, "validate", "CONFIG",
     "replay a historical scenario and score it against the record", RUN_OPTS,
     "Replays CONFIG (a historical scenario with a validation group) and scores\n"
     "its replicates against the record: the order of agreements (Kendall's tau-b),\n"
     "the first to an enhanced agreement, trade shares and a combined score\n"
     "(docs/VALIDATION.md).  With a sweep group it scores every point.  The table\n"
     "goes to standard output.",
     "In DIR (default results/<experiment name>): the files of `coopsim run` and\n"
     "validation.csv; with a sweep group manifest.cfg, points.csv and\n"
     "validation.csv only.",
     "coopsim validate configs/eu_ca_history.cfg --replicates 200", NULL},
    {COOP_CMD_CHECK, "check", "CONFIG", "validate the configuration; print it fully resolved",
     BIT(COOP_OPT_SEED) | BIT(COOP_OPT_REPLICATES) | BIT(COOP_OPT_SET) | BIT(COOP_OPT_SERIES) |
         BIT(COOP_OPT_HELP),
     "Loads CONFIG, applies the overrides, checks every value (and, with a sweep\n"
     "group, every combination of its values) and prints the resolved\n"
     "configuration (every key, defaults filled) in libconfig syntax.  Runs\n"
     "nothing.",
     "None: the configuration goes to standard output.",
     "coopsim check configs/eu_ca.cfg --set actors.KZ.openness=0.6", NULL},
    {COOP_CMD_TOURNAMENT, "tournament", "CONFIG",
     "round robin of the config's strategies -> tournament.csv",
     BIT(COOP_OPT_OUTPUT) | BIT(COOP_OPT_SEED) | BIT(COOP_OPT_REPLICATES) |
         BIT(COOP_OPT_THREADS) | BIT(COOP_OPT_SET) | BIT(COOP_OPT_FORCE) | BIT(COOP_OPT_QUIET) |
         BIT(COOP_OPT_HELP),
     "Plays every pair of CONFIG's actors (as strategies, their rules) against each\n"
     "other for the configuration's steps, experiment.replicates repetitions with\n"
     "the first domain's payoffs and noise, and prints the ranking (Axelrod 1984).",
     "In DIR (default results/<experiment name>): manifest.cfg, tournament.csv\n"
     "(per strategy) and matrix.csv (per pair).",
     "coopsim tournament configs/classic/tournament.cfg --set noise=0.05", NULL},
    {COOP_CMD_SENSITIVITY, "sensitivity", "CONFIG",
     "Morris screening or Sobol' indices -> sensitivity.csv",
     BIT(COOP_OPT_OUTPUT) | BIT(COOP_OPT_SEED) | BIT(COOP_OPT_REPLICATES) |
         BIT(COOP_OPT_THREADS) | BIT(COOP_OPT_SET) | BIT(COOP_OPT_FORCE) | BIT(COOP_OPT_QUIET) |
         BIT(COOP_OPT_RESUME) | BIT(COOP_OPT_HELP),
     "Runs the design of CONFIG's sensitivity group (docs/SENSITIVITY.md): Morris\n"
     "elementary effects (mu, mu*, sigma) or Sobol' first-order and total indices\n"
     "(Saltelli 2010, Jansen 1999) of the chosen outcomes over the parameters'\n"
     "ranges, R replicates per design row with common random numbers within a\n"
     "block, bootstrap intervals; prints the parameters ranked by ST or mu*.\n"
     "`function = \"ishigami\"` (or \"g\", \"linear\") replaces the simulation by an\n"
     "analytic test function.  Ctrl-C (or SIGTERM) keeps the blocks complete;\n"
     "`coopsim sensitivity DIR/manifest.cfg --resume` finishes the analysis.",
     "In DIR (default results/<experiment name>): manifest.cfg, sensitivity.csv,\n"
     "sensitivity_design.csv, sensitivity_outputs.csv, sensitivity_variance.csv;\n"
     "with an effect: output sensitivity_shares.csv; with second_order = true\n"
     "sensitivity_s2.csv (docs/OUTPUT.md).",
     "coopsim sensitivity configs/sensitivity_motivator.cfg --replicates 20", NULL},
    {COOP_CMD_INFER, "infer", "CONFIG",
     "ABC-SMC posterior of the infer group's parameters (and models)",
     BIT(COOP_OPT_OUTPUT) | BIT(COOP_OPT_SEED) | BIT(COOP_OPT_THREADS) | BIT(COOP_OPT_SET) |
         BIT(COOP_OPT_FORCE) | BIT(COOP_OPT_QUIET) | BIT(COOP_OPT_RESUME) | BIT(COOP_OPT_HELP),
     "Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC) over\n"
     "CONFIG's infer group: the parameters' priors, the observed targets, the\n"
     "competing models, the population size and the stopping rule\n"
     "(docs/INFERENCE.md).  Prints a line per generation and the posterior summary\n"
     "and predictive checks.  --seed N sets the sampler's seed (unless infer.seed\n"
     "is given).  Ctrl-C (or SIGTERM) keeps the generations complete;\n"
     "`coopsim infer DIR/manifest.cfg --resume` continues from the last one.",
     "In DIR (default results/<experiment name>): manifest.cfg, posterior.csv,\n"
     "generations.csv, models.csv, infer_summary.csv and predictive.csv\n"
     "(docs/OUTPUT.md).",
     "coopsim infer configs/infer/coin.cfg --threads 1 -o /tmp/coin1", NULL},
    {COOP_CMD_PLOT, "plot", "RESULTS_DIR", "figures (PNG) from a results directory",
     BIT(COOP_OPT_OUTPUT) | BIT(COOP_OPT_QUIET) | BIT(COOP_OPT_HELP),
     "Draws every figure that fits what RESULTS_DIR holds (a run, sweep,\n"
     "hypothesis, tournament, validate, sensitivity or infer directory) with\n"
     "gnuplot, through a temporary folder that replaces the target only when every\n"
     "figure is drawn (docs/FIGURES.md).  Prints a line per figure (--quiet:\n"
     "nothing).",
     "In OUT (default RESULTS_DIR/figures): NAME.png, its gnuplot script NAME.gp\n"
     "and the data it reads; files coopsim did not write are kept.",
     "coopsim plot results/eu_ca -o /tmp/eu_ca_figures", "OUT"},
    {COOP_CMD_REPORT, "report", "RESULTS_DIR",
     "one self-contained HTML page of a results directory",
     BIT(COOP_OPT_OUTPUT) | BIT(COOP_OPT_QUIET) | BIT(COOP_OPT_HELP),
     "Writes one self-contained HTML page of RESULTS_DIR (any command's results\n"
     "directory): what the directory is and what each file holds; for a hypothesis\n"
     "test the verdict table as `coopsim hypothesis` prints it (recomputed from\n"
     "outcomes.csv); the results tables (hypothesis, channels, validation,\n"
     "tournament, sensitivity, inference: the first 200 rows of each, the number left\n"
     "out said); the figures of `coopsim plot` embedded as PNG (drawn first when\n"
     "there are none); the command that reproduces the results; the manifest\n"
     "verbatim; the version.  No script, no network access: it opens in any browser\n"
     "and prints (docs/OUTPUT.md, \"report.html\").  --quiet prints nothing.",
     "FILE (default RESULTS_DIR/report.html), replaced only when complete; and\n"
     "RESULTS_DIR/figures/ when it had no figures (as `coopsim plot`).",
     "coopsim report results/eu_ca\n"
     "coopsim report results/kz -o /tmp/kz.html", "FILE"},
    {COOP_CMD_VERSION, "version", "", "print the version", BIT(COOP_OPT_HELP),
     "Prints `coopsim VERSION` (also `coopsim --version`).", "None.", "coopsim version", NULL},
    {COOP_CMD_HELP, "help", "[COMMAND]", "this overview, or the help of COMMAND",
     BIT(COOP_OPT_HELP),
     "Prints the overview of the commands, or with COMMAND the help of that command\n"
     "(the same as `coopsim COMMAND --help`).  `man coopsim` has them all.",
     "None.", "coopsim help hypothesis", NULL},
};

const size_t coop_cli_n_help = sizeof coop_cli_help / sizeof coop_cli_help[0];

const coop_command_help *coop_cli_help_of(coop_command cmd)
{
    for (size_t i = 0; i < coop_cli_n_help; i++)
        if (coop_cli_help[i].cmd == cmd)
            return &coop_cli_help[i];
    return NULL;
}

const coop_command_help *coop_cli_help_named(const char *name)
{
    for (size_t i = 0; i < coop_cli_n_help; i++)
        if (strcmp(coop_cli_help[i].name, name) == 0)
            return &coop_cli_help[i];
    return NULL;
}

/* text with every line after the first indented by `indent` spaces. */
static void put_indented(FILE *out, const char *text, int indent)
{
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n')
            fprintf(out, "%*s", indent, "");
    }
}

/* "  -o, --output DIR      text" for each option in the set; -o's value is named
 * output_arg (NULL: the table's "DIR"). */
static void put_options(FILE *out, unsigned set, const char *output_arg)
{
    fputs("Options:\n", out);
    for (int o = 0; o < COOP_N_OPTIONS; o++) {
        const coop_option_info *op = &coop_cli_options[o];
        if (!(set & BIT(o)))
            continue;
        char left[64];
        snprintf(left, sizeof left, "  %c%c%s--%s%s%s", op->short_name ? '-' : ' ',
                 op->short_name ? op->short_name : ' ', op->short_name ? ", " : "  ", op->name,
                 op->arg ? " " : "",
                 o == COOP_OPT_OUTPUT && output_arg ? output_arg : op->arg ? op->arg : "");
        fprintf(out, "%-24s", left);
        put_indented(out, op->text, 24);
        fputc('\n', out);
    }
}

/* The usage line's options: each of them when there are at most two (besides
 * --help: "[-o OUT] [--quiet]"), else "[options]"; nothing when there are none. */
static void put_usage_options(FILE *out, const coop_command_help *h)
{
    int n = 0;
    for (int o = 0; o < COOP_N_OPTIONS; o++)
        n += o != COOP_OPT_HELP && (h->options & BIT(o));
    if (n > 2) {
        fputs(" [options]", out);
        return;
    }
    for (int o = 0; o < COOP_N_OPTIONS; o++) {
        const coop_option_info *op = &coop_cli_options[o];
        if (o == COOP_OPT_HELP || !(h->options & BIT(o)))
            continue;
        const char *arg = o == COOP_OPT_OUTPUT && h->output_arg ? h->output_arg : op->arg;
        if (op->short_name)
            fprintf(out, " [-%c%s%s]", op->short_name, arg ? " " : "", arg ? arg : "");
        else
            fprintf(out, " [--%s%s%s]", op->name, arg ? " " : "", arg ? arg : "");
    }
}

static const char exit_text[] =
    "Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.\n";

void coop_cli_usage(FILE *out, coop_command topic)
{
    const coop_command_help *h = coop_cli_help_of(topic);
    if (h) {
        fprintf(out, "Usage: coopsim %s%s%s", h->name, h->args[0] ? " " : "", h->args);
        put_usage_options(out, h);
        fprintf(out, "\n\n%c%s.\n\n", toupper((unsigned char)h->summary[0]), h->summary + 1);
        fprintf(out, "%s\n\n", h->description);
        put_options(out, h->options, h->output_arg);
        fprintf(out, "\nFiles:\n  ");
        put_indented(out, h->files, 2);
        fprintf(out, "\n\nExample:\n  ");
        put_indented(out, h->example, 2);
        fprintf(out, "\n\n%s", exit_text);
        return;
    }
    fputs("coopsim: agent-based simulation of cooperation on networks\n\nUsage:\n", out);
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        char left[40];
        snprintf(left, sizeof left, "%s %s", coop_cli_help[i].name, coop_cli_help[i].args);
        fprintf(out, "  coopsim %-23s %s\n", left, coop_cli_help[i].summary);
    }
    fputs("  coopsim --help | --version\n\n", out);
    put_options(out, ~0u, NULL);
    fprintf(out, "\nEach command accepts only some options: `coopsim COMMAND --help` (or\n"
                 "`coopsim help COMMAND`) lists them with the files it writes and an example.\n"
                 "Documentation: man coopsim, README.md, docs/.\n%s",
            exit_text);
}

/* ---- the man page ---- */

/* text for troff: backslashes and hyphens escaped, a line that would start with
 * a control character ('.' or '\'') protected by \&. */
static void man_text(FILE *out, const char *text)
{
    int bol = 1;
    for (const char *p = text; *p; p++) {
        if (bol && (*p == '.' || *p == '\''))
            fputs("\\&", out);
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
        bol = *p == '\n';
    }
    fputc('\n', out);
}

/* ".BR \-o ", " \-\-output " " DIR" and its text, as a tagged paragraph. */
static void man_option(FILE *out, const coop_option_info *op)
{
    fputs(".TP\n", out);
    if (op->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", op->short_name);
    fprintf(out, "\\fB\\-\\-%s\\fR", op->name);
    if (op->arg)
        fprintf(out, " \\fI%s\\fR", op->arg);
    fputc('\n', out);
    man_text(out, op->text);
}

static void man_command(FILE *out, const coop_command_help *h)
{
    char line[256];
    snprintf(line, sizeof line, "coopsim %s%s%s", h->name, h->args[0] ? " " : "", h->args);
    fputs(".SS \"", out);
    fputs(line, out); /* no hyphens or backslashes in a synopsis */
    fputs("\"\n", out);
    man_text(out, h->summary);
    fputs(".PP\n", out);
    man_text(out, h->description);
    fputs(".PP\nOptions:", out);
    for (int o = 0; o < COOP_N_OPTIONS; o++)
        if (h->options & BIT(o))
            fprintf(out, " \\fB\\-\\-%s\\fR", coop_cli_options[o].name);
    fputs("\n.PP\nFiles:\n", out);
    man_text(out, h->files);
    fputs(".PP\nExample:\n.RS\n.nf\n", out);
    man_text(out, h->example);
    fputs(".fi\n.RE\n", out);
}

void coop_cli_man(FILE *out)
{
    fputs(".\\\" coopsim.1: generated from the help table of sim/cli/help.c (coop_cli_man);\n"
          ".\\\" tests/test_help.c checks that it is current.\n", out);
    fprintf(out, ".TH COOPSIM 1 \"\" \"coopsim %s\" \"User Commands\"\n.nh\n.ad l\n",
            COOP_VERSION); /* no hyphenation of names and paths, ragged right */
    fputs(".SH NAME\ncoopsim \\- agent\\-based simulation of cooperation on networks\n"
          ".SH SYNOPSIS\n", out);
    for (size_t i = 0; i < coop_cli_n_help; i++)
        fprintf(out, "\\fBcoopsim %s\\fR %s%s\n.br\n", coop_cli_help[i].name,
                coop_cli_help[i].args,
                (coop_cli_help[i].options & ~BIT(COOP_OPT_HELP)) ? " [\\fIoptions\\fR]" : "");
    fputs("\\fBcoopsim\\fR \\-\\-help | \\-\\-version\n.SH DESCRIPTION\n", out);
    man_text(out, "coopsim simulates cooperation between actors on networks: the EU and the five\n"
                  "Central Asian states with Kazakhstan as a possible motivator of EU-Central\n"
                  "Asia cooperation, and the classic evolutionary games (Nowak-May lattices,\n"
                  "Fermi imitation, Axelrod tournaments).  A configuration file (libconfig\n"
                  "syntax; every key in docs/CONFIG.md) describes a scenario; a command runs it\n"
                  "and writes a results directory of CSV files (docs/OUTPUT.md).  Results are\n"
                  "identical for any number of threads.");
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < coop_cli_n_help; i++)
        man_command(out, &coop_cli_help[i]);
    fputs(".SH OPTIONS\nEach command accepts only the options its entry lists; "
          "any other is refused (exit status 2).\n", out);
    for (int o = 0; o < COOP_N_OPTIONS; o++)
        man_option(out, &coop_cli_options[o]);
    fputs(".SH EXIT STATUS\n0 on success; 1 on a runtime failure (an I/O error, an interrupted\n"
          "run); 2 on a usage or configuration error.  Errors go to standard error as\n"
          "\\fBcoopsim: FILE:LINE: ...\\fR naming the setting, the value and the allowed\n"
          "range, with the nearest valid name suggested for a misspelled one.\n"
          ".SH ENVIRONMENT\n.TP\n.B OMP_NUM_THREADS\nthreads when \\fB\\-\\-threads\\fR "
          "is not given (else all cores).\n"
          ".SH FILES\n.TP\n.I share/coopsim/configs/\nthe example configurations "
          "(installed under the prefix, e.g. /usr/local).\n"
          ".TP\n.I share/doc/coopsim/\nREADME.md and the reference documentation (every\n"
          "configuration key in CONFIG.md and every results file in OUTPUT.md; the model\n"
          "in ODD.md; HYPOTHESIS.md, VALIDATION.md, INFERENCE.md, SENSITIVITY.md,\n"
          "FIGURES.md and CLUSTER.md for the commands).\n"
          ".SH SEE ALSO\n.BR gnuplot (1)\n", out);
}
