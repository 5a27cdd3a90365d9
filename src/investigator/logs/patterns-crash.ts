import { exitCodeMeaning, exitCodeReported, exitReportOf } from './exit-codes.js';
import { firstGroup, type LogFacts } from './extract.js';
import { generic, specific, type LogCauseType, type LogPattern } from './pattern-kit.js';

/**
 * The process crashed. A stack overflow or a syntax error names its cause; an exit status, a
 * panic or an uncaught exception only says that it crashed, so a specific cause in the same
 * failure wins over them (see classify.ts).
 */
export const CRASH_PATTERNS: readonly LogPattern[] = [
  // Go, Rust, Java, Node, Python and Ruby each say it their own way.
  specific('stack-overflow', 'application_error', /overflow|stack|recursion/i, [
    /\bStackOverflowError\b|fatal error: stack overflow|has overflowed its stack|fatal runtime error: stack overflow|goroutine stack exceeds \d+-byte limit|Maximum call stack size exceeded|RecursionError: maximum recursion depth exceeded|stack level too deep/,
  ], 0.88, (m) => ({ detail: `stack overflow (${m[0]})` })),
  // bash (`line 33: syntax error: unexpected end of file`, also inside `eval`), dash (`20: Syntax error: end of file
  // unexpected`), Python, Node, PHP's parser (`PHP Parse error:  syntax error, unexpected '=' in x.php on line 4039`).
  specific('syntax-error', 'application_error', /syntax ?error|unexpected EOF/i, [
    /^(?<file>[^\s:]+): (?:eval: )?(?:line )?\d+: (?:[^\s:]+: )?(?:[Ss]yntax error\b|unexpected EOF while looking for matching).*/,
    /^(?:\w+\.)*SyntaxError: .+/,
    /^\s*(?:PHP )?Parse error:\s+syntax error, .+? in (?<file>\S+\.php) on line \d+/,
  ], 0.85, (m) => ({ detail: m[0].trim(), ...(m.groups?.file ? { file: m.groups.file } : {}) })),
];

const exitFacts = (m: RegExpExecArray, line: string): LogFacts => {
  const code = exitCodeReported(line);
  if (code === undefined) return { detail: m[0].trim() };
  return { exitCode: code, detail: `exit code ${code}: ${exitCodeMeaning(code).meaning}` };
};

/** A reported exit status whose meaning alone names the cause (exitCodeMeaning); 137 and 143 do not. */
const exitOf = (id: string, type: LogCauseType, codes: number[], also?: RegExp): LogPattern => {
  const report = exitReportOf(codes);
  return generic(id, type, also ? /exit|was sent code|Segmentation/i : /exit|was sent code/i, [also ? new RegExp(`${report.source}|${also.source}`, 'i') : report], 0.75, exitFacts);
};

export const EXIT_PATTERNS: readonly LogPattern[] = [
  exitOf('exit-command-failed', 'bad_command', [126, 127]),
  exitOf('exit-crash-signal', 'application_error', [132, 134, 135, 136, 139], /\bSegmentation fault\b/),
];

/** The exception text to quote: its first group (without the preamble), or the whole line. */
const exceptionText = (m: RegExpExecArray): LogFacts => ({ detail: (firstGroup(m) || m[0]).trim() });
const wholeLine = (m: RegExpExecArray): LogFacts => ({ detail: m[0].trim() });
const crash = (id: string, keywords: RegExp, regex: RegExp, confidence: number, quote = exceptionText): LogPattern =>
  generic(id, 'application_error', keywords, [regex], confidence, quote);

export const EXCEPTION_PATTERNS: readonly LogPattern[] = [
  crash('go-panic', /panic/, /^panic: (.+)|(?:^|\] )Observed a panic: (.+)/, 0.85, wholeLine),
  crash('rust-panic', /panicked/, /^thread '[^']+'(?: \(\d+\))? panicked at .+/, 0.82, wholeLine),
  crash('runtime-fatal', /fatal/i, /^fatal error: .+|^# Fatal error in .*/, 0.82, wholeLine),
  crash('java-main', /Exception in/, /Exception in thread "[^"]+" (\S.*)|\bException in worker process\b/, 0.85),
  crash('dotnet-unhandled', /unhandled exception/i, /Unhandled exception\. (.+)|An unhandled exception (?:was thrown by the application|has occurred while executing the request)/, 0.85),
  crash('node-uncaught', /uncaught/i, /\b[Uu]ncaught ?(?:[Ee]xception\b:?\s*(?:error)?(.*)|((?:\w+Error|\w+Exception)\b.*))/, 0.85),
  crash('node-unhandled-rejection', /UnhandledPromiseRejection|This error originated/, /(UnhandledPromiseRejection\w*:?.*)|This error originated either by throwing inside of an async function without a catch block/, 0.8),
  crash('ruby-exception', /\.rb:\d/, /^\S+\.rb:\d+:in `[^']+': (.+ \([A-Z]\w*(?:::\w+)*\))$/, 0.82),
  crash('qualified-exception', /Exception|Error/, /^((?:Caused by: )?(?:[a-z_][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)(?::\s.*)?)$/, 0.8),
  crash('plain-exception', /Exception|Error/, /^(?:\[\w+\]\s*)?([A-Z]\w*(?:Error|Exception): .+)$/, 0.78),
  // Bitnami images' entrypoints (liblog.sh: `<module> HH:MM:SS.ss ERROR ==> message`) print an ERROR record and exit:
  // what it says is why the container stopped (a specific cause it words, a variable not set, is read before this).
  crash('bitnami-entrypoint-error', /ERROR ==>/, /^[\w-]+ \d\d:\d\d:\d\d\.\d+ ERROR ==> (.+)$/, 0.72),
  // A request handler that crashed while the server kept running: Tomcat under Spring (`Servlet.service() for servlet [x]
  // in context with path [] threw exception [Request processing failed; nested exception is …] with root cause`), Go's
  // net/http recovering a handler's panic (`http: panic serving 10.0.0.1:4321: runtime error: …`).
  crash('request-handler-crash', /threw exception|panic serving/, /\bServlet\.service\(\) for servlet \[[^\]]+\] in context with path \[[^\]]*\] threw exception \[(.+?)\](?: with root cause)?$|\bhttp: panic serving \S+: (.+)/, 0.78),
  // PHP's fatal errors (an uncaught exception, a call to an undefined function), also relayed by php-fpm (`PHP message:`);
  // its memory limit and parse errors are read before this.
  crash('php-fatal', /PHP Fatal error/, /\bPHP Fatal error:\s+(.+)/, 0.8),
  crash('startup-failed', /Application run failed|FAILED TO START/, /\bApplication run failed\b|APPLICATION FAILED TO START/, 0.75, wholeLine),
  // Fatal-level records: logfmt/JSON levels, logrus's TTY `FATA`, Ruby's Logger `F, [...] FATAL --`, glog's `F0714`.
  crash('structured-fatal', /fatal|panic|critical|FATA|^F[\d,]/i, /\blevel=(?:fatal|panic)\b.*|"level":\s*"(?:fatal|panic)".*|^(?:FATAL|CRITICAL|FATA|PANI)\b.*|^F, \[[^\]]+\] FATAL -- .*|^F\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+\] .*/, 0.72, wholeLine),
];
