#!/usr/bin/env node
// Compiles the sources into dist/ now (the Docker image does it at build time; elsewhere the first command does it).
require('./compiled').build();
