import { existsSync } from 'node:fs';
import { lockDataDir } from '../../src/runtime/data-dir-lock.js';

/**
 * A process racing for a data directory lock (data-dir-lock.test.ts): says `ready`, waits for
 * the `go` file, tries once, reports; a winner holds the lock until the `done` file exists.
 */
const [dir, go, done] = process.argv.slice(2) as [string, string, string];
const until = async (file: string) => {
  while (!existsSync(file)) await new Promise((r) => setTimeout(r, 2));
};
process.stdout.write('ready\n');
await until(go);
try {
  const lock = await lockDataDir(dir, 'contender');
  process.stdout.write('won\n');
  await until(done);
  lock.release();
} catch (e) {
  process.stdout.write(`lost: ${(e as Error).message}\n`);
}
