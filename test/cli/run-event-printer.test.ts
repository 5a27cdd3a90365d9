import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminal } from '../../src/cli/output/terminal.js';
import { RunEventPrinter } from '../../src/cli/render/run-events.js';

const plain = () => createTerminal({ color: 'never', output: 'text' }, { stdout: new PassThrough() as unknown as NodeJS.WriteStream, stderr: new PassThrough() as unknown as NodeJS.WriteStream });
const event = (type: string, data: unknown) => ({ seq: 1, type, taskId: null, actor: null, data, createdAt: '2026-12-04T21:00:00.000Z' });

describe('the live view of a run', () => {
  it('says why the reviewer rejected a model answer, and what stands instead', () => {
    const line = new RunEventPrinter(plain()).line(event('decision', { decision: 'reject_model_answer', reason: 'cites no evidence id', fallback: 'rule_based_fallback' }));
    expect(line).toMatch(/decision: reject_model_answer: cites no evidence id → rule_based_fallback$/);
  });

  it('still names what a decision needs, or where it goes next', () => {
    const printer = new RunEventPrinter(plain());
    expect(printer.line(event('decision', { decision: 'needs_info', required_info: ['namespace', 'pod'] }))).toMatch(/decision: needs_info: needs namespace, pod$/);
    expect(printer.line(event('decision', { decision: 'accept', next: 'report' }))).toMatch(/decision: accept → report$/);
  });
});
