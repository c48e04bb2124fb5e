/* What the generator of a trained Many-Well-32 DiKL model is told at the
 * low noise levels (doc/benchmarks.md "DiKL quality", MW-32; doc/dikl.md).
 *
 * The generator's gradient per coordinate is w·a·(s_φ − ŝ) (REFERENCE.md
 * §6.3): the score network's estimate s_φ of the model's noisy score s_q
 * minus the target's noisy score.  On MW-32 both reference scores are
 * known per double-well coordinate:
 *   s_p   the target's exact noisy score (potentials/manywell32.h);
 *   s_q   the noisy score of the generator's own marginal: N samples x of
 *         the model's generator, their 16 double-well coordinates pooled,
 *         convolved with the forward noise N(0, σ²) after scaling by a.
 *         This is q_t's well marginal exactly (no bandwidth to choose),
 *         up to sampling error; it equals the coordinate's score in 32-D
 *         only as far as q makes the wells independent, as p does.
 * At each level t the N noisy points x_t = a x + σ ε are binned by the
 * double-well value y (width 0.25 on [−3, 3]); per bin it prints the share
 * of values, the mean of s_φ, s_q and s_p over the bin's values (s_q and
 * s_p interpolated from a 0.005 grid), the network's error s_φ − s_q and
 * the force the generator feels, s_p − s_φ, beside the exact one s_p − s_q.
 * A bridge of generator mass between the wells shows as bins near y = 0
 * with a share far above p's (p puts 0.02 % of its well values in
 * |y| < 0.5 at t = 1).
 *
 * Usage: bench_dikl_mw32_forces [--live] MODEL.h5 [N] [LEVEL...]
 * (N default 4000; levels default 1 2 3 5 8 12.)  The generator is
 * /dikl/best (what `digs sample` draws from), or with --live
 * /dikl/generator, the live weights the score network /dikl/score is
 * trained on: with a moving average (ema) only --live measures the score
 * network's own error s_φ − s_q.  One core. */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deck.h"
#include "core/rng.h"
#include "core/status.h"
#include "dikl/config.h"
#include "dikl/model.h"
#include "dikl/nets.h"
#include "dikl/schedule.h"
#include "nn/init.h"
#include "nn/params_io.h"
#include "potentials/manywell32.h"
#include "potentials/potential.h"

enum { DIM = 32, CHUNK = 1024, NBIN = 24, GRID = 1201 };
static const double BIN_LO = -3.0, BIN_W = 0.25, GRID_LO = -3.0,
                    GRID_H = 0.005;

/* Linear interpolation of a GRID table at y (clamped to the grid). */
static double lerp(const double *table, double y)
{
    double u = (y - GRID_LO) / GRID_H;
    if (u <= 0)
        return table[0];
    if (u >= GRID - 1)
        return table[GRID - 1];
    int i = (int)u;
    return table[i] + (u - i) * (table[i + 1] - table[i]);
}

/* s_q on the grid: the score of (1/M) Σ_i N(y; a x_i, σ²) over the M
 * pooled double-well values x_i, with a log-sum-exp per grid point. */
static void model_scores(const nn_real *x, long n_rows, double a,
                         double sigma, double *table)
{
    for (int g = 0; g < GRID; g++) {
        double y = GRID_LO + GRID_H * g, top = -INFINITY;
        for (long i = 0; i < n_rows * DIM; i += 2) {
            double r = y - a * x[i];
            top = fmax(top, -r * r / (2 * sigma * sigma));
        }
        double w0 = 0, w1 = 0;
        for (long i = 0; i < n_rows * DIM; i += 2) {
            double r = y - a * x[i];
            double w = exp(-r * r / (2 * sigma * sigma) - top);
            w0 += w;
            w1 -= w * r / (sigma * sigma);
        }
        table[g] = w1 / w0;
    }
}

static int load(const char *path, digs_deck **deck, digs_potential **pot,
                dikl_config *cfg, const char *generator, nn_params *gp,
                nn_params *sp, dikl_net *g, dikl_net *s)
{
    char *text = NULL;
    DIGS_CHECK(dikl_model_read_deck(path, &text));
    int status = digs_deck_parse(deck, text, path);
    free(text);
    DIGS_CHECK(status);
    DIGS_CHECK(digs_potential_create(*deck, pot));
    if (strcmp((*pot)->ops->name, "manywell32") != 0)
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: the model's potential is %s, "
                         "not manywell32", path, (*pot)->ops->name);
    DIGS_CHECK(dikl_config_read(*deck, *pot, cfg));
    digs_stream init;
    nn_init_stream(&init, cfg->seed, 0);
    DIGS_CHECK(dikl_net_create(g, gp, "generator", &cfg->generator, DIM, 0,
                               0, 0, 0, &init));
    DIGS_CHECK(dikl_net_create(s, sp, "score", &cfg->score, DIM, 0, 0, 1,
                               cfg->T, &init));
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return DIGS_FAIL(DIGS_ERR_IO, "%s: cannot open", path);
    status = nn_params_read(gp, file, generator);
    if (status == DIGS_OK)
        status = nn_params_read(sp, file, "dikl/score");
    H5Fclose(file);
    return status;
}

