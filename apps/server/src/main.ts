#!/usr/bin/env node
// The `tsdns` executable.
import { keepYoungGenerationSmall } from './young-generation.js';

// Before anything else is loaded: loading the program's modules alone would grow the young
// generation to its largest size, and it does not shrink back.
keepYoungGenerationSmall();
const { run } = await import('./cli.js');
process.exit(await run(process.argv.slice(2)));
