// What the walkthrough's names hold, and whether it may delete it: what a walkthrough made (its
// marker names the topic and group beside the state) it deletes for a fresh run; anything else only
// with --reset. The sentences that say so live here too.
import { formatCount as n } from '../display/index.ts';
import { TopicSet } from '../kafka/index.ts';
import { type HeldState, stateKeyPattern, type WalkthroughMarker } from '../state/index.ts';

export interface RunNames {
  readonly topic: string;
  readonly group: string;
  readonly keyPrefix: string;
}

/** A topic that holds messages. */
export interface HeldTopic {
  readonly name: string;
  readonly messages: number;
}

/** The group as the coordinator knows it: committed offsets and perhaps members. */
export interface HeldGroup {
  readonly members: number;
}

/** What the names hold: topics with messages, a known group, a state. Empty topics count as nothing. */
export interface HeldUnderNames {
  readonly topics: readonly HeldTopic[];
  readonly group: HeldGroup | undefined;
  readonly state: HeldState;
}

export function holdsNothing(held: HeldUnderNames): boolean {
  return held.topics.length === 0 && held.group === undefined && held.state.keys === 0;
}

/** What the names hold that no walkthrough made: the marker claims the prefix, and the topic and group it names. */
export function notMadeByWalkthrough(
  held: HeldUnderNames,
  marker: WalkthroughMarker | undefined,
  names: RunNames,
): HeldUnderNames {
  if (marker === undefined) return held;
  // The marker claims the state only while all of it was counted from the topic it names (or that
  // topic's dead letters): a later `flowwatch consume` of another topic into the prefix is not its own.
  const ownTopics = new TopicSet(marker.topic).names;
  const stateIsOwn = held.state.topics.every((topic) => ownTopics.includes(topic));
  return {
    // The dead-letter topic goes with its flow topic.
    topics: marker.topic === names.topic ? [] : held.topics,
    group: marker.group === names.group ? undefined : held.group,
    state: stateIsOwn ? { keys: 0, flows: 0, topics: [] } : held.state,
  };
}

/** The one sentence a run without --reset ends with when the names hold data no walkthrough made. */
export function refusal(foreign: HeldUnderNames, names: RunNames): string {
  return `${joined(listed(foreign, names, 'holding'))}, which the walkthrough did not make: run it with --reset (npm start -- --reset) to delete them, or name others (FLOWWATCH_TOPIC, FLOWWATCH_GROUP, FLOWWATCH_KEY_PREFIX)`;
}

/** The one sentence --reset prints before it deletes. */
export function resetAnnouncement(held: HeldUnderNames, names: RunNames): string {
  if (holdsNothing(held))
    return `--reset: nothing to delete under topic ${names.topic}, group ${names.group} or Redis keys ${stateKeyPattern(names.keyPrefix)}`;
  return `--reset: deleting ${joined(listed(held, names, 'deleting'))}`;
}

function listed(held: HeldUnderNames, names: RunNames, form: 'holding' | 'deleting'): string[] {
  const items: string[] = [];
  for (const topic of held.topics) {
    const messages = `${n(topic.messages)} message${topic.messages === 1 ? '' : 's'}`;
    items.push(form === 'holding' ? `topic ${topic.name} holds ${messages}` : `topic ${topic.name} (${messages})`);
  }
  if (held.group !== undefined) {
    const members = held.group.members;
    if (form === 'deleting') items.push(`the offsets of group ${names.group}`);
    else
      items.push(
        members === 0
          ? `group ${names.group} has committed offsets`
          : `group ${names.group} has ${members} running member${members === 1 ? '' : 's'}`,
      );
  }
  if (held.state.keys > 0) {
    const flows = `${n(held.state.flows)} counted flow${held.state.flows === 1 ? '' : 's'}`;
    items.push(
      form === 'holding'
        ? `Redis keys ${stateKeyPattern(names.keyPrefix)} hold ${flows}`
        : `the Redis keys ${stateKeyPattern(names.keyPrefix)} (${flows})`,
    );
  }
  return items;
}

function joined(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
