#include "io/h5_error.h"

#include <stdio.h>

#include <hdf5.h>

#include "core/status.h"

typedef struct h5_detail {
    char text[512];
    int found;
} h5_detail;

/* H5Ewalk2 callback: keep the innermost (first, walking upward) entry. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    h5_detail *d = data;
    if (!d->found) {
        snprintf(d->text, sizeof d->text, "%s: %s", e->func_name,
                 e->desc ? e->desc : "");
        d->found = 1;
    }
    return 0;
}

/* HDF5's innermost message into d; clears the error stack. */
static void innermost(h5_detail *d)
{
    d->found = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, d);
    H5Eclear2(H5E_DEFAULT);
}

int digs_h5_fail(const char *path, const char *what, const char *file,
                 int line)
{
    h5_detail d;
    innermost(&d);
    return digs_fail(DIGS_ERR_IO, file, line, "%s: %s failed (HDF5: %s)",
                     path, what, d.found ? d.text : "no details");
}

int digs_h5_cannot(const char *path, const char *what, const char *file,
                   int line)
{
    h5_detail d;
    innermost(&d);
    return digs_fail(DIGS_ERR_IO, file, line, "%s: cannot %s (HDF5: %s)",
                     path, what, d.found ? d.text : "no details");
}
