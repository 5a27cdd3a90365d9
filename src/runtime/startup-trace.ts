/**
 * SYNTRA_STARTUP_TRACE=1: `syntra up` / `syntra server` print on stderr when each step of their
 * start-up ends, in ms since the process started, with the CPU time (user + system, every thread)
 * the process has used so far: on a shared machine the wall clock says more about the neighbours,
 * the CPU time about this start-up (docs/benchmarks.md, "startup"). Off, it costs one property read.
 */
const on = Boolean(process.env.SYNTRA_STARTUP_TRACE);

export function startupStep(step: string): void {
  if (!on) return;
  const { user, system } = process.cpuUsage();
  process.stderr.write(`startup ${performance.now().toFixed(0).padStart(5)} ms  cpu ${((user + system) / 1000).toFixed(0).padStart(5)} ms  ${step}\n`);
}
