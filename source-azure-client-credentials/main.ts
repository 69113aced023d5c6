#!/usr/bin/env node
// Entry point: run the command given on the command line and exit with its code.
import { run } from './app.js';

process.exit(await run(process.argv.slice(2)));
