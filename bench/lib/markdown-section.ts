import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Replaces one `## <heading>` section of a markdown file (up to the next `## ` heading), or
 * appends it, leaving every other section as it was — so each benchmark owns its own section
 * of docs/benchmarks.md.
 */
export function upsertSection(file: string, heading: string, body: string, preamble: string): void {
  const header = `## ${heading}`;
  const section = `${header}\n\n${body.trim()}\n`;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${preamble.trim()}\n\n${section}`);
    return;
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === header);
  if (start === -1) {
    const text = lines.join('\n').replace(/\s*$/, '');
    writeFileSync(file, `${text}\n\n${section}`);
    return;
  }
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end === -1) end = lines.length;
  const before = lines.slice(0, start).join('\n').replace(/\s*$/, '');
  const after = lines.slice(end).join('\n');
  writeFileSync(file, `${before}\n\n${section}${after ? `\n${after}` : ''}`.replace(/^\n+/, ''));
}
