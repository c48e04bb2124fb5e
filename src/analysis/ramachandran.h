/* Alanine-dipeptide backbone analysis: dihedrals, Ramachandran φ/ψ, basin
 * classification, φ/ψ histograms and their KL / TVD, basin transitions
 * along chains, and the CA chirality check.  Pure functions (no I/O, no
 * MPI); called by `digs analyze` (analyze_amber.c) and the tests.
 * Conventions: REFERENCE.md §7.5.2 and §8.8; angles in radians in
 * (−π, π]; coordinates particle-major (x0, y0, z0, x1, ...), any length
 * unit.  Region boundaries are documented in doc/analysis.md. */
#ifndef DIGS_ANALYSIS_RAMACHANDRAN_H
#define DIGS_ANALYSIS_RAMACHANDRAN_H

#include <stddef.h>

/* Bins per axis of the 2-D Ramachandran histogram over [−π, π]² (6°). */
enum { DIGS_RAMA_BINS = 60 };

/* Regularisation of KL: ε added to every bin probability of both
 * histograms before renormalising (digs_rama_kl). */
#define DIGS_RAMA_KL_EPS 1e-10

/* Backbone atom indices (0-based) of an ACE-ALA-NME chain. */
typedef struct digs_rama_atoms {
    int c_prev;   /* C of ACE          (§7.5.2: 4) */
    int n;        /* N of ALA          (6) */
    int ca;       /* CA of ALA         (8) */
    int c;        /* C of ALA          (14) */
    int n_next;   /* N of NME          (16) */
    int cb;       /* CB of ALA         (10) */
} digs_rama_atoms;

/* Basins (doc/analysis.md "Ramachandran basins").  The four rectangles
 * cover the torus; DIGS_BASIN_OTHER is only for non-finite angles. */
typedef enum digs_rama_basin {
    DIGS_BASIN_BETA = 0,   /* C7eq / β / C5, the upper-left region */
    DIGS_BASIN_ALPHA_R,    /* αR */
    DIGS_BASIN_ALPHA_L,    /* αL */
    DIGS_BASIN_C7AX,       /* C7ax */
    DIGS_BASIN_OTHER,
    DIGS_RAMA_N_BASINS = DIGS_BASIN_OTHER   /* the four real basins */
} digs_rama_basin;

/* Basin boundaries in degrees (doc/analysis.md "Ramachandran basins"):
 * the right strip RIGHT_PHI_LO < φ <= RIGHT_PHI_HI holds αL (ψ > SPLIT)
 * and C7ax (ψ <= SPLIT); the rest of φ (wrapping through ±180°) holds αR
 * (ALPHA_R_PSI_LO < ψ <= ALPHA_R_PSI_HI) and C7eq/β (the other ψ). */
#define DIGS_RAMA_RIGHT_PHI_LO 0.0
#define DIGS_RAMA_RIGHT_PHI_HI 120.0
#define DIGS_RAMA_RIGHT_PSI_SPLIT 0.0
#define DIGS_RAMA_ALPHA_R_PSI_LO (-120.0)
#define DIGS_RAMA_ALPHA_R_PSI_HI 20.0

/* Short names ("C7eq/beta", "alphaR", "alphaL", "C7ax", "other"). */
const char *digs_rama_basin_name(int basin);

/* Dihedral angle of the points a, b, c, d (3 doubles each), IUPAC sign
 * (REFERENCE.md §7.5.2): b1 = b − a, b2 = c − b, b3 = d − c,
 * n1 = b1 × b2, n2 = b2 × b3, angle = atan2(|b2| (b1 · n2), n1 · n2).
 * Range (−π, π]; NAN for a degenerate (collinear) geometry. */
double digs_dihedral(const double *a, const double *b, const double *c,
                     const double *d);

/* Find the backbone atoms by name: ACE C, ALA N / CA / C / CB, NME N,
 * where ALA is the residue holding atom CA and ACE/NME are the residues
 * before and after it (by residue id).  Without names (any of the arrays
 * NULL) falls back to the §7.5.2 indices when n_particles == 22.
 * Returns 0 when found (out filled), -1 otherwise. */
int digs_rama_find_atoms(int n_particles, const char *const *atom_names,
                         const char *const *residue_names,
                         const int *residue_ids, digs_rama_atoms *out);

/* φ = dihedral(C_ACE, N, CA, C), ψ = dihedral(N, CA, C, N_NME) of one
 * configuration x (3-D particle-major). */
void digs_rama_phi_psi(const double *x, const digs_rama_atoms *at,
                       double *phi, double *psi);

/* The basin of (φ, ψ) in radians (doc/analysis.md). */
int digs_rama_classify(double phi, double psi);

/* Signed volume (N − CA) · ((C − CA) × (CB − CA)) of one configuration
 * (length unit cubed).  Positive for L-alanine (the shared start
 * structure gives +2.53 Å³); a mirror image flips the sign. */
double digs_rama_chirality(const double *x, const digs_rama_atoms *at);

/* Sign of the signed volume of L-alanine. */
#define DIGS_RAMA_L_SIGN 1

/* Bin of an angle a in [−π, π] among `bins` equal bins (π goes to the
 * last bin); -1 for a non-finite angle. */
int digs_rama_bin(double a, int bins);

/* Counts of n angle pairs in a bins × bins grid over [−π, π]², row-major
 * counts[i_phi * bins + i_psi] (zeroed first; non-finite pairs skipped).
 * Returns the number of pairs counted. */
long digs_rama_hist2d(const double *phi, const double *psi, long n, int bins,
                      double *counts);

/* Counts of n angles in `bins` bins over [−π, π] (zeroed first). */
long digs_rama_hist1d(const double *a, long n, int bins, double *counts);

/* KL(p ‖ q) = Σ p_i ln(p_i / q_i) of two count vectors of length m, each
 * normalised to probabilities, ε = DIGS_RAMA_KL_EPS added to every bin of
 * both and both renormalised.  NAN if either total is 0. */
double digs_rama_kl(const double *p_counts, const double *q_counts, long m);

/* TVD = ½ Σ |p_i − q_i| of the normalised count vectors (no ε).  NAN if
 * either total is 0. */
double digs_rama_tvd(const double *p_counts, const double *q_counts, long m);

/* Basin changes along each chain: basin[r * n_chains + c] is record r of
 * chain c (record-major, the H5MD frame order); frames in
 * DIGS_BASIN_OTHER are skipped (a change is counted between consecutive
 * non-other records of different basins).  per_chain[n_chains] receives
 * each chain's count; returns the total. */
long digs_rama_transitions(const int *basin, long n_chains, long n_records,
                           long *per_chain);

/* For each chain, the first record index at which it has visited all
 * DIGS_RAMA_N_BASINS basins (-1: never).  first[n_chains]. */
void digs_rama_first_all_visited(const int *basin, long n_chains,
                                 long n_records, long *first);

/* Smallest record count R such that at least `fraction` of the chains
 * have visited all basins within their first R records (from the first[]
 * of digs_rama_first_all_visited); -1 if not reached. */
long digs_rama_records_to_visit(const long *first, long n_chains,
                                double fraction);

#endif
