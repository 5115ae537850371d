#!/usr/bin/env node
// The `ft` command: runs a Python program on ft (see @ft/interp's README).
import { main } from '../dist/cli/ft.js';

process.exitCode = await main(process.argv.slice(2));
