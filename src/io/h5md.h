/* Trajectory output in H5MD 1.1 (https://www.nongnu.org/h5md/h5md.html),
 * written with parallel HDF5 (MPI-IO).  All functions are collective over
 * the communicator given at creation unless stated otherwise, and must be
 * called in the same order with the same arguments (except the per-rank
 * data) on every rank.
 *
 * Layout of one run file:
 *   /h5md                    version = [1, 1]; creator (name = "digs",
 *                            version); author (name = $USER)
 *   /particles/<group>/box   dimension, boundary = "none" ...
 *   /particles/<group>/position/{step, time, value}
 *                            value [frames][n_particles][spatial_dim] f8
 *                            (unit = length_unit), step i8 (the sweep),
 *                            time f8
 *   /observables/<name>/{step, time, value}  one value per frame:
 *                            chain_id (i8), sweep (i8),
 *                            potential_energy (f8, unit = energy_unit),
 *                            acceptance (f8), declared extras (f8);
 *                            step and time are hard links to position's
 *   /record_observables/<name>/{step, value}  per record (e.g. step size
 *                            per level): value [records][width] f8.  Not
 *                            under /observables: MDAnalysis's H5MD reader
 *                            reads every /observables/<name>/value at each
 *                            frame index and fails on shorter series.
 *   /parameters/<name>       scalar fixed-length UTF-8 strings: deck (the
 *                            input text, verbatim), program, potential, ...
 * String attributes are variable-length UTF-8 (h5py returns str, which
 * MDAnalysis needs for `unit`); no time unit is written, so MDAnalysis
 * must open the file with convert_units=False (tests/io/check_h5md.py).
 *
 * Frames are ordered record-major: record r of global chain c is frame
 * r * n_chains + c.  Each rank writes its own block of chains as one
 * strided hyperslab per buffered write; nothing is gathered to rank 0.
 * Chunks hold one buffered write of all ranks, clamped to 64 KiB-1 MiB. */
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

/* Create the file (truncating it) and its groups.  Every rank passes its
 * own chain block; the blocks must tile 0..n_chains-1 (n_local may be 0).
 * Fails with the same code on every rank, *out = NULL: DIGS_ERR_IO naming
 * the path if the directory is missing or HDF5 cannot create the file,
 * DIGS_ERR_INTERNAL for an inconsistent spec.  Turns off HDF5's automatic
 * error printing (its failures become DIGS_FAIL messages). */
int digs_h5md_create(digs_h5md **out, MPI_Comm comm,
                     const digs_h5md_spec *spec);

/* Store a string under /parameters/<name> (rank 0's value is stored; name
 * must be new and contain no '/'). */
int digs_h5md_set_parameter(digs_h5md *h, const char *name,
                            const char *value);

/* Declare a per-frame observable of doubles (before the first append). */
int digs_h5md_add_frame_observable(digs_h5md *h, const char *name);

/* Append one record: this rank's n_local frames.  x is
 * [n_local][n_particles*spatial_dim]; energy and acceptance [n_local];
 * extra is [n_extra][n_local] for the declared frame observables in
 * declaration order (NULL if none).  Chain ids are implied by the layout;
 * sweep (stored as step and as the sweep observable) and time must be the
 * same on every rank.  Writes every buffer_records records; data is on
 * disk after digs_h5md_flush. */
int digs_h5md_append(digs_h5md *h, int64_t sweep, double time,
                     const double *x, const double *energy,
                     const double *acceptance, const double *extra);

/* Append one row of a per-record observable (width doubles, the same on
 * every rank; e.g. the adapted step size per level) to
 * /record_observables/<name>, created on first use; later calls must pass
 * the same width.  Rank 0's row is stored.  Buffered like frames. */
int digs_h5md_append_record(digs_h5md *h, const char *name, int64_t sweep,
                            int width, const double *values);

/* Write buffered records and flush the file to disk. */
int digs_h5md_flush(digs_h5md *h);

/* Records appended so far (including buffered ones).  Local. */
int64_t digs_h5md_records(const digs_h5md *h);

/* Write buffered data and close; *h becomes NULL even on failure.  Safe
 * on NULL. */
int digs_h5md_close(digs_h5md **h);

#endif
