/* Trajectory output in H5MD 1.1 (https://www.nongnu.org/h5md/h5md.html),
 * written with parallel HDF5 (MPI-IO).  All functions are collective over
 * the communicator given at creation unless stated otherwise.
 *
 * Layout of one run file:
 *   /h5md                    version = [1, 1]; creator (name, version);
 *                            author (name)
 *   /particles/<group>/box   dimension, boundary = "none" ...
 *   /particles/<group>/position/{step, time, value}
 *                            value [frames][n_particles][spatial_dim] f8
 *   /observables/<name>/{step, time, value}  one value per frame:
 *                            chain_id (i8), sweep (i8),
 *                            potential_energy (f8), acceptance (f8), ...
 *   /observables/<name>/{step, time, value}  per record (e.g. step size
 *                            per level): value [records][width] f8
 *   /parameters              deck (the input text, verbatim), program,
 *                            version, potential, ...  (string attributes
 *                            and datasets)
 *
 * Frames are ordered record-major: record r of global chain c is frame
 * r * n_chains + c.  Each rank writes its own block of chains as one
 * hyperslab; nothing is gathered to rank 0. */
#ifndef DIGS_IO_H5MD_H
#define DIGS_IO_H5MD_H

#include <stdint.h>

#include <mpi.h>

typedef struct digs_h5md digs_h5md;

typedef struct digs_h5md_spec {
    const char *path;       /* file to create (truncated) */
    const char *group;      /* particles group, e.g. "chains" */
    long n_chains;          /* chains in the whole run */
    long first_chain;       /* this rank's first global chain */
    int n_local;            /* this rank's chain count (may be 0) */
    int n_particles;        /* >= 1 (non-particle targets: 1) */
    int spatial_dim;        /* coordinates per particle */
    const char *length_unit; /* H5MD unit attribute, e.g. "nm"; NULL: none */
    const char *energy_unit;
    int buffer_records;     /* records held in memory before a write */
} digs_h5md_spec;

/* Create the file and its groups.  Fails (DIGS_ERR_IO, naming the path)
 * if the file cannot be created; nothing else is touched. */
int digs_h5md_create(digs_h5md **out, MPI_Comm comm,
                     const digs_h5md_spec *spec);

/* Store a string under /parameters/<name> (same value on every rank). */
int digs_h5md_set_parameter(digs_h5md *h, const char *name,
                            const char *value);

/* Declare a per-frame observable of doubles (before the first append). */
int digs_h5md_add_frame_observable(digs_h5md *h, const char *name);

/* Append one record: this rank's n_local frames.  x is
 * [n_local][n_particles*spatial_dim]; energy and acceptance [n_local];
 * extra is [n_extra][n_local] for the declared frame observables in
 * declaration order (NULL if none).  Chain ids are implied by the layout.
 * May buffer; data is on disk after digs_h5md_flush. */
int digs_h5md_append(digs_h5md *h, int64_t sweep, double time,
                     const double *x, const double *energy,
                     const double *acceptance, const double *extra);

/* Append one row of a per-record observable (width doubles, the same on
 * every rank; e.g. the adapted step size per level). */
int digs_h5md_append_record(digs_h5md *h, const char *name, int64_t sweep,
                            int width, const double *values);

/* Write buffered records and flush the file to disk. */
int digs_h5md_flush(digs_h5md *h);

/* Records written so far (including buffered ones). */
int64_t digs_h5md_records(const digs_h5md *h);

/* Flush and close; *h becomes NULL.  Safe on NULL. */
int digs_h5md_close(digs_h5md **h);

#endif
