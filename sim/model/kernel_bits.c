/* kernel_bits.c: the bit-sliced node kernel (docs/ODD.md, "Node kernel"): 64
 * lattice cells per uint64_t word for synchronous imitate_best with two actions,
 * state by state the byte kernel's (kernel.c) and so the general engine's.
 * kernel.c chooses it at init (kbits_init) and hands it the step (kbits_step).
 *
 * When it applies (else the byte kernel runs): the byte kernel runs (k_ready),
 * every node follows imitate_best (no draws), the network is an L x L lattice
 * (L >= 3) whose CSR is verified to be the Moore or von Neumann neighbourhood,
 * periodic or with fixed boundaries (a border cell has fewer neighbours), and for
 * each action x the gain of a node is a monotone function of its count k of
 * cooperating neighbours alone (on a fixed lattice, the same function for every
 * degree: true when the payoff against a defector is +0, as in Nowak & May's
 * game).  A ready configuration can still be given to the byte kernel:
 * experiment.engine = "bytes" or coop_model_set_bits(m, 0).
 *
 * Layout: row q of a state is S = W + 2 words: a guard word, the W words of the
 * L cells (cell c at bit c % 64 of word c / 64) and a guard word.  Ghost bits let
 * the shifts by one column read the wrap-around without a branch: the guard
 * before holds cell L - 1 at bit 63 and the bit just after cell L - 1 holds cell
 * 0 (periodic), both 0 on a fixed lattice; other bits past L - 1 are 0.
 *
 * A step, for each cell: the count k of its cooperating neighbours by bit-parallel
 * adders; its key, k or dmax - k, so that the gain of an x node grows with the key
 * (the direction is taken per action from the gain table); the masks T[x][a] of
 * the x cells with key >= a; their dilations E[x][a] over the cell and its
 * neighbours (the imitation set), so that E[C][a] says "the best C cell in reach
 * has key >= a".  The best C beats the best D when some a has E[C][a] and not
 * E[D][tau_C(a)], tau_C(a) being the smallest D key whose gain reaches that of
 * the C key a (and the other way round); the node takes the winner's action.
 * When neither wins (the best C and D scored the same: possible only when a C
 * gain equals a D gain, e.g. b = 2), the cell is decided alone by the general
 * engine's rule (self kept on ties, else the first best neighbour in slot order),
 * with the gains' ranks from the byte kernel's table.  Only the masks that some
 * comparison reads are built.  Rows go to threads in contiguous chunks; each
 * thread keeps the masks of three rows in a ring.
 *
 * Bookkeeping, only when something reads it: the population's counts of C and
 * actions (integers, from the counts k), and the int16 keys of the byte kernel,
 * from which kernel.c's kernel_sums adds the gains per sub-block and into the
 * cumulative gains, in the same order: the record and cum stay byte-identical. */
#include "model_internal.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KB_MAXD 8 /* the largest degree (Moore) */
#define KB_NA (KB_MAXD + 2) /* keys 0 .. dmax, and dmax + 1 for "none" */

struct kbits {
    int L, W, S;            /* side, words per row, row stride */
    int moore, periodic, dmax;
    uint64_t last;          /* the valid bits of a row's last word */
    uint64_t *buf;          /* 3 L S: the state to play, the next one, the last played */
    uint64_t *cur, *nxt, *old;
    uint64_t *zero;         /* S zero words: a row beyond a fixed boundary */
    int down[2];            /* per action: the gain falls with k (key dmax - k) */
    int eq;                 /* some C gain equals some D gain: ties can happen */
    /* the comparisons: win[x] = OR over q of E[x][wa[x][q]] & ~E[1-x][wb[x][q]] */
    int nw[2], wa[2][KB_NA], wb[2][KB_NA];
    int need[2][KB_NA];     /* need[x][a]: index of the mask of key >= a among x's, -1 none */
    int nm[2];              /* masks per action */
    int mkey[2][KB_NA];     /* the key of each mask */
    int16_t ckey[32];       /* code x * 16 + k: rank of the gain + 1 (the byte kernel's key) */
    uint64_t spread[256];   /* bit i of a byte to byte i (0 or 1) */
    uint64_t *scratch;      /* per thread: the ring of masks and a row of dilated masks */
    size_t per_thread;      /* words */
    int n_threads;          /* threads the scratch is sized for */
    int on;                 /* this run uses it */
    int allow;              /* coop_model_set_bits */
};

