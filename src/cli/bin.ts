// The CLI process: runs one command and exits with its code (0 ok, 1 failure, 2 usage, …).
// bin/syntra.js runs the built copy (bundled into dist/bundle/syntra.js); tests run this file through tsx.
import { main } from './main.js';

process.exit(await main(process.argv));
