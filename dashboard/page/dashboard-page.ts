// The dashboard page's script: renders each snapshot the server pushes over server-sent events.
// Every value from the state goes in as text (page-text.ts, and Chart.js labels drawn on a canvas),
// never as HTML, so a device may be named anything and still shows as its characters.
import type { CheckRecord, PartitionLag, Snapshot } from '../snapshot.ts';
// The browser asks for the served names: the page's modules are served as .js (page-assets.ts).
import { renderHourly, renderTop } from './dashboard-charts.js';
import { element, eventTime, fillRows, n, setText } from './page-text.js';

/** When the state shown was read, for the status line while Redis is away. */
let clockOfLastState: string | undefined;
const perSecond = (value: number | null) => (value === null ? '–' : `${n(Math.round(value))} flows/s`);
const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB');
const counted = (value: number, what: string) => `${n(value)} ${what}${value === 1 ? '' : 's'}`;

function setStatus(text: string, state: 'live' | 'down' | 'idle'): void {
  const status = element('status');
  status.textContent = text;
  status.className = `status ${state}`;
}

function renderLag(partitions: readonly PartitionLag[]): void {
  fillRows(
    'lag',
    partitions.map((p) => [`${p.topic}/${p.partition}`, n(p.applied), n(p.end), n(p.lag)]),
  );
}

function renderCheck(check: CheckRecord | null): void {
  const verdict = element('check');
  const table = element<HTMLTableElement>('check-differences');
  if (check === null) {
    verdict.textContent = 'not run yet (npx flowwatch verify; npm start runs it at the end)';
    verdict.className = 'check';
    table.hidden = true;
    return;
  }
  const partial = check.complete ? '' : ' (partial: the state was not complete)';
  const when = `checked at ${clock(check.at)}${partial}`;
  if (check.identical) {
    verdict.textContent = `stream and batch agree: ${n(check.devices)} devices, ${n(check.webRequests)} web requests, ${n(check.flows)} flows; ${when}`;
    verdict.className = 'check agree';
    table.hidden = true;
    return;
  }
  verdict.textContent = `stream and batch differ: ${counted(check.devicesDiffering, 'device')} (the first ${check.differences.length} shown) and ${counted(check.totalsDiffering.length, 'total')} do not match; ${when}`;
  verdict.className = 'check differ';
  const signed = (value: number) => (value > 0 ? `+${n(value)}` : n(value));
  fillRows('check-differences', [
    ...check.totalsDiffering.map((t) => [`total ${t.total}`, n(t.batch), n(t.stream), signed(t.stream - t.batch)]),
    ...check.differences.map((d) => [d.device, n(d.batch), n(d.stream), signed(d.difference)]),
  ]);
  table.hidden = false;
}

function render(snapshot: Snapshot): void {
  if (!snapshot.redisReachable) {
    setStatus(`Redis unreachable: retrying; showing what was read at ${clockOfLastState ?? 'no time yet'}`, 'down');
    return;
  }
  clockOfLastState = clock(snapshot.at);
  const kafka = snapshot.kafkaReachable ? '' : '; Kafka unreachable: lag and produced flows/s unknown';
  setStatus(`live: ${snapshot.keyPattern}, topic ${snapshot.topic}, read at ${clockOfLastState}${kafka}`, 'live');
  setText('produced', perSecond(snapshot.producedPerSecond));
  setText('consumed', perSecond(snapshot.consumedPerSecond));
  setText('flows', snapshot.totals === null ? '–' : n(snapshot.totals.flows));
  setText('web-requests', snapshot.totals === null ? '–' : n(snapshot.totals.webRequests));
  setText('likely-label', `likely web servers (≥ ${n(snapshot.minCount)} requests)`);
  setText('likely', n(snapshot.devicesAtMinCount));
  setText(
    'dead-letters',
    snapshot.totals === null || snapshot.deadLetters === null
      ? '–'
      : `${n(snapshot.deadLetters)} (${n(snapshot.totals.invalidLines)} invalid lines, ${n(snapshot.totals.undecodable)} undecodable)`,
  );
  setText('time-outliers', snapshot.totals === null ? '–' : n(snapshot.totals.timeOutliers));
  setText(
    'watermark',
    snapshot.watermark === null
      ? 'none yet'
      : `hour ${n(Math.floor(snapshot.watermark / 3600))}, Time ${n(snapshot.watermark)} (${eventTime(snapshot.watermark)})`,
  );
  const partial = Object.entries(snapshot.countedFrom ?? {});
  setText(
    'counted-from',
    partial.length === 0
      ? 'the start of every partition'
      : `partial count: ${partial.map(([id, from]) => `${id} from offset ${n(from)}`).join(', ')} (Kafka had deleted the messages before)`,
  );
  renderTop(snapshot);
  renderHourly(snapshot.hourly, snapshot.watermark);
  renderLag(snapshot.partitions);
  renderCheck(snapshot.check);
}

const events = new EventSource('/events');
events.addEventListener('message', (event) => render(JSON.parse(event.data) as Snapshot));
events.addEventListener('end', () => {
  events.close();
  setStatus('the dashboard has stopped: this is the last state it read', 'idle');
});
events.addEventListener('error', () => {
  if (events.readyState !== EventSource.CLOSED) setStatus('the dashboard server does not answer: retrying', 'down');
});