/* ---------------------------------------------------------------- lattice check */

/* Whether node i = (r, c)'s CSR neighbours are its Moore or von Neumann
 * neighbourhood, each once, periodic or cut at the border. */
static int kb_node_ok(const coop_model *m, int L, int moore, int periodic, int i)
{
    static const int dr[8] = {0, 1, 0, -1, 1, 1, -1, -1}, dc[8] = {1, 0, -1, 0, 1, -1, 1, -1};
    int r = i / L, c = i % L, k = moore ? 8 : 4, want = 0, seen = 0, tgt[8];
    for (int q = 0; q < k; q++) {
        int rr = r + dr[q], cc = c + dc[q];
        if (periodic)
            rr = (rr + L) % L, cc = (cc + L) % L;
        tgt[q] = rr >= 0 && rr < L && cc >= 0 && cc < L ? rr * L + cc : -1;
        want += tgt[q] >= 0;
    }
    if (m->row[i + 1] - m->row[i] != want)
        return 0;
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int hit = -1;
        for (int q = 0; q < k && hit < 0; q++)
            if (tgt[q] >= 0 && m->nbr[s] == tgt[q])
                hit = q;
        if (hit < 0 || (seen >> hit & 1))
            return 0;
        seen |= 1 << hit;
    }
    return 1;
}

/* Whether the CSR is an L x L lattice with fixed boundaries (Moore or von
 * Neumann): L and the neighbourhood.  (kernel.c verified the periodic ones.) */
static int kb_fixed_lattice(const coop_model *m, int *L, int *moore)
{
    size_t n = m->n;
    int l = 3;
    while ((size_t)l * (size_t)l < n)
        l++;
    if ((size_t)l * (size_t)l != n || (m->k_maxdeg != 8 && m->k_maxdeg != 4))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!kb_node_ok(m, l, m->k_maxdeg == 8, 0, (int)i))
            return 0;
    *L = l, *moore = m->k_maxdeg == 8;
    return 1;
}

/* ---------------------------------------------------------------- tables */

/* Rank (0-based) of the gain of an x node of degree d with k C neighbours. */
static int kb_rank(const coop_model *m, int d, int x, int k)
{
    return m->k_tab[m->k_off[d] + x * (d + 1) + k];
}

/* The keys' directions, the comparisons and the masks they read, from the byte
 * kernel's ranks; 0 when the gains are not monotone in k or, on a fixed lattice,
 * depend on the degree. */
