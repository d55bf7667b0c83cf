#!/usr/bin/env bash
# Installs stripe-mock (Stripe's own API mock) into the tools cache. Idempotent; prints the binary path.
set -euo pipefail
. "$(dirname "$0")/tools-env.sh"
dest="$MATTERPAY_TOOLS_DIR/stripe-mock-$STRIPE_MOCK_VERSION"
bin="$dest/bin/stripe-mock"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { say "Go is required to build stripe-mock (https://go.dev/dl). Install Go >= 1.22 and retry."; exit 1; }
say "building stripe-mock $STRIPE_MOCK_VERSION with 'go install' into $dest (about a minute, first time only)"
start=$(date +%s)
mkdir -p "$dest.tmp"
GOBIN="$dest.tmp/bin" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
rm -rf "$dest"; mv "$dest.tmp" "$dest"
say "stripe-mock ready in $(( $(date +%s) - start ))s: $bin"
echo "$bin"
