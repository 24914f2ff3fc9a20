#!/usr/bin/env bash
#
# Runs the policy-client JMH benchmarks from this checkout, without installing anything into the
# local Maven repository: the reactor compiles the modules and names their target/classes, then
# JMH runs on that class path. Arguments go to JMH (default: every policy benchmark).
#
#   policy-client/benchmark.sh PolicyDataBenchmark -wi 3 -w 2s -i 5 -r 2s -f 1
#
# The remote variants start a real OPA server (built by infra/bin/opa) on a free loopback port.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mvn -B -ntp -q -pl policy-client -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
classpath="policy-client/target/test-classes:policy-client/target/classes:$(cat policy-client/target/bench-classpath.txt)"
if (($# == 0)); then
  set -- 'Policy(Client|Data)Benchmark'
fi
exec java -Dmaven.multiModuleProjectDirectory="$root" -cp "$classpath" org.openjdk.jmh.Main "$@"
