/* channels_report.c: the channel decomposition written out (coop_channels.h):
 * channels.csv (its rows, and the file written and synced like hypothesis.csv)
 * and the section "Which channel carries the effect" of
 * the report `coopsim hypothesis` prints. */
#include "coop_channels.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char coop_channels_csv_header[] =
    "point,outcome,term,estimate,ci_lo,ci_hi,t_lo,t_hi,p_t,n,share";

/* The total's estimate of outcome o (the first term). */
static double total_of(const coop_chan_point *cp, int o)
{
    return cp->est[o][0].s.diff;
}

/* A Shapley value's share of the total; NaN for other terms or a zero total. */
static double share_of(const coop_chan_point *cp, int o, const coop_chan_est *e)
{
    double tot = total_of(cp, o);
    if (e->term.kind != COOP_CHAN_SHAPLEY || !(tot != 0.0))
        return NAN;
    return e->s.diff / tot;
}

void coop_channels_csv_outcome(coop_csv *w, const coop_chan_point *cp, int o)
{
    for (int t = 0; t < cp->n_terms; t++) {
        const coop_chan_est *e = &cp->est[o][t];
        char term[COOP_CHAN_NAME];
        coop_channels_term_name(e->term, term, sizeof term);
        const double num[] = {e->s.diff, e->s.boot_lo, e->s.boot_hi, e->s.t_lo, e->s.t_hi,
                              e->s.p_t};
        coop_csv_put(w, "%d,%s,", cp->point, coop_outcome_names[o]);
        coop_csv_text(w, term);
        for (size_t k = 0; k < sizeof num / sizeof num[0]; k++) {
            coop_csv_put(w, ",");
            coop_csv_num(w, num[k]);
        }
        coop_csv_put(w, ",%zu,", e->s.n);
        coop_csv_num(w, share_of(cp, o, e));
        coop_csv_put(w, "\n");
    }
}

void coop_channels_csv_rows(coop_csv *w, const coop_chan_point *cp)
{
    for (int o = 0; o < COOP_N_OUTCOMES; o++) {
        if (cp->text[o])
            coop_csv_raw(w, cp->text[o], cp->text_len[o]);
        else
            coop_channels_csv_outcome(w, cp, o);
    }
}

coop_chan_csv *coop_chan_csv_open(const char *path, coop_err *err)
{
    return coop_csv_file_create(path, coop_channels_csv_header, err);
}

int coop_chan_csv_write(coop_chan_csv *c, const coop_chan_point *cp, coop_err *err)
{
    coop_channels_csv_rows(&c->out, cp);
    return coop_csv_file_status(c, err);
}

int coop_chan_csv_close(coop_chan_csv *c, coop_err *err)
{
    return coop_csv_file_close(c, err);
}

void coop_chan_csv_abort(coop_chan_csv *c)
{
    coop_csv_file_discard(c);
}

/* A number for the table: four significant digits, NA for NaN. */
static const char *num(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "NA");
    else
        snprintf(buf, size, "%+.4g", x == 0.0 ? 0.0 : x);
    return buf;
}

static const char *pval(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "NA");
    else if (p < 1e-16)
        snprintf(buf, size, "<1e-16");
    else
        snprintf(buf, size, "%.2g", p);
    return buf;
}

/* The sentence on where the total comes from: the largest Shapley share, when
 * the total's interval excludes 0 (a share of nothing means nothing); then each
 * channel's main effect read against the outcome's smallest effect of interest
 * (its t interval inside +-sesoi: too small to matter; entirely beyond it: one
 * that matters on its own; otherwise, when it includes 0, not distinguishable
 * from 0). */