static int kb_tables(const coop_model *m, struct kbits *kb)
{
    int dm = kb->dmax, g[2][KB_NA]; /* g[x][key]: rank of the gain */
    for (int d = 1; d <= dm; d++) /* the same gains for every degree present */
        for (int x = 0; x < 2 && m->k_off[d] >= 0; x++)
            for (int k = 0; k <= d; k++)
                if (kb_rank(m, d, x, k) != kb_rank(m, dm, x, k))
                    return 0;
    for (int x = 0; x < 2; x++) {
        int up = 1, dn = 1;
        for (int k = 1; k <= dm; k++) {
            up &= kb_rank(m, dm, x, k) >= kb_rank(m, dm, x, k - 1);
            dn &= kb_rank(m, dm, x, k) <= kb_rank(m, dm, x, k - 1);
        }
        if (!up && !dn)
            return 0;
        kb->down[x] = !up;
        for (int a = 0; a <= dm; a++)
            g[x][a] = kb_rank(m, dm, x, kb->down[x] ? dm - a : a);
        for (int k = 0; k < 16; k++)
            kb->ckey[x * 16 + k] = (int16_t)(k <= dm ? kb_rank(m, dm, x, k) + 1 : 0);
    }
    kb->eq = 0;
    for (int a = 0; a <= dm; a++)
        for (int b = 0; b <= dm; b++)
            kb->eq |= g[1][a] == g[0][b];
    /* x wins with key a unless the other action has a key >= tau(a); for keys a
     * with the same tau only the smallest matters (its mask holds the others) */
    for (int x = 0; x < 2; x++) {
        kb->nw[x] = 0, kb->nm[x] = 0;
        for (int a = 0; a < KB_NA; a++)
            kb->need[x][a] = -1;
    }
    for (int x = 0; x < 2; x++) {
        int prev = -1;
        for (int a = 0; a <= dm; a++) {
            int t = 0;
            while (t <= dm && g[1 - x][t] < g[x][a])
                t++;
            if (t == prev)
                continue;
            prev = t;
            kb->wa[x][kb->nw[x]] = a, kb->wb[x][kb->nw[x]] = t, kb->nw[x]++;
        }
    }
    for (int x = !kb->eq; x < 2; x++) /* without ties D wins wherever C does not */
        for (int q = 0; q < kb->nw[x]; q++) {
            int a = kb->wa[x][q], b = kb->wb[x][q];
            if (kb->need[x][a] < 0)
                kb->mkey[x][kb->nm[x]] = a, kb->need[x][a] = kb->nm[x]++;
            if (b <= dm && kb->need[1 - x][b] < 0)
                kb->mkey[1 - x][kb->nm[1 - x]] = b, kb->need[1 - x][b] = kb->nm[1 - x]++;
        }
    return 1;
}

/* ---------------------------------------------------------------- rows */

/* Row q of state st (word 0; its guards at [-1] and [W]), wrapped or the zero row. */
static const uint64_t *kb_row(const struct kbits *kb, const uint64_t *st, int q)
{
    if (q < 0 || q >= kb->L) {
        if (!kb->periodic)
            return kb->zero + 1;
        q = (q + kb->L) % kb->L;
    }
    return st + (size_t)q * (size_t)kb->S + 1;
}

/* Clears the bits past cell L - 1 of row p and sets its ghost bits (layout above). */
static void kb_ghost(const struct kbits *kb, uint64_t *p)
{
    int W = kb->W, L = kb->L;
    p[W - 1] &= kb->last;
    p[-1] = p[W] = 0;
    if (kb->periodic) {
        p[-1] = (p[(L - 1) >> 6] >> ((L - 1) & 63) & 1) << 63;
        p[L >> 6] |= (p[0] & 1) << (L & 63);
    }
}

/* Cell i's action in state st. */
static int kb_bit(const struct kbits *kb, const uint64_t *st, int i)
{
    int r = i / kb->L, c = i % kb->L;
    return (int)(st[(size_t)r * (size_t)kb->S + 1 + (size_t)(c >> 6)] >> (c & 63) & 1);
}

/* The rank of cell i's gain in state st, through the CSR. */
static int kb_cell_rank(const coop_model *m, const struct kbits *kb, const uint64_t *st, int i)
{
    int k = 0, lo = m->row[i], d = m->row[i + 1] - lo;
    for (int s = lo; s < lo + d; s++)
        k += kb_bit(kb, st, m->nbr[s]);
    return kb_rank(m, d, kb_bit(kb, st, i), k);
}

/* The general engine's imitate_best for cell i: self kept on ties, else the first
 * best neighbour in slot order (for the cells whose best C and D tie). */
