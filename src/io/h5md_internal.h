/* Private to the H5MD writer (h5md.c, h5md_group.c, h5md_util.c): the
 * handle's layout and the HDF5 helpers the three files share.  Not for
 * other rooms: the public contract is io/h5md.h. */
#ifndef DIGS_IO_H5MD_INTERNAL_H
#define DIGS_IO_H5MD_INTERNAL_H

#include <stdint.h>

#include <hdf5.h>
#include <mpi.h>

#include "io/h5md.h"

/* Attribute of /particles/<name> marking a group added with
 * digs_h5md_add_group: frames per record (int64). */
#define H5MD_FRAMES_ATTR "frames_per_record"

/* Element of an added group holding one energy per frame. */
#define H5MD_GROUP_ENERGY "potential_energy"

/* A per-record observable: rank 0 writes its rows; all ranks extend. */
typedef struct record_series {
    char *name;
    int width;
    hid_t value, step;
    int64_t rows;          /* rows on disk */
    int n_buffered;
    double *buf;           /* [buffer_records][width] */
    int64_t *steps;        /* [buffer_records] */
} record_series;

/* An additional particles group (h5md_group.c).  Owned by its digs_h5md. */
struct digs_h5md_group {
    digs_h5md *h;
    char *name;
    int64_t n_frames;                 /* frames per record, whole run */
    int64_t first;                    /* this rank's first frame */
    int n_local, n_particles, spatial_dim, row, buffer_records;
    int attached;                     /* claimed by digs_h5md_add_group */
    hid_t pos_value, pos_step, pos_time, energy_value;
    int64_t records_on_disk;
    int n_buffered;
    double *xbuf;                     /* [B][n_local][row] */
    double *ebuf;                     /* [B][n_local] */
    int64_t *steps;                   /* [B] */
    double *times;                    /* [B] */
    int64_t *ibuf;                    /* [B][n_local] scratch */
    double *tbuf;                     /* [B][n_local] scratch */
};

struct digs_h5md {
    MPI_Comm comm;
    int rank;
    int append;                           /* opened by open_append */
    char *path;
    char *group;                          /* the main particles group */
    int64_t n_chains, first;
    int n_local, n_particles, spatial_dim, row, buffer_records;

    hid_t file, dxpl;
    hid_t pos_value, pos_step, pos_time;  /* /particles/<group>/position */
    hid_t chain_value, sweep_value;       /* i8 frame observables */
    int n_obs;                            /* f8 frame observables */
    char **obs_names;
    hid_t *obs_value;
    hsize_t chunk_1d;                     /* frames per chunk, 1-D series */

    int started;                          /* first append done */
    int64_t records_on_disk;
    int n_buffered;
    double *xbuf;                         /* [B][n_local][row] */
    double *obuf;                         /* [n_obs][B][n_local] */
    int64_t *sweeps;                      /* [B] */
    double *times;                        /* [B] */
    int64_t *ibuf;                        /* [B][n_local] scratch */
    double *tbuf;                         /* [B][n_local] scratch */

    int n_rec;
    record_series *rec;

    int n_groups;                         /* additional particles groups */
    struct digs_h5md_group **groups;
};

/* ---- h5md_util.c: HDF5 and MPI helpers ---------------------------------- */

/* Make a status collective (parallel/comm.h digs_comm_agree_message). */
int h5md_agree(MPI_Comm comm, int status);

/* Close *id with closer if it is valid; *id becomes invalid. */
void h5md_close_id(hid_t *id, herr_t (*closer)(hid_t));

/* 1 for a usable HDF5 link name (non-empty, no '/', not "."). */
int h5md_valid_name(const char *name);

/* Attributes, all collective with the same values on every rank:
 * a variable-length UTF-8 string; n native ints (scalar when n = 1) stored
 * as i4; one int64 scalar; n variable-length strings of character set
 * cset; boundary = dim x "none". */
int h5md_string_attr(const char *path, hid_t loc, const char *name,
                     const char *value);
int h5md_int_attr(const char *path, hid_t loc, const char *name, int n,
                  const int *values);
int h5md_int64_attr(const char *path, hid_t loc, const char *name,
                    int64_t value);
int h5md_strings_attr(const char *path, hid_t loc, const char *name,
                      H5T_cset_t cset, int n, const char *const *values);
int h5md_boundary_attr(const char *path, hid_t loc, int dim);

/* Frames (or rows) per chunk for frames of frame_bytes: one buffered write
 * of all ranks (want_frames), clamped to 64 KiB .. 1 MiB. */
hsize_t h5md_chunk_frames(size_t frame_bytes, double want_frames);

/* Create an extensible dataset [0][tail...] (ndim <= 3) chunked by chunk
 * rows along the first axis, never filled.  Collective. */
int h5md_make_series(const char *path, hid_t loc, const char *name,
                     hid_t type, int ndim, const hsize_t *tail, hsize_t chunk,
                     hid_t *out);

/* Set the first axis of dset to first_axis rows.  Collective. */
int h5md_extend(const char *path, hid_t dset, hsize_t first_axis);

/* Write K records of this rank's frames into dset (first axis already
 * extended): record r0 + k, frame i of the rank's block is row
 * (r0 + k) * per_record + first + i; buf is [K][n_local][row elements].
 * A rank with n_local = 0 selects nothing but joins.  Collective. */
int h5md_write_block(const char *path, hid_t dset, hid_t dxpl, hid_t memtype,
                     const void *buf, int K, int64_t r0, int64_t per_record,
                     int64_t first, int n_local);

/* Check that the ranks' blocks [first, first + count) tile 0..total-1
 * (`what` names the rows in messages, e.g. "chain").  status: this rank's
 * status so far (a failed rank joins without checking).  Collective;
 * returns the agreed status. */
int h5md_check_blocks(MPI_Comm comm, int status, const char *path,
                      const char *what, long total, long first, long count);

/* Open the dataset at absolute path `object` in file, check that it has
 * ndim axes whose trailing lengths are tail (NULL: any) and at least keep
 * rows, and with cut set, cut it to keep rows.  *rows (may be NULL)
 * receives its row count before the cut.  DIGS_ERR_INPUT naming the
 * dataset on a mismatch.  Collective. */
int h5md_reopen_series(const char *path, hid_t file, const char *object,
                       int ndim, const hsize_t *tail, hsize_t keep, int cut,
                       hid_t *out, hsize_t *rows);

/* Link names of the group at `group` (relative to loc) in name order:
 * *names allocated (free each, then the array). */
int h5md_list_group(const char *path, hid_t loc, const char *group,
                    char ***names, int *n);

/* ---- h5md_group.c: additional particles groups ---------------------- */

/* In digs_h5md_open_append: reopen every added group of the file (those
 * with the frames_per_record attribute, other than the main group) and
 * check that it holds the records keep lists for it (0 if not listed);
 * a group keep lists with records > 0 must exist.  Nothing is changed
 * yet; the groups wait in h->groups to be taken up by digs_h5md_add_group.
 * Collective. */
int h5md_reopen_groups(digs_h5md *h, const digs_h5md_extent *keep);

/* Cut every reopened group to its kept records.  Collective. */
int h5md_cut_groups(digs_h5md *h);

/* Write every buffered record of every added group.  Collective. */
int h5md_write_groups(digs_h5md *h);

/* Close the groups' datasets and free them (before the file closes). */
void h5md_free_groups(digs_h5md *h);

#endif
