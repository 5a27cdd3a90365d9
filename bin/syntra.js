#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx's ESM loader is registered first,
// then the CLI is imported. Exits with the code the command returns (0 ok, 1 failure, 2 usage).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
process.exit(code);