static int kb_resolve(const coop_model *m, const struct kbits *kb, const uint64_t *st, int i)
{
    int best = i, top = kb_cell_rank(m, kb, st, i);
    for (int s = m->row[i]; s < m->row[i + 1]; s++) {
        int j = m->nbr[s], rj = kb_cell_rank(m, kb, st, j);
        if (rj > top)
            best = j, top = rj;
    }
    return kb_bit(kb, st, best);
}


#define KB_W(p, j) ((p)[j] << 1 | (p)[(j) - 1] >> 63) /* bit c: cell c - 1 */
#define KB_E(p, j) ((p)[j] >> 1 | (p)[(j) + 1] << 63) /* bit c: cell c + 1 */
#define KB_MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) ^ (b))))

/* The count k of each cell's C neighbours in word j of the row mid (up, dn: the
 * rows above and below), as bits k[0..3]; then ge[a] = [k >= a], a = 0 .. dmax + 1. */
static inline void kb_count(const struct kbits *kb, const uint64_t *up, const uint64_t *mid,
                            const uint64_t *dn, int j, uint64_t k[4], uint64_t ge[KB_NA])
{
    uint64_t w = KB_W(mid, j), e = KB_E(mid, j);
    if (kb->moore) {
        uint64_t uw = KB_W(up, j), ue = KB_E(up, j), dw = KB_W(dn, j), de = KB_E(dn, j);
        uint64_t u0 = uw ^ up[j] ^ ue, u1 = KB_MAJ(uw, up[j], ue);
        uint64_t d0 = dw ^ dn[j] ^ de, d1 = KB_MAJ(dw, dn[j], de);
        uint64_t m0 = w ^ e, m1 = w & e;
        uint64_t c0 = KB_MAJ(u0, d0, m0), t = u1 ^ d1 ^ m1, c1 = KB_MAJ(u1, d1, m1);
        k[0] = u0 ^ d0 ^ m0, k[1] = t ^ c0;
        uint64_t c2 = t & c0;
        k[2] = c1 ^ c2, k[3] = c1 & c2;
        ge[8] = k[3];
        ge[7] = k[3] | (k[2] & k[1] & k[0]);
        ge[6] = k[3] | (k[2] & k[1]);
        ge[5] = k[3] | (k[2] & (k[1] | k[0]));
        ge[4] = k[3] | k[2];
        ge[3] = ge[4] | (k[1] & k[0]);
        ge[2] = ge[4] | k[1];
        ge[1] = ge[2] | k[0];
    } else {
        uint64_t s = w ^ e ^ up[j], c = KB_MAJ(w, e, up[j]);
        k[0] = s ^ dn[j];
        uint64_t c2 = s & dn[j];
        k[1] = c ^ c2, k[2] = c & c2, k[3] = 0;
        ge[4] = k[2];
        ge[3] = k[2] | (k[1] & k[0]);
        ge[2] = k[2] | k[1];
        ge[1] = ge[2] | k[0];
    }
    ge[0] = ~0ull, ge[kb->dmax + 1] = 0;
}

/* The byte kernel's keys of the 64 cells of word j (cells c0 .. c0 + nc - 1), and
 * their counts of C (k summed, and C cells) into cnt. */
static inline void kb_keys(const struct kbits *kb, const uint64_t k[4], uint64_t x, int16_t *key,
                           int nc, long cnt[2])
{
    for (int g = 0; g * 8 < nc; g++) {
        int sh = 8 * g;
        uint64_t code = kb->spread[k[0] >> sh & 255] | kb->spread[k[1] >> sh & 255] << 1
                        | kb->spread[k[2] >> sh & 255] << 2 | kb->spread[k[3] >> sh & 255] << 3,
                 cx = kb->spread[x >> sh & 255];
        int e = nc - sh < 8 ? nc - sh : 8;
        if (e < 8) { /* the row's last cells: only the valid bytes */
            uint64_t keep = (1ull << (8 * e)) - 1;
            code &= keep, cx &= keep;
        }
        cnt[0] += (long)((code * 0x0101010101010101ull) >> 56);
        cnt[1] += (long)((cx * 0x0101010101010101ull) >> 56);
        code |= cx << 4;
        for (int b = 0; b < e; b++)
            key[sh + b] = kb->ckey[code >> (8 * b) & 31];
    }
}

