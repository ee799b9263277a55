#!/usr/bin/env node
// The `osprey-jvm-agent` command; the TypeScript build (npm run build:node) writes ../dist/cli.js.
require('../dist/cli.js').runCli();
