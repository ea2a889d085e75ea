#!/usr/bin/env node
// The `tsdns` executable.
import { run } from './cli.js';
import { tuneRuntime } from './runtime.js';

tuneRuntime();
process.exit(await run(process.argv.slice(2)));
