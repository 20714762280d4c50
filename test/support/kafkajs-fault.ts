// A fault as kafkajs' own code throws it: an error whose stack starts in kafkajs' files, which flowwatch
// takes as Kafka away (a TypeError on a partition with no leader, moments after a broker died).

/** `error` with a stack thrown from kafkajs' admin, as a failover leaves it. */
export function kafkajsFault<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}\n    at Object.fetchTopicOffsets (/app/node_modules/kafkajs/src/admin/index.js:751:25)`;
  return error;
}
