#!/usr/bin/env node
// The `omega` bin, committed so that installing the workspace links it before anything is built; the
// command line itself is the built dist/cli.js.
import '../dist/cli.js';
