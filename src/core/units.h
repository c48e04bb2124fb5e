/* Physical constants (CODATA 2018, as OpenMM uses them; REFERENCE.md §2). */
#ifndef DIGS_CORE_UNITS_H
#define DIGS_CORE_UNITS_H

/* Boltzmann constant in kJ/(mol K): k_B * N_A / 1000. */
#define DIGS_KB_KJ_PER_MOL_K 0.00831446261815324

/* One Ångström in nm. */
#define DIGS_NM_PER_ANGSTROM 0.1

#endif
