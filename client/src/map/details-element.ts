/** The details popup of a map marker as plain DOM (no Leaflet): title, rows, badges, lines. */
import type { MarkerDetails } from './markers.js';

export function detailsElement(d: MarkerDetails): HTMLElement {
  const root = document.createElement('div');
  root.className = 'map-details';
  const kind = document.createElement('p');
  kind.className = 'map-details-kind';
  kind.textContent = d.kindLabel;
  const title = document.createElement('h3');
  title.textContent = d.title;
  root.append(kind, title);
  if (d.rows.length > 0) {
    const dl = document.createElement('dl');
    for (const row of d.rows) {
      const dt = document.createElement('dt');
      dt.textContent = row.label;
      const dd = document.createElement('dd');
      dd.textContent = row.value;
      dl.append(dt, dd);
    }
    root.append(dl);
  }
  if (d.flags.length > 0) {
    const flags = document.createElement('p');
    flags.className = 'map-details-flags';
    for (const f of d.flags) {
      const span = document.createElement('span');
      span.className = 'badge';
      span.textContent = f;
      flags.append(span);
    }
    root.append(flags);
  }
  if (d.lines.length > 0) {
    const ul = document.createElement('ul');
    for (const line of d.lines.slice(0, 40)) {
      const li = document.createElement('li');
      li.textContent = line;
      ul.append(li);
    }
    if (d.lines.length > 40) {
      const li = document.createElement('li');
      li.textContent = `…and ${d.lines.length - 40} more`;
      ul.append(li);
    }
    root.append(ul);
  }
  return root;
}
