/* Reading H5MD trajectories (the layout of io/h5md.h, or any H5MD 1.1 file
 * with the same datasets, e.g. one written by h5py) for `digs analyze`.
 *
 * Serial HDF5, local to the calling rank: open the file on one rank only
 * (the analysis runs on rank 0).  Every function returns a status; errors
 * are one line naming the file and the object that was expected:
 *   DIGS_ERR_IO     the file is missing or unreadable,
 *   DIGS_ERR_INPUT  not HDF5, not H5MD (no /h5md group), a missing or
 *                   malformed dataset.
 * HDF5's automatic error printing is turned off by digs_h5md_reader_open. */
#ifndef DIGS_IO_H5MD_READ_H
#define DIGS_IO_H5MD_READ_H

#include <stdint.h>

typedef struct digs_h5md_reader digs_h5md_reader;

/* Open path read-only and check that it is an H5MD file (has /h5md).
 * *out is NULL on failure. */
int digs_h5md_reader_open(const char *path, digs_h5md_reader **out);

/* Close and free; *r becomes NULL.  Safe on NULL. */
void digs_h5md_reader_close(digs_h5md_reader **r);

const char *digs_h5md_reader_path(const digs_h5md_reader *r);

/* 1 if a link exists at the absolute path `object` (every intermediate
 * group is checked), else 0. */
int digs_h5md_reader_exists(const digs_h5md_reader *r, const char *object);

/* Shape of /particles/<group>/position/value [frames][n_particles]
 * [spatial_dim].  A 2-D value [frames][dim] is read as one particle of
 * spatial_dim = dim. */
int digs_h5md_read_position_shape(const digs_h5md_reader *r,
                                  const char *group, long *frames,
                                  int *n_particles, int *spatial_dim);

/* Frames first .. first+count-1 of the positions into x (caller-allocated
 * [count][n_particles * spatial_dim] doubles, any stored float type
 * converted).  0 <= first, first + count <= frames. */
int digs_h5md_read_positions(const digs_h5md_reader *r, const char *group,
                             long first, long count, double *x);

/* /observables/<name>/value: one number per frame (integers or floats,
 * converted to double); *values is allocated (caller frees), *n its
 * length.  A value with more than one number per frame is an error. */
int digs_h5md_read_observable(const digs_h5md_reader *r, const char *name,
                              long *n, double **values);

/* /particles/<group>/<element>/<field> (an H5MD element of a particles
 * group, e.g. element "potential_energy", field "value" of a group added
 * with digs_h5md_add_group, or "position", "step"): one number per frame,
 * converted to double, allocated and checked like
 * digs_h5md_read_observable. */
int digs_h5md_read_element(const digs_h5md_reader *r, const char *group,
                           const char *element, const char *field, long *n,
                           double **values);

/* Frames per record of a particles group added with digs_h5md_add_group
 * (its attribute frames_per_record, io/h5md.h): records of such a group
 * are sets of *n frames, stored record-major, without chain ids.  *n = 0
 * for a group without the attribute (the main group: its chains come
 * from /observables/chain_id).  A missing group is DIGS_ERR_INPUT. */
int digs_h5md_read_frames_per_record(const digs_h5md_reader *r,
                                     const char *group, long *n);

/* /parameters/<name> as a new NUL-terminated string (caller frees);
 * fixed-length (as io/h5md.c writes) or variable-length strings. */
int digs_h5md_read_parameter(const digs_h5md_reader *r, const char *name,
                             char **text);

/* Names of the members of the group at the absolute path `group`, in
 * HDF5's name order; *names is an allocated array of allocated strings
 * (free with digs_h5md_free_names).  A missing group gives *n = 0. */
int digs_h5md_list(const digs_h5md_reader *r, const char *group,
                   char ***names, int *n);

void digs_h5md_free_names(char **names, int n);

/* /record_observables/<name>/{value [rows][width], step [rows]} (io/h5md.h,
 * per-record series such as step sizes).  *values [rows][width] and *steps
 * [rows] are allocated (caller frees); a 1-D value has width 1. */
int digs_h5md_read_record_observable(const digs_h5md_reader *r,
                                     const char *name, long *rows,
                                     int *width, double **values,
                                     int64_t **steps);

/* Column names of /record_observables/<name>/value (its string-array
 * attribute `columns`, io/h5md.h), allocated like digs_h5md_list; a
 * series without the attribute gives *n = 0. */
int digs_h5md_read_columns(const digs_h5md_reader *r, const char *name,
                           char ***columns, int *n);

#endif
