/* Throughput of every registry potential: energy + gradient evaluations
 * per second on one core, over a fixed set of 1000 typical
 * configurations, each potential timed for at least 0.5 s of CPU time.
 *
 * Usage: bench_potentials [NAME ...]   (default: every potential that
 * can be created without a deck).  With DIGS_SHARED_DIR set, DW-4 and
 * LJ-13 run on the first 1000 rows of the shared validation splits.  Output, one line per potential:
 *
 *   name evals_per_s flops_per_eval gflops
 *
 * flops_per_eval counts the arithmetic of one energy+gradient call as
 * written in the source (+, -, *, /, sqrt, comparison = 1 each; exp and
 * log as the operations of their evaluation, see flops_per_eval()); it is
 * 0 (and gflops 0) for a potential this table does not know. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "core/status.h"
#include "io/npy.h"
#include "potentials/potential.h"

enum { N_CONFIGS = 1000 };

static const double min_seconds = 0.5;

/* Operation counts per energy+gradient call (see each source file):
 *  mog40      first pass per component: x - mu (2), a = c |dx|^2 (4),
 *             max (1): 7 x 40 = 280; cut test per pair of components
 *             (2) x 20 = 40; per component of a pair that passes the cut:
 *             a - m (1), exp (clamp 2, reduction 7, degree-13 Horner 26,
 *             scaling 1 = 36), sums S, Sx, Sy (5): 42, and on exact draws
 *             4.30 of the 20 pairs pass (measured over 1e5 draws):
 *             4.30 x 2 x 42 = 361; log (~20) and final scaling (5): 25.
 *             Total 706 (1985 if every exp() were evaluated).
 *  manywell32 per pair, one two-lane vector (d, v) through one
 *             polynomial with per-lane coefficients: energy 7 and
 *             gradient 4 operations per lane: 22; x 16 = 352; + 1 = 353.
 *  dw4        per pair: differences 2, |d|^2 3, sqrt 1, energy 7,
 *             de/dd / d 5, gradient scatter 6: 24; x 6 pairs = 144.
 *  lj13       per pair: differences 3, r^2 5, 1/r^2 1, s^3 2, phi 2,
 *             phi'/r 4, sum 1, 2 g 1, gradient 9: 28; x 78 = 2184
 *             (the 6 masked padding lanes of the kernel not counted);
 *             trap: mean 42, deviations and squares 117; per-particle
 *             lane sums 36; total 3: 2382.
 *  gaussian   per row of P: 3 dim + 3; plus 2: 3 dim^2 + 3 dim + 2. */
static double flops_per_eval(const digs_potential *pot)
{
    const char *name = pot->ops->name;
    if (strcmp(name, "mog40") == 0)
        return 706;
    if (strcmp(name, "manywell32") == 0)
        return 353;
    if (strcmp(name, "dw4") == 0)
        return 144;
    if (strcmp(name, "lj13") == 0)
        return 2382;
    if (strcmp(name, "gaussian") == 0)
        return 3.0 * pot->dim * pot->dim + 3.0 * pot->dim + 2;
    return 0;
}

/* Vertices of a regular icosahedron with circumradius 1 (12 x 3). */
static void icosahedron(double v[12][3])
{
    const double g = 0.5 * (1.0 + sqrt(5.0)), norm = sqrt(1.0 + g * g);
    int k = 0;
    for (int s1 = -1; s1 <= 1; s1 += 2)
        for (int s2 = -1; s2 <= 1; s2 += 2) {
            double a = s1 / norm, b = s2 * g / norm;
            double rows[3][3] = {{0, a, b}, {a, b, 0}, {b, 0, a}};
            for (int r = 0; r < 3; r++, k++)
                for (int c = 0; c < 3; c++)
                    v[k][c] = rows[r][c];
        }
}

/* The first N_CONFIGS rows of $DIGS_SHARED_DIR/data/<file> (a Boltzmann
 * sample, REFERENCE.md §11) if it is there with dim columns; else 0. */
static int read_shared(const char *file, int dim, double *x)
{
    const char *dir = getenv("DIGS_SHARED_DIR");
    if (!dir || !*dir)
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/data/%s", dir, file);
    double *data = NULL;
    int ndim = 0, ok = 0;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    if (digs_npy_read(path, &data, &ndim, shape) == DIGS_OK && ndim == 2 &&
        shape[0] >= N_CONFIGS && shape[1] == dim) {
        memcpy(x, data, sizeof *x * (size_t)N_CONFIGS * dim);
        ok = 1;
    }
    digs_error_clear();
    free(data);
    return ok;
}

