/**
 * Handler slots of one worker: at most `size` handlers run at once; claimed items beyond that
 * (claimed ahead, see WorkerOptions.prefetch) wait here in claim order for a slot.
 */
export interface SlotTicket {
  /** Resolves when this ticket holds a slot. */
  readonly ready: Promise<void>;
  readonly granted: boolean;
  /** Frees the slot, or leaves the wait queue if none was granted yet. Idempotent. */
  release(): void;
}

export class Slots {
  readonly #size: number;
  #busy = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** Slots held (handlers running or about to). */
  get busy(): number {
    return this.#busy;
  }

  /** Tickets waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  acquire(): SlotTicket {
    let granted = false;
    let released = false;
    let resolve!: () => void;
    const ready = new Promise<void>((r) => (resolve = r));
    const grant = () => {
      granted = true;
      this.#busy++;
      resolve();
    };
    if (this.#busy < this.#size && this.#waiters.length === 0) grant();
    else this.#waiters.push(grant);
    const waiters = this.#waiters;
    return {
      ready,
      get granted() {
        return granted;
      },
      release: () => {
        if (released) return;
        released = true;
        if (!granted) {
          const i = waiters.indexOf(grant);
          if (i >= 0) waiters.splice(i, 1);
          return;
        }
        this.#busy--;
        const next = waiters.shift();
        next?.();
      },
    };
  }
}
