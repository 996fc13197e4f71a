/* cmd_infer.c: the drivers of `coopsim infer` and `coopsim hypothesis --posterior`
 * (coop_cmd.h): each opens its results directory through output.c (manifest.cfg
 * and the command's files, renamed into place together; nothing left behind on a
 * failure before an inference's first generation), records the run, and lets
 * sim/analysis/infer.c (the sampler and its files) or sim/analysis/infer_hyp.c
 * (the verdicts over the posterior) write into the directory's temporary
 * directory.  An inference keeps its checkpoint (coop_infer_ckpt) in a directory
 * of its own, DIR.tmp.PID/checkpoint, which becomes DIR, with a manifest of status
 * "interrupted", once the first generation is checkpointed: from then on DIR can
 * be resumed whatever stops the run (a signal, SIGKILL, a power loss), and the
 * complete results replace it at the end (docs/OUTPUT.md). */
#include "coop_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "coop_drive.h"
#include "coop_infer.h"
#include "coop_output.h"

/* Where an inference keeps its checkpoint, and putting it in place as DIR. */
typedef struct checkpoint {
    const coop_config *cfg;
    const coop_run_info *info;
    char dir[COOP_PATH_MAX];              /* DIR, without trailing slashes */
    char staging[COOP_PATH_MAX + 64];     /* DIR.tmp.PID/checkpoint */
    int in_place;                         /* DIR is the checkpoint */
    coop_infer_ckpt ck;                   /* its dir: staging, then DIR */
} checkpoint;

/* The checkpoint's manifest, status "interrupted", into its directory. */
static int checkpoint_manifest(checkpoint *c, coop_err *err)
{
    coop_run_info ri = *c->info;
    coop_run_info_finish(&ri, "interrupted");
    return coop_output_write_manifest(c->ck.dir, c->dir, c->cfg, &ri, err);
}

/* coop_infer_ckpt.publish: the staged checkpoint with its manifest becomes DIR
 * (the old DIR of --force replaced, its files that are not coopsim's kept). */
static int publish(void *ctx, coop_err *err)
{
    checkpoint *c = ctx;
    int st = checkpoint_manifest(c, err);
    if (!st)
        st = coop_dir_replace(c->staging, c->dir, NULL, NULL, err);
    if (!st) {
        c->in_place = 1;
        c->ck.dir = c->dir;
    }
    return st;
}

/* The interrupted inference: its checkpoint, put in place if it was not yet,
 * with status "interrupted"; the temporary directory goes. */
static int put_interrupted(coop_output *out, checkpoint *c, coop_run_info *info,
                           const coop_run_opts *opts, coop_err *err)
{
    coop_run_info_finish(info, "interrupted");
    int st = c->in_place ? checkpoint_manifest(c, err) : publish(c, err);
    coop_output_abort(out);
    if (st)
        return st;
    return COOP_FAIL(err, COOP_EINTR, "interrupted by %s; the complete generations are written "
                     "to %s/; finish the inference with: coopsim infer %s/manifest.cfg --resume",
                     coop_drive_signal_name(opts->stop ? *opts->stop : 0), opts->dir, opts->dir);
}

/* With --resume: what opts->dir holds (coop_output_resume_state).  Without it an
 * existing DIR needs --force (the results directory is opened forced, since the
 * checkpoint takes DIR's place before the end). */
