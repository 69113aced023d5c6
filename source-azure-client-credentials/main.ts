#!/usr/bin/env node
// Entry point: run the command given on the command line and exit with its code.
import { setFlagsFromString } from 'node:v8';
import { run } from './app.js';

// V8 lets the heap grow by up to 4x its live size between full collections when collecting is cheap; a read's pages
// are short-lived garbage, so that headroom is mostly dead pages. Growing by 1.5x instead kept peak RSS at 110 MB
// instead of 144 MB on 100,000 sign-ins (102 instead of 128 MB on 50,000 users) at the same CPU time (scripts/bench.ts,
// memory scenario). A GC heuristic read at each collection, so it may be set now; NODE_OPTIONS does not accept it.
setFlagsFromString('--heap-growing-percent=50');

process.exit(await run(process.argv.slice(2)));
