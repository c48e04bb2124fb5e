/* Protein Data Bank files: multi-model coordinates in and out.
 * Coordinates in the file are Ångström; these functions do not convert. */
#ifndef DIGS_IO_PDB_H
#define DIGS_IO_PDB_H

/* Read every MODEL (or the single implicit model) of ATOM/HETATM records.
 * Every model must have n_atoms atoms (n_atoms <= 0: take the first
 * model's count).  *xyz is [n_models][n_atoms][3] Å, allocated. */
int digs_pdb_read(const char *path, int n_atoms, double **xyz,
                  int *n_models, int *n_atoms_read);

/* Per-atom labels for writing; any pointer may be NULL (then defaults). */
typedef struct digs_pdb_atoms {
    int n_atoms;
    const char *const *atom_names;    /* e.g. "CA" */
    const char *const *residue_names; /* e.g. "ALA" */
    const int *residue_ids;           /* 1-based */
    const char *const *elements;      /* e.g. "C" */
} digs_pdb_atoms;

/* Write n_models models of xyz ([n_models][n_atoms][3], Å). */
int digs_pdb_write(const char *path, const digs_pdb_atoms *atoms,
                   int n_models, const double *xyz);

#endif
