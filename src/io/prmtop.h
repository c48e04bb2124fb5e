/* AMBER files as tleap writes them: the parameter/topology file (prmtop,
 * "%FLAG"/"%FORMAT" sections of Fortran fixed-width fields) and the ASCII
 * coordinate/restart file (inpcrd, rst7).
 *
 * The prmtop is turned into the parameter set OpenMM's AmberPrmtopFile
 * builds for a non-periodic system with NoCutoff (REFERENCE.md §7.5.3):
 * charges ÷ 18.2223, kcal → kJ (4.184), Å → nm, bond/angle constants ×2,
 * σ/ε per atom type from LENNARD_JONES_ACOEF/BCOEF, 1-4 pairs from the
 * dihedrals whose 3rd and 4th indices are positive (scaled by
 * SCEE/SCNB_SCALE_FACTOR, default 1.2/2.0), exclusions from
 * EXCLUDED_ATOMS_LIST (derived from the bonds if absent), GB radii (RADII,
 * Å → nm) and screening factors (SCREEN).  A negative 4th dihedral index
 * marks an improper torsion.
 *
 * Not supported, each rejected with one line naming the file: periodic
 * boxes (IFBOX ≠ 0), CAP and perturbation sections, extra points,
 * CHAMBER/CMAP, 10-12 hydrogen-bond terms, 12-6-4 and off-diagonal (NBFIX)
 * Lennard-Jones coefficients, polarizabilities. */
#ifndef DIGS_IO_PRMTOP_H
#define DIGS_IO_PRMTOP_H

#include "potentials/amber_topology.h"

/* 1 if text looks like a prmtop (a line starting "%FLAG" or "%VERSION"
 * before any other non-blank line). */
int digs_prmtop_detect(const char *text);

/* Parse prmtop text (modified in place: lines are split).  path is used
 * in messages "PATH:LINE: %FLAG X: ...".  On success *top is filled (no
 * coordinates); on failure it is freed. */
int digs_prmtop_parse(char *text, const char *path,
                      digs_amber_topology *top);

/* Read and parse the prmtop at path. */
int digs_prmtop_read(const char *path, digs_amber_topology *top);

/* Read an AMBER ASCII coordinate file (title, atom count, 6F12.7 Å; any
 * velocities or box that follow are ignored) into x (n_atoms × 3, nm).
 * Fails unless the file's atom count equals n_atoms. */
int digs_inpcrd_read(const char *path, int n_atoms, double *x);

#endif
