/* cli.c: the command line of coopsim (README.md, "Command line").
 *
 * `coopsim COMMAND INPUT [options]`: the first argument names the command, the
 * rest is parsed with getopt_long (options may come before or after INPUT).  The
 * commands, and the options each accepts, are the help table's (help.c): an
 * option the command does not take is refused, naming those it takes; an unknown
 * command or option gets the nearest one suggested (coop_suggest.h).
 * Options that change the configuration (--seed, --replicates, --series) are
 * turned into `--set` overrides here, so that the configuration module checks
 * them exactly like values in the file and the manifest records them. */
#include "coop_cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "coop_fmt.h"
#include "coop_suggest.h"

#define MAX_THREADS 4096

const char *coop_cli_command_name(coop_command cmd)
{
    const coop_command_help *h = coop_cli_help_of(cmd);
    return h ? h->name : "";
}

/* The command named name (help and version included), else COOP_CMD_NONE. */
static coop_command command_of(const char *name)
{
    const coop_command_help *h = coop_cli_help_named(name);
    return h ? h->cmd : COOP_CMD_NONE;
}

/* "unknown command 'NAME' (commands: ...)", with the nearest command suggested. */
static int unknown_command(const char *name, coop_err *err)
{
    char list[256] = "", hint[COOP_SUGGEST_MAX + 32];
    for (size_t i = 0; i < coop_cli_n_help; i++)
        coop_fmt_cat(list, sizeof list, "%s%s", i ? ", " : "", coop_cli_help[i].name);
    return COOP_FAIL(err, COOP_ECONFIG, "unknown command '%s' (commands: %s)%s", name, list,
                     coop_suggest_hint(hint, sizeof hint, name, list));
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

/* getopt_long's codes: 'o' and 'h' for the options with a short form, else
 * OPT_BASE + the coop_option. */
enum { OPT_BASE = 256 };

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"seed", required_argument, NULL, OPT_BASE + COOP_OPT_SEED},
    {"replicates", required_argument, NULL, OPT_BASE + COOP_OPT_REPLICATES},
    {"threads", required_argument, NULL, OPT_BASE + COOP_OPT_THREADS},
    {"set", required_argument, NULL, OPT_BASE + COOP_OPT_SET},
    {"series", required_argument, NULL, OPT_BASE + COOP_OPT_SERIES},
    {"force", no_argument, NULL, OPT_BASE + COOP_OPT_FORCE},
    {"resume", no_argument, NULL, OPT_BASE + COOP_OPT_RESUME},
    {"posterior", required_argument, NULL, OPT_BASE + COOP_OPT_POSTERIOR},
    {"quiet", no_argument, NULL, OPT_BASE + COOP_OPT_QUIET},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "-o, --seed, ..." of an option set. */
static void option_list(char *buf, size_t size, unsigned set)
{
    buf[0] = '\0';
    for (int o = 0; o < COOP_N_OPTIONS; o++) {
        if (!(set & COOP_OPT_BIT(o)))
            continue;
        coop_fmt_cat(buf, size, "%s--%s", buf[0] ? ", " : "", coop_cli_options[o].name);
    }
}

/* An option the command h does not accept: what h takes, and which commands take
 * the option when they are few. */
static int refuse_option(const coop_command_help *h, int o, coop_err *err)
{
    char which[256] = "", takes[256];
    size_t n = 0, k = 0;
    for (size_t i = 0; i < coop_cli_n_help; i++)
        n += (coop_cli_help[i].options & COOP_OPT_BIT(o)) != 0;
    option_list(takes, sizeof takes, h->options);
    if (n > 4)
        return COOP_FAIL(err, COOP_ECONFIG, "`coopsim %s` does not take --%s: it takes %s",
                         h->name, coop_cli_options[o].name, takes);
    for (size_t i = 0; i < coop_cli_n_help; i++) {
        if (!(coop_cli_help[i].options & COOP_OPT_BIT(o)))
            continue;
        k++;
        coop_fmt_cat(which, sizeof which, "%s`coopsim %s`", k == 1 ? "" : k == n ? " and " : ", ",
                     coop_cli_help[i].name);
    }
    return COOP_FAIL(err, COOP_ECONFIG, "--%s is an option of %s only: `coopsim %s` takes %s",
                     coop_cli_options[o].name, which, h->name, takes);
}

