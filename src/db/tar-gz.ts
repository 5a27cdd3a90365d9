import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** A ustar header: the fields untar.ts reads (name, size, type) plus what makes it a valid archive. */
function header(name: string, size: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`archive member name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(512);
  const octal = (value: number, from: number, width: number) => h.write(`${value.toString(8).padStart(width - 1, '0')}\0`, from, 'ascii');
  h.write(name, 0, 'utf8');
  octal(type === '5' ? 0o700 : 0o600, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(0, 136, 12); // mtime: the same archive for the same files
  h.write(type, 156, 'ascii');
  h.write('ustar\0' + '00', 257, 'ascii');
  h.fill(' ', 148, 156); // the checksum is computed with its own field as spaces
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/**
 * A gzipped ustar archive of the directories and regular files under `dir` (names relative to it,
 * in a stable order), the format untar.ts reads back. Made for the embedded database snapshot at
 * build time, from a data directory PGlite has shut down cleanly.
 */
export async function tarGz(dir: string): Promise<Buffer> {
  const blocks: Buffer[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const member = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, member);
      const st = statSync(full);
      if (st.isDirectory()) {
        blocks.push(header(member, 0, '5'));
        visit(member);
      } else if (st.isFile()) {
        const data = readFileSync(full);
        blocks.push(header(member, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
      } else throw new Error(`${full} is neither a file nor a directory: it cannot go into the archive`);
    }
  };
  visit('');
  blocks.push(Buffer.alloc(1024));
  return gzipAsync(Buffer.concat(blocks), { level: 9 });
}
