// Deterministic, seeded generator of LANL-2017-shaped netflow lines: a few dozen web servers with
// Zipf-like popularity, a long tail of one-off port-80 targets, busy non-web traffic, replies *from*
// port 80 (which must not count), numeric and anonymised ports, protocols 6/17/1, rising times.

export interface GeneratorOptions {
  /** Number of lines to write. */
  readonly lines: number;
  readonly seed?: number;
  /** Time of the first flow, in seconds (LANL's clock). */
  readonly startTime?: number;
  /** Event-time span of the whole file, in seconds. */
  readonly spanSeconds?: number;
}

export const SAMPLE_SEED = 2017;
export const SAMPLE_LINES = 100_000;
const TWO_DAYS = 2 * 24 * 3600;
const WEB_SERVERS = 40;
const ZIPF_EXPONENT = 1.1;
const WELL_KNOWN_PORTS = ['443', '53', '22', '445', '389', '88', '135', '139', '3389', '8080', '123', '25'];

/** A small, fast, seedable PRNG (mulberry32), so the same seed gives the same bytes everywhere. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields the file as text chunks of about `linesPerChunk` lines, in constant memory. */
export function* generateFlowText(options: GeneratorOptions, linesPerChunk = 2000): Generator<string> {
  const random = randomSource(options.seed ?? SAMPLE_SEED);
  const start = options.startTime ?? 118_781;
  const span = options.spanSeconds ?? TWO_DAYS;
  const int = (n: number) => Math.floor(random() * n);
  const device = () => (random() < 0.9 ? `Comp${String(int(900_000) + 100_000)}` : `IP${String(int(90_000) + 10_000)}`);
  const anonymisedPort = () => `Port${int(90_000) + 1}`;
  const webServers = Array.from({ length: WEB_SERVERS }, (_, rank) =>
    rank === 0 ? 'EnterpriseAppServer' : `Comp${String(100_000 + ((rank * 7919) % 900_000)).padStart(6, '0')}`,
  );
  const zipf = cumulativeZipf(WEB_SERVERS, ZIPF_EXPONENT);
  const pickServer = () => webServers[searchCumulative(zipf, random())] as string;

  let chunk: string[] = [];
  for (let i = 0; i < options.lines; i++) {
    const time = start + Math.floor((span * i) / options.lines);
    const duration = int(20) < 15 ? int(3) : int(3600);
    const roll = random();
    let src: string;
    let dst: string;
    let protocol: string;
    let srcPort: string;
    let dstPort: string;
    if (roll < 0.14) {
      // A request to one of the popular web servers.
      src = device();
      dst = pickServer();
      protocol = '6';
      srcPort = anonymisedPort();
      dstPort = '80';
    } else if (roll < 0.15) {
      // The long tail: a device that receives port 80 once or twice.
      src = device();
      dst = device();
      protocol = '6';
      srcPort = anonymisedPort();
      dstPort = '80';
    } else if (roll < 0.2) {
      // A web server's reply: *from* port 80, so it must not count.
      src = pickServer();
      dst = device();
      protocol = '6';
      srcPort = '80';
      dstPort = anonymisedPort();
    } else if (roll < 0.3) {
      src = device();
      dst = device();
      protocol = '17';
      srcPort = anonymisedPort();
      dstPort = random() < 0.7 ? '53' : '123';
    } else if (roll < 0.33) {
      src = device();
      dst = device();
      protocol = '1';
      srcPort = '0';
      dstPort = '0';
    } else {
      src = device();
      dst = device();
      protocol = '6';
      srcPort = anonymisedPort();
      dstPort = random() < 0.5 ? (WELL_KNOWN_PORTS[int(WELL_KNOWN_PORTS.length)] as string) : anonymisedPort();
    }
    const srcPackets = 1 + int(40);
    const dstPackets = int(40);
    const srcBytes = srcPackets * (40 + int(1400));
    const dstBytes = dstPackets * (40 + int(1400));
    chunk.push(
      `${time},${duration},${src},${dst},${protocol},${srcPort},${dstPort},${srcPackets},${dstPackets},${srcBytes},${dstBytes}\n`,
    );
    if (chunk.length === linesPerChunk) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}

function cumulativeZipf(n: number, exponent: number): number[] {
  const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** exponent);
  const total = weights.reduce((sum, w) => sum + w, 0);
  let running = 0;
  return weights.map((w) => {
    running += w / total;
    return running;
  });
}

function searchCumulative(cumulative: readonly number[], u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] as number) < u) low = mid + 1;
    else high = mid;
  }
  return low;
}
