# Shared by the trainer tests (sourced after tests/driver/common.sh).
# same_networks A.h5 B.h5 LABEL: both model files hold bit-identical
# networks, moving average, selected generator, Adam states and training
# curves (wall time excepted), or the test fails naming LABEL.
same_networks() {
  for g in generator score best ema adam_generator adam_score; do
    "$H5DIFF" "$1" "$2" "/dikl/$g" "/dikl/$g" || fail "$3: /dikl/$g differs"
  done
  for c in loss_score loss_generator acceptance eta metric; do
    "$H5DIFF" "$1" "$2" "/dikl/curves/$c" "/dikl/curves/$c" || fail "$3: curve $c differs"
  done
}
