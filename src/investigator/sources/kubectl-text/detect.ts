import { looksLikeDescribe } from './describe.js';
import { looksLikeEventsTable } from './events-table.js';

/**
 * Recognizes kubectl output by its content, not its file name: the same text may come from a
 * file or from stdin (`kubectl describe pod x | syntra diagnose --from -`).
 */
export type TextFormat = 'json' | 'yaml' | 'describe' | 'events-table' | 'cluster-info-dump' | 'logs' | 'empty';

const YAML_OBJECT = /^(apiVersion|kind|items):/m;

export function detectTextFormat(text: string): TextFormat {
  const trimmed = text.trimStart();
  if (trimmed === '') return 'empty';
  if (trimmed.startsWith('{') && isJsonLogLine(trimmed.split(/\r?\n/, 1)[0]!)) return 'logs';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return /^==== START logs for container /m.test(text) || /^\{\s*\n\s*"kind": "NodeList"/.test(trimmed) ? 'cluster-info-dump' : 'json';
  }
  if (looksLikeEventsTable(trimmed)) return 'events-table';
  if (looksLikeDescribe(trimmed)) return 'describe';
  // YAML: an object with apiVersion/kind at the top level (possibly after `---`).
  const head = trimmed.split(/\r?\n/).slice(0, 40).join('\n');
  if (YAML_OBJECT.test(head) && /^kind:\s*\S+/m.test(trimmed) && !/^\S+\s+\S+\s+\S+/.test(trimmed.split('\n', 1)[0]!.replace(/^---\s*/, ''))) {
    return 'yaml';
  }
  return 'logs';
}

/** A structured log line (zap, pino, logrus JSON): a whole object on one line, not a Kubernetes object. */
function isJsonLogLine(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !('apiVersion' in v && 'kind' in v);
  } catch {
    return false;
  }
}
