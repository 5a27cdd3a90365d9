import { afterEach, describe, expect, it, vi } from 'vitest';
import { processLog } from '../../src/runtime/process-log.js';

describe('processLog', () => {
  afterEach(() => vi.restoreAllMocks());

  it('masks secrets in the message and the fields of background log lines', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
    const log = processLog({ logLevel: 'info' }, 'worker');
    log.warn('handler failed: connect postgres://app:hunter2@db/x', { error: 'upstream said token ghp_R8tP4mN6bW3cJ1HxY2eKz9QvR8tP4mN6bW3c', queueItemId: 7 });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'warn', component: 'worker', queueItemId: 7, message: 'handler failed: connect postgres://app:[REDACTED:password]@db/x' });
    expect(lines[0]).not.toMatch(/hunter2|ghp_R8tP/);
  });
});
