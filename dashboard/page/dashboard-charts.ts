// The dashboard page's two charts: the top devices as bars against the threshold, and the hourly
// counts of the top five as lines. Chart.js draws labels on a canvas, as text.
import type { Chart as ChartJs } from 'chart.js';
import type { HourlySeries, Snapshot } from '../snapshot.ts';
// The browser asks for the served name: the page's modules are served as .js (page-assets.ts).
import { element, eventTime, fillRows, n, setText } from './page-text.js';

// Chart.js's browser build, loaded before this script, defines the global `Chart`.
declare const Chart: typeof ChartJs;

const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed'];
const BAR_COLOR = '#2563eb';
const BELOW_THRESHOLD_COLOR = '#9ca3af';
const THRESHOLD_COLOR = '#dc2626';

/** What each chart last drew: a chart is redrawn only when its data changed, so a quiet state is still. */
const drawn = { top: '', hourly: '' };

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

export function renderTop(snapshot: Snapshot): void {
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

export function renderHourly(hourly: HourlySeries, watermark: number | null): void {
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
