#!/usr/bin/env bash
#
# Checks, tests and compiles the Rego policies under src/main/rego. Maven runs
# it (see pom.xml); it can also be run by hand.
#
#   build-policies.sh check           a test file beside every policy file, opa fmt,
#                                     opa check --strict against the Wasm
#                                     capabilities, opa test, coverage of at least
#                                     MIN_COVERAGE % over the policies (not the tests)
#   build-policies.sh bundle <dir>    Wasm bundle into <dir>/bundle.tar.gz, and its
#                                     policy.wasm into <dir>/policy.wasm
#
# The opa binary comes from infra/bin/opa, which builds it on first use.

set -euo pipefail

readonly ENTRYPOINTS=(lakeward/authz/decision lakeward/data/decision)
readonly MIN_COVERAGE=90

log() { printf 'policies: %s\n' "$*"; }
die() { printf 'policies: error: %s\n' "$*" >&2; exit 1; }

policies_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly policies_dir
readonly rego_dir=$policies_dir/src/main/rego
# Lists the builtins the OPA Wasm target implements natively. It sits beside the
# policies, so every command that loads the directory must skip it.
readonly capabilities=capabilities.json

check() {
  # House rule: every x.rego has x_test.rego beside it.
  local file
  while IFS= read -r -d '' file; do
    [[ -f ${file%.rego}_test.rego ]] || die "$file has no test file beside it (expected ${file%.rego}_test.rego)"
  done < <(find . -name '*.rego' ! -name '*_test.rego' -print0)

  log "opa fmt"
  "$opa" fmt --list --fail . ||
    die "the files above are not formatted; run: opa fmt -w policies/src/main/rego"

  log "opa check --strict (Wasm capabilities)"
  "$opa" check --strict --capabilities "$capabilities" --ignore "$capabilities" .

  log "opa test"
  "$opa" test --ignore "$capabilities" .

  # Coverage of the policies themselves; test files are always fully covered
  # and would inflate the figure.
  local report lines covered total
  report=$("$opa" test --coverage --format json --ignore "$capabilities" .)
  lines=$("$opa" eval --stdin-input --format raw '[
      sum([object.get(f, "covered_lines", 0) | some name, f in input.files; not endswith(name, "_test.rego")]),
      sum([object.get(f, "not_covered_lines", 0) | some name, f in input.files; not endswith(name, "_test.rego")]),
    ]' <<<"$report")
  read -r covered total < <(tr -d '[]' <<<"$lines" | awk -F, '{ print $1, $1 + $2 }')
  ((total > 0)) || die "no policy lines were covered; are there tests?"
  log "coverage: $(awk -v c="$covered" -v t="$total" 'BEGIN { printf "%.1f", 100 * c / t }') % of $total policy lines (minimum $MIN_COVERAGE %)"
  if ((covered * 100 < MIN_COVERAGE * total)); then
    "$opa" eval --stdin-input --format pretty \
      '{name: f.not_covered | some name, f in input.files; f.not_covered}' <<<"$report" >&2
    die "policy coverage is under $MIN_COVERAGE %; lines not covered are listed above"
  fi
}

bundle() {
  local output_dir=$1
  mkdir -p "$output_dir"
  local -a entrypoints=()
  local entrypoint
  for entrypoint in "${ENTRYPOINTS[@]}"; do
    entrypoints+=(--entrypoint "$entrypoint")
  done

  log "opa build -t wasm ${ENTRYPOINTS[*]}"
  "$opa" build --target wasm "${entrypoints[@]}" --capabilities "$capabilities" \
    --ignore "$capabilities" --ignore '*_test.rego' --output "$output_dir/bundle.tar.gz" .

  # The Java Wasm loader takes the module itself; the bundle stores it as /policy.wasm.
  tar -xzf "$output_dir/bundle.tar.gz" --absolute-names --to-stdout /policy.wasm >"$output_dir/policy.wasm"
  log "wrote $output_dir/bundle.tar.gz and policy.wasm"
}

main() {
  local command=${1:-}
  case $command in
    check) (($# == 1)) || die "usage: $0 check" ;;
    bundle) (($# == 2)) || die "usage: $0 bundle <output-dir>" ;;
    *) die "usage: $0 check | bundle <output-dir>" ;;
  esac

  opa=$("$policies_dir/../infra/bin/opa")
  readonly opa
  # Relative paths keep file names in OPA's messages short (lakeward/authz/...).
  # The output dir is resolved first, as it may be relative to the caller's directory.
  if [[ $command == bundle ]]; then
    local output_dir
    output_dir=$(realpath -m -- "$2")
    cd "$rego_dir"
    bundle "$output_dir"
  else
    cd "$rego_dir"
    check
  fi
}

main "$@"
