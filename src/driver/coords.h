/* Reading configurations for `digs energy`: .npy ([frames, atoms, dim],
 * [frames, atoms*dim] or [dim]) or multi-model PDB (Å, converted to the
 * potential's length unit).  Output: [frames][pot->dim] doubles. */
#ifndef DIGS_DRIVER_COORDS_H
#define DIGS_DRIVER_COORDS_H

#include <stdint.h>

#include "potentials/potential.h"

typedef struct digs_coords {
    double *x;       /* [frames][dim] */
    long frames;
    int ndim;        /* shape of the source array, echoed for --forces */
    int64_t shape[3];
} digs_coords;

int digs_coords_read(const char *path, const digs_potential *pot,
                     digs_coords *c);

void digs_coords_free(digs_coords *c);

#endif
