// The flow topic and the dead-letter topic that keeps its rejected lines and unreadable messages:
// the one place a topic name is made.

/** The suffix of a flow topic's dead-letter topic: `<topic>.invalid`. */
const DEAD_LETTER_SUFFIX = '.invalid';

/** The dead-letter topic of the flow topic `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** The two topics a flow topic name stands for. */
export class TopicSet {
  /** The flow topic: one message per valid flow. */
  readonly flows: string;
  /** The dead-letter topic: every rejected line, and every flow-topic message a member cannot read. */
  readonly deadLetters: string;
  /** Both, the flow topic first. */
  readonly names: readonly [flows: string, deadLetters: string];

  constructor(topic: string) {
    this.flows = topic;
    this.deadLetters = deadLetterTopic(topic);
    this.names = [this.flows, this.deadLetters];
  }
}
