/* VP noise schedule of DiKL (REFERENCE.md §6.3).
 *
 *   β_i = linspace(β_start, β_end, T)_i,  ā_i = Π_{j≤i} (1 − β_j),
 *   a_i = √ā_i,  σ_i = √(1 − ā_i),   i = 0..T−1.
 *
 * Training uses t ∈ {1..T−1} (index 0 is never drawn); the kernel is
 * k_t(x_t | x) = N(a_t x, σ_t² I). */
#ifndef DIGS_DIKL_SCHEDULE_H
#define DIGS_DIKL_SCHEDULE_H

enum { DIKL_T_MAX = 1000 };

typedef struct dikl_schedule {
    int T;                    /* number of steps (30 in DiKL) */
    double beta_start, beta_end;
    double a[DIKL_T_MAX];     /* √ā_t */
    double sigma[DIKL_T_MAX]; /* √(1 − ā_t) */
} dikl_schedule;

/* Fill s; fails (DIGS_ERR_INPUT) unless 2 <= T <= DIKL_T_MAX and
 * 0 < β_start <= β_end < 1. */
int dikl_schedule_init(dikl_schedule *s, int T, double beta_start,
                       double beta_end);

/* The lowest level drawn at generator iteration `iteration` (0-based) with
 * a noise warm-up of `warmup` iterations (deck key level_warmup): levels
 * are drawn uniformly from lowest..T−1, and lowest falls linearly from
 * T−1 at iteration 0 to 1 at iteration `warmup`,
 *   lowest = 1 + ⌊(T − 2)(warmup − iteration) / warmup⌋,
 * so training starts on the smoothest noisy targets only and adds the
 * sharper ones as it goes (a curriculum, not in DiKL).  warmup = 0, or
 * iteration >= warmup: 1 (every level, §6.2). */
int dikl_lowest_level(long warmup, long iteration, int T);

/* The highest level drawn at generator iteration `iteration` (0-based)
 * with a level cap (deck keys level_cap, level_cap_from): `cap` from
 * iteration `from` on, T−1 before and when cap = 0 (every level, §6.2).
 * Not in DiKL: it keeps training off the noisy levels where the posterior
 * estimate is biased (doc/dikl.md, MW-32). */
int dikl_highest_level(int cap, long from, long iteration, int T);

#endif
