/**
 * A list that draws only the rows in view (plus a few either side) inside a scrolling box of fixed
 * height: 10,000 households scroll as smoothly as 10, and every one is reachable.
 */
import { useState, type ReactNode } from 'react';

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  keyOf: (item: T) => string;
  children: (item: T, index: number) => ReactNode;
  className?: string;
  testId?: string;
}

const OVERSCAN = 6;

export function VirtualList<T>({ items, rowHeight, height, keyOf, children, className, testId }: Props<T>) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + OVERSCAN);
  const boxHeight = Math.min(height, items.length * rowHeight);
  return (
    <div
      className="virtual-list"
      style={{ height: boxHeight, overflowY: 'auto', position: 'relative' }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      data-testid={testId}
      data-total={items.length}
      data-first={first}
      data-last={last}
    >
      <ul className={className} style={{ height: items.length * rowHeight, position: 'relative', margin: 0 }}>
        {items.slice(first, last).map((item, i) => (
          <li key={keyOf(item)} style={{ position: 'absolute', top: (first + i) * rowHeight, left: 0, right: 0, height: rowHeight }} data-index={first + i}>
            {children(item, first + i)}
          </li>
        ))}
      </ul>
    </div>
  );
}
