/**
 * SYNTRA_STARTUP_TRACE=1: `syntra up` / `syntra server` print on stderr when each step of their
 * start-up ends, in ms since the process started, to see where a slow start goes
 * (docs/benchmarks.md, "startup"). Off, it costs one property read.
 */
const on = Boolean(process.env.SYNTRA_STARTUP_TRACE);

export function startupStep(step: string): void {
  if (on) process.stderr.write(`startup ${performance.now().toFixed(0).padStart(5)} ms  ${step}\n`);
}