static void print_reading(FILE *out, const coop_chan_point *cp, const char *mot, double sesoi)
{
    int o = cp->primary, best = -1;
    const coop_chan_est *tot = &cp->est[o][0];
    char name[COOP_CHAN_NAME];
    if (!(tot->s.t_lo > 0.0 || tot->s.t_hi < 0.0)) {
        fprintf(out, "The total's interval includes 0: there is no effect of %s's role on %s to "
                "attribute.", mot, coop_outcome_names[o]);
    } else {
        for (int t = 0; t < cp->n_terms; t++) {
            const coop_chan_est *e = &cp->est[o][t];
            if (e->term.kind == COOP_CHAN_SHAPLEY &&
                (best < 0 || share_of(cp, o, e) > share_of(cp, o, &cp->est[o][best])))
                best = t;
        }
        if (best >= 0) {
            coop_channels_term_name(cp->est[o][best].term, name, sizeof name);
            fprintf(out, "The largest share of the total goes to %s (%.0f%%).",
                    name + strlen("shapley:"), 100.0 * share_of(cp, o, &cp->est[o][best]));
        }
    }
    for (int t = 0; t < cp->n_terms; t++) {
        const coop_chan_est *e = &cp->est[o][t];
        if (e->term.kind != COOP_CHAN_MAIN)
            continue;
        coop_channels_term_name(e->term, name, sizeof name);
        const char *ch = name + strlen("main:");
        if (sesoi > 0.0 && e->s.t_lo > -sesoi && e->s.t_hi < sesoi)
            fprintf(out, " %s's main effect is smaller than the SESOI (%g): its %g%% t interval "
                    "lies within +-%g.", ch, sesoi, 100.0 * cp->confidence, sesoi);
        else if (sesoi > 0.0 && (e->s.t_lo > sesoi || e->s.t_hi < -sesoi))
            fprintf(out, " %s's main effect alone exceeds the SESOI (%g).", ch, sesoi);
        else if (e->s.t_lo <= 0.0 && e->s.t_hi >= 0.0)
            fprintf(out, " %s's main effect is not distinguishable from 0 (%g%% t interval).",
                    ch, 100.0 * cp->confidence);
    }
    fputc('\n', out);
}

int coop_channels_print(FILE *out, const coop_chan_point *cp, const coop_config *cfg)
{
    const char *mot = coop_cfg_actor_name(cfg, cfg->hyp.motivator);
    int o = cp->primary;
    char ci[48];
    snprintf(ci, sizeof ci, "estimate [%g%% CI]", 100.0 * cp->confidence);
    fprintf(out, "\nWhich channel carries the effect: a 2^%d factorial design over %s's channels "
            "(%d worlds under common random numbers: each channel's strength factual or 0), on "
            "the primary outcome %s, oriented as above; %g%% bootstrap CI; p: t-test of 0, "
            "unadjusted (docs/HYPOTHESIS.md).\n", cp->k, mot, 1 << cp->k,
            coop_outcome_names[o], 100.0 * cp->confidence);
    fprintf(out, "  %-46s %-38s %8s  %s\n", "term", ci, "p", "share");
    for (int t = 0; t < cp->n_terms; t++) {
        const coop_chan_est *e = &cp->est[o][t];
        char name[COOP_CHAN_NAME], d[32], lo[32], hi[32], p[32], est[128], share[32] = "";
        coop_channels_term_name(e->term, name, sizeof name);
        if (e->term.kind == COOP_CHAN_TOTAL)
            snprintf(name, sizeof name, "total (all on - all off)");
        snprintf(est, sizeof est, "%s [%s, %s]", num(d, sizeof d, e->s.diff),
                 num(lo, sizeof lo, e->s.boot_lo), num(hi, sizeof hi, e->s.boot_hi));
        double sh = share_of(cp, o, e);
        if (!isnan(sh))
            snprintf(share, sizeof share, "%.0f%%", 100.0 * sh);
        fprintf(out, "  %-46s %-38s %8s  %s\n", name, est, pval(p, sizeof p, e->s.p_t), share);
    }
    fprintf(out, "main: what the channel adds, averaged over the other channels' settings; "
            "interaction: half the change of one channel's effect when another is switched on "
            "(factorial contrast); shapley: the total split among the channels (they sum to "
            "it, interactions shared equally).  Every outcome: channels.csv.\n");
    print_reading(out, cp, mot, cfg->hyp.sesoi[o]);
    if (fflush(out) != 0 || ferror(out))
        return COOP_EIO;
    return COOP_OK;
}
