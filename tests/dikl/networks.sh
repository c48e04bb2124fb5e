# Shared by the trainer tests (sourced after tests/driver/common.sh).
# same_networks A.h5 B.h5 LABEL [GROUP...]: both model files hold
# bit-identical /dikl/GROUPs (default: both networks, the moving average,
# the selected generator and both Adam states) and training curves (wall
# time excepted), or the test fails naming LABEL.
same_networks() {
  a=$1; b=$2; label=$3; shift 3
  for g in ${*:-generator score best ema adam_generator adam_score}; do
    "$H5DIFF" "$a" "$b" "/dikl/$g" "/dikl/$g" || fail "$label: /dikl/$g differs"
  done
  for c in loss_score loss_generator acceptance eta metric; do
    "$H5DIFF" "$a" "$b" "/dikl/curves/$c" "/dikl/curves/$c" || fail "$label: curve $c differs"
  done
}
