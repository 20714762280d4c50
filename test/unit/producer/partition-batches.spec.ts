import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { LineHeaders, LineRecord } from '../../../kafka/index.ts';
import { PartitionBatches } from '../../../producer/partition-batches.ts';

const keys = Array.from({ length: 200 }, (_, i) => `Comp${i}`);

describe('sorting a batch by partition', () => {
  it('routes every key to the same partition each time and takes one list per partition', () => {
    const batches = new PartitionBatches('t', 4);
    const routed = keys.map((key, index) => {
      const message: Message = { key, value: 'v' };
      expect(batches.route(message, index + 1)).toBe(true);
      batches.add(message);
      return message.partition;
    });
    const again = new PartitionBatches('t', 4);
    for (const [index, key] of keys.entries()) {
      const message: Message = { key, value: 'v' };
      again.route(message, index + 1);
      expect(message.partition, key).toBe(routed[index]);
    }
    expect(new Set(routed).size).toBe(4);
    expect(batches.size).toBe(keys.length);
    const taken = batches.take();
    expect(taken.map((t) => t.partition)).toEqual([0, 1, 2, 3]);
    for (const { partition, messages } of taken) expect(messages.every((m) => m.partition === partition)).toBe(true);
    expect(batches.size).toBe(0);
  });

  it('on a resumed run, declines the lines each partition holds already, and only those', () => {
    const plain = new PartitionBatches('t', 4);
    const partitionOf = (key: string) => {
      const message: Message = { key, value: 'v' };
      plain.route(message, 1);
      return message.partition as number;
    };
    const delivered = [50, 0, 120, 199];
    const resumed = new PartitionBatches('t', 4, delivered);
    keys.forEach((key, index) => {
      const line = index + 1;
      expect(resumed.route({ key, value: 'v' }, line), `line ${line}`).toBe(
        line > (delivered[partitionOf(key)] as number),
      );
    });
  });

  it('routes a line by the key bytes it points at, as a message with that key, and declines as route does', () => {
    const headers = new LineHeaders(['a', 'b'], 'n', ['c', 'd']);
    const delivered = [50, 0, 120, 199];
    const byMessage = new PartitionBatches('t', 4, delivered);
    const byLine = new PartitionBatches('t', 4, delivered);
    for (const [index, key] of [...keys, 'Gerät-ü', '', 'abc'].entries()) {
      // The key sits between other bytes, as DstDevice does in its line.
      const bytes = Buffer.from(`1,2,${key},4`);
      const start = 4;
      const line = new LineRecord(
        bytes,
        0,
        bytes.length,
        bytes,
        start,
        start + Buffer.byteLength(key),
        index + 1,
        0,
        headers,
      );
      const message: Message = { key, value: 'v' };
      expect(byLine.routeLine(line), key).toBe(byMessage.route(message, index + 1));
      expect(line.partition, key).toBe(message.partition);
      byLine.add(line);
    }
    expect(
      byLine.take().flatMap(({ partition, messages }) => messages.map((m) => m.partition === partition)),
    ).not.toContain(false);
  });
});
