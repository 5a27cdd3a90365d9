import { readFileSync } from 'node:fs';

/** Syntra's version, from package.json (the one place it is written): the CLI, the API, MCP and traces report it. */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
