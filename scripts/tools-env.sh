#!/usr/bin/env bash
# Shared settings for the engine-binary installers: where the tools cache lives and the pinned versions.
# Sourced, not run.
MATTERPAY_TOOLS_DIR="${MATTERPAY_TOOLS_DIR:-$HOME/.cache/matterpay/tools}"
TEMPORAL_CLI_VERSION="v1.5.1"          # later tags carry a go.mod replace directive and cannot be go-installed
STRIPE_MOCK_VERSION="v0.203.0"         # newest tag on the module proxy as of 2026-11
TEMPORAL_TEST_SERVER_VERSION="1.24.0"  # io.temporal:temporal-test-server on Maven Central
say() { printf '[matterpay tools] %s\n' "$*" >&2; }