/* An argument that is no option at all, with the nearest option of h suggested. */
static int unknown_option(const coop_command_help *h, const char *arg, coop_err *err)
{
    char word[COOP_SUGGEST_MAX + 1], takes[256], hint[COOP_SUGGEST_MAX + 32];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(arg, "="), arg);
    option_list(takes, sizeof takes, h->options);
    coop_suggest s;
    coop_suggest_start(&s, word);
    for (int o = 0; o < COOP_N_OPTIONS; o++) {
        char name[64];
        snprintf(name, sizeof name, "--%s", coop_cli_options[o].name);
        if (h->options & COOP_OPT_BIT(o))
            coop_suggest_offer(&s, name);
    }
    return COOP_FAIL(err, COOP_ECONFIG, "unknown option '%s' (`coopsim %s` takes %s)%s", arg,
                     h->name, takes, coop_suggest_hint_of(hint, sizeof hint, &s));
}

/* An option argument given to a command parsed without getopt (help, version):
 * refused as the option it names, or as an unknown one. */
static int refuse_arg(const coop_command_help *h, const char *arg, coop_err *err)
{
    for (int o = 0; o < COOP_N_OPTIONS; o++) {
        const coop_option_info *op = &coop_cli_options[o];
        size_t len = strcspn(arg, "=");
        if ((arg[1] == '-' && strlen(op->name) == len - 2 && strncmp(arg + 2, op->name, len - 2) == 0)
            || (op->short_name && arg[1] == op->short_name && arg[2] == '\0'))
            return refuse_option(h, o, err);
    }
    return unknown_option(h, arg, err);
}

/* The value of one option o (accepted by the command) into cli. */
static int take_option(coop_cli *cli, int o, const char *arg, coop_err *err)
{
    long long v;
    int status;
    switch (o) {
    case COOP_OPT_OUTPUT:
        cli->outdir = arg;
        return COOP_OK;
    case COOP_OPT_SEED:
        if ((status = parse_int("--seed", arg, 0, 4294967295LL, &v, err)))
            return status;
        return add_override(cli, err, "experiment.seed=%s%s", arg, NULL);
    case COOP_OPT_REPLICATES:
        if (strcmp(arg, "auto") == 0) {
            if (cli->cmd != COOP_CMD_HYPOTHESIS)
                return COOP_FAIL(err, COOP_ECONFIG, "--replicates auto: only `coopsim "
                                 "hypothesis` sizes its replicates (give a number)");
            cli->replicates_auto = 1;
            return COOP_OK;
        }
        if ((status = parse_int("--replicates", arg, 1, 65536, &v, err)))
            return status;
        return add_override(cli, err, "experiment.replicates=%s%s", arg, NULL);
    case COOP_OPT_THREADS:
        if ((status = parse_int("--threads", arg, 1, MAX_THREADS, &v, err)))
            return status;
        cli->threads = (int)v;
        return COOP_OK;
    case COOP_OPT_SET:
        if (!strchr(arg, '=') || arg[0] == '=')
            return COOP_FAIL(err, COOP_ECONFIG, "--set '%s': expected PATH=VALUE", arg);
        return add_override(cli, err, "%s%s", arg, NULL);
    case COOP_OPT_SERIES:
        if (strcmp(arg, "none") && strcmp(arg, "summary") && strcmp(arg, "full")) {
            char hint[COOP_SUGGEST_MAX + 32];
            return COOP_FAIL(err, COOP_ECONFIG, "--series: '%s' is not one of none, summary, "
                             "full%s", arg, coop_suggest_hint(hint, sizeof hint, arg,
                                                              "none, summary, full"));
        }
        return add_override(cli, err, "output.series=\"%s\"%s", arg, NULL);
    case COOP_OPT_FORCE: cli->force = 1; return COOP_OK;
    case COOP_OPT_RESUME: cli->resume = 1; return COOP_OK;
    case COOP_OPT_POSTERIOR: cli->posterior = arg; return COOP_OK;
    case COOP_OPT_QUIET: cli->quiet = 1; return COOP_OK;
    default: return COOP_OK;
    }
}

