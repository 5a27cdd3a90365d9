import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tarGz } from '../../src/db/tar-gz.js';
import { untarGz } from '../../src/db/untar.js';

/** The snapshot's archive writer (src/db/tar-gz.ts): what untarGz and GNU tar read back. */
const work = mkdtempSync(path.join(tmpdir(), 'syntra-targz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tarGz', () => {
  it('archives directories and files that untarGz and GNU tar restore byte for byte', async () => {
    const src = path.join(work, 'src');
    mkdirSync(path.join(src, 'base', '5'), { recursive: true });
    mkdirSync(path.join(src, 'pg_wal', 'archive_status'), { recursive: true });
    const big = Buffer.alloc(70_000, 7);
    writeFileSync(path.join(src, 'PG_VERSION'), '18\n');
    writeFileSync(path.join(src, 'base', '5', '1259'), big);
    writeFileSync(path.join(src, 'empty'), '');
    const archive = await tarGz(src);
    const file = path.join(work, 'a.tar.gz');
    writeFileSync(file, archive);

    const listed = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual(['PG_VERSION', 'base', 'base/5', 'base/5/1259', 'empty', 'pg_wal', 'pg_wal/archive_status']);

    const out = path.join(work, 'out');
    expect(await untarGz(archive, out)).toBe(3);
    expect(readFileSync(path.join(out, 'base', '5', '1259')).equals(big)).toBe(true);
    expect(readFileSync(path.join(out, 'PG_VERSION'), 'utf8')).toBe('18\n');
    expect(readFileSync(path.join(out, 'empty'))).toHaveLength(0);
  });
});