/* The masks of row q (T: nm[1] rows of C masks, then nm[0] of D masks, S words
 * each) from the state st; with key, the keys of its cells and their counts. */
static void kb_masks(const coop_model *m, const struct kbits *kb, const uint64_t *st, int q,
                     uint64_t *T, int16_t *key, long cnt[2])
{
    size_t S = (size_t)kb->S;
    int W = kb->W, L = kb->L, nm1 = kb->nm[1], nm = nm1 + kb->nm[0], dm = kb->dmax;
    if (!kb->periodic && (q < 0 || q >= L)) {
        memset(T, 0, (size_t)nm * S * sizeof *T);
        return;
    }
    q = (q + L) % L;
    const uint64_t *up = kb_row(kb, st, q - 1), *mid = kb_row(kb, st, q), *dn = kb_row(kb, st, q + 1);
    for (int j = 0; j < W; j++) {
        uint64_t k[4], ge[KB_NA], x = mid[j];
        kb_count(kb, up, mid, dn, j, k, ge);
        for (int i = 0; i < nm; i++) {
            int c = i < nm1, a = kb->mkey[c][c ? i : i - nm1];
            uint64_t thr = kb->down[c] ? ~ge[dm + 1 - a] : ge[a];
            T[(size_t)i * S + 1 + (size_t)j] = (c ? x : ~x) & thr;
        }
        if (key)
            kb_keys(kb, k, x, key + (size_t)q * (size_t)L + (size_t)j * 64,
                    j < W - 1 ? 64 : L - 64 * (W - 1), cnt);
    }
    for (int i = 0; i < nm; i++)
        kb_ghost(kb, T + (size_t)i * S + 1);
    (void)m;
}

/* The next actions of row r (into the state kb->nxt) from the masks of rows r - 1,
 * r, r + 1 (t0, t1, t2); E: scratch for the dilated masks (nm rows of S words). */
static void kb_decide(const coop_model *m, const struct kbits *kb, int r, const uint64_t *t0,
                      const uint64_t *t1, const uint64_t *t2, uint64_t *E)
{
    size_t S = (size_t)kb->S;
    int W = kb->W, nm1 = kb->nm[1], nm = nm1 + kb->nm[0];
    for (int i = 0; i < nm; i++) { /* E: the masks dilated over the imitation set */
        const uint64_t *a = t0 + (size_t)i * S, *b = t1 + (size_t)i * S, *c = t2 + (size_t)i * S;
        uint64_t *e = E + (size_t)i * S;
        if (kb->moore) { /* the 3 x 3 block: rows first (in e), then columns */
            for (int j = 0; j < W + 2; j++)
                e[j] = a[j] | b[j] | c[j];
            uint64_t prev = e[0];
            for (int j = 1; j <= W; j++) {
                uint64_t v = e[j];
                e[j - 1] = v | v << 1 | prev >> 63 | v >> 1 | e[j + 1] << 63;
                prev = v;
            }
        } else { /* the cross: the row's neighbours, then the cells above and below */
            for (int j = 1; j <= W; j++)
                e[j - 1] = b[j] | b[j] << 1 | b[j - 1] >> 63 | b[j] >> 1 | b[j + 1] << 63
                           | a[j] | c[j];
        }
    }
    uint64_t *nx = kb->nxt + (size_t)r * S + 1;
    const uint64_t *cur = kb->cur + (size_t)r * S + 1;
    for (int j = 0; j < W; j++) {
        uint64_t win[2] = {0, 0};
        for (int x = 1; x >= 0 && (x || kb->eq); x--) {
            const uint64_t *ex = E + (x ? 0 : (size_t)nm1 * S), *ey = E + (x ? (size_t)nm1 * S : 0);
            for (int q = 0; q < kb->nw[x]; q++) {
                int a = kb->need[x][kb->wa[x][q]], b = kb->wb[x][q];
                uint64_t other = b <= kb->dmax ? ey[(size_t)kb->need[1 - x][b] * S + (size_t)j] : 0;
                win[x] |= ex[(size_t)a * S + (size_t)j] & ~other;
            }
        }
        uint64_t nxt = win[1];
        if (kb->eq) { /* neither wins: the best C and D scored the same */
            uint64_t amb = ~win[1] & ~win[0] & (j == W - 1 ? kb->last : ~0ull);
            while (amb) {
                int b = __builtin_ctzll(amb), i = r * kb->L + 64 * j + b;
                amb &= amb - 1;
                nxt |= (uint64_t)kb_resolve(m, kb, kb->cur, i) << b;
            }
        }
        nx[j] = nxt;
    }
    kb_ghost(kb, nx);
    (void)cur;
}

