import { EventEmitter } from 'node:events';

/**
 * "New outbox rows were committed in this process": lets a relay running in the same process
 * publish at once instead of waiting for its poll interval (the submit→claim latency path).
 * Other processes' rows are found by the relay's poll.
 */
const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export function signalOutbox(): void {
  emitter.emit('rows');
}

export function onOutboxRows(listener: () => void): () => void {
  emitter.on('rows', listener);
  return () => emitter.off('rows', listener);
}