/* Print the table of every level for the model at path (file comment). */
static int report(const char *path, const char *generator, int n,
                  const int *levels, int n_levels)
{
    digs_deck *deck = NULL;
    digs_potential *pot = NULL;
    dikl_config cfg;
    nn_params gp, sp;
    nn_params_init(&gp);
    nn_params_init(&sp);
    dikl_net g, s;
    DIGS_CHECK(load(path, &deck, &pot, &cfg, generator, &gp, &sp, &g, &s));
    dikl_schedule sched;
    DIGS_CHECK(dikl_schedule_init(&sched, cfg.T, cfg.beta_start,
                                  cfg.beta_end));
    size_t len = (size_t)n * DIM;
    nn_real *z, *x, *xt, *sc, *tt;
    double *sq, *spt;
    DIGS_CALLOC(z, len);
    DIGS_CALLOC(x, len);
    DIGS_CALLOC(xt, len);
    DIGS_CALLOC(sc, len);
    DIGS_CALLOC(tt, n);
    DIGS_CALLOC(sq, GRID);
    DIGS_CALLOC(spt, GRID);
    digs_stream rng;
    digs_stream_init(&rng, cfg.seed, 0, 0, DIGS_RNG_DIKL, 7);
    DIGS_CHECK(dikl_net_generate(&g, &gp, &rng, n, CHUNK, z, x));
    printf("# %s: %d generator samples (/%s), score network /dikl/score\n",
           path, n, generator);
    for (int li = 0; li < n_levels; li++) {
        int t = levels[li];
        if (t < 1 || t >= cfg.T)
            return DIGS_FAIL(DIGS_ERR_INPUT, "level %d is not in 1..%d", t,
                             cfg.T - 1);
        double a = sched.a[t], sigma = sched.sigma[t];
        for (size_t i = 0; i < len; i++)
            xt[i] = (nn_real)(a * x[i] + sigma * digs_stream_normal(&rng));
        for (int b = 0; b < n; b++)
            tt[b] = (nn_real)t;
        for (int b = 0; b < n; b += CHUNK) {
            int m = n - b < CHUNK ? n - b : CHUNK;
            DIGS_CHECK(dikl_net_forward(&s, &sp, xt + (size_t)b * DIM,
                                        tt + b, sc + (size_t)b * DIM, m));
        }
        model_scores(x, n, a, sigma, sq);
        for (int gi = 0; gi < GRID; gi++)
            spt[gi] = digs_manywell_noisy_score(GRID_LO + GRID_H * gi, a,
                                                sigma, 0.0, NULL);
        double cnt[NBIN] = {0}, phi[NBIN] = {0}, q[NBIN] = {0},
               p[NBIN] = {0};
        for (size_t i = 0; i < len; i += 2) {
            double y = xt[i];
            int bin = (int)floor((y - BIN_LO) / BIN_W);
            if (bin < 0 || bin >= NBIN)
                continue;
            cnt[bin] += 1;
            phi[bin] += sc[i];
            q[bin] += lerp(sq, y);
            p[bin] += lerp(spt, y);
        }
        printf("# level %d (a %.3f, sigma %.3f)\n#      y  share%%   s_phi     "
               "s_q     s_p  s_phi-s_q  used s_p-s_phi  exact s_p-s_q\n",
               t, a, sigma);
        for (int bin = 0; bin < NBIN; bin++) {
            if (cnt[bin] == 0)
                continue;
            double c = cnt[bin];
            printf("%8.3f %6.3f %7.3f %7.3f %7.3f %10.3f %15.3f %14.3f\n",
                   BIN_LO + BIN_W * (bin + 0.5), 100 * c / (16.0 * n),
                   phi[bin] / c, q[bin] / c, p[bin] / c,
                   (phi[bin] - q[bin]) / c, (p[bin] - phi[bin]) / c,
                   (p[bin] - q[bin]) / c);
        }
    }
    free(z), free(x), free(xt), free(sc), free(tt), free(sq), free(spt);
    dikl_net_destroy(&g);
    dikl_net_destroy(&s);
    nn_params_free(&gp);
    nn_params_free(&sp);
    digs_potential_destroy(&pot);
    digs_deck_destroy(&deck);
    return DIGS_OK;
}

int main(int argc, char **argv)
{
    const char *generator = "dikl/best";
    if (argc > 1 && strcmp(argv[1], "--live") == 0) {
        generator = "dikl/generator";
        argc--, argv++;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: bench_dikl_mw32_forces [--live] MODEL.h5 "
                        "[N] [LEVEL...]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 4000;
    int levels[64] = {1, 2, 3, 5, 8, 12}, n_levels = 0;
    for (int i = 3; i < argc && n_levels < 64; i++)
        levels[n_levels++] = atoi(argv[i]);
    if (n_levels == 0)
        n_levels = 6;
    if (n < 1 || report(argv[1], generator, n, levels, n_levels) != DIGS_OK) {
        fprintf(stderr, "bench_dikl_mw32_forces: %s\n",
                n < 1 ? "N must be >= 1" : digs_error_message());
        return 1;
    }
    return 0;
}
