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
 *                            per level): value [records][width] f8, with
 *                            the column names as its attribute `columns`
 *                            when declared (digs_h5md_declare_record).  Not
 *                            under /observables: MDAnalysis's H5MD reader
 *                            reads every /observables/<name>/value at each
 *                            frame index and fails on shorter series.
 *   /parameters/<name>       scalar fixed-length UTF-8 strings: deck (the
 *                            input text, verbatim), program, potential, ...
 *   /particles/<g>/          an added group (digs_h5md_add_group, e.g.
 *                            "generator": the DiKL sample sets), with its
 *                            own record count; attribute frames_per_record
 *                            (i8, N), box as above,
 *     position/{step, time, value}  value [records*N][n_particles]
 *                            [spatial_dim] f8, step i8 (e.g. the trainer
 *                            iteration), time f8 (the caller's, e.g. wall
 *                            seconds): record r, frame i is row r*N + i;
 *     potential_energy/{value, step, time}  value [records*N] f8 (unit =
 *                            energy_unit); step and time are hard links to
 *                            position's.
 *                            The energies are an element of the group, not
 *                            /observables/<g>/: MDAnalysis 2.4 reads
 *                            /observables/<key>/value at each frame of the
 *                            first particles group and fails on a subgroup
 *                            without `value` (tests/io/test_h5md_group.sh
 *                            shows it).  MDAnalysis reads only the first
 *                            group of /particles in name order, so <g> must
 *                            sort after the main group (checked).
 * String attributes are variable-length UTF-8 (h5py returns str, which
 * MDAnalysis needs for `unit`); no time unit is written, so MDAnalysis
 * must open the file with convert_units=False (tests/io/check_h5md.py).
 *
 * Frames are ordered record-major: record r of global chain c is frame
 * r * n_chains + c (of an added group: frame i of record r is row
 * r * N + i).  Each rank writes its own block of chains (frames) as one
 * strided hyperslab per buffered write; nothing is gathered to rank 0.
 * Chunks hold one buffered write of all ranks, clamped to 64 KiB-1 MiB.
 *
 * Crash safety (doc/checkpoint.md), for the main and the added groups
 * alike: the file is created without reuse of
 * freed file space and its metadata cache never writes metadata except in
 * digs_h5md_flush and digs_h5md_close, so the bytes on disk always
 * describe the file as of the last flush: a process killed between two
 * flushes leaves a file that opens with the contents of the last flush
 * (later raw data lies beyond what that metadata references).  Only a
 * kill during the flush itself can tear the metadata.  Reading the file
 * needs HDF5 >= 1.10 (the file-space setting is a 1.10 superblock
 * message); objects keep the 1.8 formats. */
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

/* How much of an existing file to keep when continuing it: the first
 * `records` records of every per-frame dataset of the main group, the
 * first rows[k] rows of /record_observables/<series[k]> (a series not
 * listed keeps 0 rows) and the first group_records[k] records of the added
 * particles group groups[k] (digs_h5md_add_group; a group not listed keeps
 * 0 records).  Callers that predate added groups leave n_groups = 0. */
typedef struct digs_h5md_extent {
    int64_t records;
    int n_series;
    const char *const *series;
    const int64_t *rows;
    int n_groups;
    const char *const *groups;
    const int64_t *group_records;
} digs_h5md_extent;

/* Open an existing file written by digs_h5md_create with the same spec
 * (path, group, n_chains, frame shape; the rank count and chain blocks
 * may differ), cut every series back to `keep` (H5Dset_extent), flush,
 * and continue appending after it.  Every /record_observables/<name>
 * already in the file is reopened (its width is kept); declared frame
 * observables must be declared again, in the same order.  Every added
 * particles group in the file is reopened and cut too; call
 * digs_h5md_add_group again to append to it.  Parameters set
 * with digs_h5md_set_parameter replace the stored ones.  Collective; fails
 * with the same code on every rank and *out = NULL: DIGS_ERR_IO if the
 * file is missing or HDF5 cannot open it, DIGS_ERR_INPUT naming the
 * dataset if the file's shapes do not match the spec or it holds fewer
 * records or rows than `keep` asks for. */
int digs_h5md_open_append(digs_h5md **out, MPI_Comm comm,
                          const digs_h5md_spec *spec,
                          const digs_h5md_extent *keep);

/* Store a string under /parameters/<name> (rank 0's value is stored; name
 * must contain no '/' and be new, except in a file opened with
 * digs_h5md_open_append, where an existing value is replaced). */
int digs_h5md_set_parameter(digs_h5md *h, const char *name,
                            const char *value);

/* Declare a per-frame observable of doubles (before the first append; in
 * a continued file this reopens the existing one). */
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

