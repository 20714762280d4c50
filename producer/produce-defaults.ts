// The producer's defaults, in a file of their own so that the command line can show them in its help
// without loading the producer.

/** Messages per batch (sent per partition, in requests the topic accepts). */
export const DEFAULT_BATCH_SIZE = 8000;

/** How long a batch not yet full waits for more input by default. */
export const DEFAULT_LINGER_MS = 100;
