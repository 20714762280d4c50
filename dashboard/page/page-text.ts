// How the dashboard page writes what it shows: into its elements as text (textContent), never as
// HTML, so a device may be named anything and still shows as its characters; numbers and event
// times in one format.

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

export const n = (value: number) => value.toLocaleString('en-US');

export function setText(id: string, text: string): void {
  element(id).textContent = text;
}

/** A table body's rows, each cell set as text; cells from `numberFrom` on are numbers. */
export function fillRows(table: string, rows: readonly (readonly string[])[], numberFrom = 1): void {
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

/** Event time as LANL counts it: seconds from the start of day 1. */
export function eventTime(seconds: number): string {
  const day = Math.floor(seconds / 86_400) + 1;
  const time = new Date((seconds % 86_400) * 1000).toISOString().slice(11, 19);
  return `day ${day} ${time}`;
}
