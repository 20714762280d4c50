// Whether trying a Kafka request again may cure its failure: the one reading of kafkajs' `retriable`
// flags, for every loop that waits out a broker.

/**
 * kafkajs marks Kafka's transient conditions `retriable`. When its own retries run out it throws a
 * KafkaJSNumberOfRetriesExceeded, not retriable itself, whose cause was (such as the refused
 * connection to a broker that just died), and an outer retrier wraps that once more: so the causes
 * are read too.
 */
export function kafkaRetriable(error: unknown): boolean {
  let current: unknown = error;
  while (typeof current === 'object' && current !== null) {
    const { retriable, cause } = current as { retriable?: boolean; cause?: unknown };
    if (retriable === true) return true;
    current = cause;
  }
  return false;
}
