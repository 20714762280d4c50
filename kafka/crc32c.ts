// CRC-32C (Castagnoli), the checksum of Kafka's record batch v2, eight bytes a step: the producer
// checksums every batch it sends, about a megabyte each, so a table lookup per byte shows in profiles.

const POLYNOMIAL = 0x82f63b78;

/** Eight tables of 256: table k gives a byte's contribution k bytes further on (slicing-by-8). */
const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    tables[n] = crc;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[(k - 1) * 256 + n] as number;
      tables[k * 256 + n] = (tables[previous & 0xff] as number) ^ (previous >>> 8);
    }
  }
  return tables;
}

/** The CRC-32C of `bytes[start..end)`, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low =
      crc ^
      ((bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24));
    crc =
      (t[7 * 256 + (low & 0xff)] as number) ^
      (t[6 * 256 + ((low >>> 8) & 0xff)] as number) ^
      (t[5 * 256 + ((low >>> 16) & 0xff)] as number) ^
      (t[4 * 256 + (low >>> 24)] as number) ^
      (t[3 * 256 + (bytes[i + 4] as number)] as number) ^
      (t[2 * 256 + (bytes[i + 5] as number)] as number) ^
      (t[256 + (bytes[i + 6] as number)] as number) ^
      (t[bytes[i + 7] as number] as number);
  }
  for (; i < end; i++) crc = (t[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