/* ---------------------------------------------------------------- step */

int kbits_step(coop_model *m, coop_record *rec)
{
    struct kbits *kb = m->kb;
    if (!kb || !kb->on)
        return 0;
    int series = rec && rec->keep_series && m->step < rec->n_steps;
    int book = series || m->k_allow != 2, self = m->self_play, L = kb->L;
    int nth = run_threads(m);
    nth = nth < kb->n_threads ? nth : kb->n_threads;
    size_t S = (size_t)kb->S, M = (size_t)(kb->nm[0] + kb->nm[1]) * S;
    int16_t *key = book ? m->k_key : NULL;
    long c_all = 0, nb = (long)m->k_nb;
#pragma omp parallel num_threads(nth) if (nth > 1) reduction(+ : c_all)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int r0 = (int)((long)L * t / nt), r1 = (int)((long)L * (t + 1) / nt);
        uint64_t *ring = kb->scratch + (size_t)t * kb->per_thread, *E = ring + 3 * M;
        long cnt[2] = {0, 0};
#define KB_SLOT(q) (ring + (size_t)(((q) - r0 + 1) % 3) * M)
        if (r0 < r1) {
            kb_masks(m, kb, kb->cur, r0 - 1, KB_SLOT(r0 - 1), NULL, cnt);
            kb_masks(m, kb, kb->cur, r0, KB_SLOT(r0), key, cnt);
        }
        for (int r = r0; r < r1; r++) {
            kb_masks(m, kb, kb->cur, r + 1, KB_SLOT(r + 1), r + 1 < r1 ? key : NULL, cnt);
            kb_decide(m, kb, r, KB_SLOT(r - 1), KB_SLOT(r), KB_SLOT(r + 1), E);
        }
#undef KB_SLOT
        c_all += cnt[0] + self * cnt[1];
        if (book) { /* the gains in the byte kernel's order, from its keys */
#pragma omp barrier
#pragma omp for schedule(static)
            for (long b = 0; b < nb; b++) {
                size_t lo = (size_t)b * KBLOCK, hi = lo + KBLOCK < m->n ? lo + KBLOCK : m->n;
                kernel_sums(m, lo, hi, NULL, NULL, m->k_val);
            }
        }
    }
    if (series) { /* the population's C and actions, as the byte kernel counts them */
        for (long b = 0; b < nb; b++)
            m->k_bc[b] = m->k_bn[b] = 0;
        m->k_bc[0] = c_all, m->k_bn[0] = (long)m->ns + (long)self * (long)m->n;
    }
    if (rec && rec->snap) { /* the actions played, as bytes, at a snapshot step */
        int hit = 0;
        for (size_t q = 0; q < rec->n_snaps; q++)
            hit |= rec->snap_step[q] == m->step;
        for (size_t i = 0; hit && i < m->n; i++)
            m->k_act[i] = (unsigned char)kb_bit(kb, kb->cur, (int)i);
        m->k_play = m->k_act;
        record_snapshot(m, rec);
    }
    uint64_t *t = kb->old;
    kb->old = kb->cur, kb->cur = kb->nxt, kb->nxt = t;
    kernel_record(m, rec);
    m->step++;
    return 1;
}

