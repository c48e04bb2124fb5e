/* Generator draws of the coupled job (src/driver/coupled_samples.h). */
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "driver/coupled_samples.h"

int coupled_generate(dikl_trainer *t, const nn_params *p, uint64_t key,
                     long iteration, long n, double *x, double *e)
{
    int dim = t->dim, B = t->cfg.batch;
    nn_real *z = malloc((size_t)B * dim * sizeof *z);
    nn_real *xr = malloc((size_t)B * dim * sizeof *xr);
    int status = z && xr ? DIGS_OK
                         : DIGS_FAIL(DIGS_ERR_MEMORY,
                                     "out of memory for generator samples");
    digs_stream rng;
    digs_stream_init(&rng, t->cfg.seed, key, (uint64_t)iteration,
                     DIGS_RNG_DIKL, 0);
    for (long first = 0; first < n && status == DIGS_OK; first += B) {
        int m = n - first < B ? (int)(n - first) : B;
        status = dikl_net_generate(&t->gen, p, &rng, m, m, z, xr);
        for (size_t k = 0; status == DIGS_OK && k < (size_t)m * dim; k++) {
            double v = xr[k];
            if (!isfinite(v))
                status = DIGS_FAIL(DIGS_ERR_NUMERIC,
                                   "generator sample %ld at iteration %ld has "
                                   "a non-finite coordinate",
                                   first + (long)(k / dim), iteration);
            x[(size_t)first * dim + k] = v;
        }
        for (int i = 0; status == DIGS_OK && i < m; i++)
            digs_potential_centre(t->pot, x + (size_t)(first + i) * dim);
        if (status == DIGS_OK)
            digs_potential_energy_batch(t->pot, m, x + (size_t)first * dim,
                                        e + first, NULL);
    }
    free(z);
    free(xr);
    return status;
}
