// Waits for the input's next chunk, or until the batch in hand has lingered long enough, or a stop
// signal: whichever comes first. Each wait leaves no timer and no listener behind, however many
// chunks a long run reads.
export type InputWait<T> =
  | { readonly kind: 'chunk'; readonly next: IteratorResult<T> }
  | { readonly kind: 'linger' }
  | { readonly kind: 'stopped' };

/**
 * `lingerMs`: how long the batch in hand may still wait for more input (undefined: none in hand,
 * wait for the input only). A `next` that fails rejects the wait, unless it was already decided.
 */
export function waitForInput<T>(
  next: Promise<IteratorResult<T>>,
  lingerMs: number | undefined,
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
    if (lingerMs !== undefined) timer = setTimeout(() => settle({ kind: 'linger' }), lingerMs);
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
