#!/usr/bin/env bash
# Installs the Temporal CLI (dev server + Web UI) into the tools cache. Idempotent; prints the binary path.
set -euo pipefail
. "$(dirname "$0")/tools-env.sh"
dest="$MATTERPAY_TOOLS_DIR/temporal-cli-$TEMPORAL_CLI_VERSION"
bin="$dest/bin/temporal"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { say "Go is required to build the Temporal CLI (https://go.dev/dl). Install Go >= 1.22 and retry."; exit 1; }
say "building the Temporal CLI $TEMPORAL_CLI_VERSION with 'go install' into $dest"
say "first time only: this compiles the Temporal server and UI and can take 5-10 minutes on 2 cores"
start=$(date +%s)
mkdir -p "$dest.tmp"
GOBIN="$dest.tmp/bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
rm -rf "$dest"; mv "$dest.tmp" "$dest"
say "Temporal CLI ready in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
