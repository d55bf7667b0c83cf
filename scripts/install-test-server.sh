#!/usr/bin/env bash
# Installs Temporal's Java time-skipping test server (io.temporal:temporal-test-server, pinned) with its
# dependencies from Maven Central, and a launcher that takes <port> first, as @temporalio/testing calls it.
# Idempotent; prints the launcher path.
set -euo pipefail
. "$(dirname "$0")/tools-env.sh"
dest="$MATTERPAY_TOOLS_DIR/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION"
launcher="$dest/temporal-test-server"
if [ -x "$launcher" ]; then echo "$launcher"; exit 0; fi
command -v java >/dev/null || { say "Java 11+ is required for the time-skipping test server. Install a JDK and retry."; exit 1; }
command -v mvn >/dev/null || { say "Maven is required to fetch the time-skipping test server. Install Maven and retry."; exit 1; }
say "fetching io.temporal:temporal-test-server:$TEMPORAL_TEST_SERVER_VERSION and its dependencies from Maven Central (about a minute, first time only)"
start=$(date +%s)
work="$dest.tmp"; rm -rf "$work"; mkdir -p "$work/lib"
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.matterpay</groupId><artifactId>test-server-fetch</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>$TEMPORAL_TEST_SERVER_VERSION</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DoutputDirectory="$work/lib" -DincludeScope=runtime
cat > "$work/temporal-test-server" <<'SH'
#!/usr/bin/env sh
# Launcher: temporal-test-server <port> [extra args]
here="$(cd "$(dirname "$0")" && pwd)"
exec java ${TEMPORAL_TEST_SERVER_JAVA_OPTS:--Xmx512m} -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"
SH
chmod +x "$work/temporal-test-server"
rm -rf "$dest"; mv "$work" "$dest"
say "time-skipping test server ready in $(( $(date +%s) - start ))s: $launcher"
echo "$launcher"
