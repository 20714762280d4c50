import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keyPartitioner, murmur2, partitionOfKey } from '../../../producer/key-partitioner.ts';

// kafkajs' own murmur2 (64-bit Long arithmetic), the reference the 32-bit version must match.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: string | Buffer,
) => number;

const keys = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'Comp123456',
  'EnterpriseAppServer',
  'ActiveDirectory',
  'IP42',
  'Comp00000000000000000000000000000000001',
  'Gerät-ü',
  '数据中心',
  '\u007f\u0080',
  ...Array.from({ length: 2000 }, (_, i) => `Comp${(i * 7919) % 100_003}`),
];

const metadata = (partitions: number): PartitionMetadata[] =>
  Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [],
    isr: [],
    partitionErrorCode: 0,
  }));

describe('the key partitioner', () => {
  it('computes the same murmur2 as kafkajs for ASCII, non-ASCII and every tail length', () => {
    for (const key of keys) expect(murmur2(key), key).toBe(kafkajsMurmur2(key));
    for (const key of keys.slice(0, 20)) expect(murmur2(Buffer.from(key)), key).toBe(kafkajsMurmur2(Buffer.from(key)));
  });

  it('puts every key in the partition kafkajs and the Java client give it', () => {
    const reference = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 4, 12]) {
      const partitionMetadata = metadata(partitions);
      for (const key of keys) {
        const expected = reference({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(partitionOfKey(key, partitions), `${key} of ${partitions}`).toBe(expected);
      }
    }
  });

  it('keeps a partition given to the message, and refuses a message without a key or partition', () => {
    const partitioner = keyPartitioner();
    const partitionMetadata = metadata(4);
    expect(partitioner({ topic: 't', partitionMetadata, message: { key: 'Comp1', value: 'v', partition: 2 } })).toBe(2);
    expect(partitioner({ topic: 't', partitionMetadata, message: { key: 'Comp1', value: 'v' } })).toBe(
      partitionOfKey('Comp1', 4),
    );
    expect(() => partitioner({ topic: 't', partitionMetadata, message: { value: 'v' } })).toThrow(/keyed/);
  });
});
