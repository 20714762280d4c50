// When the batch in hand, not yet full, may go out: once it has waited `lingerMs` for more input,
// and never while the batch before it is still in flight (it would only wait for that one anyway,
// and a busy broker would turn full batches into partial ones). It also keeps a delivery's refusal, so
// a wait for a silent input ends with it at once instead of at the next line.
import type { LingerWake } from './input-wait.ts';

export class BatchLinger {
  private readonly lingerMs: number;
  private readonly now: () => number;
  /** When the oldest message of the batch in hand was added; undefined while it is empty. */
  private heldSince: number | undefined;
  /** The batch in flight while it is unacknowledged. */
  private delivering: Promise<unknown> | undefined;
  /** The first delivery that failed, with its error. */
  private failed: { readonly error: unknown } | undefined;

  constructor(lingerMs: number, now: () => number = () => performance.now()) {
    this.lingerMs = lingerMs;
    this.now = now;
  }

  /** A message joined the batch in hand. */
  held(): void {
    this.heldSince ??= this.now();
  }

  /** The batch in hand was taken to be sent; `delivery` settles once it is acknowledged (or fails). */
  sent(delivery: Promise<unknown>): void {
    this.heldSince = undefined;
    this.delivering = delivery;
    const over = () => {
      if (this.delivering === delivery) this.delivering = undefined;
    };
    delivery.then(over, (error: unknown) => {
      this.failed ??= { error };
      over();
    });
  }

  /** Throws the error of a delivery that failed, if one did: nothing after it may count as sent. */
  throwIfRefused(): void {
    if (this.failed !== undefined) throw this.failed.error;
  }

  /** True when the batch in hand should go out now. */
  due(): boolean {
    return (
      this.heldSince !== undefined && this.delivering === undefined && this.now() - this.heldSince >= this.lingerMs
    );
  }

  /** What may end a wait for input early so the batch in hand goes out (see input-wait.ts). */
  wake(): LingerWake {
    // A batch in flight ends the wait even with nothing in hand: its refusal must not wait for input.
    if (this.delivering !== undefined) return { delivered: this.delivering };
    if (this.heldSince === undefined) return undefined;
    return { afterMs: Math.max(0, this.heldSince + this.lingerMs - this.now()) };
  }
}
