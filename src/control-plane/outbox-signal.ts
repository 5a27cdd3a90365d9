import { EventEmitter } from 'node:events';

/**
 * "New outbox rows were committed in this process": lets a relay running in the same process
 * publish at once instead of waiting for its poll interval (the submit→claim latency path).
 * When the committer knows the rows (submit does), it passes them along and the relay publishes
 * them without reading them back; otherwise the relay drains the table.
 * Other processes' rows are found by the relay's poll.
 */
export interface CommittedOutboxRow {
  id: number;
  topic: string;
  payload: unknown;
}

const emitter = new EventEmitter();
emitter.setMaxListeners(0);

/** Call only after the transaction that inserted the rows has committed. */
export function signalOutbox(rows?: readonly CommittedOutboxRow[]): void {
  emitter.emit('rows', rows);
}

export function onOutboxRows(listener: (rows?: readonly CommittedOutboxRow[]) => void): () => void {
  emitter.on('rows', listener);
  return () => emitter.off('rows', listener);
}