/* ---------------------------------------------------------------- set-up */

void kbits_alloc(coop_model *m, const coop_config *cfg, int *fail)
{
    int L, moore;
    if (!m->k_able || m->k_draw) /* every node imitate_best */
        return;
    if (m->k_lat)
        L = m->k_lat, moore = m->k_moore;
    else if (!kb_fixed_lattice(m, &L, &moore))
        return;
    struct kbits *kb = zalloc(1, sizeof *kb, fail);
    if (*fail)
        return;
    m->kb = kb;
    kb->L = L, kb->W = (L + 63) / 64, kb->S = kb->W + 2;
    kb->moore = moore, kb->periodic = m->k_lat != 0, kb->dmax = moore ? 8 : 4;
    kb->last = L % 64 ? (1ull << (L % 64)) - 1 : ~0ull;
    kb->buf = zalloc(3 * (size_t)L * (size_t)kb->S, sizeof(uint64_t), fail);
    kb->zero = zalloc((size_t)kb->S, sizeof(uint64_t), fail);
    kb->allow = cfg->engine != COOP_ENGINE_BYTES;
    for (int v = 0; v < 256; v++)
        for (int b = 0; b < 8; b++)
            kb->spread[v] |= (uint64_t)(v >> b & 1) << (8 * b);
}

void kbits_init(coop_model *m)
{
    struct kbits *kb = m->kb;
    if (!kb)
        return;
    kb->on = 0;
    if (!m->k_ready || !kb->allow || !kb_tables(m, kb))
        return;
    int nth = omp_get_max_threads();
    nth = m->k_threads > nth ? m->k_threads : nth;
    size_t per = 4 * (size_t)(kb->nm[0] + kb->nm[1]) * (size_t)kb->S;
    if (nth > kb->n_threads || per > kb->per_thread) {
        uint64_t *s = calloc((size_t)nth * per, sizeof *s);
        if (!s)
            return; /* the byte kernel runs */
        free(kb->scratch);
        kb->scratch = s, kb->n_threads = nth, kb->per_thread = per;
    }
    size_t S = (size_t)kb->S, L = (size_t)kb->L;
    kb->cur = kb->buf, kb->nxt = kb->buf + L * S, kb->old = kb->buf + 2 * L * S;
    memset(kb->buf, 0, 3 * L * S * sizeof *kb->buf);
    for (size_t i = 0; i < m->n; i++)
        kb->cur[(i / L) * S + 1 + (i % L) / 64] |= (uint64_t)m->k_act[i] << (i % L % 64);
    for (size_t r = 0; r < L; r++)
        kb_ghost(kb, kb->cur + r * S + 1);
    kb->on = 1;
}

void kbits_free(coop_model *m)
{
    struct kbits *kb = m->kb;
    if (kb) {
        free(kb->buf);
        free(kb->zero);
        free(kb->scratch);
        free(kb);
    }
}

int kernel_action(const coop_model *m, int a, int last)
{
    const struct kbits *kb = m->kb;
    if (kb && kb->on)
        return kb_bit(kb, last ? kb->old : kb->cur, a);
    return last ? m->k_old[a] : m->k_act[a];
}

void coop_model_set_bits(coop_model *m, int allow)
{
    if (m->kb)
        m->kb->allow = allow && m->cfg->engine != COOP_ENGINE_BYTES;
}

int coop_model_kernel_bits(const coop_model *m)
{
    return m->k_on && m->kb && m->kb->on;
}
