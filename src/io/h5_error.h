/* Turning a failed HDF5 call into one digs error line (shared by the H5MD
 * writer and reader and the checkpoint).  Not collective. */
#ifndef DIGS_IO_H5_ERROR_H
#define DIGS_IO_H5_ERROR_H

/* DIGS_ERR_IO "path: what failed (HDF5: <innermost message>)"; clears
 * HDF5's error stack.  file/line: the caller's source location. */
int digs_h5_fail(const char *path, const char *what, const char *file,
                 int line);

/* DIGS_ERR_IO "path: cannot <what> (HDF5: <innermost message>)". */
int digs_h5_cannot(const char *path, const char *what, const char *file,
                   int line);

/* Return digs_h5_fail(...) from the enclosing function if call < 0. */
#define H5_TRY(path, call, what)                                             \
    do {                                                                     \
        if ((call) < 0)                                                      \
            return digs_h5_fail((path), (what), __FILE__, __LINE__);         \
    } while (0)

#endif
