import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc (Linux), so the bench can say who used the two cores while it measured:
 * the worker processes, the API processes, PostgreSQL (every `postgres` process of the server,
 * which on a shared machine includes other clients' queries), and the whole machine.
 */
const TICKS_PER_SECOND = 100;

function processSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // exited meanwhile
  }
}

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Busy CPU seconds of the whole machine (all cores) since boot. */
function machineSeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3]! + v[4]!;
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - idle) / TICKS_PER_SECOND;
}

export interface CpuSnapshot {
  at: number;
  /** Per group, CPU seconds per process id (a process that started later counts from zero). */
  groups: Record<string, Map<number, number>>;
  machine: number;
}

/** `groups` name process ids; `postgres` (every process of the server) is added. */
export function snapshotCpu(groups: Record<string, readonly number[]>): CpuSnapshot {
  const all: Record<string, readonly number[]> = { ...groups, postgres: postgresPids() };
  const out: Record<string, Map<number, number>> = {};
  for (const [name, pids] of Object.entries(all)) out[name] = new Map(pids.map((p) => [p, processSeconds(p)]));
  return { at: Date.now(), groups: out, machine: machineSeconds() };
}

/** Cores used per group between two snapshots (1.0 = one core busy all the time), and by the machine. */
export function coresBetween(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const wall = (b.at - a.at) / 1000;
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(b.groups)) {
    let used = 0;
    for (const [pid, s] of pids) used += s - (a.groups[name]?.get(pid) ?? 0);
    out[name] = used / wall;
  }
  out.machine = (b.machine - a.machine) / wall;
  return out;
}
