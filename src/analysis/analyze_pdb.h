/* `digs analyze --pdb FILE [--frames a:b:step] [--chain C]`: a multi-model
 * PDB of selected frames of the run (after burn-in), with atom / residue
 * names and elements from the run's potential (generic labels when it
 * has none) and coordinates converted to Å with pot->angstrom (2-D
 * systems get z = 0).  Rank-local. */
#ifndef DIGS_ANALYSIS_ANALYZE_PDB_H
#define DIGS_ANALYSIS_ANALYZE_PDB_H

#include "analysis/analyze_data.h"

/* A Python-style slice a:b:step (b exclusive; empty a, b mean the ends;
 * step >= 1; negative a, b count from the end). */
typedef struct digs_frame_slice {
    long start, stop, step;
    int has_start, has_stop;
} digs_frame_slice;

/* Parse "a:b:step", "a:b", "a" (one frame) or ""; 0 on success, -1 on a
 * malformed text. */
int digs_frame_slice_parse(const char *text, digs_frame_slice *s);

/* Indices selected by s among n items: writes up to n indices to idx and
 * returns their count. */
long digs_frame_slice_apply(const digs_frame_slice *s, long n, long *idx);

/* Write o->pdb: frames of chain o->pdb_chain (>= 0; the slice then runs
 * over that chain's records) or of all frames in record-major order (the
 * slice runs over frame indices), selected by o->pdb_frames (NULL: all).
 * Errors: a potential without particles or with spatial_dim other than 2
 * or 3, a chain out of range, a malformed slice, an empty selection, I/O
 * (messages name the option). */
int digs_analyze_write_pdb(const digs_analyze_options *o,
                           const digs_analyze_run *run);

#endif
