/* LJ-13 variants that a deck's [system] potential = lj13 cannot name
 * (REFERENCE.md §7.4). */
#ifndef DIGS_POTENTIALS_LJ13_H
#define DIGS_POTENTIALS_LJ13_H

#include "core/deck.h"
#include "potentials/potential.h"

/* DiKL's smoothed LJ-13 energy, used only by the Stage-B MALA of the DiKL
 * posterior sampler (REFERENCE.md §6.5, §6.11 item 5, §7.4 "Smoothing").
 * Creates an "lj13" potential that reads [system] lj_damping from deck
 * (deck may be NULL: no damping) and whose per-ordered-pair function for
 * r < 0.75 is the cubic LJ'_s(r) = c0 dx^3 + c1 dx^2 + c2 dx + c3,
 * dx = r - 0.75, c = (-1.90154e4, 2.57528e3, -2.91107e2, 15.2490); above
 * 0.75 the pair function is unchanged.  The cubic was fitted to the damped
 * pair function, so it joins it continuously (to the 6 digits of c) only
 * with lj_damping = yes, the DiKL setting.  Free with
 * digs_potential_destroy.  Any rank; reads no other keys. */
int digs_lj13_smoothed(digs_deck *deck, digs_potential **out);

#endif
