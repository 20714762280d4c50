// Waits for the input's next chunk, or for the moment the batch in hand may be sent (its linger has
// passed, or the batch in flight is delivered), or a stop signal: whichever comes first. Each wait
// leaves no timer and no listener behind, however many chunks a long run reads.
export type InputWait<T> =
  | { readonly kind: 'chunk'; readonly next: IteratorResult<T> }
  | { readonly kind: 'linger' }
  | { readonly kind: 'stopped' };

/** What, besides the input, ends a wait with `linger`. */
export type LingerWake =
  /** Nothing is in hand: only the input or a stop ends the wait. */
  | undefined
  /** The batch in hand may wait this many more milliseconds for input. */
  | { readonly afterMs: number }
  /** A batch is in flight: the one in hand waits for it (it could not be sent before anyway), and a refusal ends the wait. */
  | { readonly delivered: Promise<unknown> };

/** A `next` that fails rejects the wait, unless it was already decided. */
export function waitForInput<T>(
  next: Promise<IteratorResult<T>>,
  wake: LingerWake,
  signal: AbortSignal | undefined,
): Promise<InputWait<T>> {
  if (signal?.aborted) return Promise.resolve({ kind: 'stopped' });
  return new Promise<InputWait<T>>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: InputWait<T>) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => settle({ kind: 'stopped' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const lingered = () => settle({ kind: 'linger' });
    if (wake !== undefined && 'afterMs' in wake) timer = setTimeout(lingered, wake.afterMs);
    // The delivery settles (it is the batch in flight), so this reaction does not outlive it.
    if (wake !== undefined && 'delivered' in wake) wake.delivered.then(lingered, lingered);
    next.then(
      (result) => settle({ kind: 'chunk', next: result }),
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