/* The chains moved between ranks (a coupled job's load balancing): from
 * now on this rank appends the chains [first_chain, first_chain +
 * n_local).  What is buffered is written first, under the old layout; the
 * new blocks must tile the run's chains.  Collective. */
int digs_h5md_relayout(digs_h5md *h, int64_t first_chain, int n_local);

/* Append one row of a per-record observable (width doubles, the same on
 * every rank; e.g. the adapted step size per level) to
 * /record_observables/<name>, created on first use; later calls must pass
 * the same width.  Rank 0's row is stored.  Buffered like frames. */
int digs_h5md_append_record(digs_h5md *h, const char *name, int64_t sweep,
                            int width, const double *values);

/* Declare /record_observables/<name> with `width` columns named by
 * columns[0..width-1] (stored as the string-array attribute `columns` of
 * its value dataset; NULL: no names).  In a continued file that already
 * holds the series, only the width is checked.  Collective; before the
 * series' first digs_h5md_append_record. */
int digs_h5md_declare_record(digs_h5md *h, const char *name, int width,
                             const char *const *columns);

/* ---- additional particles groups (e.g. "generator") ------------------- */

typedef struct digs_h5md_group digs_h5md_group;

typedef struct digs_h5md_group_spec {
    const char *name;       /* particles group; must sort after the main
                               group's name (strcmp), see the layout above */
    long n_frames;          /* frames per record (e.g. the sample-set size) */
    long first_frame;       /* this rank's first frame of a record */
    int n_local;            /* this rank's frames per record (may be 0) */
    int n_particles;        /* >= 1 (non-particle targets: 1) */
    int spatial_dim;
    const char *length_unit; /* as in digs_h5md_spec; NULL: none */
    const char *energy_unit;
    int buffer_records;     /* records held in memory before a write */
} digs_h5md_group_spec;

/* Add the particles group g->name to an open file, or, in a file opened
 * with digs_h5md_open_append, take up the group of that name reopened
 * there (its frames per record and frame shape must match g; its records
 * were cut to the extent), or create it if the file lacks it.  The ranks'
 * blocks [first_frame, first_frame + n_local) must tile 0..n_frames-1
 * (e.g. n_local = n_frames on rank 0 and 0 elsewhere).  *out is owned by
 * h (freed by digs_h5md_close).  Collective, any time before close; fails
 * with the same code on every rank and *out = NULL: DIGS_ERR_INTERNAL for
 * a bad spec, a name that does not sort after the main group's, or a
 * group added twice; DIGS_ERR_INPUT for a reopened group of another shape
 * or a /particles/<name> that digs_h5md_add_group did not write. */
int digs_h5md_add_group(digs_h5md *h, const digs_h5md_group_spec *g,
                        digs_h5md_group **out);

/* Append one record to g: this rank's n_local frames x [n_local]
 * [n_particles*spatial_dim] and their energies [n_local] (NULL allowed
 * when n_local = 0).  step (e.g. the trainer iteration) and time (e.g.
 * wall seconds) must be the same on every rank.  Independent of the main
 * group's records.  Collective over the file's communicator; writes every
 * buffer_records records, everything by digs_h5md_flush and close. */
int digs_h5md_group_append(digs_h5md_group *g, int64_t step, double time,
                           const double *x, const double *energy);

/* Records of g appended so far (written or buffered).  Local. */
int64_t digs_h5md_group_records(const digs_h5md_group *g);

/* The group's name.  Local. */
const char *digs_h5md_group_name(const digs_h5md_group *g);

/* Added groups known to the writer (created, or reopened by open_append
 * whether or not taken up again), e.g. to store their record counts in a
 * checkpoint: their count and group k (NULL if out of range).  Local. */
int digs_h5md_n_groups(const digs_h5md *h);
digs_h5md_group *digs_h5md_group_at(const digs_h5md *h, int k);

/* Write buffered records and flush the file to disk: afterwards the file
 * on disk is complete and consistent up to this point, and stays so until
 * the next flush even if the process is killed (see above). */
int digs_h5md_flush(digs_h5md *h);

/* Per-record series known to the writer (local): their count, and name
 * and rows appended so far (written or buffered) of series k. */
int digs_h5md_n_series(const digs_h5md *h);
const char *digs_h5md_series_name(const digs_h5md *h, int k);
int64_t digs_h5md_series_rows(const digs_h5md *h, int k);

/* Records appended so far (including buffered ones).  Local. */
int64_t digs_h5md_records(const digs_h5md *h);

/* Write buffered data and close; *h becomes NULL even on failure.  Safe
 * on NULL. */
int digs_h5md_close(digs_h5md **h);

#endif
