import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Loads test/fixtures/logs/real-lines: log lines real runtimes printed, copied from public
 * threads with their source. A message is an entry plus the `continues: true` entries after it
 * (the lines of one multi-line error), and is what the classifier is asked about.
 */
export interface RealLine {
  line: string;
  names?: Record<string, string | number>;
  runtime: string;
  source: string;
  pattern?: string;
  continues?: boolean;
}

export interface RealMessage {
  family: string;
  file: string;
  lines: string[];
  /** The names of all its lines together. */
  names: Record<string, string | number>;
  runtime: string;
  source: string;
}

const DIR = join(import.meta.dirname, '../../fixtures/logs/real-lines');

export function loadRealLines(): { family: string; file: string; lines: RealLine[] }[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const doc = parse(readFileSync(join(DIR, file), 'utf8')) as { family: string; lines: RealLine[] };
      return { family: doc.family, file, lines: doc.lines };
    });
}

export function loadRealMessages(): RealMessage[] {
  const out: RealMessage[] = [];
  for (const { family, file, lines } of loadRealLines()) {
    for (const l of lines) {
      const last = out.at(-1);
      if (l.continues && last && last.file === file) {
        last.lines.push(l.line);
        Object.assign(last.names, l.names ?? {});
        continue;
      }
      out.push({ family, file, lines: [l.line], names: { ...(l.names ?? {}) }, runtime: l.runtime, source: l.source });
    }
  }
  return out;
}
