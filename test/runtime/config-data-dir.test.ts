import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../src/cli/options.js';
import { loadConfig } from '../../src/config.js';

/** Local artifacts live under the data directory the process was given, whichever way it was given. */
describe('artifacts follow the data directory', () => {
  it('--data-dir moves the artifacts with the database', () => {
    const config = configFrom({ dataDir: '/srv/syntra' }, {});
    expect(config.dataDir).toBe('/srv/syntra');
    expect(config.artifacts).toEqual({ kind: 'local', dir: path.join('/srv/syntra', 'artifacts') });
  });

  it('SYNTRA_DATA_DIR does too, and the flag wins over it', () => {
    expect(configFrom({}, { SYNTRA_DATA_DIR: '/var/lib/syntra' }).artifacts).toEqual({ kind: 'local', dir: '/var/lib/syntra/artifacts' });
    expect(configFrom({ dataDir: '/srv/syntra' }, { SYNTRA_DATA_DIR: '/var/lib/syntra' }).artifacts).toEqual({ kind: 'local', dir: '/srv/syntra/artifacts' });
  });

  it('an override of dataDir in loadConfig moves them as well', () => {
    expect(loadConfig({}, { dataDir: '/tmp/x' }).artifacts).toEqual({ kind: 'local', dir: '/tmp/x/artifacts' });
  });

  it('S3 artifacts stay in S3', () => {
    expect(configFrom({ dataDir: '/srv/syntra' }, { S3_BUCKET: 'b' }).artifacts).toMatchObject({ kind: 's3', bucket: 'b' });
  });
});
