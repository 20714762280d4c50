// Turns the input's lines into the batch in hand: each valid flow a message routed to its partition
// (handed over at its time when paced), each invalid line a dead letter; a line the topics hold from
// an earlier run of the stream is counted, not sent again.
import {
  deadLetterBounds,
  FlowScanner,
  flowHeaders,
  plainFlowRecord,
  RejectionLog,
  rejectedLineMessage,
  splitFlowRecord,
} from '../flow/index.ts';
import type { LineRecord, TopicSet } from '../kafka/index.ts';
import { type Logger, pause } from '../runtime/index.ts';
import type { ProducerBatch } from './batch-delivery.ts';
import type { BatchLinger } from './batch-linger.ts';
import type { ProduceOptions } from './flow-producer.ts';
import { Pacer } from './pacer.ts';
import { PartitionBatches } from './partition-batches.ts';
import type { ProduceSummary } from './produce-summary.ts';

/** A paced flow waits for its time only if it is at least this early; shorter waits are sent at once. */
const MIN_WAIT_MS = 2;

export interface BatchBuilderParts {
  readonly topics: TopicSet;
  /** Its line counts and the lines found in the topics already are kept up to date. */
  readonly summary: ProduceSummary;
  /** Told of each message taken into the batch in hand. */
  readonly linger: BatchLinger;
  readonly log: Logger;
}

export class BatchBuilder {
  private readonly options: ProduceOptions;
  private readonly parts: BatchBuilderParts;
  private readonly scanner: FlowScanner;
  private readonly flows: PartitionBatches;
  private readonly deadLetters: PartitionBatches;
  private readonly rejections: RejectionLog;
  private readonly pacer: Pacer | undefined;
  /** Flows of the chunk scanned last, not yet taken into the batch in hand. */
  private readonly pending: LineRecord[] = [];
  private batchLastLine = 0;

  constructor(options: ProduceOptions, parts: BatchBuilderParts) {
    this.options = options;
    this.parts = parts;
    const { topics, summary } = parts;
    const { resume, source, sourceId } = options;
    this.rejections = new RejectionLog(parts.log);
    this.pacer = options.pace === undefined ? undefined : new Pacer(options.pace);
    const flows = new PartitionBatches(topics.flows, options.partitions.flows, resume?.flows);
    const deadLetters = new PartitionBatches(topics.deadLetters, options.partitions.deadLetters, resume?.deadLetters);
    this.flows = flows;
    this.deadLetters = deadLetters;
    // The visitor runs once a line: what it needs it reads from locals, not through `this`.
    const { pending } = this;
    const headers = flowHeaders(source, sourceId);
    const kept = { bounds: deadLetterBounds(options.recordBatchBytes.deadLetters, source, sourceId) };
    const take = (flow: LineRecord) => {
      // Already in its partition from an earlier run: neither sent nor paced.
      if (!flows.routeLine(flow)) {
        summary.flowsAlreadyInTopic++;
        return;
      }
      pending.push(flow);
    };
    this.scanner = new FlowScanner({
      plainFlow: (bytes, start, end, lineNumber, _kind, view) =>
        take(plainFlowRecord(bytes, start, end, view, lineNumber, headers)),
      flow: (fields, line, lineNumber) => take(splitFlowRecord(fields, line, lineNumber, headers)),
      invalid: (line, lineNumber, reason, length) => {
        const message = rejectedLineMessage(line, source, lineNumber, reason, sourceId, {
          ...kept,
          fullLength: length,
        });
        if (!deadLetters.route(message, lineNumber)) {
          summary.invalidLinesAlreadyInTopic++;
          return;
        }
        deadLetters.add(message);
        parts.linger.held();
        this.rejections.reject({ source, line: lineNumber }, reason);
      },
      skipped: () => {},
    });
  }

  /** True when the dead letters in hand make a batch of their own. */
  get deadLettersFull(): boolean {
    return this.deadLetters.size >= this.options.batchSize;
  }

  /** Scans a chunk of the input and takes its flows into the batch, sending each full one. True if stopped. */
  async push(chunk: Buffer, send: () => Promise<void>): Promise<boolean> {
    this.scanner.push(chunk);
    return this.handOver(send);
  }

  /** Scans what is left of the input after its last chunk, as push does. True if stopped. */
  async end(send: () => Promise<void>): Promise<boolean> {
    this.scanner.end();
    return this.handOver(send);
  }

  /** Takes the batch in hand, leaving an empty one; undefined when it holds nothing. */
  take(): ProducerBatch | undefined {
    if (this.flows.size === 0 && this.deadLetters.size === 0) return undefined;
    return { flows: this.flows.take(), deadLetters: this.deadLetters.take(), lastLine: this.batchLastLine };
  }

  /** The rejections not yet logged one by one are logged as a count. */
  close(): void {
    this.rejections.flush();
  }

  private async handOver(send: () => Promise<void>): Promise<boolean> {
    const stopped = await this.drain(send);
    const { summary } = this.parts;
    const { counts } = this.scanner;
    summary.linesRead = counts.lines;
    summary.invalidLines = counts.invalid;
    summary.skippedLines = counts.skipped;
    return stopped;
  }

  /** Hands the pending flows over one by one, waiting for each one's time when paced. True if stopped. */
  private async drain(send: () => Promise<void>): Promise<boolean> {
    const { pending, pacer, flows } = this;
    const { signal, batchSize } = this.options;
    const { linger } = this.parts;
    try {
      for (let index = 0; index < pending.length; index++) {
        if (signal?.aborted) return true;
        const item = pending[index] as LineRecord;
        if (pacer !== undefined) {
          const wait = pacer.delayMs(item.time);
          if (wait >= MIN_WAIT_MS) {
            await send();
            // On the global timers, which tests can fake; a stop ends the wait at once.
            await pause(wait, signal);
            if (signal?.aborted) return true;
          }
        }
        flows.add(item);
        linger.held();
        this.batchLastLine = item.lineNumber;
        if (flows.size >= batchSize) await send();
      }
      return false;
    } finally {
      // Flows not taken before a stop are not sent; the summary's last delivered line says
      // where a re-run should pick up.
      pending.length = 0;
    }
  }
}
