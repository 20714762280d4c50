// The dashboard page's script: renders each snapshot the server pushes over server-sent events.
// Every value from the state goes in as text (textContent, or Chart.js labels drawn on a canvas),
// never as HTML, so a device may be named anything and still shows as its characters.
import type { Chart as ChartJs } from 'chart.js';
import type { CheckRecord, HourlySeries, PartitionLag, Snapshot } from '../snapshot.ts';

// Chart.js's browser build, loaded before this script, defines the global `Chart`.
declare const Chart: typeof ChartJs;

const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed'];
const BAR_COLOR = '#2563eb';
const BELOW_THRESHOLD_COLOR = '#9ca3af';
const THRESHOLD_COLOR = '#dc2626';

/** When the state shown was read, for the status line while Redis is away. */
let clockOfLastState: string | undefined;
/** What each chart last drew: a chart is redrawn only when its data changed, so a quiet state is still. */
const drawn = { top: '', hourly: '' };

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const n = (value: number) => value.toLocaleString('en-US');
const perSecond = (value: number | null) => (value === null ? '–' : `${n(Math.round(value))} flows/s`);
const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB');
const counted = (value: number, what: string) => `${n(value)} ${what}${value === 1 ? '' : 's'}`;

function setText(id: string, text: string): void {
  element(id).textContent = text;
}

function setStatus(text: string, state: 'live' | 'down' | 'idle'): void {
  const status = element('status');
  status.textContent = text;
  status.className = `status ${state}`;
}

/** A table body's rows, each cell set as text. */
function fillRows(table: string, rows: readonly (readonly string[])[], numberFrom = 1): void {
  const body = element<HTMLTableElement>(table).tBodies[0] as HTMLTableSectionElement;
  body.replaceChildren(
    ...rows.map((cells) => {
      const row = document.createElement('tr');
      cells.forEach((text, i) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (i >= numberFrom) cell.className = 'number';
        row.append(cell);
      });
      return row;
    }),
  );
}

const topChart = new Chart<'bar' | 'line', number[], string>(element<HTMLCanvasElement>('top-chart'), {
  type: 'bar',
  data: {
    labels: [],
    datasets: [
      { label: 'web requests', data: [], backgroundColor: [] },
      {
        type: 'line',
        label: 'min count',
        data: [],
        borderColor: THRESHOLD_COLOR,
        borderDash: [6, 4],
        borderWidth: 3,
        pointRadius: 0,
      },
    ],
  },
  options: {
    indexAxis: 'y',
    maintainAspectRatio: false,
    animation: { duration: 400 },
    scales: { x: { beginAtZero: true, title: { display: true, text: 'web requests' } } },
  },
});

const hourlyChart = new Chart<'line', number[], string>(element<HTMLCanvasElement>('hourly-chart'), {
  type: 'line',
  data: { labels: [], datasets: [] },
  options: {
    maintainAspectRatio: false,
    animation: false,
    elements: { point: { radius: 2 } },
    scales: {
      x: { title: { display: true, text: 'event-time hour H = floor(Time / 3600)' } },
      y: { beginAtZero: true, title: { display: true, text: 'web requests' } },
    },
  },
});

/** Event time as LANL counts it: seconds from the start of day 1. */
function eventTime(seconds: number): string {
  const day = Math.floor(seconds / 86_400) + 1;
  const time = new Date((seconds % 86_400) * 1000).toISOString().slice(11, 19);
  return `day ${day} ${time}`;
}

function renderTop(snapshot: Snapshot): void {
  const { top, minCount } = snapshot;
  const [bars, threshold] = topChart.data.datasets;
  const key = JSON.stringify([top, minCount]);
  if (bars === undefined || threshold === undefined || key === drawn.top) return;
  drawn.top = key;
  topChart.data.labels = top.map((d) => d.device);
  bars.data = top.map((d) => d.webRequests);
  bars.backgroundColor = top.map((d) => (d.webRequests >= minCount ? BAR_COLOR : BELOW_THRESHOLD_COLOR));
  threshold.label = `min count ${n(minCount)}: likely web servers at or beyond`;
  threshold.data = top.map(() => minCount);
  topChart.update();
  fillRows(
    'ranking',
    top.map((d, i) => [String(i + 1), d.device, n(d.webRequests)]),
    2,
  );
}

/** The server sends only the last hours counted (a week's worth): says how many came before. */
function earlier(hourly: HourlySeries): string {
  return hourly.earlierHours === 0
    ? ''
    : `; only the last ${n(hourly.hours.length)} hours counted are shown, ${n(hourly.earlierHours)} earlier ones are not`;
}

function renderHourly(hourly: HourlySeries, watermark: number | null): void {
  const key = JSON.stringify(hourly);
  if (key !== drawn.hourly) {
    drawn.hourly = key;
    hourlyChart.data.labels = hourly.hours.map(String);
    // Datasets are changed in place, so a line hidden by a click on the legend stays hidden.
    const { datasets } = hourlyChart.data;
    datasets.length = Math.min(datasets.length, hourly.devices.length);
    hourly.devices.forEach((series, i) => {
      const color = PALETTE[i % PALETTE.length];
      const dataset = datasets[i];
      if (dataset === undefined) {
        datasets.push({ label: series.device, data: [...series.counts], borderColor: color, backgroundColor: color });
      } else {
        dataset.label = series.device;
        dataset.data = [...series.counts];
      }
    });
    hourlyChart.update();
  }
  const first = hourly.hours[0];
  const last = hourly.hours.at(-1);
  const final = watermark === null ? '' : `; hours before ${n(Math.floor(watermark / 3600))} are final`;
  setText(
    'hourly-note',
    first === undefined || last === undefined
      ? 'no hourly counts yet'
      : `${hourly.hours.length} hours, ${first} (${eventTime(first * 3600)}) to ${last} (${eventTime(last * 3600)})${final}${earlier(hourly)}`,
  );
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
  setStatus(`live: ${snapshot.keyPrefix}:*, topic ${snapshot.topic}, read at ${clockOfLastState}${kafka}`, 'live');
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
