// Which partition a flow's key belongs to: the Java client's default for keyed messages
// (murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count), so flowwatch and
// any other Kafka client put a device in the same partition.
//
// Why not kafkajs' own partitioner: it runs murmur2 on 64-bit Long objects and filters the partition
// list on every call, several allocations per message; replacing it took a 1M-line produce from
// about 53,000 to 72,000 flows/s (bench/profiles.md). Only the low 32 bits of each step ever reach
// the result, so 32-bit integer arithmetic gives the same answer.
import type { ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * murmur2 as Kafka's Java client computes it, over the UTF-8 bytes of `key`. Only dead letters and
 * kafkajs' own sends take a key this way; the producer's flows hash their key where it lies.
 */
export function murmur2(key: string | Buffer): number {
  const bytes = typeof key === 'string' ? Buffer.from(key) : key;
  return murmur2Range(bytes, 0, bytes.length);
}

/** murmur2 over `bytes[start, end)`, read in place: the producer's keys are ranges of a line. */
export function murmur2Range(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let h = SEED ^ length;
  const whole = start + (length & ~3);
  for (let i = start; i < whole; i += 4) {
    let k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes.
  const tail = length & 3;
  if (tail === 3) h ^= (bytes[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (bytes[whole + 1] as number) << 8;
  if (tail >= 1) h = Math.imul(h ^ (bytes[whole] as number), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition, of `partitions`, that a message with this key goes to. */
export function partitionOfKey(key: string | Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** The partition, of `partitions`, that a key of the bytes `bytes[start, end)` goes to. */
export function partitionOfRange(bytes: Uint8Array, start: number, end: number, partitions: number): number {
  return (murmur2Range(bytes, start, end) & 0x7fffffff) % partitions;
}

/**
 * For kafkajs' `createPartitioner`: a message keeps the partition it was given, else goes by its
 * key. flowwatch's producer gives every message its partition before sending (see PartitionBatches).
 */
export const keyPartitioner: ICustomPartitioner =
  () =>
  ({ partitionMetadata, message }) => {
    if (typeof message.partition === 'number') return message.partition;
    if (message.key === null || message.key === undefined) {
      throw new TypeError('flowwatch sends keyed messages only');
    }
    return partitionOfKey(message.key, partitionMetadata.length);
  };
