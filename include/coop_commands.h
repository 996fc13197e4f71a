/* coop_commands.h: the coopsim commands (run, sweep, hypothesis, validate,
 * tournament, check, plot, help, version), each a function of the parsed command
 * line and the configuration, looked up by main.c in one table.  The top of the
 * include flow: a command wires the configuration, the experiment, its analysis
 * and the results directory together; nothing below includes this. */
#ifndef COOP_COMMANDS_H
#define COOP_COMMANDS_H

#include <signal.h>

#include "coop_cli.h"
#include "coop_config.h"
#include "coop_error.h"

/* A command: cfg is the configuration loaded by coop_command_load (NULL for the
 * commands that take none).  Returns a status with err filled. */
typedef int (*coop_command_fn)(const coop_cli *cli, const coop_config *cfg, coop_err *err);

typedef struct coop_command_entry {
    coop_command cmd;
    coop_command_fn run;
    int needs_config;  /* INPUT is a configuration, loaded before run is called */
} coop_command_entry;

/* The entry of cmd, NULL when this version has none. */
const coop_command_entry *coop_command_find(coop_command cmd);

/* The one way a command's configuration is loaded: INPUT with the --set overrides
 * (coop_config_load), then the refusals every command makes before it runs (exit
 * status 2): a results manifest written by another command (its run.subcommand
 * reproduces it), and for `run` a configuration with a sweep group. */
int coop_command_load(const coop_cli *cli, coop_config *cfg, coop_err *err);

/* From here on SIGINT and SIGTERM stop the experiment cleanly (a second one kills
 * at once); the commands that run experiments call it. */
void coop_command_catch_signals(void);

/* The signal that asked the experiment to stop; 0 while none. */
const volatile sig_atomic_t *coop_command_stop_signal(void);

#endif