static int resume_state(const coop_config *cfg, const coop_run_opts *opts,
                        coop_resume_state *state, coop_err *err)
{
    *state = COOP_RESUME_FRESH;
    struct stat sb;
    if (opts->force && opts->resume)
        return COOP_FAIL(err, COOP_ECONFIG, "--force and --resume exclude each other (--force "
                         "starts the inference afresh)");
    if (!opts->force && !opts->resume && lstat(opts->dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        return COOP_FAIL(err, COOP_EINVAL, "%s: results directory exists (use --force to "
                         "replace it)", opts->dir);
    return opts->resume ? coop_output_resume_state(opts->dir, cfg, "infer", state, err)
                        : COOP_OK;
}

/* Runs the inference into out (the checkpoint c: staged or, resuming, DIR). */
static int infer_into(const coop_config *cfg, const coop_infer *inf, const coop_run_opts *opts,
                      coop_output *out, checkpoint *c, coop_run_info *info, coop_err *err)
{
    const char *tmp = coop_output_tmpdir(out);
    snprintf(c->staging, sizeof c->staging, "%s/checkpoint", tmp);
    c->ck = (coop_infer_ckpt){c->in_place ? c->dir : c->staging, c->in_place, publish, c};
    int st = COOP_OK;
    if (!c->in_place && mkdir(c->staging, 0777) != 0)
        st = COOP_FAIL(err, COOP_EIO, "%s: cannot create directory: %s", c->staging,
                       strerror(errno));
    if (!st)
        st = coop_infer_write(cfg, inf, opts, tmp, &c->ck, err);
    if (st == COOP_EINTR)
        return put_interrupted(out, c, info, opts, err);
    if (st) {
        coop_output_abort(out); /* a checkpoint in place stays, for --resume */
        return st;
    }
    if (!c->in_place)
        coop_remove_tree(c->staging);
    coop_run_info_finish(info, "complete");
    return coop_output_close(out, info, err);
}

int coop_infer_run(const coop_config *cfg, const coop_run_opts *opts, coop_err *err)
{
    coop_resume_state state;
    int st = resume_state(cfg, opts, &state, err);
    if (st)
        return st;
    if (state == COOP_RESUME_COMPLETE) {
        if (!opts->quiet)
            fprintf(stderr, "coopsim: %s: the inference is complete: nothing to resume\n",
                    opts->dir);
        return COOP_OK;
    }
    coop_infer *inf = malloc(sizeof *inf);
    if (!inf)
        return COOP_FAIL(err, COOP_ENOMEM, "out of memory");
    if ((st = coop_infer_load(cfg, inf, err))) {
        free(inf);
        return st;
    }
    coop_output *out = coop_output_open_bare(opts->dir, cfg, 1, err);
    if (!out) {
        free(inf);
        return err->code ? err->code : COOP_EIO;
    }
    coop_run_info info;
    coop_run_info_start(&info, opts->command, coop_experiment_threads(opts->threads));
    info.subcommand = "infer";
    checkpoint c = {.cfg = cfg, .info = &info, .in_place = state == COOP_RESUME_INTERRUPTED};
    size_t n = strlen(opts->dir);
    while (n > 1 && opts->dir[n - 1] == '/')
        n--;
    snprintf(c.dir, sizeof c.dir, "%.*s", (int)n, opts->dir);
    st = infer_into(cfg, inf, opts, out, &c, &info, err);
    if (!st && !opts->quiet)
        fprintf(stderr, "coopsim: inference of '%s' written to %s/\n", cfg->name, opts->dir);
    free(inf);
    return st;
}

int coop_infer_hypothesis(const coop_config *cfg, const char *post_dir, const coop_run_opts *opts,
                          coop_err *err)
{
    if (cfg->hyp.motivator < 0)
        return COOP_FAIL(err, COOP_ECONFIG, "%s: no hypothesis.motivator: nothing to test",
                         cfg->source);
    coop_infer_draws *d = coop_infer_draws_read(post_dir, cfg, err);
    int st = d ? COOP_OK : err->code ? err->code : COOP_ENOMEM;
    coop_output *out = st ? NULL : coop_output_open_bare(opts->dir, cfg, opts->force, err);
    if (!st && !out)
        st = err->code ? err->code : COOP_EIO;
    coop_run_info info;
    int threads = coop_experiment_threads(opts->threads);
    coop_run_info_start(&info, opts->command, threads);
    info.subcommand = "hypothesis";
    if (!st)
        st = coop_infer_hypothesis_write(cfg, d, threads, post_dir, coop_output_tmpdir(out),
                                         opts->table, err);
    if (st)
        coop_output_abort(out);
    else {
        coop_run_info_finish(&info, "complete");
        st = coop_output_close(out, &info, err);
    }
    coop_infer_draws_free(d);
    return st;
}