/* Typical configurations: exact draws where the potential has a sampler;
 * DW-4 and LJ-13: the shared validation splits when DIGS_SHARED_DIR is
 * set, else DW-4: a square of side 3.3 (sides near the inner well,
 * diagonals near the outer one) with N(0, 0.3^2) noise, pair distances
 * ~2.5-5.5; LJ-13: the icosahedral cluster (centre-vertex distance 1)
 * with N(0, 0.05^2) noise, pair distances ~0.9-2.1; otherwise the start
 * position plus N(0, 0.01^2).  Returns 0 if none can be made. */
static int make_configs(const digs_potential *pot, double *x)
{
    const int d = pot->dim;
    const char *name = pot->ops->name;
    if ((strcmp(name, "dw4") == 0 && read_shared("val_split_DW4.npy", d, x)) ||
        (strcmp(name, "lj13") == 0 &&
         read_shared("val_split_LJ13-1000.npy", d, x)))
        return 1;
    for (int c = 0; c < N_CONFIGS; c++) {
        double *xc = x + (size_t)c * d;
        digs_stream s;
        digs_stream_init(&s, 2024, (uint64_t)c, 0, DIGS_RNG_TEST, 0);
        if (pot->ops->sample_exact) {
            pot->ops->sample_exact(pot, &s, xc);
        } else if (strcmp(name, "dw4") == 0) {
            const double sq[8] = {0, 0, 3.3, 0, 3.3, 3.3, 0, 3.3};
            for (int k = 0; k < 8; k++)
                xc[k] = sq[k] + 0.3 * digs_stream_normal(&s);
        } else if (strcmp(name, "lj13") == 0) {
            double v[12][3];
            icosahedron(v);
            for (int a = 0; a < 3; a++)
                xc[a] = 0.05 * digs_stream_normal(&s);
            for (int k = 0; k < 12; k++)
                for (int a = 0; a < 3; a++)
                    xc[3 + 3 * k + a] = v[k][a] + 0.05 * digs_stream_normal(&s);
        } else if (pot->ops->start_position) {
            if (pot->ops->start_position(pot, xc) != DIGS_OK)
                return 0;
            for (int k = 0; k < d; k++)
                xc[k] += 0.01 * digs_stream_normal(&s);
        } else {
            return 0;
        }
    }
    return 1;
}

/* Process CPU time in seconds: on the shared machine this measures the
 * one-core rate even when other jobs compete for the cores (the loop is
 * single-threaded, so it equals wall time on an idle machine). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* Time energy+gradient over the configurations; 0 on success. */
static int bench_one(const char *name)
{
    digs_potential *pot;
    if (digs_potential_create_named(name, NULL, &pot) != DIGS_OK) {
        fprintf(stderr, "bench_potentials: skipping %s: %s\n", name,
                digs_error_message());
        digs_error_clear();
        return 0;
    }
    const int d = pot->dim;
    double *x = malloc(sizeof *x * (size_t)N_CONFIGS * d);
    double *g = malloc(sizeof *g * (size_t)d);
    int status = 1;
    if (x && g && make_configs(pot, x)) {
        double sink = 0.0;
        long evals = 0;
        double start = now(), elapsed;
        do {
            for (int c = 0; c < N_CONFIGS; c++) {
                sink += digs_potential_energy(pot, x + (size_t)c * d, g);
                sink += g[0];
            }
            evals += N_CONFIGS;
            elapsed = now() - start;
        } while (elapsed < min_seconds);
        double rate = evals / elapsed, flops = flops_per_eval(pot);
        printf("%s %.4g %.0f %.3f\n", name, rate, flops, rate * flops * 1e-9);
        if (!isfinite(sink))
            fprintf(stderr, "bench_potentials: %s: non-finite energies\n",
                    name);
        status = 0;
    } else {
        fprintf(stderr, "bench_potentials: no configurations for %s\n",
                name);
    }
    free(x);
    free(g);
    digs_potential_destroy(&pot);
    return status;
}

int main(int argc, char **argv)
{
    int failed = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            failed |= bench_one(argv[i]);
    } else {
        const digs_potential_ops *const *reg = digs_potential_registry();
        for (int i = 0; reg[i]; i++)
            failed |= bench_one(reg[i]->name);
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
