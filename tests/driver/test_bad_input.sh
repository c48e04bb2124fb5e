#!/bin/sh
# Bad input: one clear error line, exit code 1, nothing written.
. "$top_srcdir/tests/driver/common.sh"
cd "$work"
deck() { # deck FILE KEY=VALUE lines for [run] appended
cat > "$1" <<EOD
[system]
potential = lj13

[run]
method = mala
chains = 4
sweeps = 10
seed = 1

[mala]
step_size = 0.0005

[output]
trajectory = out.h5
EOD
}

deck typo.ini; sed -i 's/^sweeps = 10/sweps = 10/' typo.ini
expect_error typo "typo.ini:7: unknown key 'sweps' in [run]; did you mean 'sweeps'" "$DIGS" run typo.ini
[ ! -e out.h5 ] || fail "typo: output file was created"

deck optional.ini; sed -i 's/^seed = 1/sed = 1/' optional.ini
expect_error optional "optional.ini:8: unknown key 'sed' in [run]; expected one of:" "$DIGS" run optional.ini

deck negative.ini; sed -i 's/^chains = 4/chains = -4/' negative.ini
expect_error negative "negative.ini:6: [run] chains = '-4': expected an integer in [1, " "$DIGS" run negative.ini

deck nodir.ini; sed -i 's#^trajectory = out.h5#trajectory = missing/dir/out.h5#' nodir.ini
expect_error nodir "missing/dir" "$DIGS" run nodir.ini
[ ! -e missing ] || fail "nodir: directory was created"

deck badsection.ini; printf '[sytem]\npotential = lj13\n' >> badsection.ini
expect_error section "unknown section [sytem]" "$DIGS" run badsection.ini

expect_error nodeck "nonexistent.ini: cannot open input deck" "$DIGS" run nonexistent.ini

# the same errors reported once, by one rank, under MPI
expect_error_mpi typo_mpi "typo.ini:7: unknown key 'sweps'" 3 "$DIGS" run typo.ini
expect_error_mpi nodir_mpi "missing/dir" 2 "$DIGS" run nodir.ini

# truncated .npy for digs energy
"$PYTHON" -c "
import numpy as np
np.save('good.npy', np.zeros((5, 13, 3)))
b = open('good.npy', 'rb').read(); open('trunc.npy', 'wb').write(b[:len(b) - 100])
np.save('shape.npy', np.zeros((5, 7)))
"
deck energy.ini
expect_error truncated "trunc.npy" "$DIGS" energy energy.ini trunc.npy
expect_error shape "expected [frames, 13, 3] or [frames, 39]" "$DIGS" energy energy.ini shape.npy

# PDB with the wrong atom count (lj13 has 13 particles; the file has 22)
expect_error pdb_atoms "expected 13" "$DIGS" energy energy.ini "$DIGS_SHARED_DIR/data/alanine_dipeptide.pdb"
echo "bad input: all ok"
