import type { LogMatch } from './classify.js';
import { stripTimestamp } from './extract.js';

/**
 * Where a Go panic happened, read from the goroutine trace the runtime prints after it
 * (runtime/traceback.go): each frame is a function line (`pkg.(*T).Method(0xc000…, …)`) and its file
 * line (`\t/path/file.go:40 +0x20d`). A panic recovered and re-raised — apimachinery's HandleCrash,
 * which logs `Observed a panic:` — shows the handler's frames first, then the runtime's `panic(…)`
 * (`panic({…})` since Go 1.17), then the frame that panicked: the site is the first frame after the
 * last `panic(` that is not the runtime's own (`runtime.panicmem`, `runtime.sigpanic` for a nil
 * dereference). Without a `panic(` frame the trace starts at the site.
 */
export interface PanicSite {
  func: string;
  /** `path/file.go:line`, the vendored or module path as printed, up to the package path. */
  file: string;
  /** The two trace lines as logged, for the evidence. */
  lines: [string, string];
}

const FUNC_LINE = /^(\S+)\([^()]*\)\s*$/;
const FILE_LINE = /^\s*(\S+\.go):(\d+)(?: \+0x[\da-f]+)?\s*$/;
/** How far after the panic line its trace may reach (a trace of a deep stack is long; the site is near its top). */
const WINDOW = 80;

const isRuntime = (func: string): boolean => /^runtime\./.test(func) || func === 'panic';

/** The package path of a file as printed, without the build machine's prefix (`/go/src/x/vendor/`, GOPATH, module cache). */
function shortFile(path: string): string {
  const vendored = path.lastIndexOf('/vendor/');
  if (vendored >= 0) return path.slice(vendored + '/vendor/'.length);
  const mod = /\/pkg\/mod\/(.+)$/.exec(path) ?? /\/src\/(.+)$/.exec(path);
  return mod?.[1] ?? path;
}

export function goPanicSite(lines: readonly string[], panicIndex: number): PanicSite | undefined {
  const frames: PanicSite[] = [];
  let started = false;
  for (let i = panicIndex + 1; i < lines.length && i <= panicIndex + WINDOW; i += 1) {
    const text = stripTimestamp(lines[i]!);
    if (/^goroutine \d+ \[/.test(text)) {
      if (started) break;
      started = true;
      continue;
    }
    if (/^created by /.test(text) || (started && frames.length > 0 && text.trim() === '')) break;
    const fn = FUNC_LINE.exec(text);
    const file = fn && i + 1 < lines.length ? FILE_LINE.exec(stripTimestamp(lines[i + 1]!)) : null;
    if (fn && file) {
      started = true;
      frames.push({ func: fn[1]!, file: `${shortFile(file[1]!)}:${file[2]}`, lines: [lines[i]!, lines[i + 1]!] });
      i += 1;
    }
  }
  if (frames.length === 0) return undefined;
  const lastPanic = frames.map((f) => f.func).lastIndexOf('panic');
  return frames.slice(lastPanic + 1).find((f) => !isRuntime(f.func));
}

/** A Go panic names where it happened: the site joins the quoted panic and its frame the evidence. */
export function withPanicSite<M extends Pick<LogMatch, 'patternId' | 'lineIndex' | 'facts' | 'evidenceLines'>>(lines: readonly string[], match: M): M {
  if (match.patternId !== 'go-panic') return match;
  const site = goPanicSite(lines, match.lineIndex);
  if (!site) return match;
  return {
    ...match,
    facts: { ...match.facts, detail: `${match.facts.detail ?? ''} in ${site.func} (${site.file})`.trim() },
    evidenceLines: [...match.evidenceLines, ...site.lines.filter((l) => !match.evidenceLines.includes(l))],
  };
}
