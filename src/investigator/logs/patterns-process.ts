import { type LogFacts } from './extract.js';
import { specific, type LogPattern } from './pattern-kit.js';

/**
 * The process could not start (bad_command) or ran out of memory inside its runtime (the kernel
 * OOM killer is also read from the container state; these are the lines that say it in a log).
 */
const file = (m: RegExpExecArray): LogFacts => (m.groups?.file ? { file: m.groups.file } : {});

/**
 * The refusal as the parser printed it. A parser that quotes the option it refused quotes one argument as
 * the program received it: a space inside (`--log-level debug`) is an option and its value given as one
 * item of the container's command/args list, which no shell splits.
 */
const refusedArguments = (m: RegExpExecArray): LogFacts => {
  const one = m.groups?.quoted;
  const joined = one !== undefined && /^-{1,2}[\w.-]+ \S/.test(one)
    ? ` (option and value reached the program as one argument "${one}": in a container's command/args each must be an item of its own, or written ${one.split(' ')[0]}=…)`
    : '';
  return { detail: `${m[0].trim()}${joined}` };
};

export const COMMAND_PATTERNS: readonly LogPattern[] = [
  // The runtime could not exec the entrypoint: runc/docker (`exec: "x": ...`, escaped when nested in
  // JSON or a daemon error), runc's own `exec /x: ...`, tini, and the older `exec user process caused`.
  specific('runtime-exec', 'bad_command', /exec/, [
    /exec: \\*"(?<file>[^"\\]+)\\*": (?:executable file not found in \$PATH|stat [^:]+: no such file or directory|no such file or directory|permission denied)/,
    /\bexec (?<file>[^\s:"]+?)(?: failed)?: (?:exec format error|[Nn]o such file or directory|[Pp]ermission denied)/,
    /exec user process caused:? \\*"?(?:exec format error|no such file or directory|permission denied)/,
  ], 0.93, file),
  // A shell could not find (or execute) the command it was given: dash `sh: 1: x: not found`, bash
  // `x: command not found`, busybox, and scripts (`entrypoint.sh: line 2: $'\r': command not found`).
  specific('shell-command-not-found', 'bad_command', /not found|Permission denied/, [
    // a bare shell may omit the line number; a script path always prints it (so `GET /x: item: not found` is no shell)
    /(?:^|[\s\]])(?:(?:\S*\/)?(?:sh|bash|ash|dash|zsh|ksh): (?:(?:line )?\d+: )?|(?:\S*\/[\w.-]+|[\w.-]+\.sh): (?:line )?\d+: )(?:[^\s:]+: )?(?<file>\$'\\r'|[^\s:'"]+): (?:command )?not found\s*$/,
    /^(?:\S*\/)?(?:sh|bash|ash|dash): (?:line )?\d+: (?<file>\S+): [Pp]ermission denied\s*$/,
  ], 0.88, (m) => (m.groups?.file && m.groups.file !== "$'\\r'" ? { file: m.groups.file } : {})),
  // A script saved with Windows line endings: bash reads the `\r` as part of the words, and its syntax errors quote it.
  specific('crlf-script', 'bad_command', /syntax error/, [/^(?<file>[^\s:]+): line \d+: syntax error near unexpected token `\$'[^']*\\r'/], 0.88,
    (m) => ({ file: m.groups?.file ?? '', detail: 'the script has Windows (CRLF) line endings' })),
  // The interpreter a script or shebang names does not exist (CRLF shebangs print `bash\r`), or the
  // script the command gives it does not (busybox/dash `sh: can't open 'x'`, `sh: 0: Can't open x`).
  specific('interpreter-not-found', 'bad_command', /No such file|can't open|Can't open/, [
    /(?:^|\s)(?:\S*\/)?env: (?:can't execute )?[‘'`"](?<file>[^’'`"]+)[’'`"]: No such file or directory/,
    /(?:^|: )(?<file>\S+): bad interpreter: No such file or directory/,
    /^\S*(?:python[\d.]*|node|ruby|perl|php)\S*: can't open file [‘'"](?<file>[^’'"]+)[’'"]/,
    /^(?:\S*\/)?(?:sh|bash|ash|dash): (?:\d+: )?[Cc]an't open [‘'"]?(?<file>[^’'"\s]+)[’'"]?/,
  ], 0.9, file),
  // Node was told to run a script that is not there (`node /app/server.js` in an image that holds no
  // such file): the module it cannot find is the entrypoint itself, an absolute path (a missing package is a bare name).
  specific('node-entrypoint-missing', 'bad_command', /Cannot find module/, [/\bError: Cannot find module '(?<file>\/[^']+)'/], 0.85, file),
  // The JVM and the .NET host were pointed at a jar, class or assembly that is not there (a wrong path in the
  // command, a build that left it out, an unexpanded `$JAVA_OPTS` taken as the class name).
  specific('runtime-target-missing', 'bad_command', /main class|jarfile|application|executable found/, [
    /\bError: Could not find or load main class (?<file>\S+)/,
    /\bError: Unable to access jarfile (?<file>\S+)/,
    /\bThe application '(?<file>[^']+)' does not exist|\bThe application to execute does not exist: '?(?<file2>[^'\s]+)'?/,
    /No executable found matching command "dotnet-(?<file>[^"]+)"/,
  ], 0.88, (m) => ({ file: m.groups?.file ?? m.groups?.file2 ?? '' })),
  // An application server told to load a module the image does not hold (a wrong path or module name in the
  // command): uvicorn's `Error loading ASGI app. Could not import module "main".` (uvicorn/importer.py).
  specific('app-module-missing', 'bad_command', /Could not import module/, [
    /\bError loading ASGI app\. Could not import module "(?<file>[\w.]+)"/,
  ], 0.85, (m) => ({ file: m.groups?.file ?? '', detail: m[0] })),
  // The program started and refused the arguments it was given: Go's flag package (`flag provided
  // but not defined: -x`), cobra (`Error: unknown flag: --x`), npm without the script the command names.
  specific('unknown-argument', 'bad_command', /flag|[Mm]issing script|[Uu]nknown option|unrecognized arguments|bad option/, [
    /flag provided but not defined: -{1,2}[\w.-]+/,
    /\bError: unknown (?:shorthand )?flag: -{1,2}[\w.-]+/,
    /npm (?:ERR!|error) [Mm]issing script: "?[\w:.-]+"?/,
    // Node's commander (`  error: unknown option \`--x'` up to 2.x, `error: unknown option '--x'` since) and git's parse-options,
    // which quote the argument as received; kingpin, the parser of the Prometheus exporters (`error: unknown long flag '--x'`).
    /\berror: unknown option [`'](?<quoted>[^`'\n]+)'/,
    /\berror: unknown (?:long|short) flag '(?<quoted>[^'\n]+)'/,
    // Python's argparse (`prog: error: unrecognized arguments: --x 5`, the arguments it could not place, space-joined);
    // node itself (`node: bad option: --x`) and hand-written parsers (`Error: Unknown option --x`).
    /\berror: unrecognized arguments: \S.*/,
    /^(?:\S*\/)?node: bad option: -{1,2}\S+|\bError: Unknown option -{1,2}[^\s'`"]+/,
  ], 0.85, refusedArguments),
];

