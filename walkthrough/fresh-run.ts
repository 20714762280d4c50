// Resets what a walkthrough run uses, so it can run again and again: the topic and its dead-letter
// topic, the consumer group's offsets, and the Redis keys under the prefix. It deletes them only when
// a walkthrough made them (the marker beside the state says so) or when --reset asks; otherwise it
// refuses, naming what it found.
import type { Admin } from 'kafkajs';
import { ensureTopics, kafkaRefused, TopicSet } from '../kafka/index.ts';
import { ErrorCode, FlowwatchError, isFlowwatchError, retrying } from '../runtime/index.ts';
import {
  heldState,
  readWalkthroughMarker,
  resetState,
  type StateClient,
  writeWalkthroughMarker,
} from '../state/index.ts';
import { deleteGroupOffsets, heldGroup } from './group-offsets.ts';
import {
  type HeldTopic,
  type HeldUnderNames,
  holdsNothing,
  notMadeByWalkthrough,
  type RunNames,
  refusal,
  resetAnnouncement,
} from './names-in-use.ts';

const RECREATE_TIMEOUT_MS = 30_000;

export interface FreshRunNames extends RunNames {
  readonly partitions: number;
  readonly replicationFactor: number | undefined;
}

export interface FreshRunOptions {
  /** Delete whatever the names hold, made by a walkthrough or not. */
  readonly reset: boolean;
  /** Prints one line for the user. */
  readonly say: (line: string) => void;
}

/** Deletes the run's topics, group offsets and state, and creates the topics again, empty. */
export async function prepareFreshRun(
  admin: Admin,
  redis: StateClient,
  names: FreshRunNames,
  options: FreshRunOptions,
): Promise<void> {
  const topics = new TopicSet(names.topic).names;
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  const held: HeldUnderNames = {
    topics: await topicsWithMessages(admin, present),
    group: await heldGroup(admin, names.group),
    state: await heldState(redis, names.keyPrefix),
  };
  if (options.reset) options.say(resetAnnouncement(held, names));
  else {
    const foreign = notMadeByWalkthrough(held, await readWalkthroughMarker(redis, names.keyPrefix), names);
    if (!holdsNothing(foreign)) throw new FlowwatchError(ErrorCode.NAMES_IN_USE, refusal(foreign, names));
  }

  // The group first: it is the one deletion that may be refused (members that stay, an ACL), and then
  // nothing else is gone.
  await deleteGroupOffsets(admin, names.group);
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: RECREATE_TIMEOUT_MS });
  await resetState(redis, names.keyPrefix);
  // Claimed before the topics exist: a run stopped at any point below leaves names the next one may reuse.
  await writeWalkthroughMarker(redis, names.keyPrefix, { topic: names.topic, group: names.group });
  // A deleted topic lingers for a moment in the broker's metadata: retry the creation until it takes.
  const recreate = async () => {
    await ensureTopics(admin, names.topic, {
      partitions: names.partitions,
      replicationFactor: names.replicationFactor,
    });
    const offsets = await admin.fetchTopicOffsets(names.topic);
    if (offsets.length !== names.partitions || offsets.some((p) => p.high !== '0'))
      throw new TopicNotRecreated(`topic ${names.topic} could not be recreated`);
  };
  await retrying(recreate, { timeoutMs: RECREATE_TIMEOUT_MS, intervalMs: 300, retriable: recreationRetriable });
}

/** The broker still answers with the topic just deleted (its partitions, its offsets). */
export class TopicNotRecreated extends Error {}

/**
 * Whether recreating the topics may take on another try: the deleted topic lingering in the brokers'
 * metadata, Kafka slow or away for a moment. A refusal (an authorization, a layout) ends the run at once.
 */
export function recreationRetriable(error: unknown): boolean {
  return error instanceof TopicNotRecreated || !(isFlowwatchError(error) || kafkaRefused(error));
}

/** The topics that hold messages; an empty topic holds nothing to lose. */
async function topicsWithMessages(admin: Admin, topics: readonly string[]): Promise<HeldTopic[]> {
  const held: HeldTopic[] = [];
  for (const name of topics) {
    const offsets = await admin.fetchTopicOffsets(name);
    const messages = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    if (messages > 0) held.push({ name, messages });
  }
  return held;
}
