#include "driver/coords.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "core/status.h"
#include "io/npy.h"
#include "io/pdb.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int read_npy(const char *path, const digs_potential *pot,
                    digs_coords *c)
{
    double *data;
    int ndim;
    int64_t shape[DIGS_NPY_MAX_DIMS];
    DIGS_CHECK(digs_npy_read(path, &data, &ndim, shape));
    int d = pot->dim, n = pot->n_particles, s = pot->spatial_dim;
    int ok = 0;
    if (ndim == 1 && shape[0] == d) {
        c->frames = 1;
        ok = 1;
    } else if (ndim == 2 && shape[1] == d) {
        c->frames = (long)shape[0];
        ok = 1;
    } else if (ndim == 3 && n > 0 && shape[1] == n && shape[2] == s) {
        c->frames = (long)shape[0];
        ok = 1;
    } else if (ndim == 3 && n == 0 && shape[1] == 1 && shape[2] == d) {
        c->frames = (long)shape[0];
        ok = 1;
    }
    if (!ok) {
        char got[128] = "";
        for (int k = 0; k < ndim; k++) {
            size_t u = strlen(got);
            snprintf(got + u, sizeof got - u, "%s%lld", k ? ", " : "",
                     (long long)shape[k]);
        }
        free(data);
        if (n > 0)
            return DIGS_FAIL(DIGS_ERR_INPUT,
                             "%s: array of shape (%s) does not fit potential "
                             "%s; expected [frames, %d, %d] or [frames, %d]",
                             path, got, pot->ops->name, n, s, d);
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: array of shape (%s) does not fit potential %s; "
                         "expected [frames, %d]",
                         path, got, pot->ops->name, d);
    }
    c->x = data;
    c->ndim = ndim;
    for (int k = 0; k < ndim && k < 3; k++)
        c->shape[k] = shape[k];
    return DIGS_OK;
}

static int read_pdb(const char *path, const digs_potential *pot,
                    digs_coords *c)
{
    if (pot->n_particles <= 0 || pot->spatial_dim != 3)
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: PDB coordinates need a 3-D particle system; "
                         "potential %s is not one (use .npy)",
                         path, pot->ops->name);
    int models, atoms;
    DIGS_CHECK(digs_pdb_read(path, pot->n_particles, &c->x, &models, &atoms));
    size_t n = (size_t)models * pot->dim;
    for (size_t k = 0; k < n; k++)
        c->x[k] *= pot->angstrom;
    c->frames = models;
    c->ndim = 3;
    c->shape[0] = models;
    c->shape[1] = pot->n_particles;
    c->shape[2] = 3;
    return DIGS_OK;
}

int digs_coords_read(const char *path, const digs_potential *pot,
                     digs_coords *c)
{
    memset(c, 0, sizeof *c);
    if (ends_with(path, ".npy"))
        DIGS_CHECK(read_npy(path, pot, c));
    else if (ends_with(path, ".pdb") || ends_with(path, ".ent"))
        DIGS_CHECK(read_pdb(path, pot, c));
    else
        return DIGS_FAIL(DIGS_ERR_INPUT,
                         "%s: unknown coordinate format; expected a .npy or "
                         ".pdb file",
                         path);
    if (c->frames < 1) {
        digs_coords_free(c);
        return DIGS_FAIL(DIGS_ERR_INPUT, "%s: no configurations in the file",
                         path);
    }
    return DIGS_OK;
}

void digs_coords_free(digs_coords *c)
{
    free(c->x);
    c->x = NULL;
}
