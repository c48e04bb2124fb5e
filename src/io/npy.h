/* NumPy .npy files (format version 1.0/2.0/3.0; little-endian '<f4' or
 * '<f8', C order).  Reading converts to double; writing is '<f8' or '<f4'.
 * Errors are DIGS_ERR_INPUT (bad file) or DIGS_ERR_IO with one line naming
 * the file and what was expected. */
#ifndef DIGS_IO_NPY_H
#define DIGS_IO_NPY_H

#include <stdint.h>

enum { DIGS_NPY_MAX_DIMS = 8 };

/* Read an array; *data is allocated (caller frees). */
int digs_npy_read(const char *path, double **data, int *ndim,
                  int64_t shape[DIGS_NPY_MAX_DIMS]);

/* Write data as '<f8' (float32 = 0) or '<f4' (float32 = 1). */
int digs_npy_write(const char *path, const double *data, int ndim,
                   const int64_t *shape, int float32);

#endif