export const MEMORY_PATTERNS: readonly LogPattern[] = [
  // V8 prints its GC trace header, then the fatal line.
  specific('node-heap-oom', 'oom_killed', /heap out of memory|Last few GCs/, [/JavaScript heap out of memory/, /<--- Last few GCs --->/], 0.9, () => ({ detail: 'JavaScript heap out of memory' })),
  specific('java-oom', 'oom_killed', /OutOfMemoryError|Java heap space/, [
    /(?<![\w+])(?:java\.lang\.)?OutOfMemoryError\b(?:: (?<what>[^\]\n]+?))?\s*(?:\]|$)/,
    /\bJava heap space\b/,
  ], 0.9, (m) => ({ detail: m.groups?.what !== undefined || /OutOfMemoryError/.test(m[0]) ? `java.lang.OutOfMemoryError${m.groups?.what ? `: ${m.groups.what}` : ''}` : 'Java heap space' })),
  // Go's runtime when the heap cannot grow: `out of memory`, or `cannot allocate memory` when mmap fails (ENOMEM under a cgroup limit).
  specific('go-oom', 'oom_killed', /out of memory|cannot allocate memory/, [/fatal error: runtime: (?:out of memory|cannot allocate memory)/], 0.9, (m) => ({ detail: m[0].replace(/^fatal error: /, '') })),
  specific('dotnet-oom', 'oom_killed', /OutOfMemoryException/, [/System\.OutOfMemoryException/], 0.88, () => ({ detail: 'System.OutOfMemoryException' })),
  // Python's MemoryError and numpy's subclasses (`_ArrayMemoryError: Unable to allocate 94.9 MiB`), Ruby's NoMemoryError.
  // C++'s operator new failing (`terminate called after throwing an instance of 'std::bad_alloc'`).
  specific('cpp-bad-alloc', 'oom_killed', /bad_alloc/, [/\bstd::bad_alloc\b/], 0.75, () => ({ detail: 'std::bad_alloc (a C++ allocation failed)' })),
  specific('python-oom', 'oom_killed', /MemoryError/, [/(?:^|[\s.])(?:_Array)?MemoryError\b.*|failed to allocate memory \(NoMemoryError\)/], 0.85, (m) => ({ detail: m[0].trim() })),
  // PHP's memory_limit: the fix is the same (more memory, or less use), the limit is PHP's own.
  specific('php-memory-exhausted', 'oom_killed', /Allowed memory size/, [
    /Allowed memory size of \d+ bytes exhausted(?: \(tried to allocate \d+ bytes\))?(?: in (?<file>\S+) on line \d+)?/,
  ], 0.85, (m) => ({ detail: m[0].replace(/ in \S+ on line \d+$/, ''), ...(m.groups?.file && !m.groups.file.startsWith('phar:') ? { file: m.groups.file } : {}) })),
  // The kernel's OOM killer, as the node prints it or as the container state names it.
  // The kernel's report spans several lines; its last ones (the victim, the reaper, the cgroup whose limit was hit) say it too.
  specific('oom-killer', 'oom_killed', /oom-killer|Out of memory|OOMKilled|limit of|Killed process|oom_reaper/i, [
    /\binvoked oom-killer\b|\bOut of memory: Kill(?:ed)? process\b|\bMemory cgroup out of memory\b/,
    /\bOOMKilled\b/,
    /\bkilled as a result of limit of \/|\bKilled process \d+ \([^)]*\),? total-vm:|\boom_reaper: reaped process \d+/,
  ], 0.9, () => ({ detail: 'killed by the kernel OOM killer' })),
  // bash reporting a child it started as `Killed` (SIGKILL): in a container that is the cgroup OOM killer, as below.
  specific('shell-child-killed', 'oom_killed', /Killed/, [/^(?:\S+: )?line \d+:\s+\d+ Killed\s+\S.*/], 0.7, (m) => ({ detail: `${m[0].trim()}: a process the script started was killed by SIGKILL, the kernel OOM killer` })),
  // A worker the parent saw die of SIGKILL: inside a running container that is the cgroup OOM killer
  // taking the largest process (the kubelet stops whole containers, never one child).
  specific('worker-sigkill', 'oom_killed', /SIGKILL/, [/\bsignal 9 \(SIGKILL\)/], 0.7, () => ({ detail: 'a worker process was killed by SIGKILL (signal 9), the kernel OOM killer' })),
];

/**
 * The kernel's CFS quota throttles the container (its CPU limit is below what it uses): the
 * cgroup's own count (`cpu.stat`, cgroup v1) and the kube-prometheus CPUThrottlingHigh alert.
 */
export const THROTTLING_PATTERNS: readonly LogPattern[] = [
  specific('cpu-throttled', 'cpu_throttling', /nr_throttled|throttling of CPU/, [
    /^\s*nr_throttled\s+[1-9]\d*\s*$/,
    /(?<pct>\d+(?:\.\d+)?)% throttling of CPU in namespace (?<ns>[\w-]+) for container (?<container>[\w.-]+) in pod (?<pod>[\w.-]+)/,
  ], 0.75, (m) => ({ detail: m.groups?.pct ? `${m.groups.pct}% of CPU periods throttled for container ${m.groups.container} of pod ${m.groups.pod}` : `the cgroup reports ${m[0].trim()} (CPU periods throttled by the CFS quota)` })),
];

