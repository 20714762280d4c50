// What a produce run did, counted as it goes.
import { formatCount as n } from '../display/index.ts';
import { TopicSet } from '../kafka/index.ts';

export interface ProduceSummary {
  /** The name in every message's `source` header. */
  source: string;
  /** The stream's `source-id` header: `<fingerprint>/<stream>` (see source-identity.ts). */
  sourceId: string;
  /** 1 for the first publication of the name in the topic, one more for each `--again`. */
  stream: number;
  /** True when the topic held part of this stream before the run, so only the rest was published. */
  resumed: boolean;
  topic: string;
  linesRead: number;
  flowsPublished: number;
  invalidLines: number;
  skippedLines: number;
  /** Valid lines not sent because the topic holds them from an earlier run of this stream. */
  flowsAlreadyInTopic: number;
  /** Invalid lines not sent because the dead-letter topic holds them from an earlier run. */
  invalidLinesAlreadyInTopic: number;
  /** Every line up to this one is delivered: its flow or dead letter acknowledged, or it was skipped. */
  lastLineDelivered: number;
  /**
   * Flows sent but not acknowledged when a stop's delivery bound ran out (a broker unreachable):
   * each may or may not be in the topic. Not part of flowsPublished.
   */
  flowsUnconfirmed: number;
  /** Seconds before publishing began: fingerprinting the input and reading where the topic stops. */
  resumeCheckSeconds: number;
  /** Seconds spent publishing, from connected to the last acknowledgement. */
  elapsedSeconds: number;
  flowsPerSecond: number;
  /** False when a stop signal ended the run before the end of the input. */
  complete: boolean;
}

/** What a run is, before it has done anything: the fields that name it, every count at zero. */
export type SummaryIdentity = Pick<ProduceSummary, 'source' | 'sourceId' | 'stream' | 'resumed' | 'topic'>;

/** The summary of a run that has not published yet; `resumeCheckSeconds` as measured before it. */
export function startingSummary(identity: SummaryIdentity, resumeCheckSeconds = 0): ProduceSummary {
  return {
    ...identity,
    linesRead: 0,
    flowsPublished: 0,
    invalidLines: 0,
    skippedLines: 0,
    flowsAlreadyInTopic: 0,
    invalidLinesAlreadyInTopic: 0,
    lastLineDelivered: 0,
    flowsUnconfirmed: 0,
    resumeCheckSeconds,
    elapsedSeconds: 0,
    flowsPerSecond: 0,
    complete: false,
  };
}

export function formatSummary(summary: ProduceSummary): string {
  const newDeadLetters = summary.invalidLines - summary.invalidLinesAlreadyInTopic;
  const invalidHeld =
    summary.invalidLinesAlreadyInTopic > 0
      ? ` and its ${n(summary.invalidLinesAlreadyInTopic)} invalid lines in ${new TopicSet(summary.topic).deadLetters}`
      : '';
  const nothingNew = summary.complete && summary.resumed && summary.flowsPublished === 0 && newDeadLetters === 0;
  const headline = nothingNew
    ? `nothing to publish: all ${n(summary.flowsAlreadyInTopic)} flows of ${summary.source} (stream ${summary.stream}) are already in ${summary.topic}${invalidHeld}; --again publishes it once more, as a new stream`
    : `${summary.complete ? 'produced' : 'stopped early:'} ${n(summary.flowsPublished)} flows from ${summary.source} to ${summary.topic} (stream ${summary.stream})`;
  return [
    headline,
    ...(summary.resumed && !nothingNew
      ? [
          `  resumed: ${n(summary.flowsAlreadyInTopic)} flows and ${n(summary.invalidLinesAlreadyInTopic)} invalid lines were in the topic already and were not sent again`,
        ]
      : []),
    `  lines read ${n(summary.linesRead)}, invalid ${n(summary.invalidLines)} (dead-lettered), skipped ${n(summary.skippedLines)} (blank or header)`,
    `  last line delivered ${n(summary.lastLineDelivered)}, ${summary.elapsedSeconds.toFixed(1)} s, ${n(Math.round(summary.flowsPerSecond))} flows/s`,
    ...(summary.flowsUnconfirmed > 0
      ? [
          `  ${n(summary.flowsUnconfirmed)} flows sent but not acknowledged before the stop (a broker did not answer): they may or may not be in the topic`,
        ]
      : []),
  ].join('\n');
}