/* `coopsim help [COMMAND]` (also --help, -h): the overview or one command's help. */
static int parse_help(int argc, char **argv, coop_cli *cli, coop_err *err)
{
    cli->cmd = COOP_CMD_HELP;
    if (argc < 3)
        return COOP_OK;
    if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)
        cli->topic = COOP_CMD_HELP;
    else if (argv[2][0] == '-')
        return refuse_arg(coop_cli_help_of(COOP_CMD_HELP), argv[2], err);
    else if ((cli->topic = command_of(argv[2])) == COOP_CMD_NONE)
        return unknown_command(argv[2], err);
    if (argc > 3)
        return COOP_FAIL(err, COOP_ECONFIG, "help: unexpected argument '%s'", argv[3]);
    return COOP_OK;
}

/* `coopsim version` (also --version): nothing but --help may follow. */
static int parse_version(int argc, char **argv, coop_cli *cli, coop_err *err)
{
    cli->cmd = COOP_CMD_VERSION;
    if (argc < 3)
        return COOP_OK;
    if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
        cli->cmd = COOP_CMD_HELP;
        cli->topic = COOP_CMD_VERSION;
        return argc > 3 ? COOP_FAIL(err, COOP_ECONFIG, "version: unexpected argument '%s'",
                                    argv[3]) : COOP_OK;
    }
    if (argv[2][0] == '-')
        return refuse_arg(coop_cli_help_of(COOP_CMD_VERSION), argv[2], err);
    return COOP_FAIL(err, COOP_ECONFIG, "version: unexpected argument '%s'", argv[2]);
}

int coop_cli_parse(int argc, char **argv, coop_cli *cli, coop_err *err)
{
    memset(cli, 0, sizeof *cli);
    cli->command_line = join_args(argc, argv);
    if (!cli->command_line)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");

    if (argc < 2)
        return COOP_FAIL(err, COOP_ECONFIG, "no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return parse_help(argc, argv, cli, err);
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)
        return parse_version(argc, argv, cli, err);
    cli->cmd = command_of(argv[1]);
    if (cli->cmd == COOP_CMD_NONE && argv[1][0] == '-')
        return COOP_FAIL(err, COOP_ECONFIG, "'%s' before the command: write `coopsim COMMAND "
                         "%s ...` (coopsim --help lists the commands)", argv[1], argv[1]);
    if (cli->cmd == COOP_CMD_NONE)
        return unknown_command(argv[1], err);
    const coop_command_help *h = coop_cli_help_of(cli->cmd);

    /* getopt_long over the arguments after the command; argv[1] acts as argv[0]. */
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    optind = 0; /* 0: full re-initialisation (glibc), so parse can run more than once */
    opterr = 0;
    int c, status;
    while ((c = getopt_long(sub_argc, sub_argv, ":o:h", long_options, NULL)) != -1) {
        if (c == ':')
            return COOP_FAIL(err, COOP_ECONFIG, "option '%s' needs a value",
                             sub_argv[optind - 1]);
        if (c == '?')
            return unknown_option(h, sub_argv[optind - 1], err);
        int o = c == 'o' ? COOP_OPT_OUTPUT : c == 'h' ? COOP_OPT_HELP : c - OPT_BASE;
        if (o == COOP_OPT_HELP) {
            cli->topic = cli->cmd;
            cli->cmd = COOP_CMD_HELP;
            return COOP_OK;
        }
        if (!(h->options & COOP_OPT_BIT(o)))
            return refuse_option(h, o, err);
        if ((status = take_option(cli, o, optarg, err)))
            return status;
    }
    if (optind >= sub_argc)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: missing %s", h->name, h->args);
    cli->input = sub_argv[optind++];
    if (optind < sub_argc)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: unexpected argument '%s'", h->name,
                         sub_argv[optind]);
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
