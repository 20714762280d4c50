// Writes the counting state: counts, totals, applied offsets and fencing epochs, changed only through
// the Lua scripts in lua/, one round trip per partition batch. Used by the consumer alone.
import { DEFAULT_GROUP } from '../config/index.ts';
import { ErrorCode, FlowwatchError, within } from '../runtime/index.ts';
import { integerText, type PartitionId, stateKeys, TOTAL_NAMES, type TotalName } from './keys.ts';
import { redisFailure } from './redis-client.ts';
import { type ApplyResult, applyBatchResult, claimResult, confirmResult } from './script-replies.ts';
import { queueScript, type StateScripts, scriptsOf } from './scripts.ts';
import type { StateClient } from './state-client.ts';

/** What one partition batch adds to the state. */
export interface StateIncrements extends Readonly<Record<TotalName, number>> {
  /** Highest event Time among the batch's flows, or -1 when it has none. */
  readonly maxTime: number;
  /** DstDevice → web requests. */
  readonly devices: ReadonlyMap<string, number>;
  /** Event-time hour → DstDevice → web requests. */
  readonly hours: ReadonlyMap<number, ReadonlyMap<string, number>>;
}

export interface ApplyRequest {
  readonly partition: PartitionId;
  readonly epoch: number;
  /** First offset of the batch: must be the stored next offset. */
  readonly from: number;
  /** Offset after the batch: the new stored next offset. */
  readonly next: number;
  /** Next offset to assume when Redis holds none for the partition (its first retained offset). */
  readonly startIfUnknown: number;
  /** Partitions of the flow topic: the watermark waits until every one has been seen. */
  readonly partitions: number;
  readonly increments: StateIncrements;
}

/** Default allowed lateness: how far behind the slowest partition's event time an hour stays open. */
export const DEFAULT_LATENESS_SECONDS = 300;

/**
 * How long one call may take before it counts as failed: a client that is reconnecting (a cluster
 * moving a slot, sentinels naming a new primary) queues commands without a bound, and the member
 * must get back to its group's heartbeats meanwhile.
 */
const CALL_BOUND_MS = 10_000;

/**
 * Runs one Redis call, turning its failure, or its silence past `boundMs`, into an error with a
 * code the retry loop can decide on. A call given up on may still reach Redis later; the offsets
 * and epochs the scripts check make that harmless.
 */
async function call<T>(work: () => Promise<T>, boundMs = CALL_BOUND_MS): Promise<T> {
  const attempt = work();
  try {
    return await within(
      attempt,
      boundMs,
      () => new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, `Redis did not answer within ${boundMs} ms`),
    );
  } catch (error) {
    throw redisFailure(error);
  }
}

export class StateWriter {
  private readonly redis: StateClient;
  private readonly scripts: StateScripts;
  private readonly prefix: string;
  private readonly latenessSeconds: number;
  /** The consumer group this writer counts for: the state takes claims from one group only. */
  private readonly group: string;

  constructor(redis: StateClient, prefix: string, latenessSeconds = DEFAULT_LATENESS_SECONDS, group = DEFAULT_GROUP) {
    this.redis = redis;
    this.scripts = scriptsOf(redis);
    this.prefix = prefix;
    this.latenessSeconds = latenessSeconds;
    this.group = group;
  }

  /**
   * Takes a new fencing epoch above `floor` and makes it the owner of `partitions`; the first claim
   * records the writer's group, and a writer of another group is refused (FW_STATE_OTHER_GROUP).
   */
  claim(partitions: readonly PartitionId[], floor: number): Promise<number> {
    const { prefix, group } = this;
    return call(async () =>
      claimResult(
        await this.scripts.claimPartitions(
          [stateKeys.owners(prefix), stateKeys.epoch(prefix), stateKeys.group(prefix)],
          [floor, group, ...partitions],
        ),
        group,
        prefix,
      ),
    );
  }

  /**
   * Starts a partial count of a partition that has no stored position: stores `from` (its first
   * retained offset) as its next offset and marks it partial from there, in one step. Answers as
   * an apply does: applied (`next` = from), the position another member stored meanwhile, or fenced.
   */
  startPartial(partition: PartitionId, epoch: number, from: number): Promise<ApplyResult> {
    const { prefix } = this;
    return call(async () =>
      applyBatchResult(
        await this.scripts.startPartial(
          [stateKeys.offsets(prefix), stateKeys.owners(prefix), stateKeys.partial(prefix)],
          [partition, epoch, from],
        ),
        'start-partial.lua',
      ),
    );
  }

  /** The stored next offset of a partition, or undefined when Redis holds none. */
  nextOffset(partition: PartitionId): Promise<number | undefined> {
    return call(async () => {
      const value = await this.redis.hget(stateKeys.offsets(this.prefix), partition);
      return value === null ? undefined : Number(value);
    });
  }

  apply(request: ApplyRequest): Promise<ApplyResult> {
    const { increments } = request;
    const { prefix } = this;
    const keys = [
      stateKeys.webservers(prefix),
      stateKeys.totals(prefix),
      stateKeys.offsets(prefix),
      stateKeys.owners(prefix),
      stateKeys.hours(prefix),
      stateKeys.late(prefix),
      stateKeys.eventTimes(prefix),
      stateKeys.watermark(prefix),
    ];
    const args: (string | number)[] = [
      request.partition,
      request.epoch,
      request.from,
      request.next,
      request.startIfUnknown,
      integerText(increments.maxTime),
      request.partitions,
      this.latenessSeconds,
      TOTAL_NAMES.length,
    ];
    for (const name of TOTAL_NAMES) args.push(name, increments[name]);
    args.push(increments.devices.size);
    for (const [device, count] of increments.devices) args.push(device, count);
    // Each hour's set is a declared key: the script touches no key it was not given.
    for (const [hour, devices] of increments.hours) {
      keys.push(stateKeys.hour(prefix, hour));
      args.push(integerText(hour), devices.size);
      for (const [device, count] of devices) args.push(device, count);
    }
    return call(async () => applyBatchResult(await this.scripts.applyBatch(keys, args)));
  }

  /**
   * Confirms the state holds a partition's batch (its stored next offset is `next`), then waits until
   * `replicas` replicas hold it (Redis WAIT, at most `timeoutMs`): resolves to how many do, or to
   * where the state is when it no longer holds the batch (a failover to a replica that lacked it).
   * Both go in one pipeline on one connection, which WAIT needs, and on a Redis Cluster to the
   * primary of the state's slot.
   */
  replicated(
    partition: PartitionId,
    next: number,
    replicas: number,
    timeoutMs: number,
  ): Promise<{ readonly replicas: number } | { readonly stored: number }> {
    return call(async () => {
      const pipeline = queueScript(
        this.redis.pipeline(),
        'confirmOffset',
        [stateKeys.offsets(this.prefix)],
        [partition, next],
      ).wait(replicas, timeoutMs);
      const [confirmed, waited] = (await pipeline.exec()) ?? [];
      if (confirmed === undefined || waited === undefined) throw new Error('no reply to the confirmation and WAIT');
      if (confirmed[0]) throw confirmed[0];
      const found = confirmResult(confirmed[1]);
      if (found.status === 'elsewhere') return { stored: found.stored };
      if (waited[0]) throw waited[0];
      return { replicas: Number(waited[1]) };
    }, CALL_BOUND_MS + timeoutMs);
  }
}
