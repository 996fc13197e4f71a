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
 * Bookkeeping, only when something reads it (the population series, or the
 * cumulative gains unless coop_model_set_kernel(m, 2)): the population's counts
 * of C and actions (integers, from the counts k), and a code x * 16 + k per node
 * (in the byte kernel's spare buffer k_nxt), from which kernel.c's kernel_sums
 * adds the gains per sub-block and into the cumulative gains in the byte kernel's
 * order: the record and cum stay byte-identical.  That sum, one floating-point
 * addition per node in node order, is most of the time when the series is kept. */
#include "model_internal.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The row functions are inlined into kb_rows, so that each of its builds has them. */
#if defined(__GNUC__)
#define KB_INLINE __attribute__((always_inline)) inline
#else
#define KB_INLINE inline
#endif

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
    double cval[32];        /* code x * 16 + k: the gain */
    uint64_t spread[5][256]; /* bit i of a byte to bit p of byte i ([p]: 0 .. 4) */
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
            kb->cval[x * 16 + k] = k <= dm ? m->k_val[kb_rank(m, dm, x, k)] : 0.0;
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
KB_INLINE static void kb_ghost(const struct kbits *kb, uint64_t *p)
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


#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KB_LITTLE 1
#else
#define KB_LITTLE 0
#endif

#define KB_MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) ^ (b))))

/* A thread's scratch, S words per row: the ring of the masks of three rows (nm
 * rows each), the dilated masks E (nm rows), the counts K (4 rows: bit p of each
 * cell's k), G (dmax + 2 rows: G[a] = [k >= a]; G[0] all ones, G[dmax + 1] zero),
 * the rows of C's and D's wins and a row for the column sums V. */
typedef struct kb_scratch {
    uint64_t *ring, *E, *K, *G, *win, *V;
} kb_scratch;

static size_t kb_scratch_words(const struct kbits *kb)
{
    return (size_t)kb->S * (4 * (size_t)(kb->nm[0] + kb->nm[1]) + 4 + (size_t)kb->dmax + 2 + 3);
}

static kb_scratch kb_scratch_at(const struct kbits *kb, uint64_t *p)
{
    size_t S = (size_t)kb->S, nm = (size_t)(kb->nm[0] + kb->nm[1]);
    kb_scratch x = {p, p + 3 * nm * S, p + 4 * nm * S, p + (4 * nm + 4) * S, NULL, NULL};
    x.win = x.G + ((size_t)kb->dmax + 2) * S;
    x.V = x.win + 2 * S;
    return x;
}

/* The counts k of C neighbours of the cells of row mid (up, dn: the rows above
 * and below) by bit-parallel adders, into K (bit planes) and G (thresholds). */
KB_INLINE static void kb_count(const struct kbits *kb, const uint64_t *restrict up,
                     const uint64_t *restrict mid, const uint64_t *restrict dn, uint64_t *K,
                     uint64_t *G)
{
    size_t S = (size_t)kb->S;
    int W = kb->W;
    uint64_t *restrict k0 = K, *restrict k1 = K + S, *restrict k2 = K + 2 * S, *restrict k3 = K + 3 * S;
    uint64_t *restrict g1 = G + S, *restrict g2 = G + 2 * S, *restrict g3 = G + 3 * S,
             *restrict g4 = G + 4 * S;
    if (kb->moore) {
        uint64_t *restrict g5 = G + 5 * S, *restrict g6 = G + 6 * S, *restrict g7 = G + 7 * S,
                 *restrict g8 = G + 8 * S;
#pragma omp simd
        for (int j = 0; j < W; j++) {
            uint64_t w = mid[j] << 1 | mid[j - 1] >> 63, e = mid[j] >> 1 | mid[j + 1] << 63;
            uint64_t uw = up[j] << 1 | up[j - 1] >> 63, ue = up[j] >> 1 | up[j + 1] << 63;
            uint64_t dw = dn[j] << 1 | dn[j - 1] >> 63, de = dn[j] >> 1 | dn[j + 1] << 63;
            uint64_t u0 = uw ^ up[j] ^ ue, u1 = KB_MAJ(uw, up[j], ue);
            uint64_t d0 = dw ^ dn[j] ^ de, d1 = KB_MAJ(dw, dn[j], de);
            uint64_t m0 = w ^ e, m1 = w & e;
            uint64_t c0 = KB_MAJ(u0, d0, m0), t = u1 ^ d1 ^ m1, c1 = KB_MAJ(u1, d1, m1);
            uint64_t b0 = u0 ^ d0 ^ m0, b1 = t ^ c0, c2 = t & c0, b2 = c1 ^ c2, b3 = c1 & c2;
            k0[j] = b0, k1[j] = b1, k2[j] = b2, k3[j] = b3;
            uint64_t h4 = b3 | b2, h2 = h4 | b1;
            g8[j] = b3, g7[j] = b3 | (b2 & b1 & b0), g6[j] = b3 | (b2 & b1);
            g5[j] = b3 | (b2 & (b1 | b0)), g4[j] = h4, g3[j] = h4 | (b1 & b0), g2[j] = h2;
            g1[j] = h2 | b0;
        }
    } else {
#pragma omp simd
        for (int j = 0; j < W; j++) {
            uint64_t w = mid[j] << 1 | mid[j - 1] >> 63, e = mid[j] >> 1 | mid[j + 1] << 63;
            uint64_t s = w ^ e ^ up[j], c = KB_MAJ(w, e, up[j]), c2 = s & dn[j];
            uint64_t b0 = s ^ dn[j], b1 = c ^ c2, b2 = c & c2;
            k0[j] = b0, k1[j] = b1, k2[j] = b2, k3[j] = 0;
            g4[j] = b2, g3[j] = b2 | (b1 & b0), g2[j] = b2 | b1, g1[j] = b2 | b1 | b0;
        }
    }
}

/* The codes x * 16 + k of the cells of a row (x: its actions, K: the counts of
 * kb_count) into code, for kernel_sums; the row's C (k summed, and C cells) into cnt. */
KB_INLINE static void kb_codes(const struct kbits *kb, const uint64_t *x, const uint64_t *K,
                               unsigned char *code, long cnt[2])
{
    size_t S = (size_t)kb->S;
    int L = kb->L, W = kb->W;
    const uint64_t(*sp)[256] = kb->spread;
    for (int j = 0; j < W; j++) {
        uint64_t a = K[j], b = K[S + j], c = K[2 * S + j], d = K[3 * S + j], e = x[j];
        int n = j < W - 1 ? 64 : L - 64 * j; /* cells in this word */
        for (int g = 0; g < n; g += 8, a >>= 8, b >>= 8, c >>= 8, d >>= 8, e >>= 8) {
            uint64_t v = sp[0][a & 255] | sp[1][b & 255] | sp[2][c & 255] | sp[3][d & 255],
                     vx = sp[0][e & 255];
            if (n - g < 8) { /* the row's last cells: only the valid bytes */
                uint64_t keep = (1ull << (8 * (n - g))) - 1;
                v &= keep, vx &= keep;
            }
            cnt[0] += (long)((v * 0x0101010101010101ull) >> 56);
            cnt[1] += (long)((vx * 0x0101010101010101ull) >> 56);
            v |= vx << 4;
            unsigned char *o = code + 64 * j + g;
            if (KB_LITTLE && n - g >= 8)
                memcpy(o, &v, 8); /* the bytes in memory order: cell c first */
            else
                for (int q = 0; q < n - g; q++)
                    o[q] = (unsigned char)(v >> (8 * q));
        }
    }
}

/* The masks of row q (T: nm[1] rows of C masks, then nm[0] of D masks, S words
 * each) from the state st; with code, the cells' codes and counts of C. */
KB_INLINE static void kb_masks(const struct kbits *kb, const uint64_t *st, int q, uint64_t *T,
                     const kb_scratch *sc, unsigned char *code, long cnt[2])
{
    size_t S = (size_t)kb->S;
    int W = kb->W, L = kb->L, nm1 = kb->nm[1], nm = nm1 + kb->nm[0], dm = kb->dmax;
    if (!kb->periodic && (q < 0 || q >= L)) {
        memset(T, 0, (size_t)nm * S * sizeof *T);
        return;
    }
    q = (q + L) % L;
    const uint64_t *mid = kb_row(kb, st, q);
    kb_count(kb, kb_row(kb, st, q - 1), mid, kb_row(kb, st, q + 1), sc->K, sc->G);
    for (int i = 0; i < nm; i++) {
        int c = i < nm1, a = kb->mkey[c][c ? i : i - nm1], dn = kb->down[c];
        const uint64_t *restrict g = sc->G + (size_t)(dn ? dm + 1 - a : a) * S;
        uint64_t xf = c ? 0 : ~0ull, gf = dn ? ~0ull : 0, *restrict t = T + (size_t)i * S + 1;
#pragma omp simd
        for (int j = 0; j < W; j++)
            t[j] = (mid[j] ^ xf) & (g[j] ^ gf);
        kb_ghost(kb, t);
    }
    if (code)
        kb_codes(kb, mid, sc->K, code + (size_t)q * (size_t)L, cnt);
}

/* win |= OR over the comparisons of action x of E[x][a] & ~E[1-x][b] (row words). */
KB_INLINE static void kb_wins(const struct kbits *kb, int x, const uint64_t *E, uint64_t *restrict win)
{
    size_t S = (size_t)kb->S, off1 = (size_t)kb->nm[1] * S;
    const uint64_t *ex = E + (x ? 0 : off1), *ey = E + (x ? off1 : 0);
    int W = kb->W;
    for (int j = 0; j < W; j++)
        win[j] = 0;
    for (int q = 0; q < kb->nw[x]; q++) {
        const uint64_t *restrict a = ex + (size_t)kb->need[x][kb->wa[x][q]] * S;
        int b = kb->wb[x][q];
        if (b > kb->dmax) {
#pragma omp simd
            for (int j = 0; j < W; j++)
                win[j] |= a[j];
        } else {
            const uint64_t *restrict o = ey + (size_t)kb->need[1 - x][b] * S;
#pragma omp simd
            for (int j = 0; j < W; j++)
                win[j] |= a[j] & ~o[j];
        }
    }
}

/* The next actions of row r (into the state kb->nxt) from the masks of rows r - 1,
 * r, r + 1 (t0, t1, t2). */
KB_INLINE static void kb_decide(const coop_model *m, const struct kbits *kb, int r, const uint64_t *t0,
                      const uint64_t *t1, const uint64_t *t2, const kb_scratch *sc)
{
    size_t S = (size_t)kb->S;
    int W = kb->W, nm = kb->nm[1] + kb->nm[0];
    uint64_t *restrict V = sc->V;
    for (int i = 0; i < nm; i++) { /* E: the masks dilated over the imitation set */
        const uint64_t *restrict a = t0 + (size_t)i * S, *restrict b = t1 + (size_t)i * S,
                                 *restrict c = t2 + (size_t)i * S;
        uint64_t *restrict e = sc->E + (size_t)i * S;
        if (kb->moore) { /* the 3 x 3 block: columns first (V), then rows */
#pragma omp simd
            for (int j = 0; j < W + 2; j++)
                V[j] = a[j] | b[j] | c[j];
#pragma omp simd
            for (int j = 0; j < W; j++)
                e[j] = V[j + 1] | V[j + 1] << 1 | V[j] >> 63 | V[j + 1] >> 1 | V[j + 2] << 63;
        } else { /* the cross: the row's neighbours, then the cells above and below */
#pragma omp simd
            for (int j = 0; j < W; j++)
                e[j] = b[j + 1] | b[j + 1] << 1 | b[j] >> 63 | b[j + 1] >> 1 | b[j + 2] << 63
                       | a[j + 1] | c[j + 1];
        }
    }
    uint64_t *nx = kb->nxt + (size_t)r * S + 1, *w1 = sc->win, *w0 = sc->win + S;
    kb_wins(kb, 1, sc->E, w1);
    if (kb->eq) { /* where neither wins the best C and D scored the same */
        kb_wins(kb, 0, sc->E, w0);
        for (int j = 0; j < W; j++) {
            uint64_t amb = ~w1[j] & ~w0[j] & (j == W - 1 ? kb->last : ~0ull);
            while (amb) {
                int b = __builtin_ctzll(amb), i = r * kb->L + 64 * j + b;
                amb &= amb - 1;
                w1[j] |= (uint64_t)kb_resolve(m, kb, kb->cur, i) << b;
            }
        }
    }
    memcpy(nx, w1, (size_t)W * sizeof *nx);
    kb_ghost(kb, nx);
}

/* Where the compiler can, the rows are also built for AVX2, chosen at run time
 * (the same bit operations, 256 cells per instruction instead of 128). */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define KB_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef KB_CLONES
#define KB_CLONES
#endif

/* Rows r0 .. r1-1 of the next state (one thread's): the masks of three rows in
 * the ring of the thread's scratch p; with code, their codes and counts of C. */
KB_CLONES static void kb_rows(const coop_model *m, const struct kbits *kb, int r0, int r1,
                              uint64_t *p, unsigned char *code, long cnt[2])
{
    kb_scratch sc = kb_scratch_at(kb, p);
    size_t M = (size_t)(kb->nm[0] + kb->nm[1]) * (size_t)kb->S;
#define KB_SLOT(q) (sc.ring + (size_t)(((q) - r0 + 1) % 3) * M)
    if (r0 < r1) {
        kb_masks(kb, kb->cur, r0 - 1, KB_SLOT(r0 - 1), &sc, NULL, cnt);
        kb_masks(kb, kb->cur, r0, KB_SLOT(r0), &sc, code, cnt);
    }
    for (int r = r0; r < r1; r++) {
        kb_masks(kb, kb->cur, r + 1, KB_SLOT(r + 1), &sc, r + 1 < r1 ? code : NULL, cnt);
        kb_decide(m, kb, r, KB_SLOT(r - 1), KB_SLOT(r), KB_SLOT(r + 1), &sc);
    }
#undef KB_SLOT
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
    unsigned char *code = book ? m->k_nxt : NULL; /* the byte kernel's buffer is free */
    long c_all = 0, nb = (long)m->k_nb;
#pragma omp parallel num_threads(nth) if (nth > 1) reduction(+ : c_all)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int r0 = (int)((long)L * t / nt), r1 = (int)((long)L * (t + 1) / nt);
        long cnt[2] = {0, 0};
        kb_rows(m, kb, r0, r1, kb->scratch + (size_t)t * kb->per_thread, code, cnt);
        c_all += cnt[0] + self * cnt[1];
        if (book) { /* the gains as the byte kernel adds them, from the codes */
#pragma omp barrier
#pragma omp for schedule(static)
            for (long b = 0; b < nb; b++) {
                size_t lo = (size_t)b * KBLOCK, hi = lo + KBLOCK < m->n ? lo + KBLOCK : m->n;
                kernel_sums(m, lo, hi, code, NULL, kb->cval);
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
    for (int p = 0; p < 5; p++)
        for (int v = 0; v < 256; v++)
            for (int b = 0; b < 8; b++)
                kb->spread[p][v] |= (uint64_t)(v >> b & 1) << (8 * b + p);
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
    size_t per = kb_scratch_words(kb);
    if (nth > kb->n_threads || per > kb->per_thread) {
        uint64_t *s = calloc((size_t)nth * per, sizeof *s);
        if (!s)
            return; /* the byte kernel runs */
        free(kb->scratch);
        kb->scratch = s, kb->n_threads = nth, kb->per_thread = per;
    }
    for (int t = 0; t < kb->n_threads; t++) { /* G[0]: every cell has k >= 0 */
        kb_scratch sc = kb_scratch_at(kb, kb->scratch + (size_t)t * kb->per_thread);
        memset(sc.G, 0xff, (size_t)kb->S * sizeof *sc.G);
        memset(sc.G + (size_t)(kb->dmax + 1) * (size_t)kb->S, 0, (size_t)kb->S * sizeof *sc.G);
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

/* The engines used by the runs of this process (coop_model_engines_used). */
static unsigned kb_used;

void kernel_note(const coop_model *m)
{
    unsigned bit = !m->k_on ? COOP_USED_GENERAL : m->kb && m->kb->on ? COOP_USED_BITS
                                                                      : COOP_USED_BYTES;
#pragma omp atomic
    kb_used |= bit;
}

unsigned coop_model_engines_used(void)
{
    unsigned v;
#pragma omp atomic read
    v = kb_used;
    return v;
}
