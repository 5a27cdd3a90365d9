import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ArtifactStore, assertSafeKey } from './store.js';

export function localArtifactStore(root: string): ArtifactStore {
  const file = (key: string) => {
    assertSafeKey(key);
    return path.join(root, key);
  };
  return {
    kind: 'local',
    async put(key, body) {
      const target = file(key);
      // Reports and evidence are for the owner only, whatever the umask.
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      // Write-then-rename: a reader never sees half an artifact.
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, body, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, target);
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(file(key)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async check() {
      await mkdir(root, { recursive: true, mode: 0o700 });
    },
  };
}
