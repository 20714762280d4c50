// Whether a topic's replication will do: an existing topic is judged by its own replica lists, which
// keep naming a broker that is down, and only a topic about to be created by the brokers answering now.

/** What the metadata says of an existing topic: each partition's replicas, answering or not. */
export interface TopicReplicas {
  readonly name: string;
  readonly partitions: readonly { readonly replicas: readonly number[] }[];
}

export type ReplicationVerdict =
  | { readonly kind: 'fine'; readonly warning?: string }
  | { readonly kind: 'refused'; readonly reason: string };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A topic about to be created puts each partition's `asked` replicas on as many brokers answering now. */
export function creationVerdict(asked: number, brokersAnswering: number): ReplicationVerdict {
  if (asked <= brokersAnswering) return { kind: 'fine' };
  return {
    kind: 'refused',
    reason: `${asked} replicas per partition were asked for, but the cluster has ${plural(brokersAnswering, 'broker')} answering; ask for at most ${brokersAnswering} (--replication-factor, FLOWWATCH_REPLICATION_FACTOR), or start the brokers that are down`,
  };
}

/**
 * An existing topic will do if every partition has the replicas asked for, however many brokers
 * answer at the moment: a broker down only delays (its partitions are led by another replica), and
 * the verdict says which brokers of the topic are not answering.
 */
export function existingTopicVerdict(
  topic: TopicReplicas,
  asked: number,
  brokersAnswering: readonly number[],
): ReplicationVerdict {
  const fewest = Math.min(...topic.partitions.map((p) => p.replicas.length));
  if (fewest < asked) {
    return {
      kind: 'refused',
      reason: `topic ${topic.name} has ${plural(fewest, 'replica')} per partition, fewer than the ${asked} asked for: add replicas with kafka-reassign-partitions, use another topic, or ask for ${fewest} (--replication-factor)`,
    };
  }
  const answering = new Set(brokersAnswering);
  const absent = [...new Set(topic.partitions.flatMap((p) => p.replicas))]
    .filter((node) => !answering.has(node))
    .sort((a, b) => a - b);
  if (absent.length === 0) return { kind: 'fine' };
  const known = answering.size + absent.length;
  return {
    kind: 'fine',
    warning: `topic ${topic.name} has ${plural(fewest, 'replica')} per partition; ${absent.length} of ${plural(known, 'broker')} ${absent.length === 1 ? 'is' : 'are'} not answering (node ${absent.join(', ')}): going on with the others`,
  };
}
