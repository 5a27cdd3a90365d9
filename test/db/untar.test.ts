import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { untarGz } from '../../src/db/untar.js';

/** A ustar entry as tar writes it: a 512-byte header (name, octal mode and size, type), then the data padded to 512. */
function entry(name: string, type: '0' | '5' | '2', body = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'latin1');
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write(type, 156, 'latin1');
  header.write('ustar\0' + '00', 257, 'latin1');
  const data = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  data.write(body, 0, 'utf8');
  return Buffer.concat([header, data]);
}
const archive = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));

const work = mkdtempSync(path.join(tmpdir(), 'syntra-untar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('untarGz (the embedded database snapshot)', () => {
  it('unpacks directories and files with absolute member names under the directory, owner-only', async () => {
    const dir = path.join(work, 'ok');
    const files = await untarGz(archive(entry('/base', '5'), entry('/base/1', '0', 'x'.repeat(700)), entry('/PG_VERSION', '0', '17\n')), dir);
    expect(files).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['PG_VERSION', 'base']);
    expect(readFileSync(path.join(dir, 'base', '1'), 'utf8')).toBe('x'.repeat(700));
    expect(readFileSync(path.join(dir, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(statSync(path.join(dir, 'PG_VERSION')).mode & 0o077).toBe(0);
  });

  it('refuses a name that leaves the directory and an entry that is not a file or directory, before writing anything', async () => {
    await expect(untarGz(archive(entry('../escaped', '0', 'no')), path.join(work, 'a'))).rejects.toThrow(/leaves/);
    await expect(untarGz(archive(entry('/fine', '0', 'x'), entry('/link', '2')), path.join(work, 'b'))).rejects.toThrow(/type "2"/);
    expect(readdirSync(work)).not.toContain('escaped');
    expect(readdirSync(work)).not.toContain('b');
  });
});
