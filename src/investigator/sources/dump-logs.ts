import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerLog } from '../cluster/snapshot.js';

/**
 * Container logs in a dump folder, one directory per pod: `DIR/<ns>/<pod>/`.
 *
 * - `logs.txt`: what `kubectl cluster-info dump` writes, every container of the pod one after
 *   the other between `==== START logs for container C of pod NS/POD ====` and `==== END … ====`
 *   markers. Without markers the whole file belongs to the pod's first container.
 * - `logs-previous.txt`: our convention for the previous (crashed) instance, same format
 *   (`kubectl logs --previous`, which cluster-info dump does not collect).
 * - `<container>.log` and `<container>.previous.log`: one container per file.
 */
const START = /^==== START logs for container (\S+) of pod (\S+)\/(\S+) ====$/;
const END = /^==== END logs for container (\S+) of pod (\S+)\/(\S+) ====$/;
// Written by kubectl, not the container, when the log request failed (container never started).
const KUBECTL_ERROR = /^(Request log error|Create log request error): /;

/** Splits a log text (with or without dump markers) into lines per container. */
export function splitContainerLogs(text: string, defaultContainer: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | undefined;
  let sawMarker = false;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    const start = START.exec(line);
    if (start) {
      current = start[1]!;
      sawMarker = true;
      if (!out.has(current)) out.set(current, []);
      continue;
    }
    if (sawMarker && KUBECTL_ERROR.test(line)) continue;
    if (END.test(line)) {
      current = undefined;
      continue;
    }
    const container = current ?? (sawMarker ? undefined : defaultContainer);
    if (container === undefined) continue;
    const list = out.get(container) ?? [];
    list.push(line);
    out.set(container, list);
  }
  return out;
}

export interface PodLogDir {
  namespace: string;
  pod: string;
  dir: string;
  /** The pod's first container (from pods.json) for logs without markers. */
  defaultContainer: string;
}

/** The log files of one pod directory, as read: `[file name, text]`, in no particular order. */
export type LogFiles = [string, string][];

export const isLogFile = (f: string): boolean => f === 'logs.txt' || f === 'logs-previous.txt' || f.endsWith('.log');

/**
 * Reads the log files of one pod directory. Missing or unreadable directories hold none.
 * Synchronous on purpose: a dump holds thousands of small files, and each asynchronous read is
 * four trips through the thread pool (open, stat, read, close) — on a 5,000-pod dump five times
 * the CPU of reading them in turn (dump-log-reader.ts moves the whole loop off the main thread).
 */
export function readLogFiles(dir: string): LogFiles {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.filter(isLogFile).map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
}

/** One pod directory's log files as container logs; a per-container file wins over the combined logs.txt. */
export function podLogs(p: PodLogDir, files: LogFiles): ContainerLog[] {
  const logs = new Map<string, ContainerLog>();
  const add = (container: string, previous: boolean, lines: string[]) =>
    logs.set(`${container}/${previous}`, { namespace: p.namespace, pod: p.pod, container, previous, lines });
  const isCombined = (f: string) => f === 'logs.txt' || f === 'logs-previous.txt';
  const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const ordered = [...files.filter(([f]) => isCombined(f)).sort(byName), ...files.filter(([f]) => !isCombined(f)).sort(byName)];
  for (const [file, text] of ordered) {
    const previous = file === 'logs-previous.txt' || file.endsWith('.previous.log');
    if (isCombined(file)) {
      for (const [container, lines] of splitContainerLogs(text, p.defaultContainer)) add(container, previous, lines);
    } else {
      const container = file.slice(0, -(previous ? '.previous.log' : '.log').length);
      add(container, previous, splitContainerLogs(text, container).get(container) ?? []);
    }
  }
  return [...logs.values()];
}

/** Reads every log file of one pod directory as container logs. */
export const readPodLogDir = (p: PodLogDir): ContainerLog[] => podLogs(p, readLogFiles(p.dir));
